package views

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

// hostLayout is what a host's Options.Layout does: its own document and
// navigation, with our part placed inside.
func hostLayout(body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<!DOCTYPE html><html><head><title>Acme</title></head><body><nav class="acme-nav"><a href="/">Home</a></nav>`)
		if err := body.Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</body></html>`)
		return err
	})
}

func TestEmbedded(t *testing.T) {
	p := samplePage("Security settings")
	p.HostManaged = true
	v := SettingsPage{Page: p, CanEnroll: true, BackURL: "https://portal.acme.test/home", BackLabel: "Back to Acme Portal"}
	_, doc := render(t, hostLayout(Embedded(p, SettingsContent(v))))

	// The host's document and nav stay as they are: no htmx, no class of ours.
	body := doc.Find("body")
	for _, a := range []string{"hx-boost", "hx-target", "class"} {
		if _, ok := body.Attr(a); ok {
			t.Errorf("host <body> got %s", a)
		}
	}
	if _, ok := doc.Find("nav.acme-nav").Attr("hx-boost"); ok {
		t.Error("host nav is boosted")
	}
	if doc.Find("title").Length() != 1 {
		t.Errorf("%d <title> elements; the host's head is the only one", doc.Find("title").Length())
	}
	root := mustFind(t, doc, "body > div.mfa-root")
	if attr(root, "hx-boost") != "true" || attr(root, "hx-target") != "#main" || attr(root, "hx-select") != "#main" {
		t.Errorf("root attributes: %s", outer(root)[:200])
	}
	// Everything of ours is inside the root: assets, header, main, footer.
	for _, sel := range []string{`link[rel="stylesheet"]`, "script", "header#mfa-header", "main#main", "footer"} {
		if n, in := doc.Find(sel).Length(), root.Find(sel).Length(); n == 0 || n != in {
			t.Errorf("%s: %d in the document, %d inside .mfa-root", sel, n, in)
		}
	}
	if got := attr(root.Find(`link[rel="stylesheet"]`), "href"); got != "/settings/security/static/app.css" {
		t.Errorf("stylesheet %q", got)
	}
	// The host logs members in and out.
	mustNotFind(t, doc, `form[action$="/logout"]`)
	if !strings.Contains(doc.Find("header").Text(), "Ada Lovelace") {
		t.Error("header lacks the member")
	}
	back := mustFind(t, doc, `main a[href="https://portal.acme.test/home"]`)
	if attr(back, "hx-boost") != "false" || strings.TrimSpace(back.Text()) != "Back to Acme Portal" {
		t.Errorf("back link %s", outer(back))
	}
	// Every class of ours carries the prefix (the host's own are its business).
	root.Find("[class]").Each(func(_ int, s *goquery.Selection) {
		for _, c := range strings.Fields(attr(s, "class")) {
			if !strings.HasPrefix(c, "mfa-") {
				t.Errorf("class %q lacks the mfa- prefix", c)
			}
		}
	})

	// Our own layout is the same Embedded in a plain document.
	p.HostManaged = false
	doc = renderPage(t, p, SettingsContent(SettingsPage{Page: p}))
	mustFind(t, doc, "body.mfa-page > div.mfa-root > main#main")
	mustFind(t, doc, `header form[action="/settings/security/logout"]`)
	mustNotFind(t, doc, ".mfa-back")
}

func TestTitleInsideAHostLacksOurName(t *testing.T) {
	p := samplePage("Security settings")
	p.HostManaged = true
	html, _ := render(t, Partial(p, ErrorContent(ErrorPage{Page: p, Heading: "x"})))
	if !strings.HasPrefix(html, "<title>Security settings</title>") {
		t.Fatalf("partial inside a host: %.80q", html)
	}
}
