package zitadel_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/identity/zitadel"
	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

const callback = "http://127.0.0.1:9/authenticate" // nothing listens: the browser stops there

type env struct {
	t       *testing.T
	emu     *zitadelemu.Emulator
	srv     *httptest.Server
	b       *zitadel.Backend
	demo    zitadelemu.Demo
	browser *http.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	emu, err := zitadelemu.New(zitadelemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	c, err := zitadelclient.New(zitadelclient.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	login, err := zitadelclient.NewLogin(context.Background(), zitadelclient.LoginConfig{
		Issuer: srv.URL, ClientID: emu.ClientID(), RedirectURI: callback, PostLogoutRedirectURI: "http://127.0.0.1:9/login",
	})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != strings.TrimPrefix(srv.URL, "http://") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return &env{t: t, emu: emu, srv: srv, b: zitadel.New(c, login), demo: emu.Demo(), browser: browser}
}

// login signs loginName in on the emulator's pages, as a browser would,
// and finishes the login as the app's callback does.
func (e *env) login(loginName string) (identity.Caller, identity.Session) {
	e.t.Helper()
	s, err := e.b.FinishLogin(context.Background(), e.code(loginName), "verifier-verifier-verifier-verifier-verifier")
	if err != nil {
		e.t.Fatal(err)
	}
	return identity.Caller{OrganizationID: s.Member.OrganizationID, MemberID: s.Member.ID, Credentials: s.Credentials}, s
}

// signIn starts a login and picks loginName on the emulator's page; the
// answer is the page's, with its body read.
func (e *env) signIn(loginName string) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.browser.Get(e.b.LoginURL("st4te", "verifier-verifier-verifier-verifier-verifier"))
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "loginName": {loginName}}
	resp, err = e.browser.PostForm(e.srv.URL+zitadelemu.LoginPath, form)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(page)
}

// code is the authorization code the browser brings back after
// loginName logs in on the emulator's page.
func (e *env) code(loginName string) string {
	e.t.Helper()
	resp, _ := e.signIn(loginName)
	back, err := resp.Location()
	if err != nil || back.Query().Get("state") != "st4te" {
		e.t.Fatalf("login came back to %v (%v)", back, err)
	}
	return back.Query().Get("code")
}

// A code brought back with another verifier, or twice, is a login to
// start again; ZITADEL not answering is not.
func TestFinishLoginErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	code := e.code("max@acme.localhost")
	if _, err := e.b.FinishLogin(ctx, code, "another-verifier-another-verifier-another-verif"); !identity.Is(err, identity.LinkInvalid) {
		t.Fatalf("another verifier: %v, want LinkInvalid", err)
	}
	code = e.code("max@acme.localhost")
	if _, err := e.b.FinishLogin(ctx, code, "verifier-verifier-verifier-verifier-verifier"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.FinishLogin(ctx, code, "verifier-verifier-verifier-verifier-verifier"); !identity.Is(err, identity.LinkInvalid) {
		t.Fatalf("a code used twice: %v, want LinkInvalid", err)
	}
	e.emu.AddFault(zitadelemu.Fault{Path: "/oauth/v2/token", Status: 503})
	if _, err := e.b.FinishLogin(ctx, e.code("max@acme.localhost"), "verifier-verifier-verifier-verifier-verifier"); !identity.Is(err, identity.Unavailable) {
		t.Fatalf("token endpoint down: %v, want Unavailable", err)
	}
}

func (e *env) lastCode(to string) string {
	e.t.Helper()
	msg, ok := e.emu.LastMessage(to)
	if !ok || msg.Code == "" {
		e.t.Fatalf("no code texted to %s", to)
	}
	return msg.Code
}

// A member logs in on ZITADEL's pages, sets up a phone with a texted code
// (a wrong one changes nothing), changes it in place (codes stay on), and
// removes it (codes go with it).
func TestMemberThroughZITADEL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as, s := e.login("max@acme.localhost")
	if as.MemberID != e.demo.Member || as.OrganizationID != e.demo.Org || s.Token == "" || s.Member.IsAdmin ||
		s.Organization.Name == "" || s.ExpiresAt.IsZero() {
		t.Fatalf("login: %+v", s)
	}

	m, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+41791112233"})
	if err != nil || m.Phone != "+41791112233" || m.PhoneVerified || m.TextCodes {
		t.Fatalf("send: %+v, %v", m, err)
	}
	if _, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+41791112233"}); err != nil {
		t.Fatalf("sending to the pending number again: %v", err)
	}
	on := true
	if _, err := e.b.ProveCode(ctx, as, identity.Proof{Method: identity.MethodSMS, Code: "WRONG1", TextCodes: &on}); !identity.Is(err, identity.CodeWrong) {
		t.Fatalf("a wrong code: %v, want CodeWrong", err)
	}
	p, err := e.b.ProveCode(ctx, as, identity.Proof{Method: identity.MethodSMS, Code: e.lastCode("+41791112233"), TextCodes: &on})
	if err != nil || !p.Member.TextCodes || !p.Member.PhoneVerified {
		t.Fatalf("prove: %+v, %v", p, err)
	}

	if m, err = e.b.SendCode(ctx, as, identity.SendCode{Phone: "+41794445566"}); err != nil || !m.TextCodes || m.PhoneVerified {
		t.Fatalf("a new number changes in place, codes stay on: %+v, %v", m, err)
	}
	if p, err = e.b.ProveCode(ctx, as, identity.Proof{Method: identity.MethodSMS, Code: e.lastCode("+41794445566"), TextCodes: &on}); err != nil || !p.Member.TextCodes {
		t.Fatalf("confirming the new number: %+v, %v", p, err)
	}
	if m, err = e.b.RemovePhone(ctx, as, as.MemberID); err != nil || m.Phone != "" || m.TextCodes {
		t.Fatalf("remove: %+v, %v", m, err)
	}
	// A refused page shows the reason as a reference: an identifier, in
	// every language, never English words.
	var ie *identity.Error
	if _, err := e.b.SendCode(ctx, as, identity.SendCode{}); !errors.As(err, &ie) || ie.Kind != identity.Refused || ie.Reason != "no_pending_phone" {
		t.Fatalf("a resend with no pending phone: %v, want Refused no_pending_phone", err)
	}
	if page, err := e.b.Members(ctx, as, identity.MemberQuery{}); err == nil && (len(page.Members) > 1 || len(page.Members) == 1 && page.Members[0].ID != as.MemberID) {
		t.Fatalf("a member listing sees others: %+v", page.Members)
	}
	if u, err := e.b.LogoutURL("bye"); err != nil || !strings.Contains(u, "/oidc/v1/end_session") {
		t.Fatalf("logout URL %q, %v", u, err)
	}
}

// An org owner lists their organization only, resets a member's phone
// and turns another member's codes off; another organization's member is
// not found.
func TestAdminThroughZITADEL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, s := e.login("olivia@acme.localhost")
	if !s.Member.IsAdmin {
		t.Fatalf("the org owner is not an admin: %+v", s.Member)
	}
	page, err := e.b.Members(ctx, admin, identity.MemberQuery{})
	if err != nil || len(page.Members) < 3 {
		t.Fatalf("members: %+v, %v", page, err)
	}
	for _, m := range page.Members {
		if m.OrganizationID != e.demo.Org {
			t.Fatalf("listed %+v of another organization", m)
		}
	}
	found, err := e.b.Members(ctx, admin, identity.MemberQuery{EmailContains: "ERIN@"})
	if err != nil || len(found.Members) != 1 || found.Members[0].ID != e.demo.Enrolled || !found.Members[0].TextCodes {
		t.Fatalf("search by e-mail: %+v, %v", found, err)
	}
	if _, err := e.b.Member(ctx, admin, e.demo.OtherMember); !identity.Is(err, identity.NotFound) {
		t.Fatalf("another organization's member: %v, want NotFound", err)
	}
	m, err := e.b.Member(ctx, admin, e.demo.Enrolled)
	if err != nil || !m.TextCodes || !m.PhoneVerified {
		t.Fatalf("the enrolled member: %+v, %v", m, err)
	}
	if m, err = e.b.SetTextCodes(ctx, admin, e.demo.Enrolled, false); err != nil || m.TextCodes || !m.PhoneVerified {
		t.Fatalf("codes off: %+v, %v", m, err)
	}
	if m, err = e.b.RemovePhone(ctx, admin, e.demo.Enrolled); err != nil || m.Phone != "" {
		t.Fatalf("reset: %+v, %v", m, err)
	}
	if _, err := e.b.RemovePhone(ctx, admin, e.demo.Enrolled); !identity.Is(err, identity.NoFactor) {
		t.Fatalf("resetting again: %v, want NoFactor", err)
	}
}

// ZITADEL failing is Unavailable; a token ZITADEL no longer takes ends
// the session.
func TestZITADELFailures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as, _ := e.login("max@acme.localhost")
	e.emu.AddFault(zitadelemu.Fault{Path: "/v2/users/" + as.MemberID, Status: 503})
	if _, err := e.b.Session(ctx, as); !identity.Is(err, identity.Unavailable) {
		t.Fatalf("503: %v, want Unavailable", err)
	}
	as.Token = "not-a-token"
	if _, err := e.b.Session(ctx, as); !identity.Is(err, identity.SessionEnded) {
		t.Fatalf("a bad token: %v, want SessionEnded", err)
	}
}

// A user an administrator deactivated or locked in ZITADEL shows so on
// the admin pages, and cannot log in.
func TestUserStatesThroughZITADEL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, _ := e.login("olivia@acme.localhost")
	owner, err := e.emu.Token(e.demo.Owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ command, want string }{
		{"", "active"}, {"deactivate", "inactive"}, {"reactivate", "active"}, {"lock", "locked"},
	} {
		if step.command != "" {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v2/users/"+e.demo.Member+"/"+step.command, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+owner)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %v %v", step.command, resp, err)
			}
			resp.Body.Close()
		}
		m, err := e.b.Member(ctx, admin, e.demo.Member)
		if err != nil || m.Status != step.want {
			t.Fatalf("after %q: status %q, %v; want %q", step.command, m.Status, err, step.want)
		}
		page, err := e.b.Members(ctx, admin, identity.MemberQuery{EmailContains: "max@"})
		if err != nil || len(page.Members) != 1 || page.Members[0].Status != step.want {
			t.Fatalf("after %q: listed %+v, %v; want %q", step.command, page.Members, err, step.want)
		}
	}

	if resp, page := e.signIn("max@acme.localhost"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "locked") {
		t.Fatalf("a locked user logging in: %d %s", resp.StatusCode, page)
	}
}
