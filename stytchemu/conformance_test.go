package stytchemu_test

import (
	"net/http/httptest"
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
}
