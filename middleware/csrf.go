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
	// Secret is the request's session secret the token is made from; it
	// lives in the encrypted session cookie, so a token is good for one
	// session only, and nothing a sibling subdomain can set replaces it.
	Secret func(r *http.Request) []byte
	// TrustedOrigins may send state-changing requests besides the app's
	// own origin (scheme://host[:port]).
	TrustedOrigins []string
	// Skip exempts requests, such as static files and health checks.
	Skip func(*http.Request) bool
	// Fail answers a refused request: err is ErrCSRF, or the error from
	// reading the form (a body over MaxBody's limit, say).
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// CSRF refuses state-changing requests (anything but GET, HEAD, OPTIONS)
// that did not come from one of our pages, in two independent ways:
// net/http's CrossOriginProtection rejects what the browser marks as
// cross-origin or same-site (Sec-Fetch-Site, else Origin), and a token made
// from the session's secret must come with the request (the X-CSRF-Token
// header htmx sends, or the _csrf field of a form; never the query string).
// CSRFToken gives pages a fresh masking of the token on every response, so
// a compressed page never repeats the same secret bytes beside reflected
// input (BREACH).
func CSRF(cfg CSRFConfig) (func(http.Handler) http.Handler, error) {
	origins := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := origins.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cfg.Skip != nil && cfg.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			secret := cfg.Secret(r)
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
			default:
				if err := checkCSRF(r, origins, secret); err != nil {
					cfg.Fail(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, secret)))
		})
	}, nil
}

func checkCSRF(r *http.Request, origins *http.CrossOriginProtection, secret []byte) error {
	if err := origins.Check(r); err != nil {
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
	if len(secret) == 0 || !validMasked(sent, secret) {
		return ErrCSRF
	}
	return nil
}

type csrfKey struct{}

// CSRFToken is the token for the page being rendered, masked afresh; ""
// outside CSRF.
func CSRFToken(ctx context.Context) string {
	secret, _ := ctx.Value(csrfKey{}).([]byte)
	if len(secret) == 0 {
		return ""
	}
	n := len(secret)
	masked := make([]byte, 2*n)
	rand.Read(masked[:n]) // never fails
	subtle.XORBytes(masked[n:], masked[:n], secret)
	return base64.RawURLEncoding.EncodeToString(masked)
}

// validMasked reports whether sent is a masking of secret.
func validMasked(sent string, secret []byte) bool {
	b, err := base64.RawURLEncoding.DecodeString(sent)
	n := len(secret)
	if err != nil || len(b) != 2*n {
		return false
	}
	subtle.XORBytes(b[n:], b[n:], b[:n])
	return subtle.ConstantTimeCompare(b[n:], secret) == 1
}
