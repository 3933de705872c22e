package stytchemu

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func (e *Emulator) getOrganization(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	return stytchclient.OrganizationResponse{Response: ok(), Organization: orgWire(o)}, nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9._~-]{2,128}$`)

func (e *Emulator) createOrganization(r *http.Request, req *stytchclient.CreateOrganizationRequest) (any, *apiError) {
	if err := requireFields("organization_name", req.OrganizationName); err != nil {
		return nil, err
	}
	slug := req.OrganizationSlug
	if slug == "" {
		slug = slugify(req.OrganizationName)
	}
	if !slugRE.MatchString(slug) {
		return nil, badRequest("organization_slug must be 2 to 128 characters of a-z, 0-9, '.', '_', '~' or '-'.")
	}
	if e.st.org(slug) != nil {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrDuplicateSlug, "An organization with this slug already exists.")
	}
	policy := orDefault(req.MFAPolicy, stytchclient.MFAPolicyOptional)
	if policy != stytchclient.MFAPolicyOptional && policy != stytchclient.MFAPolicyRequiredForAll {
		return nil, badRequest("mfa_policy must be OPTIONAL or REQUIRED_FOR_ALL.")
	}
	methods := orDefault(req.MFAMethods, stytchclient.MFAMethodsAllAllowed)
	if methods != stytchclient.MFAMethodsAllAllowed && methods != stytchclient.MFAMethodsRestricted {
		return nil, badRequest("mfa_methods must be ALL_ALLOWED or RESTRICTED.")
	}
	jit := orDefault(req.EmailJITProvisioning, "RESTRICTED")
	if jit != "RESTRICTED" && jit != "NOT_ALLOWED" {
		return nil, badRequest("email_jit_provisioning must be RESTRICTED or NOT_ALLOWED.")
	}
	o := e.addOrg(req.OrganizationName, slug, policy)
	o.MFAMethods = methods
	o.AllowedMFAMethods = cloneStrings(req.AllowedMFAMethods)
	o.EmailAllowedDomains = cloneStrings(req.EmailAllowedDomains)
	o.EmailJITProvisioning = jit
	return stytchclient.OrganizationResponse{Response: ok(), Organization: orgWire(o)}, nil
}

// addOrg stores an organization with Stytch's defaults.
func (e *Emulator) addOrg(name, slug, policy string) *stytchclient.Organization {
	now := ts(e.Now())
	o := &stytchclient.Organization{
		OrganizationID:                     newID("organization"),
		OrganizationName:                   name,
		OrganizationSlug:                   slug,
		SSOJITProvisioning:                 "ALL_ALLOWED",
		EmailJITProvisioning:               "RESTRICTED",
		EmailInvites:                       "ALL_ALLOWED",
		AuthMethods:                        "ALL_ALLOWED",
		MFAPolicy:                          policy,
		MFAMethods:                         stytchclient.MFAMethodsAllAllowed,
		OAuthTenantJITProvisioning:         "NOT_ALLOWED",
		FirstPartyConnectedAppsAllowedType: "ALL_ALLOWED",
		ThirdPartyConnectedAppsAllowedType: "ALL_ALLOWED",
		CreatedAt:                          now,
		UpdatedAt:                          now,
	}
	e.st.orgs = append(e.st.orgs, o)
	return o
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(name string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
}
