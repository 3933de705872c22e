package stytchemu

import (
	"net/http"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// The emulator has no identity providers, so an organization has no SSO
// connections: listing them answers three empty lists, which is what
// Stytch answers for an organization without any.

// ssoConnectionsResponse answers GET /v1/b2b/sso/{organization_id}.
type ssoConnectionsResponse struct {
	stytchclient.Response
	SAMLConnections     []any `json:"saml_connections"`
	OIDCConnections     []any `json:"oidc_connections"`
	ExternalConnections []any `json:"external_connections"`
}

func (e *Emulator) getSSOConnections(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	if err := e.authorizeOn(r, o.OrganizationID, resourceSSO, actGet); err != nil {
		return nil, err
	}
	return ssoConnectionsResponse{Response: ok(), SAMLConnections: []any{}, OIDCConnections: []any{}, ExternalConnections: []any{}}, nil
}
