package zitadelemu

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AccessTokenLifetime is how long an access token lasts: ZITADEL's default
// for an OIDC application.
const AccessTokenLifetime = 12 * time.Hour

// APIAudienceScope puts ZITADEL's own API project into a token's audience;
// without it every API call answers 401 AUTH-7fs1e.
const APIAudienceScope = "urn:zitadel:iam:org:project:id:zitadel:aud"

// accessToken is an opaque bearer token the emulator issued.
type accessToken struct {
	userID      string
	apiAudience bool
	expires     time.Time
	// Set for tokens the OpenID provider issued.
	viaOIDC  bool
	clientID string
	scopes   []string
}

func newOpaqueToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// issueToken stores a token for userID; the caller holds e.mu.
func (e *Emulator) issueToken(userID string, apiAudience bool) (string, time.Time) {
	tok := newOpaqueToken()
	exp := e.Now().Add(AccessTokenLifetime)
	e.tokens[tok] = &accessToken{userID: userID, apiAudience: apiAudience, expires: exp}
	return tok, exp
}

// caller resolves the request's bearer token to a user; the caller holds
// e.mu. A token without ZITADEL's API audience is as good as none.
func (e *Emulator) caller(r *http.Request) (*user, *apiError) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		return nil, errTokenInvalid
	}
	t := e.lookupToken(strings.TrimSpace(raw))
	if t == nil || !t.apiAudience || !e.Now().Before(t.expires) {
		return nil, errTokenInvalid
	}
	u := e.st.user(t.userID)
	if u == nil {
		return nil, errTokenInvalid
	}
	return u, nil
}

// Permissions, from the role mapping in ZITADEL's cmd/defaults.yaml (org
// roles only; the emulator has no instance members).
const (
	permUserRead            = "user.read"
	permUserWrite           = "user.write"
	permUserCredentialWrite = "user.credential.write"
)

var rolePermissions = map[string][]string{
	"ORG_OWNER":        {permUserRead, permUserWrite, permUserCredentialWrite},
	"ORG_USER_MANAGER": {permUserRead, permUserWrite},
	"ORG_OWNER_VIEWER": {permUserRead},
}

// permitted checks that caller holds perm in orgID: no membership there at
// all → 404 AUTHZ-cdgFk, a membership without it → 403 AUTH-AWfge.
func permitted(caller *user, perm, orgID string) *apiError {
	if caller.OrgID != orgID || len(caller.Roles) == 0 {
		return errNoMembership
	}
	for _, role := range caller.Roles {
		if slices.Contains(rolePermissions[role], perm) {
			return nil
		}
	}
	return errNoPermission
}

// selfOr lets a user act on themselves, and others only with perm in the
// target's organization (the command layer's checkPermissionUpdateUser).
func selfOr(caller, target *user, perm string) *apiError {
	if caller.ID == target.ID {
		return nil
	}
	return permitted(caller, perm, target.OrgID)
}
