package handlers_test

import (
	"math"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin resets a member's phone and signs them out, in headless
// Chromium with and without JavaScript (inBothModes, browser_helpers_test.go).
func TestBrowserAdminReset(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		acme := c.e.demo.Organization
		ada, erin := acme.Admin, acme.Enrolled
		c.e.browser().loginWithCode("acme", erin) // Erin is logged in elsewhere
		if st := c.e.member(erin); st.ActiveSessions != 1 {
			t.Fatalf("Erin before the reset: %+v", st)
		}
		c.login(ada, "acme", `#mfa-status-title`) // MFA off: the link lands on the settings
		c.path("/")

		c.click(`#mfa-header a[href="/admin"]`, `#mfa-members table`)
		c.path("/admin")
		c.contains("main h1", "Members of Acme Inc")
		c.contains("#mfa-members .mfa-summary", "of 3 members have two-step verification on")
		c.shot("admin-list")
		c.filterAligned()

		// Filtering swaps the table (htmx) or loads the page (no JavaScript).
		c.do("choose MFA on", chromedp.SetValue(css(`#f-filter`), "mfa-on"))
		c.click(`form.mfa-admin-filter button[type=submit]`, `#mfa-members[data-filter="mfa-on"] table`)
		c.path("/admin")
		if n := c.count(`#mfa-members tbody tr`); n != 1 {
			t.Fatalf("%d members with MFA on, want Erin alone", n)
		}

		reset := "/admin/members/" + erin.ID + "/reset"
		c.click(`#mfa-members a[href="`+reset+`"]`, `input[name=revoke]`)
		c.path(reset)
		c.contains("main h1", "Reset the phone of "+erin.Name+" ("+erin.Email+")?")
		c.contains("main", "phone number +1 •••-•••-0123")
		c.shot("admin-reset")
		c.do("tick sign out", chromedp.Click(css(`#f-revoke`)))
		c.click(`form[action="`+reset+`"] button[type=submit]`, `.mfa-reset-done`)
		c.contains("main", "The phone number of "+erin.Name+" ("+erin.Email+") was removed")
		c.contains("main", "logged out everywhere")
		c.shot("admin-reset-done")
		if st := c.e.member(erin); st.Phone != "" || st.ActiveSessions != 0 {
			t.Fatalf("after the reset: %+v", st)
		}

		c.click(`main a[href="/admin"]`, `#mfa-members table`)
		c.path("/admin")
		if n := c.count(`#mfa-members a[href="` + reset + `"]`); n != 0 {
			t.Fatal("Erin still has a reset link")
		}
	})
}

// filterAligned checks, at desktop width, that the filter's labels share a
// line, and so do its select and search box.
func (c *chrome) filterAligned() {
	c.t.Helper()
	tops, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]float64](`['label[for=f-filter]', 'label[for=f-q]', '#f-filter', '#f-q'].map(function (s) {
  return document.querySelector(s).getBoundingClientRect().top;
})`))
	if err != nil {
		c.t.Fatal(err)
	}
	if math.Abs(tops[0]-tops[1]) > 1 || math.Abs(tops[2]-tops[3]) > 1 {
		c.t.Errorf("admin filter: label tops %.0f and %.0f, control tops %.0f and %.0f; want each pair on one line", tops[0], tops[1], tops[2], tops[3])
	}
}
