package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// env is the app on the emulator, both over real HTTP, with every Stytch
// request and answer checked against Stytch's OpenAPI spec.
type env struct {
	t      *testing.T
	emu    *stytchemu.Emulator
	emuURL string
	app    *httptest.Server
	demo   stytchemu.Demo
	opts   handlers.Options
}

func newEnv(t *testing.T, tweak ...func(*handlers.Options)) *env {
	t.Helper()
	spec := openapitest.Load(t)
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	emuSrv := httptest.NewServer(spec.Handler(t, emu.Handler()))
	t.Cleanup(emuSrv.Close)
	client, err := stytchclient.New(stytchclient.Config{
		ProjectID:  emu.ProjectID(),
		Secret:     emu.Secret(),
		BaseURL:    emuSrv.URL,
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: spec.Transport(t, http.DefaultTransport)},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, emu: emu, emuURL: emuSrv.URL, demo: emu.Demo()}
	e.opts = handlers.Options{
		Stytch:        client,
		Verifier:      stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{Now: emu.Now}),
		SessionKeys:   session.RandomKeys(),
		SecureCookies: false, // httptest serves plain http; Go's cookie jar withholds Secure cookies there
		SMSPolicy:     phone.DefaultPolicy(),
		Now:           emu.Now,
		Organization:  "",
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range tweak {
		f(&e.opts)
	}
	var h http.Handler
	e.app = httptest.NewUnstartedServer(http.NotFoundHandler())
	e.opts.PublicURL = "http://" + e.app.Listener.Addr().String()
	if h, err = handlers.New(e.opts); err != nil {
		t.Fatal(err)
	}
	e.app.Config.Handler = h
	e.app.Start()
	t.Cleanup(e.app.Close)
	return e
}

// browser is one person's cookie jar; it does not follow redirects, so
// tests see each 303.
type browser struct {
	e    *env
	c    *http.Client
	last *goquery.Document
	htmx bool
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	status   int
	location string
	header   http.Header
	body     string
	doc      *goquery.Document
}

func (b *browser) do(req *http.Request) *page {
	b.e.t.Helper()
	if b.htmx {
		req.Header.Set("HX-Request", "true")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := &page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(raw)}
	if hx := res.Header.Get("HX-Location"); hx != "" {
		p.location = hx
	}
	p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body))
	if err != nil {
		b.e.t.Fatal(err)
	}
	if strings.Contains(p.body, "goroutine ") || strings.Contains(p.body, ".go:") {
		b.e.t.Fatalf("a stack trace reached the browser:\n%s", p.body)
	}
	if p.doc.Find("input[name=_csrf]").Length() > 0 {
		b.last = p.doc
	}
	return p
}

// get fetches a path under the app.
func (b *browser) get(path string) *page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.app.URL+path, nil)
	return b.do(req)
}

// follow GETs pages until one is not a redirect.
func (b *browser) follow(p *page) *page {
	b.e.t.Helper()
	for i := 0; i < 10 && (p.status == http.StatusSeeOther || p.status == http.StatusFound); i++ {
		loc, _ := url.Parse(p.location)
		p = b.get(loc.RequestURI())
	}
	return p
}

// csrf is the token of the last page that had a form.
func (b *browser) csrf() string {
	if b.last == nil {
		return ""
	}
	v, _ := b.last.Find("input[name=_csrf]").First().Attr("value")
	return v
}

// post submits a form with the CSRF token of the last page.
func (b *browser) post(path string, form url.Values) *page {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// lastMessage is the newest outbox message to an address or number.
func (e *env) lastMessage(to string) stytchemu.Message {
	e.t.Helper()
	m, ok := e.emu.LastMessage(to)
	if !ok {
		e.t.Fatalf("nothing in the outbox for %s", to)
	}
	return m
}

// login logs a demo member in through the magic link (and the SMS code
// when their MFA requires one), ending on the settings page.
func (b *browser) login(org, email string) *page {
	b.e.t.Helper()
	b.get("/login")
	p := b.post("/login", url.Values{"email": {email}, "organization": {org}})
	if p.status != http.StatusSeeOther {
		b.e.t.Fatalf("login: status %d\n%s", p.status, p.body)
	}
	link := b.e.lastMessage(email).Link
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		b.e.t.Fatalf("bad magic link %q", link)
	}
	p = b.follow(b.get(u.RequestURI()))
	return p
}

func text(p *page, sel string) string {
	return strings.Join(strings.Fields(p.doc.Find(sel).Text()), " ")
}

func mustStatus(t *testing.T, p *page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("status %d, want %d; location %q\n%s", p.status, want, p.location, p.body)
	}
}
