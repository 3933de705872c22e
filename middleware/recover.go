package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/mfaportal/mfaportal/internal/logging"
)

// Recover turns a panic in a handler into a logged stack trace on the
// server and a clean 500 page for the browser, which never sees the stack.
// onPanic renders that page; nil gives a short plain-text one. If the
// handler had already started its answer, Recover aborts the connection
// instead, so the browser does not take half a page for a whole one.
// http.ErrAbortHandler passes through untouched, as net/http intends.
func Recover(logger *slog.Logger, onPanic func(w http.ResponseWriter, r *http.Request)) func(http.Handler) http.Handler {
	if onPanic == nil {
		onPanic = plainPanicPage
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("request_id", logging.RequestID(r.Context())),
					slog.String("panic", fmt.Sprint(p)),
					slog.String("stack", string(debug.Stack())),
				)
				if sw.wroteHeader() {
					panic(http.ErrAbortHandler)
				}
				// The handler did not finish: drop what it had prepared,
				// above all half-made session cookies.
				for _, k := range []string{"Set-Cookie", "Content-Length", "Content-Type", "Content-Encoding", "Content-Disposition", "Etag", "Last-Modified"} {
					w.Header().Del(k)
				}
				onPanic(w, r)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

func plainPanicPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintln(w, "Something went wrong on our side. Nothing was changed.")
}
