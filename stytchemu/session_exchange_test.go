package stytchemu_test

import (
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestSessionExchange(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	// Max of Acme is invited to Initech and, with a phone, a member of Globex.
	v.req("POST", "/v1/b2b/magic_links/email/invite", map[string]any{"organization_id": v.demo.Bulk.ID, "email_address": acme.Member.Email}).ok(nil)
	var g stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/organizations/"+glx.ID+"/members", map[string]any{"email_address": acme.Member.Email, "mfa_phone_number": newPhone}).ok(&g)
	session := v.session(acme.ID, acme.Member.Email)

	var in loginAnswer
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": "initech", "session_token": session}).ok(&in)
	if !in.MemberAuthenticated || in.SessionToken == "" || in.SessionToken == session || in.Member.Status != "active" || in.Organization.OrganizationSlug != "initech" ||
		len(in.MemberSession.AuthenticationFactors) != 1 || in.MemberSession.AuthenticationFactors[0].Type != "magic_link" {
		t.Fatalf("into Initech: %+v", in)
	}
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": session}).ok(nil) // the first session stays

	// Globex requires MFA: an intermediate session, the code already sent.
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": glx.ID, "session_jwt": in.SessionJWT}).ok(&in)
	if in.MemberAuthenticated || in.IntermediateSessionToken == "" || in.MFARequired.SecondaryAuthInitiated != "sms_otp" || in.MemberID != g.MemberID {
		t.Fatalf("into Globex: %+v", in)
	}
	v.auth(map[string]any{"organization_id": glx.ID, "member_id": g.MemberID, "code": v.code(newPhone), "intermediate_session_token": in.IntermediateSessionToken}).ok(nil)

	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": "hooli", "session_token": session}).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	other := v.session(acme.ID, acme.Admin.Email)
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": glx.ID, "session_token": other}).fails(http.StatusNotFound, "member_does_not_exist_in_organization")
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": glx.ID}).fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)
	v.req("POST", "/v1/b2b/sessions/exchange", map[string]any{"organization_id": glx.ID, "session_token": "nope"}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
}

func TestGetSessions(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	first := v.session(acme.ID, acme.Member.Email)
	v.clock.Advance(60e9)
	v.session(acme.ID, acme.Member.Email)
	list := func() (out struct {
		MemberSessions []stytchclient.MemberSession `json:"member_sessions"`
	}) {
		t.Helper()
		v.req("GET", "/v1/b2b/sessions?organization_id=acme&member_id="+acme.Member.ID, nil).ok(&out)
		return out
	}
	if got := list().MemberSessions; len(got) != 2 || got[0].StartedAt >= got[1].StartedAt || got[0].MemberID != acme.Member.ID {
		t.Fatalf("sessions: %+v", got)
	}
	v.req("POST", "/v1/b2b/sessions/revoke", map[string]any{"session_token": first}).ok(nil)
	if got := list().MemberSessions; len(got) != 1 {
		t.Fatalf("after revoking one: %+v", got)
	}
	v.req("GET", "/v1/b2b/sessions?organization_id=acme", nil, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("GET", "/v1/b2b/sessions?organization_id=acme&member_id=member-test-nope", nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
}

func TestAuthorizationCheck(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	check := func(token, org, resource, action string) *resp {
		return v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": token,
			"authorization_check": map[string]any{"organization_id": org, "resource_id": resource, "action": action}})
	}
	admin, member := v.session(acme.ID, acme.Admin.Email), v.session(acme.ID, acme.Member.Email)
	var out stytchclient.AuthenticateSessionResponse
	check(admin, acme.ID, "stytch.member", "delete").ok(&out)
	if out.Verdict == nil || !out.Verdict.Authorized || len(out.Verdict.GrantingRoles) != 1 || out.Verdict.GrantingRoles[0] != "stytch_admin" {
		t.Fatalf("admin verdict: %+v", out.Verdict)
	}
	check(member, acme.ID, "stytch.self", "update.info.name").ok(&out)
	if out.Verdict.GrantingRoles[0] != "stytch_member" {
		t.Fatalf("member verdict: %+v", out.Verdict)
	}
	check(member, acme.ID, "stytch.member", "delete").fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	check(admin, v.orgGlobex().ID, "stytch.member", "delete").fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": admin}).ok(&out)
	if out.Verdict != nil {
		t.Fatalf("a verdict without a check: %+v", out.Verdict)
	}
}

func TestSSOAndPolicy(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	var conns map[string]any
	v.req("GET", "/v1/b2b/sso/acme", nil).ok(&conns)
	for _, k := range []string{"saml_connections", "oidc_connections", "external_connections"} {
		if l, ok := conns[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s: %v", k, conns[k])
		}
	}
	v.req("GET", "/v1/b2b/sso/"+acme.ID, nil, asSession(v.session(acme.ID, acme.Member.Email))).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("GET", "/v1/b2b/sso/nope", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)

	var policy struct {
		Policy struct {
			Roles []struct {
				RoleID      string `json:"role_id"`
				Permissions []struct {
					ResourceID string   `json:"resource_id"`
					Actions    []string `json:"actions"`
				} `json:"permissions"`
			} `json:"roles"`
			Resources []struct {
				ResourceID string `json:"resource_id"`
			} `json:"resources"`
		} `json:"policy"`
	}
	v.req("GET", "/v1/b2b/rbac/policy", nil).ok(&policy)
	roles := policy.Policy.Roles
	if len(roles) != 2 || roles[0].RoleID != "stytch_member" || roles[0].Permissions[0].ResourceID != "stytch.self" ||
		roles[1].RoleID != "stytch_admin" || roles[1].Permissions[0].Actions[0] != "*" || len(policy.Policy.Resources) != 5 {
		t.Fatalf("policy: %+v", policy.Policy)
	}
}
