package middleware

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
)

// ErrCSRF is what CSRF hands its Fail function when a state-changing
// request did not come from one of our own pages.
var ErrCSRF = errors.New("csrf: request not from our own page")

// CSRFConfig configures CSRF.
type CSRFConfig struct {
	// Cookie holds the cookie's attributes (Name, Path, Secure,
	// SameSite); its value is set by CSRF. HttpOnly is always on.
	Cookie http.Cookie
	// Skip exempts requests, such as static files and health checks.
	Skip func(*http.Request) bool
	// Fail answers a refused request: err is ErrCSRF, or the error from
	// reading the form (a body over MaxBody's limit, say).
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// CSRF refuses state-changing requests (anything but GET, HEAD, OPTIONS)
// that did not come from one of our pages, in two independent ways:
// net/http's CrossOriginProtection rejects what the browser says is
// cross-origin (Sec-Fetch-Site, Origin), and a token must match the one
// in our cookie (double submit: the X-CSRF-Token header htmx sends, or the
// _csrf field of a form; never the query string). CSRFToken gives pages a
// fresh masking of the token on every response, so a compressed page never
// repeats the same secret bytes beside reflected input (BREACH).
func CSRF(cfg CSRFConfig) func(http.Handler) http.Handler {
	cfg.Cookie.HttpOnly = true
	origin := http.NewCrossOriginProtection()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cfg.Skip != nil && cfg.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			token, fromCookie := csrfCookie(r, cfg.Cookie.Name)
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
			default:
				if err := checkCSRF(r, origin, token, fromCookie); err != nil {
					cfg.Fail(w, r, err)
					return
				}
			}
			if !fromCookie {
				c := cfg.Cookie
				c.Value = base64.RawURLEncoding.EncodeToString(token)
				http.SetCookie(w, &c)
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, token)))
		})
	}
}

func checkCSRF(r *http.Request, origin *http.CrossOriginProtection, token []byte, fromCookie bool) error {
	if err := origin.Check(r); err != nil {
		return ErrCSRF
	}
	// Read the form even when the header carries the token: a body over
	// MaxBody's limit must fail here, as a 413, not later inside a handler.
	if err := r.ParseForm(); err != nil {
		return err
	}
	sent := r.Header.Get("X-CSRF-Token")
	if sent == "" {
		sent = r.PostForm.Get("_csrf")
	}
	if !fromCookie || !validMasked(sent, token) {
		return ErrCSRF
	}
	return nil
}

type csrfKey struct{}

const csrfTokenLen = 32

// CSRFToken is the token for the page being rendered, masked afresh; ""
// outside CSRF.
func CSRFToken(ctx context.Context) string {
	token, _ := ctx.Value(csrfKey{}).([]byte)
	if token == nil {
		return ""
	}
	masked := make([]byte, 2*csrfTokenLen)
	rand.Read(masked[:csrfTokenLen]) // never fails
	subtle.XORBytes(masked[csrfTokenLen:], masked[:csrfTokenLen], token)
	return base64.RawURLEncoding.EncodeToString(masked)
}

// csrfCookie reads the browser's token, or makes a new one.
func csrfCookie(r *http.Request, name string) (token []byte, fromCookie bool) {
	if c, err := r.Cookie(name); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(b) == csrfTokenLen {
			return b, true
		}
	}
	token = make([]byte, csrfTokenLen)
	rand.Read(token)
	return token, false
}

// validMasked reports whether sent is a masking of token.
func validMasked(sent string, token []byte) bool {
	b, err := base64.RawURLEncoding.DecodeString(sent)
	if err != nil || len(b) != 2*csrfTokenLen {
		return false
	}
	subtle.XORBytes(b[csrfTokenLen:], b[csrfTokenLen:], b[:csrfTokenLen])
	return subtle.ConstantTimeCompare(b[csrfTokenLen:], token) == 1
}
