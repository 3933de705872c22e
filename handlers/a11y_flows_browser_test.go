package handlers_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mfaportal/mfaportal/stytchemu"
)

// The code page for keyboard and screen-reader users: the resend button
// stays focusable during the cooldown and says why it does nothing yet;
// times of day read the same way everywhere (the member's zone with
// JavaScript, UTC without); a success message after an htmx swap lands in
// a live region that was there before.
func TestBrowserCodePageForEveryone(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		if _, err := chromedp.Call(c.tab, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"}); err != nil {
			t.Fatal(err)
		}
		maxM := c.e.demo.Organization.Member
		c.login(maxM, "acme", `#mfa-status-title`)
		c.click(`main a[href="/enroll"]`, `input[name=number]`)
		c.typeInto(`input[name=number]`, "201 555 0177")
		c.click(`form[action="/enroll"] button[type=submit]`, `input[name=code]`)

		if n := c.count(`[data-resend] button:not([disabled])`); n != 1 {
			t.Fatalf("%d focusable resend buttons during the cooldown", n)
		}
		if n := c.count(`#resend-note[role=status]`); n != 1 {
			t.Fatal("the countdown is not in a live region")
		}
		c.contains("#resend-note", "You can ask for a new code in")
		expiry := c.text("#code-expiry time[data-local-time]")
		if c.js {
			if n := c.count(`[data-resend] button[aria-disabled=true][aria-describedby=resend-note]`); n != 1 {
				t.Fatal("during the cooldown the resend button is not marked unavailable and described by the countdown")
			}
			c.do("click resend early", chromedp.Click(css(`[data-resend] button`)), chromedp.Sleep(300*time.Millisecond))
			c.mu.Lock()
			for _, r := range c.requests {
				if r.path == "/verify/resend" {
					t.Error("an unavailable resend button sent a request")
				}
			}
			c.mu.Unlock()
			// Berlin is UTC+1 or +2; en-US writes "4:22 PM GMT+1".
			if !regexp.MustCompile(`^\d{1,2}:\d{2}[\s\x{202f}](AM|PM) GMT\+[12]$`).MatchString(expiry) {
				t.Errorf("expiry time with JavaScript %q, want the member's zone", expiry)
			}
		} else if !regexp.MustCompile(`^\d{1,2}:\d{2} (AM|PM) UTC$`).MatchString(expiry) {
			t.Errorf("expiry time without JavaScript %q, want English 12-hour UTC", expiry)
		}

		// A wrong code: the error state is checked too (click runs checkPage).
		c.typeInto(`input[name=code]`, "000000")
		c.click(`form[action="/verify"] button[type=submit]`, `#error-summary`)
		c.do("clear the code", chromedp.Evaluate[chromedp.Void](`document.querySelector("input[name=code]").value = ""`))
		c.enterCode("+12015550177", `#mfa-status-title`)
		c.contains(".mfa-flash", "Text message codes are on")
		if c.js {
			said, err := chromedp.Run(c.ctx, chromedp.Poll[string](`(document.getElementById('mfa-announce') || {}).textContent || false`))
			if err != nil || !strings.Contains(said, "Text message codes are on") {
				t.Fatalf("live region after the swap says %q (err %v)", said, err)
			}
		}
	})
}

// focusStop is one element Tab reached.
type focusStop struct {
	Desc                     string
	Top, Left, Bottom, Right float64
	Indicator                bool
}

const focusedNow = `(function () {
  var el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  var r = el.getBoundingClientRect(), s = getComputedStyle(el);
  var outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {
    Desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.textContent || el.name || '').replace(/\s+/g, ' ').trim().slice(0, 40) + '"',
    Top: r.top + scrollY, Left: r.left + scrollX, Bottom: r.bottom + scrollY, Right: r.right + scrollX,
    Indicator: r.width > 0 && r.height > 0 && (outline || s.boxShadow !== 'none')
  };
})()`

// tabThrough presses Tab from the top of the page to its end and checks
// that every element reached shows where focus is and comes after the one
// before in reading order (below it, or to its right on the same line).
func (c *chrome) tabThrough(page string, wantMin int) {
	c.t.Helper()
	c.do("start at the top", chromedp.Evaluate[chromedp.Void](
		`scrollTo(0, 0); document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')`))
	var stops []focusStop
	for i := 0; i < 80; i++ {
		c.do("Tab", chromedp.KeyEvent(kb.Tab))
		s, err := chromedp.Run(c.ctx, chromedp.Evaluate[*focusStop](focusedNow))
		if err != nil {
			c.t.Fatalf("%s: reading focus: %v", page, err)
		}
		if s == nil || len(stops) > 0 && s.Desc == stops[0].Desc && s.Top == stops[0].Top {
			break
		}
		stops = append(stops, *s)
	}
	var order []string
	for i, s := range stops {
		order = append(order, s.Desc)
		if !s.Indicator {
			c.t.Errorf("%s: %s has focus but no visible focus indicator", page, s.Desc)
		}
		if i == 0 {
			continue
		}
		p := stops[i-1]
		below := s.Top >= p.Bottom-2
		sameLine := s.Top < p.Bottom && p.Top < s.Bottom && s.Left >= p.Left
		if !below && !sameLine {
			c.t.Errorf("%s: Tab goes from %s (top %.0f, left %.0f) to %s (top %.0f, left %.0f), against the visible order",
				page, p.Desc, p.Top, p.Left, s.Desc, s.Top, s.Left)
		}
	}
	if len(stops) < wantMin {
		c.t.Errorf("%s: Tab reached only %d elements: %s", page, len(stops), strings.Join(order, ", "))
	}
	c.t.Logf("%s: focus order: %s", page, strings.Join(order, " → "))
	if len(stops) > 0 && !strings.HasPrefix(stops[0].Desc, `a "Skip to main content"`) {
		c.t.Errorf("%s: the first Tab reaches %s, not the skip link", page, stops[0].Desc)
	}
}

// atPhoneWidth runs f with the window as wide as a phone's (375 px).
func (c *chrome) atPhoneWidth(f func()) {
	c.t.Helper()
	c.do("phone width", chromedp.EmulateViewport(375, 740))
	defer c.do("desktop width", chromedp.EmulateViewport(1280, 900))
	f()
}

// Tab through the login, admin, enroll and code pages, at desktop width
// and, where the layout changes most (admin's stacked rows, the code
// form), at a phone's.
func TestBrowserKeyboard(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		ada := c.e.demo.Organization.Admin
		c.navigate("/login", `input[name=email]`)
		c.click(`main form.mfa-form button[type=submit]`, `#error-summary`) // no e-mail given
		c.tabThrough("login with an error", 4)
		c.login(ada, "acme", `#mfa-status-title`)
		c.tabThrough("settings", 5)
		c.click(`#mfa-header a[href="/admin"]`, `#mfa-members table`)
		c.tabThrough("admin", 8)
		c.atPhoneWidth(func() { c.tabThrough("admin at 375 px", 8) })
		c.navigate("/enroll", `input[name=number]`)
		c.tabThrough("enroll", 5)
		c.typeInto(`input[name=number]`, "201 555 0188")
		c.click(`form[action="/enroll"] button[type=submit]`, `input[name=code]`)
		c.tabThrough("code", 5)
		c.atPhoneWidth(func() { c.tabThrough("code at 375 px", 5) })
	})
}

// The error pages a member can meet, checked like every other page state
// (axe at both widths, no sideways scroll at 320 px): not found, a form
// whose token no longer holds, and Stytch not answering.
func TestBrowserErrorPages(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		c.expectStatus(404, "/no-such-page")
		c.expectStatus(403, "/enroll")
		c.expectStatus(503, "/enroll")
		c.navigate("/no-such-page", `main h1`)
		c.contains("main h1", "Page not found")

		c.login(c.e.demo.Organization.Member, "acme", `#mfa-status-title`)
		c.click(`main a[href="/enroll"]`, `input[name=number]`)
		c.typeInto(`input[name=number]`, "201 555 0177")
		c.do("spoil the form's token", chromedp.Evaluate[chromedp.Void](
			`document.querySelectorAll('input[name=_csrf]').forEach(function (i) { i.value = 'x' });
			 document.querySelectorAll('[hx-headers]').forEach(function (el) { el.setAttribute('hx-headers', '{"X-CSRF-Token":"x"}') })`))
		c.click(`form[action="/enroll"] button[type=submit]`, `main .mfa-reference`)
		c.contains("main h1", "This form has expired")
		if c.count(`input[name=code]`) != 0 {
			t.Fatal("a form with a spoilt token still reached the code step")
		}

		c.navigate("/enroll", `input[name=number]`)
		c.e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 503, ErrorType: "internal_server_error"})
		c.typeInto(`input[name=number]`, "201 555 0177")
		c.click(`form[action="/enroll"] button[type=submit]`, `main .mfa-reference`)
		c.contains("main", "Nothing was changed")
	})
}
