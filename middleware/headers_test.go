package middleware

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serveHeaders(t *testing.T, cfg HeadersConfig, path string) http.Header {
	t.Helper()
	h := SecurityHeaders(cfg)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<p>hello</p>"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result().Header
}

func TestSecurityHeaders(t *testing.T) {
	hdr := serveHeaders(t, HeadersConfig{StaticPrefix: "/static/"}, "/enroll")
	tests := []struct {
		header, want string
	}{
		{"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "same-origin"},
		{"X-Frame-Options", "DENY"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cache-Control", "no-store"},
	}
	for _, tt := range tests {
		if got := hdr.Values(tt.header); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s = %q, want %q", tt.header, got, tt.want)
		}
	}
	csp := hdr.Get("Content-Security-Policy")
	for _, banned := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, banned) {
			t.Errorf("CSP contains %q", banned)
		}
	}
}

func TestSecurityHeadersFrameAncestors(t *testing.T) {
	tests := []struct {
		name      string
		ancestors []string
		wantCSP   string
		wantXFO   string
	}{
		{"none", nil, "frame-ancestors 'none'", "DENY"},
		{"one origin", []string{"https://portal.example.com"}, "frame-ancestors https://portal.example.com", ""},
		{"list", []string{"'self'", "https://portal.example.com", "https://*.example.org:8443"},
			"frame-ancestors 'self' https://portal.example.com https://*.example.org:8443", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := serveHeaders(t, HeadersConfig{FrameAncestors: tt.ancestors}, "/")
			if csp := hdr.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; "+tt.wantCSP) {
				t.Errorf("CSP = %q, want it to end with %q", csp, tt.wantCSP)
			}
			if xfo := hdr.Get("X-Frame-Options"); xfo != tt.wantXFO {
				t.Errorf("X-Frame-Options = %q, want %q", xfo, tt.wantXFO)
			}
		})
	}
}

func TestSecurityHeadersRejectsPolicyInjection(t *testing.T) {
	for _, bad := range []string{"", "https://a.example; script-src *", "https://a.example, https://b.example",
		"https://a.example https://b.example", "'unsafe-inline'", "'none'", "https://a.example\n"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SecurityHeaders accepted frame ancestor %q", bad)
				}
			}()
			SecurityHeaders(HeadersConfig{FrameAncestors: []string{bad}})
		}()
	}
}

func TestSecurityHeadersCacheControl(t *testing.T) {
	tests := []struct {
		name, prefix, path, want string
	}{
		{"page", "/static/", "/", "no-store"},
		{"page under prefix", "/settings/security/static/", "/settings/security/enroll", "no-store"},
		{"static file", "/static/", "/static/htmx-2.0.4.min.js", ""},
		{"static under prefix", "/settings/security/static/", "/settings/security/static/app.css", ""},
		{"lookalike path", "/static/", "/staticky", "no-store"},
		{"no static prefix", "", "/static/app.css", "no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serveHeaders(t, HeadersConfig{StaticPrefix: tt.prefix}, tt.path).Get("Cache-Control"); got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
}

// The header values are shared between requests: what one handler adds
// to or sets on them must not show in the next answer.
func TestSecurityHeadersNotShared(t *testing.T) {
	mw := SecurityHeaders(HeadersConfig{})
	first := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Cache-Control", "private")
		w.Header().Add("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	}))
	first.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	hdr := serveHeaders(t, HeadersConfig{}, "/")
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := hdr.Values(k); len(got) != 1 || got[0] != want {
			t.Errorf("%s after another request changed it: %q, want %q", k, got, want)
		}
	}
}

// Strict-Transport-Security only when the app is served over https: on
// plain http (a laptop) it would mean nothing, and browsers ignore it there.
func TestSecurityHeadersHSTS(t *testing.T) {
	for _, hsts := range []bool{false, true} {
		hdr := serveHeaders(t, HeadersConfig{HSTS: hsts, StaticPrefix: "/static/"}, "/static/app.css")
		want := []string(nil)
		if hsts {
			want = []string{"max-age=31536000; includeSubDomains"}
		}
		if got := hdr.Values("Strict-Transport-Security"); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("HSTS %v: Strict-Transport-Security = %q, want %q", hsts, got, want)
		}
	}
}
