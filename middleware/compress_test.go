package middleware

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                      false,
		"gzip":                  true,
		"gzip, deflate, br":     true,
		"br, GZIP;q=0.5":        true,
		"deflate":               false,
		"gzip;q=0":              false,
		"gzip; q=0.000":         false,
		"*":                     true,
		"*;q=0":                 false,
		"*, gzip;q=0":           false,
		"identity":              false,
		"gzip;q=bogus":          false,
		"x-gzip":                false,
		"br;q=1.0, gzip;q=0.8,": true,
	} {
		if got := AcceptsGzip(header); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

func TestWriteBody(t *testing.T) {
	page := []byte("<!doctype html><p>" + strings.Repeat("Two-step verification by text message is on. ", 60) + "</p>")
	for _, tc := range []struct {
		name, accept string
		body         []byte
		gzipped      bool
	}{
		{"gzip accepted", "gzip, deflate", page, true},
		{"not accepted", "", page, false},
		{"refused", "gzip;q=0", page, false},
		{"too small to gain", "gzip", []byte("<p>short</p>"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Accept-Encoding", tc.accept)
			for range 2 { // a pooled writer must give the same answer again
				rec := httptest.NewRecorder()
				if err := WriteBody(rec, r, http.StatusTeapot, "text/html; charset=utf-8", tc.body); err != nil {
					t.Fatal(err)
				}
				res := rec.Result()
				if res.StatusCode != http.StatusTeapot || res.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
					!strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
				}
				raw := rec.Body.Bytes()
				if res.Header.Get("Content-Length") != strconv.Itoa(len(raw)) {
					t.Fatalf("Content-Length %s for %d bytes", res.Header.Get("Content-Length"), len(raw))
				}
				got := raw
				if enc := res.Header.Get("Content-Encoding"); (enc == "gzip") != tc.gzipped {
					t.Fatalf("Content-Encoding %q, want gzip: %v", enc, tc.gzipped)
				}
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
				if !bytes.Equal(got, tc.body) {
					t.Fatalf("body differs:\n%s", got)
				}
			}
		})
	}
}
