package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

func contains(t *testing.T, p *page, sel, want string) {
	t.Helper()
	if got := text(p, sel); !strings.Contains(got, want) {
		t.Fatalf("%s: want %q in %q\n%s", sel, want, got, p.body)
	}
}

func exists(t *testing.T, p *page, sel string, want bool) {
	t.Helper()
	if got := p.doc.Find(sel).Length() > 0; got != want {
		t.Fatalf("%s present = %v, want %v\n%s", sel, got, want, p.body)
	}
}

// member reads a member's state straight from the emulator.
func (e *env) member(m stytchemu.DemoMember) stytchemu.MemberState {
	e.t.Helper()
	st, ok := e.emu.MemberState(m.ID)
	if !ok {
		e.t.Fatalf("no member %s in the emulator", m.ID)
	}
	return st
}

func TestLoginWithoutMFAShowsSettings(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.login("acme", e.demo.Organization.Member.Email)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "You're logged in.")
	exists(t, p, `a[href="/enroll"]`, true)
	exists(t, p, `a[href="/unenroll"]`, false)
	exists(t, p, `a[href="/replace"]`, false)
}

func enroll(t *testing.T, e *env, b *browser, region, number string) *page {
	t.Helper()
	mustStatus(t, b.get("/enroll"), http.StatusOK)
	p := b.post("/enroll", url.Values{"region": {region}, "number": {number}})
	mustStatus(t, p, http.StatusSeeOther)
	return b.follow(p)
}

func TestEnrollPhone(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)

	p := b.get("/enroll")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=number][autocomplete=tel-national]`, true)
	exists(t, p, `select[name=region] option[value=US][selected]`, true)

	p = enroll(t, e, b, "US", "(201) 555-0177")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=code][autocomplete=one-time-code][inputmode=numeric]`, true)
	contains(t, p, "main", "+1 •••-•••-0177")
	contains(t, p, "main", "expires at")

	// A wrong code: the form again, the message tied to the field.
	code := e.lastMessage("+12015550177").Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	p = b.post("/verify", url.Values{"code": {wrong}})
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=code][aria-invalid=true]`, true)
	contains(t, p, "main", "That code isn't right")
	if st := e.member(e.demo.Organization.Member); st.MFAEnrolled {
		t.Fatal("a wrong code enrolled the member")
	}

	// The right code, pasted with a space and a dash.
	p = b.post("/verify", url.Values{"code": {code[:3] + " -" + code[3:]}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main", "Text message codes are on")
	contains(t, p, "main", "+1 •••-•••-0177")
	exists(t, p, `a[href="/unenroll"]`, true)
	exists(t, p, `a[href="/replace"]`, true)
	st := e.member(e.demo.Organization.Member)
	if !st.MFAEnrolled || !st.PhoneVerified || st.Phone != "+12015550177" {
		t.Fatalf("emulator state after enroll: %+v", st)
	}
}

func TestLoginWithMFA(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	p := b.login("acme", erin.Email)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=code]`, true)
	// Logged out until the code is entered.
	if p := b.get("/"); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/verify") {
		t.Fatalf("settings before the code: %d %q", p.status, p.location)
	}
	code := e.lastMessage(erin.Phone).Code
	p = b.follow(b.post("/verify", url.Values{"code": {code}}))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "You're logged in.")
	contains(t, p, "main", "+1 •••-•••-0123")
}

func TestResendCooldownAndExpiry(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := enroll(t, e, b, "US", "201 555 0188")
	contains(t, p, "main", "You can ask for a new code in")
	first := e.lastMessage("+12015550188").Code

	// Too early: refused by the server, nothing sent.
	before := len(e.emu.Outbox())
	p = b.post("/verify/resend", nil)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "You can ask for a new code in")
	// Asking too early is no error with the code: a neutral notice, once.
	contains(t, p, `main [role=status]`, "too soon for a new code")
	exists(t, p, `[aria-invalid=true], .mfa-alert-error, #error-summary, .mfa-field-error`, false)
	if strings.Contains(text(p, "main"), "Error:") {
		t.Fatalf("asking too early shown as an error:\n%s", p.body)
	}
	if len(e.emu.Outbox()) != before {
		t.Fatal("a code was sent during the cooldown")
	}
	// A reload still shows the cooldown: it comes from server time.
	contains(t, b.get("/verify"), "main", "You can ask for a new code in")

	e.emu.Advance(31 * time.Second)
	p = b.follow(b.post("/verify/resend", nil))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "We sent a new code")
	second := e.lastMessage("+12015550188").Code
	if len(e.emu.Outbox()) != before+1 {
		t.Fatal("resend after the cooldown sent nothing")
	}

	// The first code no longer works once a new one was sent.
	if first != second {
		p = b.post("/verify", url.Values{"code": {first}})
		mustStatus(t, p, http.StatusOK)
		exists(t, p, `input[name=code][aria-invalid=true]`, true)
	}

	// Two minutes and a second later the new code has expired.
	e.emu.Advance(2*time.Minute + time.Second)
	p = b.post("/verify", url.Values{"code": {second}})
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "expired")
	if st := e.member(e.demo.Organization.Member); st.MFAEnrolled {
		t.Fatal("an expired code enrolled the member")
	}
}

func TestPhoneValidation(t *testing.T) {
	e := newEnv(t, allCountries)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	cases := []struct{ region, number, want string }{
		{"US", "555", "United States"},
		{"GB", "07400", "United Kingdom"},
		{"DE", "0151 12", "Germany"},
		{"FR", "06 12", "France"},
		{"IN", "98765", "India"},
		{"JP", "090-1234", "Japan"},
		{"GB", "0900 123 4567", "mobile"},  // premium rate
		{"GB", "0800 123 4567", "mobile"},  // toll free
		{"GB", "020 7946 0018", "mobile"},  // landline
		{"US", "call me", "United States"}, // letters
	}
	for _, tc := range cases {
		before := len(e.emu.Outbox())
		b.get("/enroll")
		p := b.post("/enroll", url.Values{"region": {tc.region}, "number": {tc.number}})
		mustStatus(t, p, http.StatusOK)
		exists(t, p, `input[name=number][aria-invalid=true]`, true)
		contains(t, p, "main", tc.want)
		if len(e.emu.Outbox()) != before {
			t.Fatalf("%s %q: a code was sent", tc.region, tc.number)
		}
	}
}

func TestDisallowedCountry(t *testing.T) {
	e := newEnv(t) // default: US and CA only
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := b.get("/enroll")
	if n := p.doc.Find(`select[name=region] option`).Length(); n != 2 {
		t.Fatalf("the picker offers %d countries, want US and CA only", n)
	}
	exists(t, p, `option[value=GB]`, false)
	exists(t, p, `select[name=region][autofocus]`, true)
	exists(t, p, `input[name=number][autofocus]`, false)
	p = b.post("/enroll", url.Values{"region": {"GB"}, "number": {"07400 123456"}})
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "United Kingdom")
	exists(t, p, `option[selected][disabled]`, false)
	exists(t, p, `option[value=US][selected]`, true)
	if len(e.emu.Outbox()) != 1 { // the magic link only
		t.Fatal("a code was sent to a disallowed country")
	}
}

func TestReplacePhone(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))

	p := b.get("/replace")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "+1 •••-•••-0123")
	p = b.follow(b.post("/replace", nil))
	exists(t, p, `input[name=code]`, true)
	contains(t, p, "main", "current phone still receives")

	p = b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main", "old number has been removed")
	if st := e.member(erin); st.Phone != "" {
		t.Fatalf("old phone still set: %+v", st)
	}
	// Stopping halfway: the settings page says so.
	contains(t, b.get("/"), "main", "No phone set")

	p = enroll(t, e, b, "US", "201-555-0199")
	p = b.follow(b.post("/verify", url.Values{"code": {e.lastMessage("+12015550199").Code}}))
	contains(t, p, "main", "+1 •••-•••-0199")
	if st := e.member(erin); st.Phone != "+12015550199" || !st.PhoneVerified || !st.MFAEnrolled {
		t.Fatalf("after replace: %+v", st)
	}
}

func TestReplaceCancelKeepsPhone(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	b.get("/replace")
	b.follow(b.post("/replace", nil))
	p := b.follow(b.post("/verify/cancel", nil))
	contains(t, p, "main", "Nothing was changed")
	if st := e.member(erin); st.Phone != erin.Phone || !st.MFAEnrolled {
		t.Fatalf("cancel changed the account: %+v", st)
	}
}

func TestUnenroll(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	mustStatus(t, b.get("/unenroll"), http.StatusOK)
	b.follow(b.post("/unenroll", nil))
	p := b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	contains(t, p, "main", "Text message codes are off")
	if st := e.member(erin); st.MFAEnrolled {
		t.Fatalf("still enrolled: %+v", st)
	}
}

func TestUnenrollNotOfferedWhenRequired(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	gina := e.demo.Required.Enrolled
	b.login("globex", gina.Email)
	p := b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(gina.Phone).Code}}))
	exists(t, p, `a[href="/unenroll"]`, false)
	contains(t, p, "main", "requires two-step verification for everyone")
	p = b.post("/unenroll", nil)
	mustStatus(t, p, http.StatusForbidden)
	if !e.member(gina).MFAEnrolled {
		t.Fatal("unenrolled under REQUIRED_FOR_ALL")
	}
}

func TestRequiredOrgEnrollsAtLogin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	gus := e.demo.Required.Member
	p := b.login("globex", gus.Email)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=number]`, true)
	p = b.post("/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0166"}})
	p = b.follow(p)
	exists(t, p, `input[name=code]`, true)
	p = b.follow(b.post("/verify", url.Values{"code": {e.lastMessage("+12015550166").Code}}))
	contains(t, p, "main", "You're logged in")
	if st := e.member(gus); !st.MFAEnrolled || !st.PhoneVerified {
		t.Fatalf("after login enrolment: %+v", st)
	}
}

func TestMissingCSRFIsRefused(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := b.post("/enroll", url.Values{"_csrf": {""}, "region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusForbidden)
	p = b.post("/enroll", url.Values{"_csrf": {"forged"}, "region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusForbidden)
	if len(e.emu.Outbox()) != 1 {
		t.Fatal("a forged post sent a code")
	}
}

func TestTamperedCookieMeansLoggedOut(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	u, _ := url.Parse(e.app.URL)
	var tampered []*http.Cookie
	for _, c := range b.c.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "mfaportal") && c.Name != "mfaportal_csrf" {
			c.Value = c.Value[:len(c.Value)/2] + "x" + c.Value[len(c.Value)/2+1:]
			tampered = append(tampered, c)
		}
	}
	if len(tampered) == 0 {
		t.Fatal("no session cookie to tamper with")
	}
	b.c.Jar.SetCookies(u, tampered)
	p := b.get("/")
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
		t.Fatalf("tampered cookie: %d %q", p.status, p.location)
	}
}

func TestStytchFailureChangesNothing(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	b.get("/enroll")
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 503, ErrorType: "internal_server_error", Count: 1})
	p := b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusServiceUnavailable)
	contains(t, p, "main", "Nothing was changed")
	if st := e.member(e.demo.Organization.Member); st.Phone != "" || st.MFAEnrolled {
		t.Fatalf("state changed after a failed send: %+v", st)
	}
}

func TestLogoutRevokesSession(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := b.post("/logout", nil)
	mustStatus(t, p, http.StatusSeeOther)
	contains(t, b.follow(p), "main", "You're logged out")
	if n := e.member(e.demo.Organization.Member).ActiveSessions; n != 0 {
		t.Fatalf("%d sessions still active after logout", n)
	}
}

func TestUsedMagicLinkOffersANewOne(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	link, _ := url.Parse(e.lastMessage(e.demo.Organization.Member.Email).Link)
	other := e.browser()
	p := other.get(link.RequestURI())
	mustStatus(t, p, http.StatusBadRequest)
	contains(t, p, "main", "expired or was already used")
	exists(t, p, `input[name=email]`, true)
}

func TestHTMXGetsPartialsAndHXLocation(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	b.htmx = true
	p := b.get("/enroll")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, "html head link[rel=stylesheet]", false)
	exists(t, p, "main#main", true)
	// A validation error: 200, so htmx swaps it.
	p = b.post("/enroll", url.Values{"region": {"US"}, "number": {"12"}})
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=number][aria-invalid=true]`, true)
	// Success: HX-Location instead of a 303.
	p = b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusOK)
	if !strings.Contains(p.header.Get("HX-Location"), "/verify") {
		t.Fatalf("HX-Location %q", p.header.Get("HX-Location"))
	}
}

func allCountries(o *handlers.Options) {
	o.SMSPolicy = phone.AllowAll()
}

// A session revoked at Stytch is refused at the next action that changes
// MFA, even while its JWT is still fresh: those always go to Stytch.
func TestRevokedSessionIsRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	b.get("/enroll")
	if _, err := e.opts.Stytch.RevokeSession(context.Background(), stytchclient.RevokeSessionRequest{MemberID: max.ID}, stytchclient.MemberAuth{}); err != nil {
		t.Fatal(err)
	}
	p := b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}})
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
		t.Fatalf("revoked session: %d %q\n%s", p.status, p.location, p.body)
	}
	contains(t, b.follow(p), "main", "Your session has ended")
	if st := e.member(max); st.Phone != "" {
		t.Fatalf("a revoked session linked a phone: %+v", st)
	}
}

// Ten wrong codes lock the member at Stytch: the page says so, offers no
// form, and the member is not enrolled.
func TestTooManyWrongCodesLocks(t *testing.T) {
	// Stytch's own lock, so our tighter per-flow limit steps aside.
	e := newEnv(t, func(o *handlers.Options) { o.Limits.CodeAttempts = handlers.Rate{N: 20, Per: time.Hour} })
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	enroll(t, e, b, "US", "2015550177")
	code := e.lastMessage("+12015550177").Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 0; i < 10; i++ {
		mustStatus(t, b.post("/verify", url.Values{"code": {wrong}}), http.StatusOK)
	}
	// The tenth failure locked the member: even the right code is refused now.
	p := b.post("/verify", url.Values{"code": {code}})
	mustStatus(t, p, http.StatusTooManyRequests)
	contains(t, p, "main", "Too many wrong codes")
	exists(t, p, `form[action="/verify"]`, false)
	if st := e.member(max); !st.Locked || st.MFAEnrolled {
		t.Fatalf("after ten wrong codes: %+v", st)
	}
}

// A page view within five minutes of Stytch's last word on the session
// asks Stytch nothing and needs no JWT; later views check the session
// again, and a session past the end Stytch gave it is over even inside
// that window.
func TestPageViewsTrustTheSealedCheck(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	u, _ := url.Parse(e.app.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "mfaportal_jwt") {
			t.Fatalf("a session with a token keeps its JWT in cookie %s", c.Name)
		}
	}
	const auth = "POST /v1/b2b/sessions/authenticate"
	calls := func() int { return e.emu.Calls()[auth] }

	before := calls()
	mustStatus(t, b.get("/"), http.StatusOK)
	e.emu.Advance(4 * time.Minute)
	mustStatus(t, b.get("/"), http.StatusOK)
	if n := calls() - before; n != 0 {
		t.Fatalf("%d sessions/authenticate calls within five minutes of login, want 0", n)
	}

	e.emu.Advance(54 * time.Minute) // 58 minutes in: checked again
	mustStatus(t, b.get("/"), http.StatusOK)
	if n := calls() - before; n != 1 {
		t.Fatalf("%d sessions/authenticate calls after 58 minutes, want 1", n)
	}

	// The session (60 minutes) ends 2 minutes after that check.
	e.emu.Advance(2*time.Minute + 30*time.Second)
	p := b.get("/")
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
		t.Fatalf("past the session's end: %d %q", p.status, p.location)
	}
	contains(t, b.follow(p), "main", "Your session has ended")
}
