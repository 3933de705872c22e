package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// Benchmarks (go test -run=NONE -bench=. -benchmem ./handlers/). Speed is
// measured here and in cmd/loadcheck, never asserted in tests; compare
// BenchmarkSettingsPage with BenchmarkBareEcho from the same run.

type benchApp struct {
	emu     *stytchemu.Emulator
	app     http.Handler
	keys    []session.KeyPair
	cookies []*http.Cookie
	client  *stytchclient.Client
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// newBenchApp starts the emulator and the app and logs max@acme.example in
// through the outbox, keeping the cookies of the logged-in browser.
func newBenchApp(b *testing.B) *benchApp {
	b.Helper()
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		b.Fatal(err)
	}
	emuSrv := httptest.NewServer(emu.Handler())
	b.Cleanup(emuSrv.Close)
	client, err := stytchclient.New(stytchclient.Config{ProjectID: emu.ProjectID(), Secret: emu.Secret(), BaseURL: emuSrv.URL})
	if err != nil {
		b.Fatal(err)
	}
	ba := &benchApp{emu: emu, keys: session.RandomKeys(), client: client}
	srv := httptest.NewUnstartedServer(nil)
	ba.app, err = handlers.New(handlers.Options{
		Stytch:      client,
		Verifier:    stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{Now: emu.Now}),
		Logger:      discardLogger(),
		PublicURL:   "http://" + srv.Listener.Addr().String(),
		SessionKeys: ba.keys,
		SMSPolicy:   phone.DefaultPolicy(),
		Now:         emu.Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = ba.app
	srv.Start()
	b.Cleanup(srv.Close)

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	res, err := hc.Get(srv.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		b.Fatal("no CSRF field on the login page")
	}
	res, err = hc.PostForm(srv.URL+"/login", url.Values{"_csrf": {string(m[1])}, "email": {"max@acme.example"}, "organization": {"acme"}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	msg, ok := emu.LastMessage("max@acme.example")
	if !ok {
		b.Fatal("no magic link")
	}
	link, _ := url.Parse(msg.Link)
	res, err = hc.Get(srv.URL + link.RequestURI())
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(srv.URL)
	ba.cookies = jar.Cookies(u)
	return ba
}

func (ba *benchApp) request(path string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept-Encoding", "gzip")
	for _, c := range ba.cookies {
		r.AddCookie(c)
	}
	return r
}

// BenchmarkSettingsPage is a logged-in view of the settings page with a
// fresh session JWT: the whole handler stack, and no call to Stytch.
func BenchmarkSettingsPage(b *testing.B) {
	ba := newBenchApp(b)
	rec := httptest.NewRecorder()
	ba.app.ServeHTTP(rec, ba.request("/"))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
		b.Fatalf("settings page: %d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	before := total(ba.emu.Calls())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		ba.app.ServeHTTP(rec, ba.request("/"))
		if rec.Code != http.StatusOK {
			b.Fatalf("settings page: %d", rec.Code)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(total(ba.emu.Calls())-before)/float64(b.N), "stytch-calls/op")
}

// BenchmarkBareEcho is the baseline: an echo handler writing a small page
// of the settings page's size, through the same recorder.
func BenchmarkBareEcho(b *testing.B) {
	e := echo.New()
	page := "<!doctype html><html><head><title>Security settings</title></head><body><main><h1>Security settings</h1>" +
		strings.Repeat("<p>Two-step verification by text message is on.</p>", 40) + "</main></body></html>"
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkSessionLoadAndJWTVerify is the per-view cost of the session.
// "token": decrypting the one cookie of a session mfaportal logged in,
// which is all such a view needs. "jwt-only": the same cookie plus
// checking the JWT a host hands in with every request against the cached
// keys.
func BenchmarkSessionLoadAndJWTVerify(b *testing.B) {
	ba := newBenchApp(b)
	store, err := session.NewStore(session.Config{Keys: ba.keys})
	if err != nil {
		b.Fatal(err)
	}
	v := stytchclient.NewJWTVerifier(ba.client, stytchclient.JWTOptions{Now: ba.emu.Now})
	req := ba.request("/")
	s := store.Load(req)
	if s.SessionToken == "" || s.Profile == nil {
		b.Fatal("no logged-in session in the cookies")
	}
	// The same member's session as a host would hand it in: a JWT.
	res, err := ba.client.AuthenticateSession(context.Background(), stytchclient.AuthenticateSessionRequest{SessionToken: s.SessionToken})
	if err != nil {
		b.Fatal(err)
	}

	b.Run("token", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s := store.Load(req); s.SessionToken == "" {
				b.Fatal("logged out")
			}
		}
	})
	b.Run("jwt-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s := store.Load(req); s.MemberID == "" {
				b.Fatal("logged out")
			}
			if _, err := v.Verify(context.Background(), res.SessionJWT); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
