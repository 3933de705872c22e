package middleware

import (
	"fmt"
	"net/http"
	"strings"
)

// HeadersConfig configures SecurityHeaders.
type HeadersConfig struct {
	// FrameAncestors are the CSP sources allowed to frame the app, such as
	// "https://portal.example.com" or "'self'"; empty forbids framing.
	FrameAncestors []string
	// StaticPrefix is the path prefix of the static files, such as
	// "/static/"; everything else is marked Cache-Control: no-store.
	StaticPrefix string
	// HSTS sends Strict-Transport-Security (a year, subdomains included):
	// set it when the app is served over https, so a browser that has been
	// there once never asks over plain http again.
	HSTS bool
	// FormActions are origins, besides our own, that a form's answer may
	// redirect to (CSP form-action covers redirects): the identity
	// backend's logout page, when it has one.
	FormActions []string
}

// SecurityHeaders sets a strict Content-Security-Policy and the usual
// hardening headers on every answer, and keeps session-dependent pages out
// of caches. It panics when a FrameAncestors entry could rewrite the
// policy (';', ',', quotes or spaces in the wrong place): that is a
// configuration bug to stop at startup, not a header to send.
func SecurityHeaders(cfg HeadersConfig) func(http.Handler) http.Handler {
	ancestors := "'none'"
	if len(cfg.FrameAncestors) > 0 {
		for _, src := range cfg.FrameAncestors {
			if !validCSPSource(src) {
				panic(fmt.Sprintf("middleware: frame ancestor %q is not a single CSP source expression", src))
			}
		}
		ancestors = strings.Join(cfg.FrameAncestors, " ")
	}
	for _, src := range cfg.FormActions {
		if !validCSPSource(src) {
			panic(fmt.Sprintf("middleware: form action %q is not a single CSP source expression", src))
		}
	}
	formAction := strings.Join(append([]string{"'self'"}, cfg.FormActions...), " ")
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action " + formAction + "; base-uri 'none'; frame-ancestors " + ancestors
	// The headers every answer carries, built once. Each value is its own
	// one-element slice, assigned as is: net/http copies headers when the
	// answer starts, and Header.Add appends to a full slice by copying, so
	// sharing them between requests is safe and saves an allocation each.
	type header struct {
		key   string // in canonical form
		value []string
	}
	always := []header{
		{"Content-Security-Policy", []string{csp}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"Referrer-Policy", []string{"same-origin"}}, // no magic-link token in a Referer
		{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"}},
		{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	}
	if cfg.HSTS {
		always = append(always, header{"Strict-Transport-Security", []string{"max-age=31536000; includeSubDomains"}})
	}
	if len(cfg.FrameAncestors) == 0 {
		// For browsers without frame-ancestors; it cannot express a list.
		always = append(always, header{"X-Frame-Options", []string{"DENY"}})
	}
	noStore := []string{"no-store"} // pages show who is logged in
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for _, f := range always {
				h[f.key] = f.value
			}
			if cfg.StaticPrefix == "" || !strings.HasPrefix(r.URL.Path, cfg.StaticPrefix) {
				h["Cache-Control"] = noStore
			}
			next.ServeHTTP(w, r)
		})
	}
}

// validCSPSource accepts one source expression: 'self' or a scheme/host
// source, with nothing that ends a directive or a policy.
func validCSPSource(s string) bool {
	if s == "" {
		return false
	}
	if s == "'self'" {
		return true // 'none' is the empty list; other keywords make no sense here
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`;,'"`, c) >= 0 {
			return false
		}
	}
	return true
}
