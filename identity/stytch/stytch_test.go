package stytch_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/identity/stytch"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

type env struct {
	t    *testing.T
	emu  *stytchemu.Emulator
	b    *stytch.Backend
	demo stytchemu.Demo
}

func newEnv(t *testing.T) *env {
	t.Helper()
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	client, err := stytchclient.New(stytchclient.Config{ProjectID: emu.ProjectID(), Secret: emu.Secret(), BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.AllowRedirectURL("http://app.test/authenticate"); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, emu: emu, b: stytch.New(client), demo: emu.Demo()}
}

// login logs m in by an e-mailed link and returns them as a caller.
func (e *env) login(m stytchemu.DemoMember) (identity.Caller, identity.Session) {
	e.t.Helper()
	ctx := context.Background()
	org := e.demo.Organization
	if err := e.b.SendLoginLink(ctx, identity.LoginLink{OrganizationID: org.ID, Email: m.Email, RedirectURL: "http://app.test/authenticate", Locale: "fr"}); err != nil {
		e.t.Fatal(err)
	}
	msg, ok := e.emu.LastMessage(m.Email)
	if !ok {
		e.t.Fatal("no login e-mail")
	}
	link, _ := url.Parse(msg.Link)
	s, err := e.b.OpenLoginLink(ctx, link.Query().Get("token"), "", "fr")
	if err != nil {
		e.t.Fatal(err)
	}
	return identity.Caller{OrganizationID: s.Member.OrganizationID, MemberID: s.Member.ID, Credentials: s.Credentials}, s
}

func (e *env) lastCode(to string) string {
	e.t.Helper()
	msg, ok := e.emu.LastMessage(to)
	if !ok || msg.Code == "" {
		e.t.Fatalf("no code texted to %s", to)
	}
	return msg.Code
}

// A member without a phone sets one up, which takes a right code; a wrong
// one changes nothing and says so in identity's words.
func TestEnrollThroughTheBackend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	as, s := e.login(e.demo.Organization.Member)
	if s.Intermediate != "" || s.Token == "" || s.Member.TextCodes || s.Organization.Name != e.demo.Organization.Name {
		t.Fatalf("login: %+v", s)
	}

	m, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+12015550177", Locale: "es"})
	if err != nil || m.Phone != "+12015550177" || m.PhoneVerified {
		t.Fatalf("send: %+v, %v", m, err)
	}
	on := true
	_, err = e.b.ProveCode(ctx, as, identity.Proof{Method: identity.MethodSMS, Code: "000000", TextCodes: &on})
	if !identity.Is(err, identity.CodeWrong) {
		t.Fatalf("a wrong code: %v, want CodeWrong", err)
	}
	p, err := e.b.ProveCode(ctx, as, identity.Proof{Method: identity.MethodSMS, Code: e.lastCode("+12015550177"), TextCodes: &on})
	if err != nil || !p.Member.TextCodes || !p.Member.PhoneVerified || p.Token == "" {
		t.Fatalf("prove: %+v, %v", p, err)
	}

	as.Credentials = p.Credentials
	now, err := e.b.Session(ctx, as)
	if err != nil || !now.Member.TextCodes || now.ExpiresAt.IsZero() {
		t.Fatalf("session: %+v, %v", now, err)
	}
	if err := e.b.Logout(ctx, as); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.Session(ctx, as); !identity.Is(err, identity.SessionEnded) {
		t.Fatalf("after logout: %v, want SessionEnded", err)
	}
	if err := e.b.Logout(ctx, as); err != nil {
		t.Fatalf("logging out twice: %v", err)
	}
}

// An admin lists and finds members of their own organization only, and
// resets a phone; a member who is not an admin may not list.
func TestAdminThroughTheBackend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, _ := e.login(e.demo.Organization.Admin)
	enrolled := e.demo.Organization.Enrolled

	page, err := e.b.Members(ctx, admin, identity.MemberQuery{})
	if err != nil || len(page.Members) != 3 || page.Next != "" {
		t.Fatalf("members: %+v, %v", page, err)
	}
	found, err := e.b.Members(ctx, admin, identity.MemberQuery{EmailContains: enrolled.Email[:5]})
	if err != nil || len(found.Members) != 1 || found.Members[0].ID != enrolled.ID || !found.Members[0].TextCodes {
		t.Fatalf("search: %+v, %v", found, err)
	}
	if _, err := e.b.Member(ctx, admin, e.demo.Required.Member.ID); !identity.Is(err, identity.NotFound) {
		t.Fatalf("a member of another organization: %v, want NotFound", err)
	}
	m, err := e.b.RemovePhone(ctx, admin, enrolled.ID)
	if err != nil || m.Phone != "" || m.Ref == "" {
		t.Fatalf("remove phone: %+v, %v", m, err)
	}
	if _, err := e.b.RemovePhone(ctx, admin, enrolled.ID); !identity.Is(err, identity.NoFactor) {
		t.Fatalf("removing it again: %v, want NoFactor", err)
	}
	if m, err = e.b.SetTextCodes(ctx, admin, enrolled.ID, false); err != nil || m.TextCodes {
		t.Fatalf("codes off: %+v, %v", m, err)
	}
	if ref, err := e.b.EndSessions(ctx, admin, enrolled.ID); err != nil || ref == "" {
		t.Fatalf("end sessions: %q, %v", ref, err)
	}

	member, _ := e.login(e.demo.Organization.Member)
	if _, err := e.b.Members(ctx, member, identity.MemberQuery{}); !identity.Is(err, identity.Forbidden) {
		t.Fatalf("a member listing: %v, want Forbidden", err)
	}
}

// Stytch failing is Unavailable, and its 429 is RateLimited with the
// wait it names.
func TestBackendFailures(t *testing.T) {
	e := newEnv(t)
	as, _ := e.login(e.demo.Organization.Member)
	ctx := context.Background()
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 503, ErrorType: "internal_server_error"})
	if _, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+12015550177"}); !identity.Is(err, identity.Unavailable) {
		t.Fatalf("503: %v, want Unavailable", err)
	}
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 429, ErrorType: "too_many_requests", RetryAfter: "30"})
	_, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+12015550177"})
	var ie *identity.Error
	if !identity.Is(err, identity.RateLimited) || !asError(err, &ie) || ie.RetryAfter.Seconds() != 30 {
		t.Fatalf("429: %v, want RateLimited after 30 s", err)
	}
	if _, err := e.b.SendCode(ctx, as, identity.SendCode{Phone: "+1"}); !identity.Is(err, identity.PhoneInvalid) {
		t.Fatalf("a bad number: %v, want PhoneInvalid", err)
	}
}

func asError(err error, target **identity.Error) bool {
	e, ok := err.(*identity.Error)
	*target = e
	return ok
}
