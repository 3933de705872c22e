package logging

import (
	"io"
	"log/slog"
)

// NewAudit returns the logger for audit lines (who changed whose MFA, and
// how): format lines to w, like New's, from a handler of its own that no
// LOG_LEVEL silences, redacted and masked the same way.
func NewAudit(w io.Writer, format string) *slog.Logger {
	return Audit(newHandler(w, format, slog.LevelInfo))
}

// Audit turns h, the handler of an ordinary log, into an audit logger:
// every line is written whatever level h was built with, redacted and
// masked (once, if h already redacts), and carries audit=true so it can be
// told from the rest of the log. The level is forced in Enabled, which is
// where slog's text and JSON handlers, and New's, check it; a handler of
// another kind that also filters inside Handle keeps doing so.
func Audit(h slog.Handler) *slog.Logger {
	r, ok := h.(redactingHandler)
	if !ok {
		r = redactingHandler{next: h}
	}
	r.alwaysOn = true
	return slog.New(r).With(slog.Bool("audit", true))
}
