package handlers_test

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

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mfaportal/mfaportal/stytchemu"
)

// The browser tests drive a real headless Chromium against the app on the
// emulator, once with JavaScript (htmx swaps #main) and once without (plain
// forms and 303s), so both halves of the progressive enhancement are run.

// browserTimeout bounds one subtest's browser steps.
const browserTimeout = 60 * time.Second

// chromium is the browser binary; without one the browser tests skip,
// unless the environment says a browser is required (CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser tests need Chromium: none of chromium, chromium-browser, google-chrome is on PATH (Debian: apt-get install chromium)"
	if os.Getenv("MFAPORTAL_REQUIRE_BROWSER") == "1" || os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// inBothModes runs f as the subtests "js" and "nojs", in parallel, each
// with its own app and emulator and its own browser context (cookies,
// cache) in one Chromium: starting Chromium is the slow part.
func inBothModes(t *testing.T, f func(t *testing.T, c *chrome)) {
	browser := startChromium(t)
	for _, js := range []bool{true, false} {
		name := "js"
		if !js {
			name = "nojs"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := newChrome(t, e, browser, js)
			f(t, c)
			c.checkMode()
		})
	}
}

// startChromium starts a headless Chromium for the test and its subtests,
// and returns its context.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("accept-lang", "en-US"), // the country picker follows it
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // also waits for Chromium to exit, before TempDir is removed
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// The first action starts the browser and ties its life to ctx, which
	// has no deadline: the subtests' deadlines end their steps, not it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// chrome is one tab, in a browser context of its own, on one env.
type chrome struct {
	t    *testing.T
	e    *env
	js   bool
	tab  context.Context // the tab, without a deadline (for artifacts)
	ctx  context.Context // the tab, with the test's deadline
	base string

	mu       sync.Mutex
	requests []seenRequest
	problems []string // uncaught exceptions, CSP violations
	expected []string // "status of N (…) URL" failures a test asked for (expectStatus)
}

// expectStatus tells the observer that the next answer from path with
// status is the page under test, not a problem.
func (c *chrome) expectStatus(status int, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expected = append(c.expected, fmt.Sprintf("status of %d %s", status, c.base+path))
}

// wanted reports whether a console error is one expectStatus announced.
func (c *chrome) wanted(text, url string) bool {
	for _, e := range c.expected {
		status, u, _ := strings.Cut(e, " "+c.base)
		if strings.Contains(text, status) && url == c.base+u {
			return true
		}
	}
	return false
}

type seenRequest struct {
	method, path string
	typ          network.ResourceType
	htmx         bool // sent with HX-Request: true
}

func newChrome(t *testing.T, e *env, browser context.Context, js bool) *chrome {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	c := &chrome{t: t, e: e, js: js, tab: tab, base: e.app.URL}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Listen(tab, c.observe); err != nil {
		t.Fatal(err)
	}
	if !js {
		// Before the first navigation; it holds for the tab's life.
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disabling JavaScript: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(cancel)
	c.ctx = ctx
	// Registered last, so it runs first: the tab is still there.
	t.Cleanup(c.saveArtifactsOnFailure)
	return c
}

// observe runs on chromedp's reader goroutine: record and return.
func (c *chrome) observe(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request == nil || !strings.HasPrefix(ev.Request.URL, c.base+"/") {
			return
		}
		u, _ := url.Parse(ev.Request.URL)
		r := seenRequest{method: ev.Request.Method, path: u.Path, typ: ev.Type}
		for k, v := range ev.Request.Headers {
			if strings.EqualFold(k, "HX-Request") && fmt.Sprint(v) == "true" {
				r.htmx = true
			}
		}
		c.mu.Lock()
		c.requests = append(c.requests, r)
		c.mu.Unlock()
	case *runtime.EventExceptionThrown:
		msg := "uncaught exception"
		if d := ev.ExceptionDetails; d != nil {
			msg += ": " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
		}
		c.mu.Lock()
		c.problems = append(c.problems, msg)
		c.mu.Unlock()
	case *log.EventEntryAdded:
		if ev.Entry == nil {
			return
		}
		// CSP violations are "security" entries; a 404 for /favicon.ico
		// (which the app doesn't serve) is noise.
		if ev.Entry.Source == log.EntrySourceSecurity ||
			ev.Entry.Level == log.EntryLevelError && !strings.Contains(ev.Entry.URL, "favicon") {
			c.mu.Lock()
			if c.wanted(ev.Entry.Text, ev.Entry.URL) {
				c.mu.Unlock()
				return
			}
			c.problems = append(c.problems, fmt.Sprintf("console %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			c.mu.Unlock()
		}
	}
}

// do runs steps in the tab and stops the test at the first failure.
func (c *chrome) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, steps...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// css is shorthand for a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// navigate loads a URL (a path under the app, or a full URL) as a full
// page load, and waits for sel on the page it ends on.
func (c *chrome) navigate(target, sel string) {
	c.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = c.base + target
	}
	c.do("open "+target, chromedp.Navigate(target), chromedp.WaitVisible(css(sel)))
	if c.js {
		// Navigate returns after the load event, so htmx has processed
		// the page; check it, then mark the document so a later full
		// reload (rather than an htmx swap) shows.
		ok, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](`(window.__mfaMarker = 1, typeof window.htmx === "object")`))
		if err != nil || !ok {
			c.t.Fatalf("htmx did not load on %s (err %v)", target, err)
		}
	}
	c.checkPage("page " + c.where())
}

// click clicks the first element matching sel and waits for next, a
// selector that only the page it leads to has.
func (c *chrome) click(sel, next string) {
	c.t.Helper()
	c.do("click "+sel+", wait for "+next, chromedp.Click(css(sel)), chromedp.WaitVisible(css(next)))
	c.sameDocument("after clicking " + sel)
	c.checkPage("after clicking " + sel + ": " + c.where())
}

// typeInto types into a field, as a person would.
func (c *chrome) typeInto(sel, text string) {
	c.t.Helper()
	c.do("type into "+sel, chromedp.Focus(css(sel)), chromedp.SendKeys(css(sel), text))
}

// sameDocument: with JavaScript, every click in the flows is boosted, so
// the document that navigate marked must still be there.
func (c *chrome) sameDocument(when string) {
	c.t.Helper()
	if !c.js {
		return
	}
	ok, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](`window.__mfaMarker === 1`))
	if err != nil || !ok {
		c.t.Fatalf("%s: the page was reloaded instead of swapped by htmx (err %v)", when, err)
	}
}

// text is the visible text of the first element matching sel, with its
// whitespace collapsed.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(css(sel)))
	if err != nil {
		c.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func (c *chrome) contains(sel, want string) {
	c.t.Helper()
	if got := c.text(sel); !strings.Contains(got, want) {
		c.t.Fatalf("%s: want %q in %q", sel, want, got)
	}
}

// count is how many elements match sel now, without waiting.
func (c *chrome) count(sel string) int {
	c.t.Helper()
	nodes, err := chromedp.Run(c.ctx, chromedp.Nodes(css(sel), chromedp.AtLeast(0)))
	if err != nil {
		c.t.Fatalf("query %s: %v", sel, err)
	}
	return len(nodes)
}

// path is the path in the address bar: htmx pushes HX-Location targets,
// and a plain browser follows the 303, so both show the same one.
func (c *chrome) path(want string) {
	c.t.Helper()
	loc, err := chromedp.Run(c.ctx, chromedp.Location())
	if err != nil {
		c.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil || u.Path != want {
		c.t.Fatalf("address bar shows %q, want path %q", loc, want)
	}
}

// login logs in through the form and the magic link from the outbox,
// ending on the page that has sel.
func (c *chrome) login(m stytchemu.DemoMember, org, sel string) {
	c.t.Helper()
	c.navigate("/login", `input[name=email]`)
	c.shot("login")
	c.typeInto(`input[name=email]`, m.Email)
	if c.count(`input[name=organization]`) > 0 {
		c.typeInto(`input[name=organization]`, org)
	}
	c.click(`main form.mfa-form button[type=submit]`, `main a.mfa-button[href="/login"]`)
	c.path("/login/sent")
	c.contains("main", m.Email)
	c.navigate(c.e.lastMessage(m.Email).Link, sel)
}

// loginWithCode logs in a member whose MFA is on, through the code page,
// ending on the settings page.
func (c *chrome) loginWithCode(m stytchemu.DemoMember, org string) {
	c.t.Helper()
	c.login(m, org, `input[name=code]`)
	c.path("/verify")
	c.typeInto(`input[name=code]`, c.e.lastMessage(m.Phone).Code)
	c.click(`form[action="/verify"] button[type=submit]`, `#mfa-status-title`)
	c.path("/")
	c.contains(".mfa-flash", "You're logged in.")
}

// enterCode types the newest code texted to e164 and confirms it.
func (c *chrome) enterCode(e164, next string) {
	c.t.Helper()
	c.typeInto(`input[name=code]`, c.e.lastMessage(e164).Code)
	c.click(`form[action="/verify"] button[type=submit]`, next)
}

// probe reports what JavaScript left in the page: htmx's global and the
// expando app.js puts on <main> when it runs. Runtime.evaluate comes from
// DevTools, so it works with the page's scripts disabled too.
func (c *chrome) probe() (htmx, appJS bool) {
	c.t.Helper()
	res, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]bool](
		`[typeof window.htmx !== "undefined", (document.getElementById("main") || {}).mfaArrived !== undefined]`))
	if err != nil || len(res) != 2 {
		c.t.Fatalf("probing the page: %v %v", res, err)
	}
	return res[0], res[1]
}

// checkMode proves the subtest ran in the mode it claims: with JavaScript,
// htmx and app.js ran and every form post went through htmx; without, no
// script ran and every post was a plain document navigation. Either way
// no script error or CSP violation happened.
func (c *chrome) checkMode() {
	c.t.Helper()
	if c.t.Failed() {
		return
	}
	htmx, appJS := c.probe()
	c.mu.Lock()
	reqs := append([]seenRequest(nil), c.requests...)
	problems := append([]string(nil), c.problems...)
	c.mu.Unlock()
	for _, p := range problems {
		c.t.Errorf("browser reported: %s", p)
	}
	posts := 0
	for _, r := range reqs {
		if r.method != "POST" {
			if !c.js && r.htmx {
				c.t.Errorf("JavaScript off, yet %s %s carried HX-Request", r.method, r.path)
			}
			continue
		}
		posts++
		switch {
		case c.js && (!r.htmx || r.typ == network.ResourceTypeDocument):
			c.t.Errorf("JavaScript on, yet POST %s was a %s request without htmx (HX-Request %v)", r.path, r.typ, r.htmx)
		case !c.js && (r.htmx || r.typ != network.ResourceTypeDocument):
			c.t.Errorf("JavaScript off, yet POST %s was a %s request (HX-Request %v)", r.path, r.typ, r.htmx)
		}
	}
	if posts == 0 {
		c.t.Error("the browser posted no form at all")
	}
	if htmx != c.js || appJS != c.js {
		c.t.Errorf("JavaScript on = %v, but htmx loaded = %v and app.js ran = %v", c.js, htmx, appJS)
	}
	if c.js {
		c.checkHTMXConfig()
	}
}

// checkHTMXConfig checks that app.js configured htmx before it started:
// no eval, no scripts from responses, no history cache, error pages
// swapped in, and no indicator <style> injected (the CSP would have
// reported that as a problem too).
func (c *chrome) checkHTMXConfig() {
	c.t.Helper()
	ok, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](`(function (k) {
  return k.allowEval === false && k.allowScriptTags === false && k.includeIndicatorStyles === false &&
    k.historyCacheSize === 0 && k.refreshOnHistoryMiss === true &&
    k.responseHandling.some(function (r) { return r.code === '[45]..' && r.swap === true; }) &&
    document.querySelectorAll('style').length === 0;
})(htmx.config)`))
	if err != nil || !ok {
		c.t.Errorf("htmx is not configured as app.js says (err %v)", err)
	}
}

// shot saves a full-page screenshot to /tmp/mfaportal-shots/<name>.png
// when MFAPORTAL_SHOTS=1, for the JavaScript run only.
func (c *chrome) shot(name string) {
	c.t.Helper()
	if os.Getenv("MFAPORTAL_SHOTS") != "1" || !c.js {
		return
	}
	dir := filepath.Join(os.TempDir(), "mfaportal-shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.t.Fatal(err)
	}
	png, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		c.t.Fatal(err)
	}
	c.t.Logf("screenshot: %s", file)
}

// saveArtifactsOnFailure keeps a screenshot, the DOM and the requests of a
// failed test in a directory that outlives it.
func (c *chrome) saveArtifactsOnFailure() {
	if !c.t.Failed() {
		return
	}
	dir, err := os.MkdirTemp("", "mfaportal-browser-*")
	if err != nil {
		c.t.Logf("no directory for failure artifacts: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(c.tab, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.png"), png, 0o644)
	} else {
		c.t.Logf("failure screenshot: %v", err)
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(css("html"), chromedp.AtLeast(0))); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
	} else {
		c.t.Logf("failure HTML: %v", err)
	}
	var b strings.Builder
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		fmt.Fprintf(&b, "location: %s\n", loc)
	}
	c.mu.Lock()
	for _, r := range c.requests {
		fmt.Fprintf(&b, "%s %s type=%s htmx=%v\n", r.method, r.path, r.typ, r.htmx)
	}
	for _, p := range c.problems {
		fmt.Fprintf(&b, "problem: %s\n", p)
	}
	c.mu.Unlock()
	_ = os.WriteFile(filepath.Join(dir, "requests.txt"), []byte(b.String()), 0o644)
	c.t.Logf("browser failure artifacts: %s (page.png, page.html, requests.txt)", dir)
}
