package handlers_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// headingGap is how far, in px, the h1's text ends from the end edge of
// main's content box, in the reading direction: near 0 when the heading
// starts at the right, as Arabic does.
const headingGap = `(function () {
  var main = document.querySelector('main'), h1 = main.querySelector('h1'), cs = getComputedStyle(main);
  var r = document.createRange(); r.selectNodeContents(h1);
  var contentRight = main.getBoundingClientRect().right - parseFloat(cs.paddingRight);
  return Math.round(contentRight - r.getBoundingClientRect().right);
})()`

// TestBrowserArabicRightToLeft chooses Arabic with the switcher and checks,
// in Chromium, that pages lay out right to left (the computed direction,
// the heading against the right edge) and pass axe-core at desktop and
// phone widths. With MFAPORTAL_SHOTS=1 it keeps screenshots at 1280 and
// 375 px in $TMPDIR/mfaportal-shots.
func TestBrowserArabicRightToLeft(t *testing.T) {
	browser := startChromium(t)
	e := newEnv(t)
	c := newChrome(t, e, browser, true)
	c.navigate("/login", `form.mfa-lang button[value=ar]`)
	c.do("choose Arabic", chromedp.Click(css(`form.mfa-lang button[value=ar]`)), chromedp.WaitVisible(css(`html[lang=ar][dir=rtl] main h1`)))
	c.checkPage("Arabic login")
	c.rtl("login")
	c.arabicShots("login")

	max := e.demo.Organization.Member
	c.login(max, "acme", `#mfa-status-title`)
	c.rtl("settings")
	c.arabicShots("settings")
	c.navigate("/enroll", `select[name=region]`)
	c.rtl("enroll")
	c.arabicShots("enroll")
}

// rtl asserts the page's computed direction and where its heading sits.
func (c *chrome) rtl(page string) {
	c.t.Helper()
	dir, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).direction`))
	if err != nil || dir != "rtl" {
		c.t.Fatalf("%s: computed direction %q (err %v), want rtl", page, dir, err)
	}
	for _, w := range []int64{1280, 375} {
		c.do("viewport", chromedp.EmulateViewport(w, 900))
		gap, err := chromedp.Run(c.ctx, chromedp.Evaluate[int](headingGap))
		if err != nil || gap < -1 || gap > 4 {
			c.t.Errorf("%s at %d px: the heading ends %d px from main's right edge (err %v), want it against it", page, w, gap, err)
		}
	}
	c.do("viewport", chromedp.EmulateViewport(1280, 900))
}

// arabicShots keeps the page at 1280 and 375 px wide for a person to look at.
func (c *chrome) arabicShots(name string) {
	c.t.Helper()
	if os.Getenv("MFAPORTAL_SHOTS") != "1" {
		return
	}
	dir := filepath.Join(os.TempDir(), "mfaportal-shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.t.Fatal(err)
	}
	for _, w := range []int64{1280, 375} {
		c.do("viewport", chromedp.EmulateViewport(w, 900))
		// The viewport, not FullScreenshot: a full-page capture of a
		// right-to-left page can come out shifted sideways.
		png, err := chromedp.Run(c.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			c.t.Fatal(err)
		}
		file := filepath.Join(dir, "ar-"+name+"-"+map[int64]string{1280: "1280", 375: "375"}[w]+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			c.t.Fatal(err)
		}
		c.t.Logf("screenshot: %s", file)
	}
	c.do("viewport", chromedp.EmulateViewport(1280, 900))
}
