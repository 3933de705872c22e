package handlers_test

import (
	"github.com/PuerkitoBio/goquery"

	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// appCode is the member's current authenticator-app code, a fresh time
// step later than any code used before (the emulator, like Stytch,
// accepts a code once).
func (e *env) appCode(m stytchemu.DemoMember) string {
	e.t.Helper()
	e.emu.Advance(30 * time.Second)
	code, ok := e.emu.TOTPCode(m.ID)
	if !ok {
		e.t.Fatalf("member %s has no authenticator app", m.Email)
	}
	return code
}

// setUpApp sets up an authenticator app from the settings page, the way a
// browser without JavaScript does, and returns the recovery codes shown.
func setUpApp(t *testing.T, e *env, b *browser, m stytchemu.DemoMember) []string {
	t.Helper()
	p := b.get("/")
	exists(t, p, `form[action="/totp"] button[type=submit]`, true)
	p = b.post("/totp", nil)
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main h1", "Set up your authenticator app")
	exists(t, p, `main img.mfa-qr[src^="data:image/png;base64,"][alt]`, true)
	secret, _ := e.emu.TOTPSecret(m.ID)
	shown := text(p, "#totp-secret")
	if strings.ReplaceAll(shown, " ", "") != secret || !strings.Contains(shown, secret[:4]+" "+secret[4:8]) {
		t.Fatalf("secret shown as %q, want %s in groups of four", shown, secret)
	}
	if st := e.member(m); st.TOTPRegistrationID != "" {
		t.Fatalf("the app counts before its first code: %+v", st)
	}
	// A wrong code saves nothing.
	p = b.post("/verify", url.Values{"code": {"000000"}})
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=code][aria-invalid=true]`, true)
	if st := e.member(m); st.TOTPRegistrationID != "" {
		t.Fatalf("a wrong code saved the app: %+v", st)
	}
	p = b.post("/verify", url.Values{"code": {e.appCode(m)}})
	mustStatus(t, p, http.StatusSeeOther)
	if !strings.HasSuffix(p.location, "/recovery-codes") {
		t.Fatalf("after the app's first code: %q", p.location)
	}
	p = b.follow(p)
	contains(t, p, "main h1", "Save your recovery codes")
	var codes []string
	p.doc.Find("main .mfa-recovery-code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	exists(t, p, `main a[href="/recovery-codes/download"][hx-boost=false]`, true)
	exists(t, p, `form[action="/recovery-codes/saved"] button[type=submit]`, true)
	return codes
}

func TestSetUpAppAndRecoveryCodes(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	codes := setUpApp(t, e, b, max)
	st := e.member(max)
	if st.TOTPRegistrationID == "" || !st.MFAEnrolled || st.DefaultMFAMethod != "totp" || st.RecoveryCodes != 10 {
		t.Fatalf("emulator state after setting up the app: %+v", st)
	}

	// The download: a text file, as an attachment, with every code.
	p := b.get("/recovery-codes/download")
	mustStatus(t, p, http.StatusOK)
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("download Content-Type %q", ct)
	}
	if cd := p.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".txt") {
		t.Fatalf("download Content-Disposition %q", cd)
	}
	for _, c := range codes {
		if !strings.Contains(p.body, c+"\n") {
			t.Fatalf("code %s missing from the download:\n%s", c, p.body)
		}
	}

	// "I have saved them" ends the step: the codes are not shown again.
	b.get("/recovery-codes")
	p = b.follow(b.post("/recovery-codes/saved", nil))
	contains(t, p, ".mfa-flash", "Keep your recovery codes somewhere safe")
	contains(t, p, "#mfa-app-title .mfa-badge", "On")
	contains(t, p, "#mfa-recovery-left", "10 unused recovery codes")
	contains(t, p, "#mfa-methods", "an authenticator app")
	contains(t, p, "#mfa-methods", "we ask for a code from your authenticator app first")
	exists(t, p, `form[action="/totp"]`, false)
	exists(t, p, `a[href="/totp/remove"]`, true)
	if p := b.get("/recovery-codes"); p.status != http.StatusSeeOther {
		t.Fatalf("codes shown again: %d", p.status)
	}
	if p := b.get("/recovery-codes/download"); p.status != http.StatusSeeOther {
		t.Fatalf("codes downloadable again: %d", p.status)
	}
}

// An older cookie from the setup step cannot confirm the app a second
// time, nor one from the codes page end that step twice.
func TestReplayedAppSteps(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	b.get("/")
	b.follow(b.post("/totp", nil))
	before := b.cookies()
	mustStatus(t, b.post("/verify", url.Values{"code": {e.appCode(max)}}), http.StatusSeeOther)
	showing := b.cookies()
	b.follow(b.post("/recovery-codes/saved", nil))

	b.restore(before)
	p := b.post("/verify", url.Values{"code": {e.appCode(max)}})
	mustStatus(t, p, http.StatusConflict)
	contains(t, p, "main", "This step has expired")

	b.restore(showing)
	if p := b.get("/recovery-codes"); p.status != http.StatusSeeOther {
		t.Fatalf("an older cookie shows the codes again: %d", p.status)
	}
	mustStatus(t, b.post("/recovery-codes/saved", nil), http.StatusConflict)
}

// loginToCode logs in as far as the MFA step.
func loginToCode(t *testing.T, b *browser, org string, m stytchemu.DemoMember) *page {
	t.Helper()
	p := b.login(org, m.Email)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=code]`, true)
	return p
}

func logout(t *testing.T, b *browser) {
	t.Helper()
	b.get("/")
	mustStatus(t, b.post("/logout", nil), http.StatusSeeOther)
}

func TestLoginWithAppAndRecoveryCode(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	codes := setUpApp(t, e, b, max)
	b.follow(b.post("/recovery-codes/saved", nil))
	logout(t, b)

	// The app is the default: the login asks for its code, texts nothing.
	sent := len(e.emu.Outbox())
	p := loginToCode(t, b, "acme", max)
	contains(t, p, "main h1", "Enter the code from your authenticator app")
	exists(t, p, `form[action="/verify/method"] input[name=method][value=recovery_code]`, true)
	exists(t, p, `form[action="/verify/method"] input[name=method][value=sms_otp]`, false) // no phone
	exists(t, p, `form[action="/verify/resend"]`, false)
	if len(e.emu.Outbox()) != sent+1 { // the magic link only
		t.Fatal("a text message was sent for an app login")
	}
	p = b.post("/verify", url.Values{"code": {"12345"}})
	contains(t, p, "main", "Enter the 6 digits your authenticator app shows")
	p = b.follow(b.post("/verify", url.Values{"code": {e.appCode(max)}}))
	contains(t, p, ".mfa-flash", "You're logged in.")
	logout(t, b)

	// A recovery code, typed in capitals and without dashes.
	loginToCode(t, b, "acme", max)
	p = b.follow(b.post("/verify/method", url.Values{"method": {"recovery_code"}}))
	contains(t, p, "main h1", "Enter a recovery code")
	exists(t, p, `form[action="/verify/method"] input[name=method][value=totp]`, true)
	p = b.post("/verify", url.Values{"code": {strings.ToUpper(strings.ReplaceAll(codes[0], "-", ""))}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, ".mfa-flash", "logged in with a recovery code")
	contains(t, p, ".mfa-flash", "9 recovery codes left")
	contains(t, p, ".mfa-flash", "set up a new one")
	contains(t, p, "#mfa-recovery-left", "9 unused recovery codes")
	logout(t, b)

	// The same recovery code works once.
	loginToCode(t, b, "acme", max)
	b.post("/verify/method", url.Values{"method": {"recovery_code"}})
	p = b.post("/verify", url.Values{"code": {codes[0]}})
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "already used")
}

// A member with a phone and an app: the default decides what login asks
// for first, and the other is one button away.
func TestDefaultMethodAndSwitchingAtLogin(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	setUpApp(t, e, b, erin)
	p := b.follow(b.post("/recovery-codes/saved", nil))
	// The phone came first, so it stays the default.
	contains(t, p, "#mfa-methods", "an authenticator app and text message codes")
	contains(t, p, "#mfa-methods", "a code by text message first")
	p = b.follow(b.post("/mfa/default", url.Values{"method": {"totp"}}))
	contains(t, p, ".mfa-flash", "we'll ask for a code from your authenticator app first")
	if st := e.member(erin); st.DefaultMFAMethod != "totp" {
		t.Fatalf("default after 'use as default': %+v", st)
	}
	exists(t, p, `form[action="/mfa/default"] input[value=sms_otp]`, true)
	logout(t, b)

	p = loginToCode(t, b, "acme", erin)
	contains(t, p, "main h1", "authenticator app")
	p = b.post("/verify/method", url.Values{"method": {"sms_otp"}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main .mfa-lead", "+1 •••-•••-0123")
	exists(t, p, `form[action="/verify/method"] input[value=totp]`, true)
	p = b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	contains(t, p, ".mfa-flash", "You're logged in.")

	// Back to text messages first.
	p = b.follow(b.post("/mfa/default", url.Values{"method": {"sms_otp"}}))
	if st := e.member(erin); st.DefaultMFAMethod != "sms_otp" {
		t.Fatalf("default after switching back: %+v", st)
	}
	contains(t, p, "#mfa-methods", "a code by text message first")
}

// Removing the app takes a fresh code; an older cookie from before that
// code cannot remove it again, and the audit log says what happened.
func TestRemoveAppAfterAFreshCode(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *handlers.Options) { o.Audit = logging.NewAudit(&logs, "json") })
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	codes := setUpApp(t, e, b, max)
	b.follow(b.post("/recovery-codes/saved", nil))

	p := b.get("/totp/remove")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "recovery codes stop working")
	exists(t, p, `form[action="/totp/remove"] input[name=method][value=totp]`, true)
	exists(t, p, `form[action="/totp/remove"] input[name=method][value=recovery_code]`, true)
	exists(t, p, `form[action="/totp/remove"] input[name=method][value=sms_otp]`, false)
	p = b.follow(b.post("/totp/remove", url.Values{"method": {"totp"}}))
	contains(t, p, "main h1", "remove your authenticator app")
	contains(t, p, "main", "still works")
	if st := e.member(max); st.TOTPRegistrationID == "" {
		t.Fatal("the app went before the code")
	}
	// A recovery code does it too, if the app is lost.
	p = b.follow(b.post("/verify/method", url.Values{"method": {"recovery_code"}}))
	exists(t, p, `input[name=code][autocomplete=off]`, true)
	before := b.cookies()
	p = b.post("/verify", url.Values{"code": {codes[3]}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, ".mfa-flash", "authenticator app is removed")
	contains(t, p, "#mfa-app-title .mfa-badge", "Not set up")
	contains(t, p, "#mfa-methods", "no method of two-step verification")
	if st := e.member(max); st.TOTPRegistrationID != "" || st.MFAEnrolled {
		t.Fatalf("after removing the only method: %+v", st)
	}

	b.restore(before)
	mustStatus(t, b.post("/verify", url.Values{"code": {codes[4]}}), http.StatusConflict)

	got := strings.Join(auditActions(t, logs.String()), ", ")
	want := "totp_added " + max.ID + ", totp_removed " + max.ID + ", mfa_off " + max.ID
	if got != want {
		t.Fatalf("audit: %s\nwant %s", got, want)
	}
}

// New recovery codes take a fresh code (here a text message), and the old
// ones stop working.
func TestNewRecoveryCodes(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *handlers.Options) { o.Audit = logging.NewAudit(&logs, "json") })
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	old := setUpApp(t, e, b, erin)
	b.follow(b.post("/recovery-codes/saved", nil))

	p := b.get("/recovery-codes/new")
	exists(t, p, `form[action="/recovery-codes/new"] input[name=method][value=sms_otp]`, true)
	e.emu.Advance(31 * time.Second) // the resend cooldown of the login's text
	p = b.follow(b.post("/recovery-codes/new", url.Values{"method": {"sms_otp"}}))
	contains(t, p, "main h1", "make new recovery codes")
	contains(t, p, "main .mfa-lead", "+1 •••-•••-0123")
	p = b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}})
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main h1", "Save your recovery codes")
	contains(t, p, "main", "old ones no longer work")
	var fresh []string
	p.doc.Find("main .mfa-recovery-code").Each(func(_ int, s *goquery.Selection) { fresh = append(fresh, s.Text()) })
	if len(fresh) != 10 || fresh[0] == old[0] {
		t.Fatalf("new codes %v, old %v", fresh, old)
	}
	b.follow(b.post("/recovery-codes/saved", nil))
	logout(t, b)

	loginToCode(t, b, "acme", erin)
	b.post("/verify/method", url.Values{"method": {"recovery_code"}})
	p = b.post("/verify", url.Values{"code": {old[1]}})
	contains(t, p, "main", "isn't right, or it was already used")
	if !strings.Contains(strings.Join(auditActions(t, logs.String()), ","), "recovery_codes_rotated "+erin.ID) {
		t.Fatalf("no audit line for the new codes:\n%s", logs.String())
	}
}

// Code attempts count per flow whatever the method: past the limit the
// step is over.
func TestAppCodeAttemptsAreLimited(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	b.follow(b.post("/totp", nil))
	for i := 0; i < handlers.DefaultLimits.CodeAttempts.N; i++ {
		mustStatus(t, b.post("/verify", url.Values{"code": {"000000"}}), http.StatusOK)
	}
	p := b.post("/verify", url.Values{"code": {"000000"}})
	mustStatus(t, p, http.StatusTooManyRequests)
	contains(t, p, "main", "Too many tries")
	if st := e.member(max); st.TOTPRegistrationID != "" {
		t.Fatalf("app saved: %+v", st)
	}
}

// A member who logged in while text message codes were off has a session
// that never proved their phone; Stytch will not add an app to it, so
// the phone is proved first, then the app is set up as usual.
func TestSetUpAppProvesThePhoneFirst(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	b.get("/unenroll")
	e.emu.Advance(31 * time.Second)
	b.follow(b.post("/unenroll", nil))
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	logout(t, b)
	b.login("acme", erin.Email) // codes off: no code asked for

	e.emu.Advance(31 * time.Second)
	p := b.follow(b.post("/totp", nil))
	contains(t, p, "main h1", "First, confirm it's you")
	contains(t, p, "main .mfa-lead", "+1 •••-•••-0123")
	p = b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	contains(t, p, "main h1", "Set up your authenticator app")
	exists(t, p, "#totp-secret", true)
}

// The settings page of a member with an app counts their recovery codes
// once, not on every view: page views ask Stytch nothing.
func TestRecoveryCodesCountedOncePerProfile(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	max := e.demo.Organization.Member
	b.login("acme", max.Email)
	setUpApp(t, e, b, max)
	total := func() (n int) {
		for _, c := range e.emu.Calls() {
			n += c
		}
		return n
	}
	mustStatus(t, b.get("/"), http.StatusOK)
	before := total()
	for range 3 {
		p := b.get("/")
		mustStatus(t, p, http.StatusOK)
		contains(t, p, "main", "recovery codes")
	}
	if n := total() - before; n != 0 {
		t.Errorf("three settings views made %d Stytch calls, want 0", n)
	}
}
