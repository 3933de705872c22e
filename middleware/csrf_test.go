package middleware

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// csrfServer answers 200 with the page's masked token, or the error CSRF
// refused the request with.
func csrfServer() http.Handler {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(CSRFToken(r.Context())))
	})
	return MaxBody(1 << 10)(CSRF(CSRFConfig{
		Cookie: http.Cookie{Name: "csrf", Path: "/"},
		Fail: func(w http.ResponseWriter, r *http.Request, err error) {
			status := http.StatusForbidden
			if IsTooLarge(err) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, err.Error(), status)
		},
	})(ok))
}

// csrfPage fetches a page and returns its cookie and masked token.
func csrfPage(t *testing.T, h http.Handler) (*http.Cookie, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly {
		t.Fatalf("cookies %v, want one HttpOnly token cookie", rec.Result().Header.Values("Set-Cookie"))
	}
	return cookies[0], rec.Body.String()
}

func TestCSRF(t *testing.T) {
	h := csrfServer()
	cookie, token := csrfPage(t, h)
	otherCookie, otherToken := csrfPage(t, h)
	post := func(target string, form url.Values, header http.Header, cookies ...*http.Cookie) int {
		r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			r.Header[k] = v
		}
		for _, c := range cookies {
			r.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	sameSite := http.Header{"Sec-Fetch-Site": {"same-site"}}
	tests := []struct {
		name   string
		target string
		form   url.Values
		header http.Header
		cookie []*http.Cookie
		want   int
	}{
		{"form token", "/", url.Values{"_csrf": {token}}, nil, []*http.Cookie{cookie}, 200},
		{"header token (htmx)", "/", nil, http.Header{"X-Csrf-Token": {token}}, []*http.Cookie{cookie}, 200},
		{"same-origin browser", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"same-origin"}}, []*http.Cookie{cookie}, 200},
		{"no token", "/", nil, nil, []*http.Cookie{cookie}, 403},
		{"no cookie", "/", url.Values{"_csrf": {token}}, nil, nil, 403},
		{"token in the query string", "/?_csrf=" + url.QueryEscape(token), nil, nil, []*http.Cookie{cookie}, 403},
		{"another browser's token", "/", url.Values{"_csrf": {otherToken}}, nil, []*http.Cookie{cookie}, 403},
		// A sibling subdomain can set a cookie and token pair of its own.
		{"same-site pair", "/", url.Values{"_csrf": {otherToken}}, sameSite, []*http.Cookie{otherCookie}, 403},
		{"cross-site", "/", url.Values{"_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, []*http.Cookie{cookie}, 403},
		{"foreign Origin", "/", url.Values{"_csrf": {token}}, http.Header{"Origin": {"https://evil.example"}}, []*http.Cookie{cookie}, 403},
		{"body too large", "/", url.Values{"_csrf": {token}, "x": {strings.Repeat("x", 2<<10)}}, nil, []*http.Cookie{cookie}, 413},
	}
	for _, tt := range tests {
		if got := post(tt.target, tt.form, tt.header, tt.cookie...); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// Each response masks the token afresh (BREACH), and every masking is
// accepted.
func TestCSRFTokenIsMaskedPerResponse(t *testing.T) {
	h := csrfServer()
	cookie, first := csrfPage(t, h)
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	second := rec.Body.String()
	if first == second || len(rec.Result().Cookies()) != 0 {
		t.Fatalf("tokens %q, %q (want different); new cookies %v (want none)", first, second, rec.Result().Cookies())
	}
	token, _ := csrfCookie(r, "csrf")
	for _, masked := range []string{first, second} {
		if !validMasked(masked, token) {
			t.Errorf("masked token %q not accepted", masked)
		}
	}
}
