package middleware

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCompress(t *testing.T) {
	page := []byte("<!doctype html><p>" + strings.Repeat("Two-step verification by text message is on. ", 60) + "</p>")
	for _, tc := range []struct {
		name, method, accept string
		body                 []byte
		partial              bool
		gzipped              bool
	}{
		{"gzip accepted", "GET", "gzip, deflate", page, false, true},
		{"gzip among others, weighted", "GET", "br;q=1.0, GZIP;q=0.5", page, false, true},
		{"not accepted", "GET", "", page, false, false},
		{"refused", "GET", "gzip;q=0", page, false, false},
		{"refused with a space", "GET", "deflate, gzip; q=0.000", page, false, false},
		{"identity only", "GET", "identity", page, false, false},
		{"too small to gain", "GET", "gzip", []byte("<p>short</p>"), false, false},
		{"HEAD", "HEAD", "gzip", page, false, false},
		{"partial content", "GET", "gzip", page, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				status := http.StatusTeapot
				if tc.partial {
					w.Header().Set("Content-Range", "bytes 0-99/5000")
					status = http.StatusPartialContent
				}
				w.WriteHeader(status)
				if r.Method != http.MethodHead {
					w.Write(tc.body)
				}
			}))
			for range 2 { // a pooled writer must give the same answer again
				r := httptest.NewRequest(tc.method, "/", nil)
				r.Header.Set("Accept-Encoding", tc.accept)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				res := rec.Result()
				if res.StatusCode != http.StatusTeapot && res.StatusCode != http.StatusPartialContent ||
					res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
					!strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
				}
				raw := rec.Body.Bytes()
				if enc := res.Header.Get("Content-Encoding"); (enc == "gzip") != tc.gzipped {
					t.Fatalf("Content-Encoding %q, want gzip: %v", enc, tc.gzipped)
				}
				got := raw
				if tc.gzipped {
					if len(raw) >= len(tc.body)/2 {
						t.Fatalf("compressed %d bytes to %d", len(tc.body), len(raw))
					}
					zr, err := gzip.NewReader(bytes.NewReader(raw))
					if err != nil {
						t.Fatal(err)
					}
					if got, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
				}
				want := tc.body
				if tc.method == http.MethodHead {
					want = nil
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("body differs:\n%s", got)
				}
			}
		})
	}
}
