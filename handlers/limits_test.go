package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
)

func retryAfter(t *testing.T, p *page) int {
	t.Helper()
	n, err := strconv.Atoi(p.header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("Retry-After %q on a %d", p.header.Get("Retry-After"), p.status)
	}
	return n
}

// SMS pumping: one member asking for codes to ever new numbers, cancelling
// in between, is stopped at the per-member limit; nothing more is sent.
func TestSMSPumpingIsStopped(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	sent := len(e.emu.Outbox())
	refused := 0
	for i := range 20 {
		b.get("/enroll")
		p := b.post("/enroll", url.Values{"region": {"US"}, "number": {"20155501" + strconv.Itoa(10+i)}})
		if p.status == http.StatusTooManyRequests {
			refused++
			retryAfter(t, p)
			contains(t, p, "main", "too many text messages")
			continue
		}
		b.get("/verify")
		b.post("/verify/cancel", nil)
	}
	texts := len(e.emu.Outbox()) - sent
	if texts != handlers.DefaultLimits.SMSPerMember.N || refused != 20-texts {
		t.Fatalf("%d texts sent and %d refused of 20; want %d sent", texts, refused, handlers.DefaultLimits.SMSPerMember.N)
	}
}

// The resend cooldown holds on the server: a replayed older cookie does
// not reset it.
func TestCooldownSurvivesAReplayedCookie(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	b.get("/enroll")
	before := b.cookies()
	enroll(t, e, b, "US", "2015550177")
	b.restore(before)
	p := b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusTooManyRequests)
	if n := retryAfter(t, p); n > 30 {
		t.Errorf("Retry-After %d, want at most the 30 s cooldown", n)
	}
	if got := len(e.emu.Outbox()); got != 2 { // the magic link and one code
		t.Fatalf("%d messages, want 2", got)
	}
}

// Login e-mail flood: one address gets at most the limit's links.
func TestLoginEmailsAreLimited(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	email := e.demo.Organization.Member.Email
	var last *page
	for range 12 {
		b.get("/login")
		last = b.post("/login", url.Values{"email": {email}, "organization": {"acme"}})
	}
	mustStatus(t, last, http.StatusTooManyRequests)
	retryAfter(t, last)
	if got, want := len(e.emu.Outbox()), handlers.DefaultLimits.LoginPerEmail.N; got != want {
		t.Fatalf("%d e-mails sent, want %d", got, want)
	}
}

// A code may be tried a few times per flow; then the flow is over.
func TestCodeAttemptsPerFlow(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	enroll(t, e, b, "US", "2015550177")
	code := e.lastMessage("+12015550177").Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	n := handlers.DefaultLimits.CodeAttempts.N
	for range n {
		mustStatus(t, b.post("/verify", url.Values{"code": {wrong}}), http.StatusOK)
	}
	p := b.post("/verify", url.Values{"code": {code}})
	mustStatus(t, p, http.StatusTooManyRequests)
	contains(t, p, "main", "Too many tries")
	if st := e.member(max); st.MFAEnrolled {
		t.Fatalf("enrolled after %d wrong codes and a refused right one: %+v", n, st)
	}
}

// Without its store the app sends nothing (fail closed), and says so;
// pages that need no store still work.
func TestStoreDownFailsClosed(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.Store = downStore{} })
	b := e.browser()
	b.get("/login")
	p := b.post("/login", url.Values{"email": {e.demo.Organization.Member.Email}, "organization": {"acme"}})
	mustStatus(t, p, http.StatusServiceUnavailable)
	contains(t, p, "main", "Nothing was sent")
	if len(e.emu.Outbox()) != 0 {
		t.Fatal("a message was sent without the store")
	}
	mustStatus(t, b.get("/login"), http.StatusOK)
}

// X-Forwarded-For counts only behind a trusted proxy: otherwise a client
// could name a new address with every request.
func TestForwardedForNeedsATrustedProxy(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		e := newEnv(t, func(o *handlers.Options) {
			o.Limits.LoginPerIP = handlers.Rate{N: 2, Per: time.Hour}
			if trusted {
				o.TrustedProxies = []string{"127.0.0.0/8"}
			}
		})
		b := e.browser()
		refused := 0
		for i := range 4 {
			b.get("/login")
			form := url.Values{"_csrf": {b.csrf()}, "email": {"p" + strconv.Itoa(i) + "@acme.example"}, "organization": {"acme"}}
			req, _ := http.NewRequest(http.MethodPost, e.app.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
			if b.do(req).status == http.StatusTooManyRequests {
				refused++
			}
		}
		if want := map[bool]int{false: 2, true: 0}[trusted]; refused != want {
			t.Errorf("trusted proxy %v: %d of 4 refused, want %d", trusted, refused, want)
		}
	}
}
