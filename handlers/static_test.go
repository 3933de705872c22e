package handlers_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Static files: versioned URLs cached for a year, an ETag, gzip.
func TestStaticFilesAreVersionedCachedAndCompressed(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	p := b.get("/login")
	src, ok := p.doc.Find(`script[src*="htmx-2.0.11.min.js"]`).Attr("src")
	if !ok || !strings.Contains(src, "?v=") {
		t.Fatalf("htmx script URL %q is not versioned", src)
	}
	css, _ := p.doc.Find(`link[rel=stylesheet]`).Attr("href")

	for _, u := range []string{src, css} {
		req, _ := http.NewRequest(http.MethodGet, e.app.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: %d, encoding %q", u, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		res.Body.Close()
		if len(body) < 100 {
			t.Errorf("%s: %d bytes after gunzip", u, len(body))
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", u)
		}
		req.Header.Set("If-None-Match", etag)
		res, err = http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", u, res.StatusCode)
		}
	}
	if p := b.get("/static/nope.js"); p.status != http.StatusNotFound {
		t.Errorf("unknown static file: %d", p.status)
	}
}

// Pages are gzip-compressed for browsers that accept it, and plain for
// those that do not.
func TestPagesAreCompressed(t *testing.T) {
	e := newEnv(t)
	for accept, want := range map[string]string{"gzip, deflate, br": "gzip", "": "", "gzip;q=0": ""} {
		req, _ := http.NewRequest(http.MethodGet, e.app.URL+"/login", nil)
		req.Header.Set("Accept-Encoding", accept)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = res.Body
		if enc := res.Header.Get("Content-Encoding"); enc != want {
			t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, enc, want)
		}
		if want == "gzip" {
			if r, err = gzip.NewReader(res.Body); err != nil {
				t.Fatal(err)
			}
		}
		body, _ := io.ReadAll(r)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "</html>") ||
			!strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("Accept-Encoding %q: %d, Vary %q\n%s", accept, res.StatusCode, res.Header.Values("Vary"), body)
		}
	}
}
