package middleware

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// Compress gzips responses for clients whose Accept-Encoding allows gzip
// (q above zero), when the body is 1 KB or more and not of an already
// compressed type. Every response gets Vary: Accept-Encoding; HEAD
// requests and partial content (Content-Range) are left plain, and
// compressed answers lose Accept-Ranges.
//
// It leaves ETags as they are, so a handler that sets one on a
// compressible response makes it weak (handlers/static.go says why).
// zstd, which gzhttp also offers, stays off until it is measured on its own.
// Level 1 (BestSpeed): at the default level compression took two fifths of
// a settings page view's CPU in BenchmarkSettingsPage's profile, at level 1
// a quarter, for pages a few hundred bytes larger.
func Compress(next http.Handler) http.Handler { return gzipResponses(next) }

var gzipResponses = func() func(http.Handler) http.HandlerFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.EnableZstd(false))
	if err != nil {
		panic(err) // only for options out of range, fixed above
	}
	return wrap
}()
