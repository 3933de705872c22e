package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowserEnrollInsideHost drives headless Chromium through the example
// host: log in on the host's page, open the security settings (htmx on),
// enroll a phone, and land back on the host's home page.
func TestBrowserEnrollInsideHost(t *testing.T) {
	s := newSite(t)
	b := newTab(t, s.public)
	max := s.emu.Demo().Organization.Member
	prefix := mounts[0]

	// No session: the host's login page, which brings us back.
	b.open(prefix+"/?return_to="+url.QueryEscape(s.public+"/"), `form[action="/login"] button`)
	b.run("log in as Max", chromedp.Click(css(`form:has(input[value="`+max.Email+`"]) button`)), chromedp.WaitVisible(css("#mfa-status-title")))
	b.shot("embed-settings")
	if b.count("body > nav.acme-nav") != 1 || b.count(".acme-page > .mfa-root main#main") != 1 {
		t.Fatal("the host's navigation is not around mfaportal's content")
	}
	if got := b.text(".mfa-root header"); !strings.Contains(got, max.Name) {
		t.Fatalf("header %q lacks %s", got, max.Name)
	}
	if b.count(`.mfa-root form[action$="/logout"]`) != 0 {
		t.Error("mfaportal offers its own log out inside the host")
	}
	// htmx runs inside our root only: mark the document to tell swaps from reloads.
	if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(window.__embedMarker = 1, typeof window.htmx === "object")`)); err != nil || !ok {
		t.Fatalf("htmx did not load (err %v)", err)
	}

	b.run("open the phone form", chromedp.Click(css(`.mfa-root a[href="`+prefix+`/enroll"]`)), chromedp.WaitVisible(css(`input[name=number]`)))
	b.swapped("opening the phone form")
	if b.count("body > nav.acme-nav") != 1 {
		t.Fatal("the swap lost the host's navigation")
	}
	b.shot("embed-phone")
	b.run("send a code", chromedp.SendKeys(css(`input[name=number]`), "2015550191"),
		chromedp.Click(css(`form[action="`+prefix+`/enroll"] button[type=submit]`)), chromedp.WaitVisible(css(`input[name=code]`)))
	b.swapped("sending the code")
	msg, ok := s.emu.LastMessage("+12015550191")
	if !ok {
		t.Fatal("no code texted")
	}
	b.run("confirm the code", chromedp.SendKeys(css(`input[name=code]`), msg.Code),
		chromedp.Click(css(`form[action="`+prefix+`/verify"] button[type=submit]`)), chromedp.WaitVisible(css(`a.acme-button[href^="/settings/security/"]`)))
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil || loc != s.public+"/" {
		t.Fatalf("after enrolling the address bar shows %q (err %v), want the host's home", loc, err)
	}
	if st, _ := s.emu.MemberState(max.ID); !st.MFAEnrolled || st.Phone != "+12015550191" || !st.PhoneVerified {
		t.Fatalf("member state %+v", st)
	}
	b.checkProblems()
}

// tab is one Chromium tab on the example; a minimal local version of the
// helpers in handlers/browser_helpers_test.go.
type tab struct {
	t    *testing.T
	base string
	ctx  context.Context

	mu       sync.Mutex
	problems []string
}

// chromium is the browser binary; without one the test skips, unless the
// environment says a browser is required (CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser test needs Chromium: none of chromium, chromium-browser, google-chrome is on PATH (Debian: apt-get install chromium)"
	if os.Getenv("MFAPORTAL_REQUIRE_BROWSER") == "1" || os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func newTab(t *testing.T, base string) *tab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("accept-lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	b := &tab{t: t, base: base}
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := chromedp.Listen(browser, b.observe); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	t.Cleanup(cancel)
	b.ctx = ctx
	t.Cleanup(func() { b.saveOnFailure(browser) }) // runs before the browser closes
	return b
}

// observe records script errors and CSP violations.
func (b *tab) observe(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "uncaught exception"
		if ev.ExceptionDetails != nil {
			msg += ": " + ev.ExceptionDetails.Text
		}
	case *log.EventEntryAdded:
		if ev.Entry == nil || (ev.Entry.Source != log.EntrySourceSecurity && (ev.Entry.Level != log.EntryLevelError || strings.Contains(ev.Entry.URL, "favicon"))) {
			return
		}
		msg = fmt.Sprintf("console %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, msg)
	b.mu.Unlock()
}

func (b *tab) checkProblems() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("browser reported: %s", p)
	}
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func (b *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *tab) open(path, sel string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(css(sel)))
}

func (b *tab) count(sel string) int {
	b.t.Helper()
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(css(sel), chromedp.AtLeast(0)))
	if err != nil {
		b.t.Fatalf("query %s: %v", sel, err)
	}
	return len(nodes)
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(css(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// swapped asserts htmx swapped #main rather than the browser reloading.
func (b *tab) swapped(when string) {
	b.t.Helper()
	if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.__embedMarker === 1`)); err != nil || !ok {
		b.t.Fatalf("%s: the page was reloaded instead of swapped by htmx (err %v)", when, err)
	}
}

// shot saves a screenshot to $TMPDIR/mfaportal-shots when MFAPORTAL_SHOTS=1.
func (b *tab) shot(name string) {
	b.t.Helper()
	if os.Getenv("MFAPORTAL_SHOTS") != "1" {
		return
	}
	dir := filepath.Join(os.TempDir(), "mfaportal-shots")
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
	}
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.t.Logf("screenshot: %s", filepath.Join(dir, name+".png"))
}

// saveOnFailure keeps a screenshot and the DOM of a failed test.
func (b *tab) saveOnFailure(browser context.Context) {
	if !b.t.Failed() {
		return
	}
	dir, err := os.MkdirTemp("", "mfaportal-embed-browser-*")
	if err != nil {
		b.t.Logf("no directory for failure artifacts: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(browser, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.png"), png, 0o644)
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(css("html"), chromedp.AtLeast(0))); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
	}
	b.t.Logf("failure screenshot and HTML: %s", dir)
}
