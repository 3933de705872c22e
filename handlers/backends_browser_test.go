package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mfaportal/mfaportal/stytchemu"
)

// The member's and the admin's flows in Chromium, with and without
// JavaScript, on each identity backend of backends (backends_test.go).
func TestBrowserOnEveryBackend(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			browser := startChromium(t)
			for _, js := range []bool{true, false} {
				mode := map[bool]string{true: "js", false: "nojs"}[js]
				t.Run(mode, func(t *testing.T) {
					t.Parallel()
					be := bc.make(t)
					c := newChrome(t, be.e, browser, js)
					browserEnroll(t, c, be)
					c.logout(be)
					browserReset(t, c, be)
					c.checkMode()
				})
			}
		})
	}
}

// browserEnroll: the member logs in, adds a phone and confirms it.
func browserEnroll(t *testing.T, c *chrome, be *backend) {
	c.loginTo(be, be.member, `#mfa-status-title`)
	c.contains("#mfa-header", be.member.name)
	c.contains("#mfa-status-title .mfa-badge", "Off")
	c.shot(be.name + "-settings")
	c.click(`main a[href="/enroll"]`, `input[name=number]`)
	c.typeInto(`input[name=number]`, "201 555 0177")
	c.click(`form[action="/enroll"] button[type=submit]`, `input[name=code]`)
	c.shot(be.name + "-code")
	c.typeInto(`input[name=code]`, be.code("+12015550177"))
	c.click(`form[action="/verify"] button[type=submit]`, `#mfa-status-title`)
	c.contains(".mfa-flash", "Text message codes are on")
	c.contains("#mfa-status-title .mfa-badge", "On")
	if ph, verified, on := be.state(be.member.id); ph != "+12015550177" || !verified || !on {
		t.Fatalf("%s after the code: %q verified %v on %v", be.name, ph, verified, on)
	}
}

// browserReset: an admin resets the phone of a member with codes on.
func browserReset(t *testing.T, c *chrome, be *backend) {
	c.loginTo(be, be.admin, `#mfa-status-title`)
	c.click(`#mfa-header a[href="/admin"]`, `#mfa-members table`)
	reset := "/admin/members/" + be.enrolled.id + "/reset"
	c.click(`#mfa-members a[href="`+reset+`"]`, `form[action="`+reset+`"]`)
	c.shot(be.name + "-reset")
	c.click(`form[action="`+reset+`"] button[type=submit]`, `.mfa-reset-done`)
	if ph, _, _ := be.state(be.enrolled.id); ph != "" {
		t.Fatalf("%s: after the reset the member still has %q", be.name, ph)
	}
}

// loginTo logs who in on the backend's login: Stytch's e-mailed link,
// or ZITADEL's own login page (not ours, so not checked like ours).
func (c *chrome) loginTo(be *backend, who account, sel string) {
	c.t.Helper()
	if be.name == "stytch" {
		c.login(stytchemu.DemoMember{ID: who.id, Email: who.login, Name: who.name}, "acme", sel)
		return
	}
	c.do("open /login, land on ZITADEL's login page",
		chromedp.Navigate(c.base+"/login"), chromedp.WaitVisible(css(`#loginName`)))
	c.do("sign in as "+who.login,
		chromedp.SendKeys(css(`#loginName`), who.login), chromedp.Submit(css(`#loginName`)),
		chromedp.WaitVisible(css(sel)))
	if c.js { // as navigate does: a later full reload, not an htmx swap, would show
		c.do("mark the document", chromedp.Evaluate[chromedp.Void](`window.__mfaMarker = 1`))
	}
	c.checkPage("after logging in on ZITADEL: " + c.where())
}

// logout logs out with the header's button; ZITADEL's end-session page
// sends the browser back to /login and so to ZITADEL's login page.
func (c *chrome) logout(be *backend) {
	c.t.Helper()
	next := `input[name=email]`
	if be.name != "stytch" {
		next = `#loginName`
	}
	c.do("log out", chromedp.Click(css(`#mfa-header form[action="/logout"] button`)), chromedp.WaitVisible(css(next)))
}
