package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
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

// Static files with what browsers and caches send: refused gzip, weak and
// listed If-None-Match, HEAD, and ranges.
func TestStaticFileRequests(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/login")
	css, _ := p.doc.Find(`link[rel=stylesheet]`).Attr("href")
	do := func(method string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, e.app.URL+css, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}

	plain, body := do(http.MethodGet, "Accept-Encoding", "gzip;q=0")
	if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(plain.Header.Get("Content-Type"), "text/css") ||
		plain.Header.Get("Content-Length") != strconv.Itoa(len(body)) || !strings.Contains(string(body), "{") {
		t.Fatalf("gzip;q=0: %d, headers %v, %d bytes", plain.StatusCode, plain.Header, len(body))
	}
	gz, gzBody := do(http.MethodGet, "Accept-Encoding", "gzip")
	// The gzip is the one made at start at the best level: smaller than
	// the fast level pages get, and the same bytes once unpacked.
	if fast := fastGzip(t, body); len(gzBody) >= len(fast) || string(gunzip(t, gzBody)) != string(body) {
		t.Errorf("static gzip %d bytes (fast level %d), unpacks to the file: %v", len(gzBody), len(fast), string(gunzip(t, gzBody)) == string(body))
	}
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: Content-Encoding %q", gz.Header.Get("Content-Encoding"))
	}
	// Different bytes may share an ETag only if it is weak (RFC 9110, 8.8.3).
	if tag := gz.Header.Get("ETag"); tag == "" || tag == plain.Header.Get("ETag") && !strings.HasPrefix(tag, "W/") {
		t.Errorf("gzip ETag %s, plain ETag %s", tag, plain.Header.Get("ETag"))
	}

	// Go's transport asks for gzip itself unless told otherwise.
	for _, inm := range []string{`"nope", ` + plain.Header.Get("ETag"), strings.TrimPrefix(plain.Header.Get("ETag"), "W/"), "*"} {
		res, body := do(http.MethodGet, "Accept-Encoding", "identity", "If-None-Match", inm)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304 and none", inm, res.StatusCode, len(body))
		}
	}
	if res, _ := do(http.MethodGet, "Accept-Encoding", "identity", "If-None-Match", `"nope"`); res.StatusCode != 200 {
		t.Errorf("If-None-Match of another tag: %d, want 200", res.StatusCode)
	}
	// Each encoding's tag validates a request for that encoding.
	for _, tc := range []struct{ accept, etag string }{{"identity", plain.Header.Get("ETag")}, {"gzip", gz.Header.Get("ETag")}} {
		res, body := do(http.MethodGet, "Accept-Encoding", tc.accept, "If-None-Match", tc.etag)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != tc.etag || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %s, If-None-Match %s: %d with %d bytes, ETag %s, Content-Encoding %q; want 304, none, the same tag, none",
				tc.accept, tc.etag, res.StatusCode, len(body), res.Header.Get("ETag"), res.Header.Get("Content-Encoding"))
		}
	}

	for _, accept := range []string{"identity", "gzip"} {
		head, hbody := do(http.MethodHead, "Accept-Encoding", accept)
		if head.StatusCode != 200 || len(hbody) != 0 || head.Header.Get("Content-Length") != strconv.Itoa(len(body)) ||
			head.Header.Get("Content-Encoding") != "" || head.Header.Get("ETag") != plain.Header.Get("ETag") {
			t.Errorf("HEAD, Accept-Encoding %s: %d, %d bytes, headers %v (GET had %d bytes)", accept, head.StatusCode, len(hbody), head.Header, len(body))
		}

		// Ranges are of the plain bytes, whatever the client accepts.
		part, pbody := do(http.MethodGet, "Accept-Encoding", accept, "Range", "bytes=0-9")
		if part.StatusCode != http.StatusPartialContent || string(pbody) != string(body[:10]) || part.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %s, Range bytes=0-9: %d, %q, Content-Encoding %q; want 206 and %q, plain",
				accept, part.StatusCode, pbody, part.Header.Get("Content-Encoding"), body[:10])
		}
	}
	// If-Range needs a strong tag; with the weak one the whole file comes back.
	if res, _ := do(http.MethodGet, "Accept-Encoding", "identity", "Range", "bytes=0-9", "If-Range", plain.Header.Get("ETag")); res.StatusCode != 200 {
		t.Errorf("Range with If-Range: %d, want 200", res.StatusCode)
	}
}

// Static files and the health check never set a cookie: a stylesheet
// fetched beside a first page must not replace the page's new session
// (and with it the CSRF secret its forms were made from).
func TestAssetsSetNoCookie(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/static/app.css", "/healthz"} {
		res, err := http.Get(e.app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d, Set-Cookie %q", path, res.StatusCode, res.Header.Get("Set-Cookie"))
		}
	}
}

func fastGzip(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := kgzip.NewWriterLevel(&buf, kgzip.BestSpeed) // middleware.Compress's level and library
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
