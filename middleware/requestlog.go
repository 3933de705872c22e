package middleware

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/mfaportal/mfaportal/internal/logging"
)

// RequestLog gives each request an id (a well-formed incoming X-Request-Id
// from a proxy, else a random one), echoes it in the X-Request-Id response
// header and the context (where logging.RequestID finds it), and logs one
// Info line when the request is done.
// It logs the path without the query, where magic-link tokens travel.
func RequestLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-Id")
			if !validRequestID(id) {
				id = newRequestID()
			}
			w.Header().Set("X-Request-Id", id)
			r = r.WithContext(logging.WithRequestID(r.Context(), id))
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", sw.statusOr200()),
					slog.Duration("duration", time.Since(start)),
					slog.Int64("bytes", sw.bytes),
					slog.String("request_id", id),
				)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// validRequestID accepts ids that are safe to echo and to log verbatim.
func validRequestID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

// statusWriter records what was sent, for the log line and for Recover.
// Unwrap lets http.ResponseController (and echo's Flush) reach the
// underlying writer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim; the real status follows
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) wroteHeader() bool { return w.status != 0 }

// statusOr200 is the status net/http sends when a handler writes nothing.
func (w *statusWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
