package middleware

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

var siteURL, _ = url.Parse("https://mfa.example.com/")

// browser keeps cookies across requests the way a browser would, including
// Secure, Path and Max-Age handling.
type browser struct {
	t   *testing.T
	jar *cookiejar.Jar
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, jar: jar}
}

func (b *browser) request() *http.Request {
	r := httptest.NewRequest(http.MethodGet, siteURL.String(), nil)
	for _, c := range b.jar.Cookies(siteURL) {
		r.AddCookie(c)
	}
	return r
}

// keep stores the cookies the response set.
func (b *browser) keep(rec *httptest.ResponseRecorder) {
	b.jar.SetCookies(siteURL, rec.Result().Cookies())
}

func (b *browser) save(st *SessionStore, s *Session) *httptest.ResponseRecorder {
	b.t.Helper()
	rec := httptest.NewRecorder()
	if err := st.Save(rec, b.request(), s); err != nil {
		b.t.Fatalf("Save: %v", err)
	}
	b.keep(rec)
	return rec
}

func (b *browser) load(st *SessionStore) *Session { return st.Load(b.request()) }

func newTestStore(t *testing.T, cfg SessionConfig) *SessionStore {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = RandomSessionKeys()
	}
	if cfg.OnDecodeError == nil {
		cfg.OnDecodeError = func(error) {}
	}
	st, err := NewSessionStore(cfg)
	if err != nil {
		t.Fatalf("NewSessionStore: %v", err)
	}
	return st
}

// fakeJWT is a JWT-shaped string of n bytes (base64url text and dots).
func fakeJWT(n int) string {
	if n < 3 {
		return strings.Repeat("e", n)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[(i*7+i/64)%len(alphabet)]
	}
	b[n/3], b[2*n/3] = '.', '.'
	return string(b)
}

// realisticSession is a logged-in admin replacing their phone, with
// Stytch-sized identifiers and generously long names: a large main cookie.
func realisticSession(jwt string) *Session {
	at := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)
	return &Session{
		SessionToken:             "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q",
		SessionJWT:               jwt,
		IntermediateSessionToken: "",
		OrganizationID:           "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931",
		MemberID:                 "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f",
		Email:                    "ada.lovelace@analytical-engines.example.com",
		CheckedAt:                at,
		Profile: &Profile{
			Name:             "Augusta Ada King, Countess of Lovelace",
			Email:            "ada.lovelace@analytical-engines.example.com",
			OrganizationName: "Analytical Engines of Great Britain Ltd",
			OrganizationSlug: "analytical-engines-gb",
			MFAPolicy:        "REQUIRED_FOR_ALL",
			Phone:            "+447700900001",
			PhoneVerified:    true,
			MFAEnrolled:      true,
			IsAdmin:          true,
		},
		Flow: &Flow{
			Kind:          "replace",
			Step:          "verify-new",
			PhoneE164:     "+447700900123",
			Region:        "GB",
			CodeSentAt:    at,
			CodeExpiresAt: at.Add(2 * time.Minute),
			ResendAfter:   at.Add(30 * time.Second),
			StepUpDone:    true,
			Attempts:      2,
			AutoSent:      true,
		},
		Flash: "We sent a code to your new phone.",
	}
}

func setCookieHeaders(rec *httptest.ResponseRecorder) []string {
	return rec.Result().Header.Values("Set-Cookie")
}

func cookieHeader(t *testing.T, rec *httptest.ResponseRecorder, name string) string {
	t.Helper()
	for _, h := range setCookieHeaders(rec) {
		if strings.HasPrefix(h, name+"=") {
			return h
		}
	}
	t.Fatalf("no Set-Cookie for %s in %q", name, setCookieHeaders(rec))
	return ""
}

func TestSessionRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		s    *Session
	}{
		{"empty", &Session{}},
		{"in login", &Session{IntermediateSessionToken: "ist-" + strings.Repeat("x", 40), Email: "a@example.com",
			Flow: &Flow{Kind: "login-mfa", Step: "code", PhoneE164: "+14155550123"}}},
		{"logged in, no JWT", &Session{SessionToken: "tok", MemberID: "member-1", OrganizationID: "org-1"}},
		{"full with 1.5 KB JWT", realisticSession(fakeJWT(1500))},
		{"full with 6 KB JWT", realisticSession(fakeJWT(6000))},
		{"JWT exactly one chunk", realisticSession(fakeJWT(jwtChunkBytes))},
		{"JWT exactly four chunks", realisticSession(fakeJWT(maxJWTChunks * jwtChunkBytes))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newTestStore(t, SessionConfig{Secure: true})
			b := newBrowser(t)
			b.save(st, tt.s)
			got := b.load(st)
			if !reflect.DeepEqual(got, tt.s) {
				t.Errorf("Load after Save:\n got %+v\nwant %+v", got, tt.s)
			}
		})
	}
}

func TestSessionHelpers(t *testing.T) {
	tests := []struct {
		s               Session
		loggedIn, login bool
	}{
		{Session{}, false, false},
		{Session{SessionToken: "t"}, true, false},
		{Session{IntermediateSessionToken: "i"}, false, true},
	}
	for _, tt := range tests {
		if tt.s.IsLoggedIn() != tt.loggedIn || tt.s.InLogin() != tt.login {
			t.Errorf("%+v: IsLoggedIn %v InLogin %v, want %v %v", tt.s, tt.s.IsLoggedIn(), tt.s.InLogin(), tt.loggedIn, tt.login)
		}
	}
}

// TestSessionCookieSizes measures what a browser stores and holds every
// Set-Cookie header under the 4096-byte per-cookie limit.
func TestSessionCookieSizes(t *testing.T) {
	tests := []struct {
		name       string
		jwtBytes   int
		wantChunks int
	}{
		{"no JWT", 0, 0},
		{"1.5 KB JWT", 1500, 1},
		{"5 KB JWT", 5000, 3},
		{"6 KB JWT", 6000, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A long embedding prefix makes the attributes longer too.
			st := newTestStore(t, SessionConfig{Secure: true, Path: "/settings/security"})
			rec := newBrowser(t).save(st, realisticSession(fakeJWT(tt.jwtBytes)))
			var chunks int
			for _, h := range setCookieHeaders(rec) {
				name, _, _ := strings.Cut(h, "=")
				t.Logf("%-16s Set-Cookie %4d bytes", name, len(h))
				if len(h) >= 4096 {
					t.Errorf("Set-Cookie for %s is %d bytes, want < 4096", name, len(h))
				}
				if strings.HasPrefix(name, "mfaportal_jwt.") {
					chunks++
				}
			}
			if chunks != tt.wantChunks {
				t.Errorf("%d JWT chunks, want %d", chunks, tt.wantChunks)
			}
			// Generous identifiers, a cached profile and a flow in progress
			// must still leave half the browser's limit free.
			if main := cookieHeader(t, rec, "mfaportal"); len(main) > 2048 {
				t.Errorf("main cookie with a flow in progress is %d bytes, want <= 2048", len(main))
			}
		})
	}
}

func TestSessionBadCookiesAreLoggedOut(t *testing.T) {
	keys := RandomSessionKeys()
	st := newTestStore(t, SessionConfig{Keys: keys})
	other := newTestStore(t, SessionConfig{})
	good := httptest.NewRecorder()
	if err := st.Save(good, httptest.NewRequest("GET", "/", nil), realisticSession("")); err != nil {
		t.Fatal(err)
	}
	value := good.Result().Cookies()[0].Value
	foreign := httptest.NewRecorder()
	if err := other.Save(foreign, httptest.NewRequest("GET", "/", nil), realisticSession("")); err != nil {
		t.Fatal(err)
	}
	chunked := httptest.NewRecorder()
	if err := st.Save(chunked, httptest.NewRequest("GET", "/", nil), &Session{SessionToken: "t", SessionJWT: "j"}); err != nil {
		t.Fatal(err)
	}
	chunk0 := cookieHeader(t, chunked, "mfaportal_jwt.0")
	chunk0 = strings.TrimPrefix(chunk0[:strings.IndexByte(chunk0, ';')], "mfaportal_jwt.0=")

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name  string
		value string
	}{
		{"tampered start", flip(value, 3)},
		{"tampered middle", flip(value, len(value)/2)},
		{"tampered end", flip(value, len(value)-2)},
		{"truncated", value[:len(value)/2]},
		{"garbage", "not a cookie at all"},
		{"empty", ""},
		{"base64 of junk", "aGVsbG98d29ybGR8bWFj"},
		{"huge", strings.Repeat("A", 10000)},
		{"other key set", foreign.Result().Cookies()[0].Value},
		{"JWT chunk used as main cookie", chunk0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reported []error
			st := newTestStore(t, SessionConfig{Keys: keys, OnDecodeError: func(err error) { reported = append(reported, err) }})
			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(&http.Cookie{Name: "mfaportal", Value: tt.value})
			got := st.Load(r)
			if got == nil || !reflect.DeepEqual(*got, Session{}) {
				t.Fatalf("Load = %+v, want an empty session", got)
			}
			if tt.value != "" && len(reported) == 0 {
				t.Error("OnDecodeError was not called")
			}
			for _, err := range reported {
				if len(tt.value) > 8 && strings.Contains(err.Error(), tt.value[:8]) {
					t.Errorf("decode error %q repeats the cookie value", err)
				}
			}
		})
	}
}

func TestSessionExpiredCookieIsLoggedOut(t *testing.T) {
	t.Parallel()
	var reported error
	st := newTestStore(t, SessionConfig{MaxAge: time.Second, OnDecodeError: func(err error) { reported = err }})
	rec := httptest.NewRecorder()
	if err := st.Save(rec, httptest.NewRequest("GET", "/", nil), &Session{SessionToken: "t"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // securecookie checks whole seconds
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(rec.Result().Cookies()[0]) // a browser would have dropped it; a replay would not
	if got := st.Load(r); got.IsLoggedIn() {
		t.Errorf("expired cookie still logged in: %+v", got)
	}
	if reported == nil || !strings.Contains(reported.Error(), "expired") {
		t.Errorf("OnDecodeError got %v, want an expiry error", reported)
	}
}

func TestSessionNoCookieReportsNothing(t *testing.T) {
	called := false
	st := newTestStore(t, SessionConfig{OnDecodeError: func(error) { called = true }})
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: "unrelated", Value: "x"})
	if got := st.Load(r); !reflect.DeepEqual(*got, Session{}) || called {
		t.Errorf("Load = %+v, OnDecodeError called %v; want empty and false", got, called)
	}
}

func TestSessionDuplicateCookieNames(t *testing.T) {
	st := newTestStore(t, SessionConfig{})
	rec := httptest.NewRecorder()
	if err := st.Save(rec, httptest.NewRequest("GET", "/", nil), &Session{SessionToken: "t"}); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: "mfaportal", Value: "stale-from-another-path"})
	r.AddCookie(rec.Result().Cookies()[0])
	if got := st.Load(r); got.SessionToken != "t" {
		t.Errorf("Load = %+v, want the cookie that decodes", got)
	}
}

func TestSessionKeyRotation(t *testing.T) {
	oldKeys, newKeys := RandomSessionKeys(), RandomSessionKeys()
	oldStore := newTestStore(t, SessionConfig{Keys: oldKeys})
	rotated := newTestStore(t, SessionConfig{Keys: append(append([]SessionKeyPair{}, newKeys...), oldKeys...)})
	newOnly := newTestStore(t, SessionConfig{Keys: newKeys})

	b := newBrowser(t)
	want := realisticSession(fakeJWT(3000))
	b.save(oldStore, want)
	if got := b.load(rotated); !reflect.DeepEqual(got, want) {
		t.Fatalf("[new, old] store did not read an old-key cookie:\n got %+v", got)
	}
	if got := b.load(newOnly); got.IsLoggedIn() {
		t.Fatal("new-only store read an old-key cookie")
	}

	b.save(rotated, want) // re-saving must encode with the new pair
	if got := b.load(newOnly); !reflect.DeepEqual(got, want) {
		t.Errorf("after re-save, new-only store got %+v", got)
	}
	if got := b.load(oldStore); got.IsLoggedIn() || got.SessionJWT != "" {
		t.Errorf("after re-save, old-only store still reads the cookie: %+v", got)
	}
}

func TestSessionJWTChunkProblems(t *testing.T) {
	st := newTestStore(t, SessionConfig{})
	tests := []struct {
		name   string
		mangle func(cookies []*http.Cookie, other []*http.Cookie) []*http.Cookie
	}{
		{"missing chunk", func(cs, _ []*http.Cookie) []*http.Cookie {
			return dropCookie(cs, "mfaportal_jwt.1")
		}},
		{"chunk from another save", func(cs, other []*http.Cookie) []*http.Cookie {
			return append(dropCookie(cs, "mfaportal_jwt.1"), findCookie(other, "mfaportal_jwt.1"))
		}},
		{"chunks swapped", func(cs, _ []*http.Cookie) []*http.Cookie {
			c0, c1 := *findCookie(cs, "mfaportal_jwt.0"), *findCookie(cs, "mfaportal_jwt.1")
			c0.Name, c1.Name = c1.Name, c0.Name
			return append(dropCookie(dropCookie(cs, "mfaportal_jwt.0"), "mfaportal_jwt.1"), &c0, &c1)
		}},
		{"tampered chunk", func(cs, _ []*http.Cookie) []*http.Cookie {
			c := *findCookie(cs, "mfaportal_jwt.2")
			c.Value = c.Value[:100] + "AAAA" + c.Value[104:]
			return append(dropCookie(cs, "mfaportal_jwt.2"), &c)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := realisticSession(fakeJWT(5000))
			rec, other := httptest.NewRecorder(), httptest.NewRecorder()
			if err := st.Save(rec, httptest.NewRequest("GET", "/", nil), want); err != nil {
				t.Fatal(err)
			}
			if err := st.Save(other, httptest.NewRequest("GET", "/", nil), realisticSession(fakeJWT(5000)[1:]+"Z")); err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			for _, c := range tt.mangle(rec.Result().Cookies(), other.Result().Cookies()) {
				r.AddCookie(c)
			}
			got := st.Load(r)
			if got.SessionJWT != "" {
				t.Errorf("JWT = %d bytes, want empty", len(got.SessionJWT))
			}
			want.SessionJWT = ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rest of the session lost: %+v", got)
			}
		})
	}
}

func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func dropCookie(cs []*http.Cookie, name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range cs {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func TestSessionSaveTooLarge(t *testing.T) {
	tests := []struct {
		name string
		s    *Session
	}{
		{"50 KB JWT", &Session{SessionToken: "t", SessionJWT: fakeJWT(50_000)}},
		{"JWT one byte over four chunks", &Session{SessionToken: "t", SessionJWT: fakeJWT(maxJWTChunks*jwtChunkBytes + 1)}},
		{"huge flash in the main cookie", &Session{SessionToken: "t", Flash: strings.Repeat("x", 5000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newTestStore(t, SessionConfig{})
			rec := httptest.NewRecorder()
			err := st.Save(rec, httptest.NewRequest("GET", "/", nil), tt.s)
			if !errors.Is(err, ErrCookieTooLarge) {
				t.Fatalf("Save error = %v, want ErrCookieTooLarge", err)
			}
			t.Logf("error: %v", err)
			if h := setCookieHeaders(rec); len(h) != 0 {
				t.Errorf("failed Save still wrote %d cookies", len(h))
			}
		})
	}
	st := newTestStore(t, SessionConfig{})
	if err := st.Save(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), nil); err == nil {
		t.Error("Save(nil) gave no error")
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	tests := []struct {
		name     string
		cfg      SessionConfig
		wantPath string
		secure   bool
		sameSite string
	}{
		{"defaults, secure", SessionConfig{Secure: true}, "/", true, "SameSite=Lax"},
		{"plain http dev", SessionConfig{}, "/", false, "SameSite=Lax"},
		{"embedded under a prefix", SessionConfig{Secure: true, Path: "/settings/security"}, "/settings/security", true, "SameSite=Lax"},
		{"framed", SessionConfig{Secure: true, SameSite: http.SameSiteNoneMode}, "/", true, "SameSite=None"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newTestStore(t, tt.cfg)
			rec := httptest.NewRecorder()
			if err := st.Save(rec, httptest.NewRequest("GET", "/", nil), &Session{SessionToken: "t", SessionJWT: "j"}); err != nil {
				t.Fatal(err)
			}
			cookies := rec.Result().Cookies()
			if len(cookies) != 2 {
				t.Fatalf("got %d cookies, want main + 1 JWT chunk", len(cookies))
			}
			for _, c := range cookies {
				h := cookieHeader(t, rec, c.Name)
				if !c.HttpOnly || c.Secure != tt.secure || c.Path != tt.wantPath || c.MaxAge != 12*3600 || !strings.Contains(h, tt.sameSite) {
					t.Errorf("%s: %s", c.Name, h)
				}
			}
		})
	}
}

func TestNewSessionStoreErrors(t *testing.T) {
	short := SessionKeyPair{HashKey: make([]byte, 16), BlockKey: make([]byte, 32)}
	tests := []struct {
		name string
		cfg  SessionConfig
		want string
	}{
		{"no keys", SessionConfig{}, "no keys"},
		{"short hash key", SessionConfig{Keys: []SessionKeyPair{short}}, "key pair 1: hash key is 16 bytes"},
		{"SameSite=None without Secure", SessionConfig{Keys: RandomSessionKeys(), SameSite: http.SameSiteNoneMode}, "must be Secure"},
		{"bad name", SessionConfig{Keys: RandomSessionKeys(), Name: "my session"}, "not a valid cookie name"},
		{"tiny MaxAge", SessionConfig{Keys: RandomSessionKeys(), MaxAge: time.Millisecond}, "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSessionStore(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSessionClearExpiresEverything(t *testing.T) {
	st := newTestStore(t, SessionConfig{Secure: true})
	b := newBrowser(t)
	b.save(st, realisticSession(fakeJWT(6000)))
	b.jar.SetCookies(siteURL, []*http.Cookie{{Name: "mfaportal_jwt.7", Value: "left-by-an-older-version", Path: "/"}})

	rec := httptest.NewRecorder()
	if err := st.Clear(rec, b.request()); err != nil {
		t.Fatal(err)
	}
	expired := map[string]bool{}
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge >= 0 || !c.HttpOnly || !c.Secure || c.Path != "/" {
			t.Errorf("%s not expired with matching attributes: %+v", c.Name, c)
		}
		expired[c.Name] = true
	}
	for _, name := range []string{"mfaportal", "mfaportal_jwt.0", "mfaportal_jwt.1", "mfaportal_jwt.2", "mfaportal_jwt.3", "mfaportal_jwt.7"} {
		if !expired[name] {
			t.Errorf("Clear did not expire %s", name)
		}
	}
	b.keep(rec)
	if left := b.jar.Cookies(siteURL); len(left) != 0 {
		t.Errorf("browser still holds %d cookies after Clear", len(left))
	}
	if got := b.load(st); !reflect.DeepEqual(*got, Session{}) {
		t.Errorf("Load after Clear = %+v", got)
	}
}

func TestSessionSaveDropsUnusedChunks(t *testing.T) {
	st := newTestStore(t, SessionConfig{Secure: true})
	b := newBrowser(t)
	b.save(st, realisticSession(fakeJWT(6000)))
	if n := len(b.jar.Cookies(siteURL)); n != 5 {
		t.Fatalf("browser holds %d cookies, want main + 4 chunks", n)
	}
	want := realisticSession(fakeJWT(1000))
	b.save(st, want)
	if n := len(b.jar.Cookies(siteURL)); n != 2 {
		t.Errorf("after a smaller JWT the browser holds %d cookies, want 2", n)
	}
	if got := b.load(st); !reflect.DeepEqual(got, want) {
		t.Errorf("Load = %+v", got)
	}
	want.SessionJWT = ""
	b.save(st, want)
	if n := len(b.jar.Cookies(siteURL)); n != 1 {
		t.Errorf("without a JWT the browser holds %d cookies, want 1", n)
	}
}

func TestSessionRenew(t *testing.T) {
	st := newTestStore(t, SessionConfig{Secure: true})
	b := newBrowser(t)
	pre := &Session{IntermediateSessionToken: "ist", Flow: &Flow{Kind: "login-mfa"}}
	before := b.save(st, pre).Result().Cookies()[0].Value

	// The request carries no JWT chunks, yet Renew expires them all, in case
	// a cookie jar or proxy holds some the request did not show.
	rec := httptest.NewRecorder()
	logged := &Session{SessionToken: "tok", SessionJWT: "jwt", MemberID: "m"}
	if err := st.Renew(rec, b.request(), logged); err != nil {
		t.Fatal(err)
	}
	got := map[string]*http.Cookie{}
	for _, c := range rec.Result().Cookies() {
		got[c.Name] = c
	}
	if c := got["mfaportal"]; c == nil || c.Value == before || c.MaxAge <= 0 {
		t.Errorf("Renew did not write a new main cookie: %+v", c)
	}
	if c := got["mfaportal_jwt.0"]; c == nil || c.MaxAge <= 0 {
		t.Errorf("Renew did not write the JWT: %+v", c)
	}
	for _, name := range []string{"mfaportal_jwt.1", "mfaportal_jwt.2", "mfaportal_jwt.3"} {
		if c := got[name]; c == nil || c.MaxAge >= 0 {
			t.Errorf("Renew did not expire %s: %+v", name, c)
		}
	}
	b.keep(rec)
	if s := b.load(st); !reflect.DeepEqual(s, logged) {
		t.Errorf("Load after Renew = %+v", s)
	}
}

func TestSessionSaveTwiceSendsOneHeaderPerCookie(t *testing.T) {
	st := newTestStore(t, SessionConfig{})
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	rec.Header().Add("Set-Cookie", "mfaportal_csrf=abc; Path=/")
	for _, s := range []*Session{{SessionToken: "first", SessionJWT: "a"}, {SessionToken: "second", SessionJWT: "b"}} {
		if err := st.Save(rec, r, s); err != nil {
			t.Fatal(err)
		}
	}
	names := map[string]int{}
	for _, c := range rec.Result().Cookies() {
		names[c.Name]++
	}
	if names["mfaportal"] != 1 || names["mfaportal_jwt.0"] != 1 || names["mfaportal_csrf"] != 1 {
		t.Errorf("Set-Cookie names = %v, want each once", names)
	}
	r2 := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		r2.AddCookie(c)
	}
	if got := st.Load(r2); got.SessionToken != "second" || got.SessionJWT != "b" {
		t.Errorf("Load = %+v, want the second save", got)
	}
}
