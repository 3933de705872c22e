// Package logging builds the loggers mfaportal logs with, in one place:
// text or JSON lines written straight to their output, tokens and codes
// redacted, phone numbers masked, and the request id on every line logged
// while serving a request. Audit lines have a logger of their own, which
// the log level does not silence (NewAudit).
package logging

import (
	"io"
	"log/slog"
)

// New returns a logger writing format ("text" or "json") lines at level
// and above to w. Each line is written when it is logged, not batched, so
// a process that dies loses none.
func New(w io.Writer, format string, level slog.Level) *slog.Logger {
	return slog.New(Redacting(newHandler(w, format, level)))
}

// newHandler writes format lines at level and above to w, with the
// request id; it does not redact.
func newHandler(w io.Writer, format string, level slog.Level) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return withRequestID(h)
}
