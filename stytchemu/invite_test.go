package stytchemu_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestInvite(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	invite := func(body map[string]any, opts ...opt) *resp {
		t.Helper()
		return v.req("POST", "/v1/b2b/magic_links/email/invite", body, opts...)
	}
	var out stytchclient.MemberResponse
	invite(map[string]any{"organization_id": "acme", "email_address": "Newbie@Acme.example", "name": "Nina Newbie", "roles": []string{"stytch_admin"},
		"invite_redirect_url": "http://localhost:3000/invite", "untrusted_metadata": map[string]any{"team": "ops"}, "invited_by_member_id": acme.Admin.ID}).ok(&out)
	m := out.Member
	if m.Status != "invited" || m.EmailAddress != "newbie@acme.example" || m.Name != "Nina Newbie" || !m.IsAdmin || m.UntrustedMetadata["team"] != "ops" || m.EmailAddressVerified {
		t.Fatalf("invited member: %+v", m)
	}
	msg, _ := v.emu.LastMessage("newbie@acme.example")
	u, _ := url.Parse(msg.Link)
	if !strings.HasPrefix(msg.Link, "http://localhost:3000/invite?") || u.Query().Get("stytch_token_type") != "multi_tenant_magic_links" || msg.MemberID != m.MemberID {
		t.Fatalf("invite e-mail: %+v", msg)
	}
	// Accepting the invite is a magic-link login; the member becomes active.
	var login stytchclient.AuthenticateMagicLinkResponse
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": u.Query().Get("token")}).ok(&login)
	if !login.MemberAuthenticated || login.Member.Status != "active" || !login.Member.EmailAddressVerified {
		t.Fatalf("accepted invite: %+v", login.Member)
	}
	invite(map[string]any{"organization_id": acme.ID, "email_address": "newbie@acme.example"}).fails(http.StatusBadRequest, "duplicate_member_email")

	// A pending member becomes invited; invites last a week.
	var pending stytchclient.LoginOrSignupResponse
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "maybe@acme.example"}).ok(&pending)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "maybe@acme.example"}).ok(&out)
	if out.MemberID != pending.MemberID || out.Member.Status != "invited" {
		t.Fatalf("pending → invited: %+v", out.Member)
	}
	msg, _ = v.emu.LastMessage("maybe@acme.example")
	u, _ = url.Parse(msg.Link)
	v.clock.Advance(7*24*time.Hour - time.Minute)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": u.Query().Get("token")}).ok(nil)

	// The organization's email_invites setting, the redirect list, RBAC.
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID, map[string]any{"email_invites": "RESTRICTED"}).ok(nil)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "outsider@other.example"}).fails(http.StatusBadRequest, "invalid_email_for_invites")
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID, map[string]any{"email_invites": "NOT_ALLOWED"}).ok(nil)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "second@acme.example"}).fails(http.StatusBadRequest, "invalid_email_for_invites")
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID, map[string]any{"email_invites": "ALL_ALLOWED"}).ok(nil)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example", "invite_redirect_url": "https://evil.example/"}).
		fails(http.StatusBadRequest, "no_match_for_provided_magic_link_url")
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example", "roles": []string{"wizard"}}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example", "invited_by_member_id": "member-test-nope"}).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	member := v.session(acme.ID, acme.Member.Email)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example"}, asSession(member)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	admin := v.session(acme.ID, acme.Admin.Email)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example", "trusted_metadata": map[string]any{}}, asSession(admin)).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	invite(map[string]any{"organization_id": acme.ID, "email_address": "x@acme.example"}, asSession(admin)).ok(nil)
}
