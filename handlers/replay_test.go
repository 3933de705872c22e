package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
)

// cookies is a copy of the browser's cookies for the app, to replay later
// as an attacker (or a forgotten tab) would.
func (b *browser) cookies() []*http.Cookie {
	u, _ := url.Parse(b.e.app.URL)
	return b.c.Jar.Cookies(u)
}

func (b *browser) restore(cookies []*http.Cookie) {
	u, _ := url.Parse(b.e.app.URL)
	b.c.Jar.SetCookies(u, cookies)
}

// enrolledKeepingAnOlderCookie logs an acme member in and enrolls
// +1 201-555-0177, returning the cookies from before the code went in.
func enrolledKeepingAnOlderCookie(t *testing.T, e *env, b *browser, email string) []*http.Cookie {
	t.Helper()
	b.login("acme", email)
	enroll(t, e, b, "US", "2015550177")
	before := b.cookies()
	mustStatus(t, b.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}}), http.StatusSeeOther)
	return before
}

// An older cookie from before the code was entered must not cancel (and
// so delete) the phone the member has since confirmed: finishing in one
// tab and pressing Cancel in an older one used to remove it.
func TestReplayedCancelChangesNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.restore(enrolledKeepingAnOlderCookie(t, e, b, max.Email))
	p := b.post("/verify/cancel", nil)
	mustStatus(t, p, http.StatusConflict)
	contains(t, p, "main", "This step has expired")
	if st := e.member(max); !st.MFAEnrolled || !st.PhoneVerified || st.Phone != "+12015550177" {
		t.Fatalf("a replayed cancel changed the account: %+v", st)
	}
}

// The same older cookie posting another number must not delete the
// confirmed phone either: what Stytch says now decides, not the cookie.
func TestReplayedEnrollKeepsTheConfirmedPhone(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.restore(enrolledKeepingAnOlderCookie(t, e, b, max.Email))
	b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550178"}})
	if st := e.member(max); !st.MFAEnrolled || !st.PhoneVerified || st.Phone != "+12015550177" {
		t.Fatalf("a replayed enrolment removed the confirmed phone: %+v", st)
	}
}

// A login's "add a phone" step replayed after the login finished must
// not delete the phone it confirmed.
func TestReplayedLoginPhoneStepChangesNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	gus := e.demo.Required.Member
	b.login("globex", gus.Email)
	b.follow(b.post("/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0166"}}))
	before := b.cookies()
	mustStatus(t, b.post("/verify", url.Values{"code": {e.lastMessage("+12015550166").Code}}), http.StatusSeeOther)

	b.restore(before)
	b.get("/login") // a page for the CSRF token
	p := b.post("/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0167"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("replayed login phone step: %d\n%s", p.status, p.body)
	}
	if st := e.member(gus); !st.MFAEnrolled || !st.PhoneVerified || st.Phone != "+12015550166" {
		t.Fatalf("a replayed login step changed the account: %+v", st)
	}
	if len(e.emu.Outbox()) != 2 { // the magic link and the one code; nothing to the new number
		for _, m := range e.emu.Outbox() {
			t.Logf("sent to %s", m.To)
		}
		t.Fatal("a replayed login step sent a code")
	}
}

// Over HTTPS at the site's root the session cookie is __Host- prefixed,
// so no sibling subdomain can set or shadow it; under a prefix it is
// scoped to that path.
func TestSessionCookieName(t *testing.T) {
	for base, want := range map[string]string{"": "__Host-mfaportal=", "/settings/security": "mfaportal="} {
		e := newEnv(t)
		opts := e.opts
		opts.SecureCookies, opts.BasePath, opts.PublicURL = true, base, "https://mfa.example.com"
		h, err := handlers.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://mfa.example.com"+base+"/login", nil))
		c := rec.Header().Get("Set-Cookie")
		if !strings.HasPrefix(c, want) || !strings.Contains(c, "Secure") || (base == "" && !strings.Contains(c, "Path=/;")) {
			t.Errorf("base %q: Set-Cookie %q, want %s…; Secure", base, c, want)
		}
	}
}
