package handlers_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Every page state the browser tests reach is checked where it is reached
// (chrome.navigate and chrome.click call checkPage): axe-core's WCAG 2.0,
// 2.1 and 2.2 A and AA rules at desktop and phone widths with JavaScript,
// and, in both modes, no sideways scrolling of the document at 320 px.

// axeFile is axe-core as npm installs it from testdata/axe's lock file
// (.ci/run runs npm ci there).
var axeFile = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")

// axeTags are the rule sets run: WCAG 2.2 AA includes its A rules and
// those of 2.0 and 2.1, which axe tags separately.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

// axeWidths are the viewport widths axe runs at: desktop and a phone.
var axeWidths = []int64{1280, 375}

// narrowest is the width at which no page may scroll sideways.
const narrowest = 320

var axeOnce struct {
	sync.Once
	src string
	err error
}

// axeSource is axe.min.js, or "" when it is not installed and not
// required; then the test says so in its log rather than passing quietly.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(axeFile)
		axeOnce.src, axeOnce.err = string(b), err
	})
	if axeOnce.err != nil {
		msg := fmt.Sprintf("accessibility check (axe-core) not run: %v (run npm ci in handlers/testdata/axe)", axeOnce.err)
		if os.Getenv("MFAPORTAL_REQUIRE_AXE") == "1" || os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Log(msg)
		return ""
	}
	return axeOnce.src
}

// TestBrowserAxeInstalled makes a missing axe-core show as a skip in the
// test list, not only in the log of the browser tests.
func TestBrowserAxeInstalled(t *testing.T) {
	if axeSource(t) == "" {
		t.Skip("axe-core is not installed: the browser tests run without the accessibility check")
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkPage runs the page checks on the page as it is now; where names it
// in failures.
func (c *chrome) checkPage(where string) {
	c.t.Helper()
	defer c.do("back to the desktop width", chromedp.EmulateViewport(1280, 900))
	if c.js {
		if src := axeSource(c.t); src != "" {
			for _, w := range axeWidths {
				c.do("viewport", chromedp.EmulateViewport(w, 900))
				c.runAxe(src, fmt.Sprintf("%s at %d px", where, w))
			}
		}
	}
	c.do("viewport", chromedp.EmulateViewport(narrowest, 640))
	sizes, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		c.t.Fatalf("measuring %s: %v", where, err)
	}
	c.shot(fmt.Sprintf("%d-%s", narrowest, strings.Trim(strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(c.where())), "-")))
	if sizes[0] > sizes[1] {
		wide, _ := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](widestElements))
		c.t.Errorf("%s at %d px: the document is %d px wide and scrolls sideways; wider than the window: %s",
			where, narrowest, sizes[0], strings.Join(wide, "; "))
	}
}

// widestElements names the elements that reach past the window's right edge.
const widestElements = `Array.from(document.querySelectorAll('body *')).filter(function (el) {
  return el.getBoundingClientRect().right > window.innerWidth + 0.5;
}).slice(0, 8).map(function (el) {
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
    ' (right edge ' + Math.round(el.getBoundingClientRect().right) + ')';
})`

// runAxe injects axe-core through DevTools (Runtime.evaluate is not bound
// by the page's CSP, which forbids inline scripts) and fails the test on
// any violation, naming the rule, the elements and the help.
func (c *chrome) runAxe(src, where string) {
	c.t.Helper()
	loaded, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		c.t.Fatalf("%s: %v", where, err)
	}
	if !loaded {
		if _, err := chromedp.Run(c.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			c.t.Fatalf("%s: injecting axe-core: %v", where, err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	script := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']}).then(function (r) {
  return {violations: r.violations, passed: r.passes.length};
})`
	res, err := chromedp.Run(c.ctx, chromedp.Evaluate[struct {
		Violations []axeViolation `json:"violations"`
		Passed     int            `json:"passed"`
	}](script, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("%s: running axe-core: %v", where, err)
	}
	// A page that passes no rule at all was not checked (axe ran on an
	// empty or unloaded document).
	if res.Passed == 0 {
		c.t.Fatalf("%s: axe-core passed no rule at all; was the page there?", where)
	}
	if os.Getenv("MFAPORTAL_AXE_DEBUG") == "1" {
		c.t.Logf("axe on %s: %d rules passed, %d violated", where, res.Passed, len(res.Violations))
	}
	for _, v := range res.Violations {
		for _, n := range v.Nodes {
			c.t.Errorf("axe on %s: %s (%s): %v\n  %s\n  %s\n  %s", where, v.ID, v.Impact, n.Target, v.Help, strings.ReplaceAll(n.Summary, "\n", "\n  "), v.URL)
		}
	}
}

// where names the page for failures: its path and heading.
func (c *chrome) where() string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](`location.pathname + location.search + ' "' + ((document.querySelector('h1') || {}).textContent || '').trim() + '"'`))
	if err != nil {
		return "?"
	}
	return s
}
