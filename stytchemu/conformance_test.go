package stytchemu_test

import (
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// TestConformsToOpenAPI runs every emulated endpoint, successes and errors,
// through the OpenAPI harness, which checks each request and answer.
func TestConformsToOpenAPI(t *testing.T) {
	spec := openapitest.Load(t)
	checkShapes(spec)
	clock := stytchemu.NewFakeClock(start)
	emu, err := stytchemu.New(stytchemu.Options{Clock: clock, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(spec.Handler(t, emu.Handler()))
	t.Cleanup(srv.Close)
	v := &env{t: t, emu: emu, srv: srv, clock: clock, demo: emu.Demo()}
	acme := v.orgAcme()

	login := v.login(acme.ID, acme.Member.Email)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone, "session_token": login.SessionToken}).ok(nil)
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": v.code(newPhone), "session_token": login.SessionToken, "set_mfa_enrollment": "enroll"}).ok(nil)
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": "000000", "session_token": login.SessionToken}).fails(404, stytchclient.ErrOTPCodeNotFound)
	mfa := v.login(acme.ID, acme.Enrolled.Email)
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Enrolled.ID, "code": v.code(acme.Enrolled.Phone), "intermediate_session_token": mfa.IntermediateSessionToken}).ok(nil)
	v.member(acme.ID, acme.Member.ID)
	v.req("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{acme.ID}, "limit": 2}).ok(nil)
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID+"/members/"+acme.Member.ID, map[string]any{"mfa_enrolled": false}, asSession(login.SessionToken)).ok(nil)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/mfa_phone_numbers/"+acme.Member.ID, nil, asSession(login.SessionToken)).ok(nil)
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Initrode"}).ok(nil)
	v.req("POST", "/v1/b2b/organizations/initrode/members", map[string]any{"email_address": "peter@initrode.example"}).ok(nil)
	v.req("GET", "/v1/b2b/organizations/initrode", nil).ok(nil)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_jwt": login.SessionJWT}).ok(nil)
	v.req("POST", "/v1/b2b/sessions/revoke", map[string]any{"session_token": login.SessionToken}).ok(nil)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": login.SessionToken}).fails(404, stytchclient.ErrSessionNotFound)
	v.req("GET", "/v1/b2b/sessions/jwks/"+emu.ProjectID(), nil, noAuth).ok(nil)
	bound := v.pkceToken(acme.ID, acme.Member.Email, rfcChallenge)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": bound, "pkce_code_verifier": "wrong-verifier-0123456789abcdefghijklmnopqrs"}).fails(400, stytchclient.ErrPKCEMismatch)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": bound, "pkce_code_verifier": rfcVerifier}).ok(nil)

	// Discovery: send, authenticate, list, exchange (a full session at Acme,
	// MFA pending at Globex), create an organization.
	ist := v.discoveryIST(acme.Admin.Email)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": ist}).ok(nil)
	var admin struct {
		SessionToken string `json:"session_token"`
	}
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": acme.ID}).ok(&admin)
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": v.discoveryIST(v.orgGlobex().Admin.Email), "organization_id": "globex"}).ok(nil)
	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": v.discoveryIST("founder@hooli.example"), "organization_name": "Hooli"}).ok(nil)
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": acme.ID, "session_token": admin.SessionToken}).ok(nil)
	v.req("GET", "/v1/b2b/sessions?organization_id="+acme.ID+"&member_id="+acme.Admin.ID, nil).ok(nil)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": admin.SessionToken,
		"authorization_check": map[string]any{"organization_id": acme.ID, "resource_id": "stytch.member", "action": "search"}}).ok(nil)

	// Organizations and members, as an admin would run them.
	v.req("POST", "/v1/b2b/organizations/search", map[string]any{"query": map[string]any{"operator": "AND",
		"operands": []any{map[string]any{"filter_name": "organization_slugs", "filter_value": []string{"acme"}}}}}).ok(nil)
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID, map[string]any{"organization_name": "Acme Incorporated"}, asSession(admin.SessionToken)).ok(nil)
	v.req("GET", "/v1/b2b/sso/"+acme.ID, nil, asSession(admin.SessionToken)).ok(nil)
	v.req("GET", "/v1/b2b/rbac/policy", nil).ok(nil)
	v.req("GET", "/v1/b2b/rbac/organizations/"+acme.ID, nil).ok(nil)
	var invited stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/magic_links/email/invite", map[string]any{"organization_id": acme.ID, "email_address": "newhire@acme.example"}, asSession(admin.SessionToken)).ok(&invited)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/"+acme.Member.ID, nil, asSession(admin.SessionToken)).ok(nil)
	v.req("GET", "/v1/b2b/organizations/members/dangerously_get/"+acme.Member.ID+"?include_deleted=true", nil).ok(nil)
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID+"/members/"+acme.Member.ID+"/reactivate", map[string]any{}, asSession(admin.SessionToken)).ok(nil)
	v.req("DELETE", "/v1/b2b/organizations/initrode", nil).ok(nil)

	// Authenticator app and recovery codes: create and confirm the app, log
	// in again with a recovery code, list and rotate the codes, remove the app.
	initech := v.demo.Bulk
	created, tok := v.setUpTOTP(initech.ID, initech.Member)
	mfaLogin := v.login(initech.ID, initech.Member.Email)
	v.recoverCode(map[string]any{"organization_id": initech.ID, "member_id": initech.Member.ID, "recovery_code": created.RecoveryCodes[0],
		"intermediate_session_token": mfaLogin.IntermediateSessionToken}).ok(nil)
	v.req("GET", recoveryCodesPath(initech.ID, initech.Member.ID), nil).ok(nil)
	v.req("POST", "/v1/b2b/recovery_codes/rotate", map[string]any{"organization_id": initech.ID, "member_id": initech.Member.ID}).ok(nil)
	v.req("DELETE", deleteTOTPPath(initech.ID, initech.Member.ID), nil, asSession(tok)).ok(nil)

	spec.RequireSeen(t,
		"POST /v1/b2b/otps/sms/send 200",
		"POST /v1/b2b/otps/sms/authenticate 200",
		"POST /v1/b2b/otps/sms/authenticate 404",
		"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id} 200",
		"GET /v1/b2b/organizations/{organization_id}/member 200",
		"POST /v1/b2b/organizations/members/search 200",
		"PUT /v1/b2b/organizations/{organization_id}/members/{member_id} 200",
		"POST /v1/b2b/organizations/{organization_id}/members 200",
		"GET /v1/b2b/organizations/{organization_id} 200",
		"POST /v1/b2b/organizations 200",
		"POST /v1/b2b/magic_links/email/login_or_signup 200",
		"POST /v1/b2b/magic_links/authenticate 200",
		"POST /v1/b2b/magic_links/authenticate 400",
		"POST /v1/b2b/sessions/authenticate 200",
		"POST /v1/b2b/sessions/authenticate 404",
		"POST /v1/b2b/sessions/revoke 200",
		"GET /v1/b2b/sessions/jwks/{project_id} 200",
	)
	// Every route the emulator serves was answered 200 above and checked.
	seen := spec.Seen()
	for _, route := range emu.Routes() {
		// DELETE …/members/{member}/{factor} is Stytch's …/members/{member_id}/totp,
		// the only factor it serves (a wildcard only so that ServeMux accepts it).
		route := strings.Replace(route, "/{factor}", "/totp", 1)
		if !slices.ContainsFunc(seen, func(s string) bool { return sameRoute(s, route+" 200") }) {
			t.Errorf("%s never answered 200 in this test; add a call", route)
		}
	}
}

// sameRoute compares "METHOD /path STATUS" keys whose path wildcards may be
// named differently ({org} in the emulator, {organization_id} in the spec).
func sameRoute(a, b string) bool {
	return wildcard.ReplaceAllString(a, "{}") == wildcard.ReplaceAllString(b, "{}")
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)
