package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/session"
)

// Hostile input: markup in names, oversized bodies, odd digits, header
// injection, open redirects, foreign cookies, replayed and out-of-order
// posts. Each gets a clear answer and changes nothing it should not.

func TestMarkupInAMemberNameIsShownAsText(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	m := e.demo.Hostile
	p := b.login("initech", m.Email)
	mustStatus(t, p, http.StatusOK)
	if !strings.Contains(text(p, "header"), "<script>alert(1)</script>") {
		t.Fatalf("the name should be shown as text: %q", text(p, "header"))
	}
	if n := p.doc.Find("body script:not([src])").Length(); n != 0 {
		t.Fatalf("%d inline script elements: the name was not escaped\n%s", n, p.body)
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	b.get("/enroll")
	big := strings.Repeat("1", 70<<10)
	for _, csrf := range []string{b.csrf(), ""} {
		p := b.post("/enroll", url.Values{"_csrf": {csrf}, "region": {"US"}, "number": {big}})
		mustStatus(t, p, http.StatusRequestEntityTooLarge)
		contains(t, p, "main", "Nothing was changed")
	}
	if st := e.member(max); st.Phone != "" {
		t.Fatalf("an oversized post changed the account: %+v", st)
	}
}

func TestNonASCIIDigits(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	// Arabic-Indic digits for 201 555 0177.
	p := enroll(t, e, b, "US", "٢٠١ ٥٥٥ ٠١٧٧")
	exists(t, p, `input[name=code]`, true)
	code := e.lastMessage("+12015550177").Code
	full := ""
	for _, r := range code { // full-width digits
		full += string(r - '0' + '０')
	}
	p = b.follow(b.post("/verify", url.Values{"code": {full}}))
	contains(t, p, "main", "Text message codes are on")
}

func TestNoHeaderInjectionThroughRedirects(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.ReturnToOrigins = []string{"https://portal.example.com"} })
	b := e.browser()
	for _, path := range []string{
		"/authenticate?stytch_token_type=multi_tenant_magic_links&token=a%0d%0aSet-Cookie:%20injected=1",
		"/?return_to=/x%0d%0aSet-Cookie:%20injected=1",
		"/login?return_to=https://portal.example.com/%0d%0aLocation:%20https://evil.example",
		"/enroll%0d%0aSet-Cookie:%20injected=1",
	} {
		p := b.get(path)
		if p.status >= 500 {
			t.Errorf("%s: %d", path, p.status)
		}
		for _, c := range p.header.Values("Set-Cookie") {
			if strings.Contains(c, "injected") {
				t.Errorf("%s: injected header %q", path, c)
			}
		}
		if strings.Contains(p.location, "evil") || strings.ContainsAny(p.location, "\r\n") {
			t.Errorf("%s: Location %q", path, p.location)
		}
	}
}

func TestNoOpenRedirect(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.ReturnToOrigins = []string{"https://portal.example.com"} })
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	for _, target := range []string{
		"//evil.example", "https://evil.example", "/\\evil.example", "https:evil.example",
		"javascript:alert(1)", "https://portal.example.com@evil.example", "https://evil.example/https://portal.example.com",
	} {
		q := "?return_to=" + url.QueryEscape(target)
		for _, path := range []string{"/", "/enroll", "/login", "/verify"} {
			p := b.get(path + q)
			if strings.Contains(p.location, "evil") {
				t.Errorf("GET %s%s redirects to %q", path, q, p.location)
			}
		}
		// Finishing an enrollment must not lead there either.
		b.get("/" + q)
		if st := e.member(max); st.Phone == "" {
			p := enroll(t, e, b, "US", "2015550177")
			_ = p
			done := b.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}})
			if strings.Contains(done.location, "evil") {
				t.Errorf("return_to %q: after enrolling, Location %q", target, done.location)
			}
		}
	}
}

func TestCookieFromAnotherKeySetMeansLoggedOut(t *testing.T) {
	other := newEnv(t, func(o *handlers.Options) { o.SessionKeys = session.RandomKeys() })
	ob := other.browser()
	ob.login("acme", other.demo.Organization.Member.Email)

	e := newEnv(t)
	b := e.browser()
	theirs, _ := url.Parse(other.app.URL)
	ours, _ := url.Parse(e.app.URL)
	b.c.Jar.SetCookies(ours, ob.c.Jar.Cookies(theirs))
	p := b.get("/")
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
		t.Fatalf("foreign cookie: %d %q\n%s", p.status, p.location, p.body)
	}
	mustStatus(t, b.follow(p), http.StatusOK)
}

func TestReplayedAndOutOfOrderPosts(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member

	// Before logging in: steps of flows that never started.
	b.get("/login")
	for _, path := range []string{"/verify", "/verify/resend", "/verify/cancel", "/login/phone", "/enroll", "/replace", "/unenroll"} {
		p := b.post(path, url.Values{"code": {"123456"}, "region": {"US"}, "number": {"2015550177"}})
		if p.status != http.StatusSeeOther {
			t.Errorf("POST %s logged out: %d, want a redirect\n%s", path, p.status, p.body)
		}
	}

	b.login("acme", max.Email)
	// Steps out of order while logged in.
	for _, path := range []string{"/verify", "/verify/resend", "/replace", "/unenroll", "/login/phone"} {
		p := b.post(path, url.Values{"code": {"123456"}})
		if p.status != http.StatusSeeOther {
			t.Errorf("POST %s with no flow: %d, want a redirect\n%s", path, p.status, p.body)
		}
	}
	if len(e.emu.Outbox()) != 1 {
		t.Fatal("an out-of-order post sent a code")
	}

	// A successful code, posted twice: the second finds the flow over.
	enroll(t, e, b, "US", "2015550177")
	form := url.Values{"code": {e.lastMessage("+12015550177").Code}}
	mustStatus(t, b.post("/verify", form), http.StatusSeeOther)
	again := b.post("/verify", form)
	if again.status != http.StatusSeeOther || !strings.HasSuffix(again.location, "/") {
		t.Fatalf("replayed code: %d %q", again.status, again.location)
	}
	if p := b.get("/verify"); p.status != http.StatusSeeOther {
		t.Fatalf("GET /verify after the flow: %d", p.status)
	}
	if st := e.member(max); !st.MFAEnrolled || st.Phone != "+12015550177" {
		t.Fatalf("after the replay: %+v", st)
	}

	// Another browser's CSRF token is refused.
	other := e.browser()
	other.get("/login")
	p := b.post("/enroll/turn-on", url.Values{"_csrf": {other.csrf()}})
	mustStatus(t, p, http.StatusForbidden)
}
