package stytchemu_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// discovered is the part of a discovery answer the tests read.
type discovered struct {
	IntermediateSessionToken string  `json:"intermediate_session_token"`
	EmailAddress             string  `json:"email_address"`
	OrganizationIDHint       *string `json:"organization_id_hint"`
	DiscoveredOrganizations  []struct {
		MemberAuthenticated bool                          `json:"member_authenticated"`
		Organization        stytchclient.Organization     `json:"organization"`
		MFARequired         *stytchclient.MFARequired     `json:"mfa_required"`
		PrimaryRequired     *stytchclient.PrimaryRequired `json:"primary_required"`
		Membership          struct {
			Type   string               `json:"type"`
			Member *stytchclient.Member `json:"member"`
		} `json:"membership"`
	} `json:"discovered_organizations"`
}

// loginAnswer is the part of an exchange answer the tests read.
type loginAnswer struct {
	MemberID                 string                      `json:"member_id"`
	MemberAuthenticated      bool                        `json:"member_authenticated"`
	IntermediateSessionToken string                      `json:"intermediate_session_token"`
	SessionToken             string                      `json:"session_token"`
	SessionJWT               string                      `json:"session_jwt"`
	MemberSession            *stytchclient.MemberSession `json:"member_session"`
	MFARequired              *stytchclient.MFARequired   `json:"mfa_required"`
	Member                   stytchclient.Member         `json:"member"`
	Organization             stytchclient.Organization   `json:"organization"`
}

func (d discovered) types() map[string]string {
	out := map[string]string{}
	for _, o := range d.DiscoveredOrganizations {
		out[o.Organization.OrganizationSlug] = o.Membership.Type
	}
	return out
}

func TestDiscoveryLinkAndOrganizations(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	// Gus (a Globex member) also belongs to Acme, invited there.
	v.req("POST", "/v1/b2b/magic_links/email/invite", map[string]any{"organization_id": acme.ID, "email_address": glx.Member.Email}).ok(nil)

	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": glx.Member.Email, "discovery_redirect_url": "http://localhost:3000/discover"}).ok(nil)
	msg, _ := v.emu.LastMessage(glx.Member.Email)
	u, _ := url.Parse(msg.Link)
	if !strings.HasPrefix(msg.Link, "http://localhost:3000/discover?") || u.Query().Get("stytch_token_type") != "discovery" || msg.OrganizationID != "" {
		t.Fatalf("discovery e-mail: %+v", msg)
	}
	token := u.Query().Get("token")
	var d discovered
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": token}).ok(&d)
	if d.EmailAddress != glx.Member.Email || d.IntermediateSessionToken == "" || len(d.DiscoveredOrganizations) != 2 {
		t.Fatalf("discovery answer: %+v", d)
	}
	if got := d.types(); got["acme"] != "invited_member" || got["globex"] != "active_member" {
		t.Fatalf("memberships: %v", got)
	}
	for _, o := range d.DiscoveredOrganizations {
		// Globex requires MFA of everyone; Acme does not of Gus.
		if mfa := o.Organization.OrganizationSlug == "globex"; o.MemberAuthenticated == mfa || (o.MFARequired != nil) != mfa || o.Membership.Member == nil {
			t.Errorf("%s: authenticated=%v mfa=%+v", o.Organization.OrganizationSlug, o.MemberAuthenticated, o.MFARequired)
		}
	}
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": token}).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": "nope"}).fails(http.StatusNotFound, stytchclient.ErrMagicLinkNotFound)

	// Listing again does not use the intermediate session up; the hint is null.
	var again discovered
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": d.IntermediateSessionToken}).ok(&again)
	if len(again.DiscoveredOrganizations) != 2 || again.OrganizationIDHint != nil {
		t.Fatalf("list: %+v", again)
	}
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{}).fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": "x", "session_token": "y"}).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": "nope"}).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)

	// Links expire after an hour by default, and the intermediate session after ten minutes.
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": glx.Member.Email}).ok(nil)
	msg, _ = v.emu.LastMessage(glx.Member.Email)
	u, _ = url.Parse(msg.Link)
	v.clock.Advance(time.Hour)
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": u.Query().Get("token")}).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": d.IntermediateSessionToken}).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)

	// Validation and the redirect allow-list.
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": "not-an-email"}).fails(http.StatusBadRequest, "invalid_email")
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": glx.Member.Email, "discovery_redirect_url": "https://evil.example/"}).
		fails(http.StatusBadRequest, "no_match_for_provided_magic_link_url")
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
}

func TestDiscoveryPKCE(t *testing.T) {
	v := newEnv(t)
	email := v.orgAcme().Member.Email
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": email, "pkce_code_challenge": rfcChallenge}).ok(nil)
	msg, _ := v.emu.LastMessage(email)
	u, _ := url.Parse(msg.Link)
	token := u.Query().Get("token")
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": token}).fails(http.StatusBadRequest, stytchclient.ErrPKCEExpectedCodeVerifier)
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": token, "pkce_code_verifier": rfcVerifier}).ok(nil)
}

func TestDiscoveryExchange(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()

	// No MFA due: a session, and the intermediate session is used up.
	ist := v.discoveryIST(acme.Member.Email)
	var in loginAnswer
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": "acme",
		"session_duration_minutes": 30, "session_custom_claims": map[string]any{"plan": "pro"}}).ok(&in)
	if !in.MemberAuthenticated || in.SessionToken == "" || in.IntermediateSessionToken != "" || in.MemberSession == nil || in.MFARequired != nil ||
		in.MemberID != acme.Member.ID || in.MemberSession.ExpiresAt != start.Add(30*time.Minute).Format(time.RFC3339) || in.MemberSession.CustomClaims["plan"] != "pro" ||
		len(in.MemberSession.AuthenticationFactors) != 1 || in.MemberSession.AuthenticationFactors[0].EmailFactor.EmailAddress != acme.Member.Email {
		t.Fatalf("exchange into Acme: %+v", in)
	}
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": in.SessionToken}).ok(nil)
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": "acme"}).
		fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)

	// MFA due: the same intermediate session, bound to the member, and the
	// SMS already sent; the code finishes the login.
	ist = v.discoveryIST(glx.Enrolled.Email)
	var pending loginAnswer
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": glx.ID}).ok(&pending)
	if pending.MemberAuthenticated || pending.SessionToken != "" || pending.MemberSession != nil || pending.IntermediateSessionToken != ist ||
		pending.MFARequired == nil || pending.MFARequired.SecondaryAuthInitiated != "sms_otp" || pending.MFARequired.MemberOptions.MFAPhoneNumber != glx.Enrolled.Phone {
		t.Fatalf("exchange into Globex: %+v", pending)
	}
	var done stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": glx.ID, "member_id": glx.Enrolled.ID, "code": v.code(glx.Enrolled.Phone), "intermediate_session_token": ist}).ok(&done)
	if f := done.MemberSession.AuthenticationFactors; len(f) != 2 || f[0].Type != "magic_link" || f[1].Type != "otp" {
		t.Fatalf("factors after MFA: %+v", f)
	}

	// Not a member and not eligible by domain; an unknown organization.
	ist = v.discoveryIST("stranger@elsewhere.example")
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": acme.ID}).
		fails(http.StatusBadRequest, "invalid_email_for_jit_provisioning")
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": "nope"}).
		fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"organization_id": acme.ID}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	// A discovery intermediate session is bound to no member: an SMS code cannot use it.
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Enrolled.ID, "intermediate_session_token": ist}).
		fails(http.StatusBadRequest, stytchclient.ErrInvalidISTForOrganization)
}

func TestDiscoveryJoinByDomain(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	// Acme allows acme.example and JIT provisioning: a newcomer there may join.
	ist := v.discoveryIST("newcomer@acme.example")
	var d discovered
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": ist}).ok(&d)
	if got := d.types(); len(got) != 1 || got["acme"] != "eligible_to_join_by_email_domain" || d.DiscoveredOrganizations[0].Membership.Member != nil {
		t.Fatalf("eligible organizations: %+v", d)
	}
	var joined loginAnswer
	v.req("POST", "/v1/b2b/discovery/intermediate_sessions/exchange", map[string]any{"intermediate_session_token": ist, "organization_id": acme.ID}).ok(&joined)
	if !joined.MemberAuthenticated || joined.Member.Status != "active" || !joined.Member.EmailAddressVerified || joined.Member.EmailAddress != "newcomer@acme.example" {
		t.Fatalf("joined: %+v", joined.Member)
	}
	// Closed to JIT provisioning, nobody is eligible.
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID, map[string]any{"email_jit_provisioning": "NOT_ALLOWED"}).ok(nil)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": v.discoveryIST("late@acme.example")}).ok(&d)
	if len(d.DiscoveredOrganizations) != 0 {
		t.Fatalf("eligible despite NOT_ALLOWED: %+v", d)
	}
}

func TestDiscoveryWithSession(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	session := v.session(acme.ID, acme.Member.Email)
	var d discovered
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"session_token": session}).ok(&d)
	if got := d.types(); len(got) != 1 || got["acme"] != "active_member" || d.EmailAddress != acme.Member.Email {
		t.Fatalf("with a session: %+v", d)
	}
	// An MFA-pending intermediate session names its organization as the hint.
	login := v.login(acme.ID, acme.Enrolled.Email)
	v.req("POST", "/v1/b2b/discovery/organizations", map[string]any{"intermediate_session_token": login.IntermediateSessionToken}).ok(&d)
	if d.OrganizationIDHint == nil || *d.OrganizationIDHint != acme.ID {
		t.Fatalf("hint: %+v", d.OrganizationIDHint)
	}
}

func TestCreateOrganizationViaDiscovery(t *testing.T) {
	v := newEnv(t)
	var out loginAnswer
	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": v.discoveryIST("founder@hooli.example")}).ok(&out)
	if !out.MemberAuthenticated || out.Organization.OrganizationName != "Hooli" || out.Organization.OrganizationSlug != "hooli" ||
		!out.Member.IsAdmin || out.Member.Status != "active" || !out.Member.EmailAddressVerified {
		t.Fatalf("created: %+v", out)
	}
	// A common provider names the organization after the person; a taken slug gets a suffix.
	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": v.discoveryIST("hooli@gmail.com")}).ok(&out)
	if out.Organization.OrganizationName != "Hooli" || !strings.HasPrefix(out.Organization.OrganizationSlug, "hooli-") {
		t.Fatalf("second Hooli: %+v", out.Organization)
	}
	// REQUIRED_FOR_ALL: the new admin must enrol first.
	ist := v.discoveryIST("boss@pied.example")
	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": ist, "organization_name": "Pied Piper", "mfa_policy": "REQUIRED_FOR_ALL"}).ok(&out)
	if out.MemberAuthenticated || out.IntermediateSessionToken != ist || out.MFARequired == nil || out.MFARequired.SecondaryAuthInitiated != "" || out.SessionToken != "" {
		t.Fatalf("REQUIRED_FOR_ALL: %+v", out)
	}
	v.send(map[string]any{"organization_id": out.Organization.OrganizationID, "member_id": out.MemberID, "mfa_phone_number": newPhone, "intermediate_session_token": ist}).ok(nil)
	v.auth(map[string]any{"organization_id": out.Organization.OrganizationID, "member_id": out.MemberID, "code": v.code(newPhone), "intermediate_session_token": ist}).ok(nil)

	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": v.discoveryIST("x@acme2.example"), "organization_slug": "acme"}).
		fails(http.StatusBadRequest, stytchclient.ErrDuplicateSlug)
	v.req("POST", "/v1/b2b/discovery/organizations/create", map[string]any{"intermediate_session_token": "nope"}).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)
}
