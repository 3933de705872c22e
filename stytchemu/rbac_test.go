package stytchemu_test

import (
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestRBAC(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	maxLogin := v.login(acme.ID, acme.Member.Email)
	maxTok := maxLogin.SessionToken
	adaTok := v.session(acme.ID, acme.Admin.Email)
	graceLogin := v.login(glx.ID, glx.Admin.Email) // Globex requires MFA: enrol Grace to get a session
	v.send(map[string]any{"organization_id": glx.ID, "member_id": glx.Admin.ID, "mfa_phone_number": "+12015550177", "intermediate_session_token": graceLogin.IntermediateSessionToken}).ok(nil)
	var grace stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": glx.ID, "member_id": glx.Admin.ID, "code": v.code("+12015550177"), "intermediate_session_token": graceLogin.IntermediateSessionToken}).ok(&grace)
	graceTok := grace.SessionToken

	delPhone := func(memberID string) string {
		return "/v1/b2b/organizations/" + acme.ID + "/members/mfa_phone_numbers/" + memberID
	}
	update := "/v1/b2b/organizations/" + acme.ID + "/members/"
	search := "/v1/b2b/organizations/members/search"

	// A plain member acts only on itself.
	v.req("DELETE", delPhone(acme.Enrolled.ID), nil, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", update+acme.Member.ID, map[string]any{"name": "Max M.", "mfa_enrolled": false, "default_mfa_method": "sms_otp"}, asSession(maxTok)).ok(nil)
	v.req("PUT", update+acme.Member.ID, map[string]any{"name": "Max M."}, asJWT(maxLogin.SessionJWT)).ok(nil)
	v.req("PUT", update+acme.Member.ID, map[string]any{"roles": []string{"stytch_admin"}}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", update+acme.Member.ID, map[string]any{"is_breakglass": true}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", update+acme.Admin.ID, map[string]any{"name": "x"}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": "x@acme.example"}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("POST", search, map[string]any{"organization_ids": []string{acme.ID}}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("POST", "/v1/b2b/sessions/revoke", map[string]any{"member_id": acme.Admin.ID}, asSession(maxTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", update+acme.Member.ID, map[string]any{"trusted_metadata": map[string]any{"a": 1}}, asSession(adaTok)).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)

	// An admin acts on members of its own organization only.
	v.req("POST", search, map[string]any{"organization_ids": []string{acme.ID}}, asSession(adaTok)).ok(nil)
	v.req("POST", search, map[string]any{"organization_ids": []string{acme.ID, glx.ID}}, asSession(adaTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("POST", search, map[string]any{"organization_ids": []string{acme.ID}}, asSession(graceTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("DELETE", delPhone(acme.Enrolled.ID), nil, asSession(graceTok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("DELETE", delPhone(acme.Enrolled.ID), nil, asSession(adaTok)).ok(nil)
	v.req("PUT", update+acme.Member.ID, map[string]any{"roles": []string{"stytch_member"}}, asSession(adaTok)).ok(nil)
	v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": "new@acme.example"}, asSession(adaTok)).ok(nil)

	// An unknown session in the header is a 404, whatever the action.
	v.req("DELETE", delPhone(acme.Member.ID), nil, asSession("nope")).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
	v.req("DELETE", delPhone(acme.Member.ID), nil, asJWT("nope")).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)

	// Self revoke, then admin revoke of another member.
	v.req("POST", "/v1/b2b/sessions/revoke", map[string]any{"session_token": maxTok}, asSession(maxTok)).ok(nil)
	other := v.session(acme.ID, acme.Member.Email)
	v.req("POST", "/v1/b2b/sessions/revoke", map[string]any{"member_id": acme.Member.ID}, asSession(adaTok)).ok(nil)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": other}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
}
