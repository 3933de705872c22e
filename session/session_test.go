package session

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newTestStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = RandomKeys()
	}
	st, err := NewStore(cfg)
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	return st
}

// realisticState is a logged-in admin part-way through a flow, with
// Stytch-sized identifiers and generously long names: a large cookie.
func realisticState() *State {
	at := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)
	return &State{
		SessionToken:      "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q",
		OrganizationID:    "organization-test-07971b06-ac8b-4cdb-9c15-63b17e653931",
		MemberID:          "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f",
		Email:             "ada.lovelace@analytical-engines.example.com",
		LoginOrganization: "analytical-engines-gb",
		PKCEVerifier:      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		CheckedAt:         at,
		Profile: &Profile{
			Name:             "Augusta Ada King, Countess of Lovelace",
			Email:            "ada.lovelace@analytical-engines.example.com",
			OrganizationName: "Analytical Engines of Great Britain Ltd",
			OrganizationSlug: "analytical-engines-gb",
			MFARequired:      true,
			Phone:            "+447700900001",
			PhoneVerified:    true,
			MFAEnrolled:      true,
			IsAdmin:          true,
		},
		FlowID:     "9M6Y2WQ3KXJ7C4ZB5T8D1RVN0H",
		Flash:      "We sent a code to your new phone.",
		AdminReset: &AdminReset{MemberID: "member-test-1", Name: "Max", Email: "max@example.com", SignedOut: true},
		ReturnTo:   "https://portal.example.com/account?tab=security",
	}
}

// saved saves s with st and returns the cookie it set.
func saved(t *testing.T, st *Store, s *State) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := st.Save(rec, httptest.NewRequest("GET", "/", nil), s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Save set %d cookies, want 1", len(cookies))
	}
	return cookies[0]
}

func loaded(st *Store, cookies ...*http.Cookie) *State {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return st.Load(r)
}

func TestRoundTripDropsTheJWT(t *testing.T) {
	st := newTestStore(t, Config{})
	want := realisticState()
	in := *want
	in.SessionJWT = "header.payload.signature"
	c := saved(t, st, &in)
	// A browser keeps about 4 KB per cookie, name and attributes included.
	if n := len(c.String()); n > 4000 {
		t.Errorf("Set-Cookie is %d bytes; browsers may drop it", n)
	}
	got := loaded(st, c)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if in.SessionJWT == "" {
		t.Error("Save changed the caller's state")
	}
}

func TestBadCookiesAreLoggedOut(t *testing.T) {
	keys := RandomKeys()
	st := newTestStore(t, Config{Keys: keys})
	value := saved(t, st, realisticState()).Value
	foreign := saved(t, newTestStore(t, Config{}), realisticState()).Value
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] ^= 1
		return string(b)
	}
	for name, v := range map[string]string{
		"tampered start":  flip(value, 3),
		"tampered middle": flip(value, len(value)/2),
		"tampered end":    flip(value, len(value)-6),
		"truncated":       value[:len(value)/2],
		"garbage":         "not a cookie at all",
		"empty":           "",
		"huge":            strings.Repeat("A", 10000),
		"other key set":   foreign,
	} {
		t.Run(name, func(t *testing.T) {
			got := loaded(st, &http.Cookie{Name: "mfaportal", Value: v})
			if !reflect.DeepEqual(*got, State{}) {
				t.Fatalf("Load = %+v, want an empty state", got)
			}
		})
	}
}

func TestExpiredCookieIsLoggedOut(t *testing.T) {
	t.Parallel()
	st := newTestStore(t, Config{MaxAge: time.Second})
	c := saved(t, st, &State{SessionToken: "t"})
	time.Sleep(2100 * time.Millisecond) // securecookie checks whole seconds
	// A browser would have dropped it; a replay would not.
	if got := loaded(st, c); got.IsLoggedIn() {
		t.Errorf("expired cookie still logged in: %+v", got)
	}
}

func TestKeyRotation(t *testing.T) {
	oldKeys, newKeys := RandomKeys(), RandomKeys()
	oldStore := newTestStore(t, Config{Keys: oldKeys})
	rotated := newTestStore(t, Config{Keys: append(append([]KeyPair{}, newKeys...), oldKeys...)})
	newOnly := newTestStore(t, Config{Keys: newKeys})

	want := realisticState()
	old := saved(t, oldStore, want)
	if got := loaded(rotated, old); !reflect.DeepEqual(got, want) {
		t.Fatalf("[new, old] store did not read an old-key cookie: %+v", got)
	}
	if got := loaded(newOnly, old); got.IsLoggedIn() {
		t.Error("a store without the old keys read an old-key cookie")
	}
	// The rotated store writes with the new keys only.
	if got := loaded(newOnly, saved(t, rotated, want)); !reflect.DeepEqual(got, want) {
		t.Errorf("rotated store did not encode with the first pair: %+v", got)
	}
}

func TestDuplicateCookieNames(t *testing.T) {
	st := newTestStore(t, Config{})
	c := saved(t, st, &State{SessionToken: "t"})
	// Browsers send the most specific path first; a stale cookie from
	// another path must not log the member out, nor an attacker's in.
	got := loaded(st, c, &http.Cookie{Name: "mfaportal", Value: "stale-from-another-path"})
	if got.SessionToken != "t" {
		t.Errorf("Load = %+v, want the first cookie", got)
	}
}

func TestCookieAttributes(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantPath string
		secure   bool
		sameSite string
	}{
		{"defaults, secure", Config{Secure: true}, "/", true, "SameSite=Lax"},
		{"plain http dev", Config{}, "/", false, "SameSite=Lax"},
		{"embedded under a prefix", Config{Secure: true, Path: "/settings/security"}, "/settings/security", true, "SameSite=Lax"},
		{"framed", Config{Secure: true, SameSite: http.SameSiteNoneMode}, "/", true, "SameSite=None"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := saved(t, newTestStore(t, tt.cfg), &State{SessionToken: "t"})
			h := c.String()
			if !c.HttpOnly || c.Secure != tt.secure || c.Path != tt.wantPath || c.MaxAge != 12*3600 || !strings.Contains(h, tt.sameSite) {
				t.Errorf("%s", h)
			}
		})
	}
}

func TestClearExpiresTheCookie(t *testing.T) {
	st := newTestStore(t, Config{Secure: true, Path: "/p"})
	rec := httptest.NewRecorder()
	st.Clear(rec)
	c := rec.Result().Cookies()
	if len(c) != 1 || c[0].Name != "mfaportal" || c[0].MaxAge >= 0 || c[0].Path != "/p" || !c[0].Secure {
		t.Errorf("Clear set %v", rec.Result().Header.Values("Set-Cookie"))
	}
}

func TestNewStoreErrors(t *testing.T) {
	short := KeyPair{HashKey: make([]byte, 16), BlockKey: make([]byte, 32)}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no keys", Config{}, "no keys"},
		{"short hash key", Config{Keys: []KeyPair{short}}, "key pair 1: hash key is 16 bytes"},
		{"SameSite=None without Secure", Config{Keys: RandomKeys(), SameSite: http.SameSiteNoneMode}, "must be Secure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewStore(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// A cookie read again comes from the cache of decoded cookies: the same
// state, which the caller may change without changing the next one; a
// cookie that does not decode is never cached.
func TestLoadCachesDecodedCookies(t *testing.T) {
	st := newTestStore(t, Config{})
	c := saved(t, st, realisticState())
	first := loaded(st, c)
	first.Profile.Name, first.Flash = "changed", "changed"
	second := loaded(st, c)
	if !reflect.DeepEqual(second, realisticState()) {
		t.Fatalf("second load:\n got %+v\nwant %+v", second, realisticState())
	}
	if st.decoded.Len() != 1 {
		t.Fatalf("%d cached states, want 1", st.decoded.Len())
	}
	bad := &http.Cookie{Name: c.Name, Value: c.Value[:len(c.Value)-4] + "AAAA"}
	if got := loaded(st, bad); got.IsLoggedIn() || st.decoded.Len() != 1 {
		t.Fatalf("an altered cookie: %+v, %d cached", got, st.decoded.Len())
	}
}

// A cookie decoded once is not kept past its own age limit.
func TestCachedCookieExpires(t *testing.T) {
	t.Parallel()
	st := newTestStore(t, Config{MaxAge: time.Second})
	c := saved(t, st, &State{SessionToken: "t"})
	if !loaded(st, c).IsLoggedIn() {
		t.Fatal("a fresh cookie is not logged in")
	}
	time.Sleep(2100 * time.Millisecond)
	if got := loaded(st, c); got.IsLoggedIn() {
		t.Errorf("expired cookie still logged in from the cache: %+v", got)
	}
}
