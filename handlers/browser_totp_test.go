package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// appCodeFor computes the authenticator app's code from the secret the
// page showed, as a phone app would, on the emulator's clock, a time step
// after any code used before.
func (c *chrome) appCodeFor(secret string) string {
	c.t.Helper()
	now := c.e.emu.Advance(30 * time.Second)
	code, err := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		c.t.Fatalf("computing a code from %q: %v", secret, err)
	}
	return code
}

// The authenticator app from the settings page to two logins: one with
// the app's code, one with a recovery code.
func TestBrowserTOTP(t *testing.T) {
	inBothModes(t, func(t *testing.T, c *chrome) {
		maxM := c.e.demo.Organization.Member
		c.login(maxM, "acme", `#mfa-app-title`)
		c.contains("#mfa-app-title .mfa-badge", "Not set up")

		c.click(`form[action="/totp"] button[type=submit]`, `#totp-secret`)
		c.path("/verify")
		c.contains("main h1", "Set up your authenticator app")
		if n := c.count(`main img.mfa-qr[src^="data:image/png;base64,"]`); n != 1 {
			t.Fatalf("%d QR images on the setup page", n)
		}
		c.shot("totp-setup")
		secret := strings.ReplaceAll(c.text("#totp-secret"), " ", "")
		c.typeInto(`input[name=code]`, c.appCodeFor(secret))
		c.click(`form[action="/verify"] button[type=submit]`, `main .mfa-recovery-code`)
		c.path("/recovery-codes")
		c.shot("recovery-codes")
		codes := strings.Fields(c.text("main .mfa-codes"))
		if len(codes) != 10 {
			t.Fatalf("recovery codes on the page: %q", codes)
		}
		if n := c.count(`main a[href="/recovery-codes/download"][download]`); n != 1 {
			t.Fatal("no download link for the codes")
		}
		c.click(`form[action="/recovery-codes/saved"] button[type=submit]`, `#mfa-recovery-left`)
		c.path("/")
		c.contains("#mfa-app-title .mfa-badge", "On")
		c.contains("#mfa-methods", "authenticator app first")
		c.contains("#mfa-recovery-left", "10 unused")

		c.click(`#mfa-header form[action="/logout"] button[type=submit]`, `input[name=email]`)
		c.login(maxM, "acme", `input[name=code]`)
		c.path("/verify")
		c.contains("main h1", "authenticator app")
		c.typeInto(`input[name=code]`, c.appCodeFor(secret))
		c.click(`form[action="/verify"] button[type=submit]`, `#mfa-methods`)
		c.path("/")
		c.contains(".mfa-flash", "You're logged in.")

		c.click(`#mfa-header form[action="/logout"] button[type=submit]`, `input[name=email]`)
		c.login(maxM, "acme", `input[name=code]`)
		c.click(`button[data-method=recovery_code]`, `input[name=code][autocomplete=off]`)
		c.path("/verify")
		c.contains("main h1", "Enter a recovery code")
		c.typeInto(`input[name=code]`, codes[0])
		c.click(`form[action="/verify"] button[type=submit]`, `#mfa-methods`)
		c.path("/")
		c.contains(".mfa-flash", "9 recovery codes left")
		c.contains("#mfa-recovery-left", "9 unused")
		if st := c.e.member(maxM); st.RecoveryCodes != 9 || st.TOTPRegistrationID == "" {
			t.Fatalf("emulator state after the recovery login: %+v", st)
		}
	})
}
