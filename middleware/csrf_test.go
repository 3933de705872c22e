package middleware

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// csrfServer answers 200 with the page's masked token, or the error CSRF
// refused the request with. The session secret comes in a header here;
// the app keeps it in its encrypted session cookie.
func csrfServer(t *testing.T) http.Handler {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(CSRFToken(r.Context())))
	})
	csrf, err := CSRF(CSRFConfig{
		Secret: func(r *http.Request) []byte { return []byte(r.Header.Get("Test-Session-Secret")) },
		Fail: func(w http.ResponseWriter, r *http.Request, err error) {
			status := http.StatusForbidden
			if IsTooLarge(err) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, err.Error(), status)
		},
		TrustedOrigins: []string{"https://portal.example"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return MaxBody(1 << 10)(csrf(ok))
}

func csrfPage(t *testing.T, h http.Handler, secret string) string {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Test-Session-Secret", secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Body.String()
}

func TestCSRF(t *testing.T) {
	h := csrfServer(t)
	const mine, theirs = "my-session-secret-0123456789", "an-attackers-own-secret-9876"
	token, otherToken := csrfPage(t, h, mine), csrfPage(t, h, theirs)
	post := func(target string, form url.Values, header http.Header) int {
		r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Test-Session-Secret", mine)
		for k, v := range header {
			r.Header[k] = v
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	tests := []struct {
		name   string
		target string
		form   url.Values
		header http.Header
		want   int
	}{
		{"form token", "/", url.Values{"_csrf": {token}}, nil, 200},
		{"header token (htmx)", "/", nil, http.Header{"X-Csrf-Token": {token}}, 200},
		{"same-origin browser", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"same-origin"}}, 200},
		{"listed origin", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"same-site"}, "Origin": {"https://portal.example"}}, 200},
		{"no token", "/", nil, nil, 403},
		{"token in the query string", "/?_csrf=" + url.QueryEscape(token), nil, nil, 403},
		// A sibling subdomain can plant a cookie, but not our session's
		// secret: a token made from another session is refused.
		{"another session's token", "/", url.Values{"_csrf": {otherToken}}, nil, 403},
		{"same-site", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"same-site"}}, 403},
		{"cross-site", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403},
		{"foreign Origin", "/", url.Values{"_csrf": {token}}, http.Header{"Origin": {"https://evil.example"}}, 403},
		{"no session secret", "/", url.Values{"_csrf": {token}}, http.Header{"Test-Session-Secret": {""}}, 403},
		{"body too large", "/", url.Values{"_csrf": {token}, "x": {strings.Repeat("x", 2<<10)}}, nil, 413},
	}
	for _, tt := range tests {
		if got := post(tt.target, tt.form, tt.header); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// Each response masks the token afresh (BREACH), and every masking is
// accepted.
func TestCSRFTokenIsMaskedPerResponse(t *testing.T) {
	secret := []byte("my-session-secret-0123456789")
	ctx := context.WithValue(context.Background(), csrfKey{}, secret)
	first, second := CSRFToken(ctx), CSRFToken(ctx)
	if first == second {
		t.Fatalf("the same token twice: %q", first)
	}
	for _, masked := range []string{first, second} {
		if !validMasked(masked, secret) {
			t.Errorf("masked token %q not accepted", masked)
		}
	}
}
