package stytchemu_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

func TestMagicLinkLoginWithoutMFA(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	var sent stytchclient.LoginOrSignupResponse
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": "acme", "email_address": "MAX@acme.example"}).ok(&sent)
	if sent.MemberCreated || sent.MemberID != acme.Member.ID {
		t.Fatalf("existing member expected: %+v", sent)
	}
	msg, _ := v.emu.LastMessage(acme.Member.Email)
	u, err := url.Parse(msg.Link)
	if err != nil || !strings.HasPrefix(msg.Link, stytchemu.DefaultRedirectURL+"?") || u.Query().Get("stytch_token_type") != "multi_tenant_magic_links" ||
		len(u.Query().Get("token")) != 44 || msg.Code != "" || !strings.Contains(msg.Body, msg.Link) {
		t.Fatalf("bad e-mail: %+v", msg)
	}
	token := u.Query().Get("token")

	var out stytchclient.AuthenticateMagicLinkResponse
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": token}).ok(&out)
	if !out.MemberAuthenticated || len(out.SessionToken) != 44 || out.SessionJWT == "" || out.IntermediateSessionToken != "" ||
		out.MFARequired != nil || out.MemberSession == nil || out.OrganizationID != acme.ID {
		t.Fatalf("authenticated login expected: %+v", out)
	}
	ms := out.MemberSession
	if ms.ExpiresAt != start.Add(time.Hour).Format(time.RFC3339) || !strings.HasPrefix(ms.MemberSessionID, "member-session-test-") ||
		len(ms.AuthenticationFactors) != 1 || ms.AuthenticationFactors[0].EmailFactor.EmailAddress != acme.Member.Email || ms.OrganizationSlug != "acme" {
		t.Fatalf("session: %+v", ms)
	}
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": token}).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": "nope"}).fails(http.StatusNotFound, stytchclient.ErrMagicLinkNotFound)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
}

func TestMagicLinkExpiresAndRedirects(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	ask := map[string]any{"organization_id": acme.ID, "email_address": acme.Member.Email,
		"login_redirect_url": "https://app.example/cb?x=1", "login_expiration_minutes": 5}
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", ask).fails(http.StatusBadRequest, "no_match_for_provided_magic_link_url")
	if err := v.emu.AllowRedirectURL("https://app.example/cb?x=1"); err != nil {
		t.Fatal(err)
	}
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", ask).ok(nil)
	msg, _ := v.emu.LastMessage(acme.Member.Email)
	if !strings.HasPrefix(msg.Link, "https://app.example/cb?") || !strings.Contains(msg.Link, "x=1") {
		t.Fatalf("redirect not used: %s", msg.Link)
	}
	u, _ := url.Parse(msg.Link)
	v.clock.Advance(5 * time.Minute)
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": u.Query().Get("token")}).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)

	v.emu.SetDefaultRedirectURL("http://127.0.0.1:9999/authenticate")
	v.magicToken(acme.ID, acme.Member.Email)
	if msg, _ := v.emu.LastMessage(acme.Member.Email); !strings.HasPrefix(msg.Link, "http://127.0.0.1:9999/authenticate?") {
		t.Fatalf("SetDefaultRedirectURL not used: %s", msg.Link)
	}
}

func TestMagicLinkSignupCreatesPendingMember(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	var sent stytchclient.LoginOrSignupResponse
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "new@acme.example"}).ok(&sent)
	if !sent.MemberCreated || sent.Member.Status != "pending" || sent.Member.EmailAddressVerified || !sent.Member.HasRole("stytch_member") {
		t.Fatalf("pending member expected: %+v", sent)
	}
	out := v.login(acme.ID, "new@acme.example")
	if !out.MemberAuthenticated || out.Member.Status != "active" || !out.Member.EmailAddressVerified {
		t.Fatalf("member should be active after the link: %+v", out.Member)
	}
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "eve@evil.example"}).
		fails(http.StatusBadRequest, "invalid_email_for_jit_provisioning")
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "not-an-email"}).
		fails(http.StatusBadRequest, "invalid_email")
}

func TestMagicLinkWithSessionSkipsMFA(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled
	login := v.login(acme.ID, erin.Email)
	var full stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(erin.Phone), "intermediate_session_token": login.IntermediateSessionToken}).ok(&full)

	var again stytchclient.AuthenticateMagicLinkResponse
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": v.magicToken(acme.ID, erin.Email), "session_token": full.SessionToken}).ok(&again)
	if !again.MemberAuthenticated || again.SessionToken != full.SessionToken || again.MFARequired != nil {
		t.Fatalf("a valid session should skip MFA: %+v", again)
	}
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": v.magicToken(acme.ID, erin.Email),
		"session_token": full.SessionToken, "session_jwt": full.SessionJWT}).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)
}

// RFC 7636 Appendix B: a verifier and its S256 challenge.
const (
	rfcVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

// pkceToken asks for a magic link bound to challenge ("" for none).
func (v *env) pkceToken(orgID, email, challenge string) string {
	v.t.Helper()
	body := map[string]any{"organization_id": orgID, "email_address": email}
	if challenge != "" {
		body["pkce_code_challenge"] = challenge
	}
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", body).ok(nil)
	msg, _ := v.emu.LastMessage(email)
	u, err := url.Parse(msg.Link)
	if err != nil {
		v.t.Fatal(err)
	}
	return u.Query().Get("token")
}

func TestMagicLinkPKCE(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	auth := func(token, verifier string) *resp {
		body := map[string]any{"magic_links_token": token}
		if verifier != "" {
			body["pkce_code_verifier"] = verifier
		}
		return v.req("POST", "/v1/b2b/magic_links/authenticate", body)
	}
	token := v.pkceToken(acme.ID, acme.Member.Email, rfcChallenge)

	// Another browser: no verifier, or a verifier of its own. Neither uses up the link.
	auth(token, "").fails(http.StatusBadRequest, stytchclient.ErrPKCEExpectedCodeVerifier)
	auth(token, "another-browsers-verifier-0123456789abcdefghij").fails(http.StatusBadRequest, stytchclient.ErrPKCEMismatch)
	auth(token, rfcChallenge).fails(http.StatusBadRequest, stytchclient.ErrPKCEMismatch) // the challenge is not the verifier (no plain method)

	// The browser that asked: logged in, once.
	var out stytchclient.AuthenticateMagicLinkResponse
	auth(token, rfcVerifier).ok(&out)
	if !out.MemberAuthenticated || out.MemberID != acme.Member.ID {
		t.Fatalf("the right verifier should log in: %+v", out)
	}
	auth(token, rfcVerifier).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)

	// A verifier for a link sent without a challenge is refused too.
	plain := v.pkceToken(acme.ID, acme.Member.Email, "")
	auth(plain, rfcVerifier).fails(http.StatusBadRequest, stytchclient.ErrPKCEDidNotExpectCodeVerifier)
	auth(plain, "").ok(nil)

	// Unknown and expired links say so before PKCE is looked at.
	auth("nope", rfcVerifier).fails(http.StatusNotFound, stytchclient.ErrMagicLinkNotFound)
	late := v.pkceToken(acme.ID, acme.Member.Email, rfcChallenge)
	v.clock.Advance(time.Hour)
	auth(late, "").fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink)
}

// A verifier and S256 challenge made by golang.org/x/oauth2 (as the app makes them) match for the emulator.
func TestMagicLinkPKCEWithOAuth2Helpers(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	verifier := oauth2.GenerateVerifier()
	token := v.pkceToken(acme.ID, acme.Member.Email, oauth2.S256ChallengeFromVerifier(verifier))
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": token, "pkce_code_verifier": verifier}).ok(nil)
}
