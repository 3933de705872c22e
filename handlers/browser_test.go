package handlers_test

import "testing"

// The member flows of member_flows_test.go, in headless Chromium, with and
// without JavaScript (see inBothModes and chrome in
// browser_helpers_test.go). Set MFAPORTAL_SHOTS=1 to keep screenshots of
// the main pages in /tmp/mfaportal-shots.

func TestBrowserLoginWithMFA(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		erin := c.e.demo.Organization.Enrolled
		c.login(erin, "acme", `input[name=code]`)
		c.path("/verify")
		c.contains("main", "+1 •••-•••-0123")
		if n := c.count(`input[name=code][autocomplete=one-time-code][inputmode=numeric]`); n != 1 {
			t.Fatalf("%d one-time-code inputs on the code page", n)
		}
		c.enterCode(erin.Phone, `#mfa-status-title`)
		c.path("/")
		c.contains(".mfa-flash", "You're logged in.")
		c.contains("main .mfa-facts", "+1 •••-•••-0123")
		c.contains("#mfa-status-title .mfa-badge", "On")
		c.contains("#mfa-header", erin.Name)
		if st := c.e.member(erin); st.ActiveSessions != 1 {
			t.Fatalf("after login: %+v", st)
		}
	})
}

func TestBrowserEnroll(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		maxM := c.e.demo.Organization.Member
		c.login(maxM, "acme", `#mfa-status-title`) // no MFA: the link lands on the settings
		c.path("/")
		c.contains(".mfa-flash", "You're logged in.")
		c.contains("#mfa-status-title .mfa-badge", "Off")

		c.click(`main a[href="/enroll"]`, `input[name=number]`)
		c.path("/enroll")
		if n := c.count(`select[name=region] option[value=US]:checked`); n != 1 {
			t.Fatal("United States is not the preselected country")
		}
		c.shot("enroll")
		c.typeInto(`input[name=number]`, "201 555 0177")
		c.click(`form[action="/enroll"] button[type=submit]`, `input[name=code]`)
		c.path("/verify")
		c.contains("main .mfa-lead", "+1 •••-•••-0177")
		c.contains("main", "expires at")
		c.shot("code")
		if st := c.e.member(maxM); st.MFAEnrolled {
			t.Fatalf("enrolled before the code: %+v", st)
		}

		c.enterCode("+12015550177", `#mfa-status-title`)
		c.path("/")
		c.contains(".mfa-flash", "Text message codes are on")
		c.contains("#mfa-status-title .mfa-badge", "On")
		c.contains("main .mfa-facts", "+1 •••-•••-0177")
		c.contains("main .mfa-facts", "verified")
		c.shot("settings")
		st := c.e.member(maxM)
		if !st.MFAEnrolled || !st.PhoneVerified || st.Phone != "+12015550177" {
			t.Fatalf("emulator state after enroll: %+v", st)
		}
	})
}

func TestBrowserReplacePhone(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		erin := c.e.demo.Organization.Enrolled
		c.loginWithCode(erin, "acme")

		c.click(`main a[href="/replace"]`, `form[action="/replace"] button[type=submit]`)
		c.path("/replace")
		c.contains("main", "+1 •••-•••-0123")
		c.click(`form[action="/replace"] button[type=submit]`, `input[name=code]`) // "Text me a code"
		c.path("/verify")
		c.contains("main", "current phone still receives")

		c.enterCode(erin.Phone, `input[name=number]`)
		c.path("/enroll")
		c.contains("main h1", "Add your new phone")
		c.contains("main", "old number has been removed")
		if st := c.e.member(erin); st.Phone != "" {
			t.Fatalf("old phone still set after the step-up code: %+v", st)
		}

		c.typeInto(`input[name=number]`, "201 555 0199")
		c.click(`form[action="/enroll"] button[type=submit]`, `input[name=code]`)
		c.path("/verify")
		c.contains("main .mfa-lead", "+1 •••-•••-0199")
		c.enterCode("+12015550199", `#mfa-status-title`)
		c.path("/")
		c.contains("main .mfa-facts", "+1 •••-•••-0199")
		c.contains("#mfa-status-title .mfa-badge", "On")
		if st := c.e.member(erin); st.Phone != "+12015550199" || !st.PhoneVerified || !st.MFAEnrolled {
			t.Fatalf("emulator state after replace: %+v", st)
		}
	})
}

func TestBrowserUnenroll(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		erin := c.e.demo.Organization.Enrolled
		c.loginWithCode(erin, "acme")

		c.click(`main a[href="/unenroll"]`, `form[action="/unenroll"] button[type=submit]`)
		c.path("/unenroll")
		c.click(`form[action="/unenroll"] button[type=submit]`, `input[name=code]`)
		c.path("/verify")
		c.contains("main", "still on")
		if !c.e.member(erin).MFAEnrolled {
			t.Fatal("unenrolled before the code")
		}

		c.enterCode(erin.Phone, `#mfa-status-title`)
		c.path("/")
		c.contains(".mfa-flash", "Text message codes are off")
		c.contains("#mfa-status-title .mfa-badge", "Off")
		if n := c.count(`main a[href="/unenroll"]`); n != 0 {
			t.Fatal("still offers to turn off")
		}
		if st := c.e.member(erin); st.MFAEnrolled || st.Phone != erin.Phone {
			t.Fatalf("emulator state after unenroll: %+v", st)
		}
	})
}
