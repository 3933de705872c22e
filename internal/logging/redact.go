package logging

import (
	"context"
	"log/slog"
	"strings"

	"github.com/mfaportal/mfaportal/phone"
)

// Redacting wraps h so that attributes named like secrets (token,
// session_token, session_jwt, intermediate_session_token, code, jwt, secret,
// password, authorization, cookie, set-cookie, any *_token or *_secret) log as
// "[redacted]" and phone numbers (phone, phone_number, mfa_phone_number) log
// masked by phone.MaskForLog, "+1******0123", wherever in the record they
// appear. Callers log phone numbers whole: this is the one place that masks
// them. A handler that already redacts is returned as it is, so wrapping
// twice never masks twice.
//
// It catches by key name the mistakes review would miss; it is not a
// licence to log secrets under other names.
func Redacting(h slog.Handler) slog.Handler {
	if _, ok := h.(redactingHandler); ok {
		return h
	}
	return redactingHandler{next: h}
}

type redactingHandler struct {
	next slog.Handler
	// alwaysOn: every record is written, whatever next's level (Audit).
	alwaysOn bool
}

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.alwaysOn || h.next.Enabled(ctx, l)
}

func (h redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	clean := true
	rec.Attrs(func(a slog.Attr) bool {
		clean = !needsRedaction(a)
		return clean
	})
	if clean { // most records, every request line: nothing to copy
		return h.next.Handle(ctx, rec)
	}
	out := slog.NewRecord(rec.Time, rec.Level, rec.Message, rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	return redactingHandler{next: h.next.WithAttrs(red), alwaysOn: h.alwaysOn}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name), alwaysOn: h.alwaysOn}
}

// needsRedaction reports whether redactAttr could change a: a secret or
// phone key, or a value that may hide one (a group, a LogValuer).
func needsRedaction(a slog.Attr) bool {
	switch a.Value.Kind() {
	case slog.KindGroup, slog.KindLogValuer:
		return true
	}
	key := strings.ToLower(a.Key)
	return secretKey(key) || phoneKey(key)
}

func redactAttr(a slog.Attr) slog.Attr {
	key := strings.ToLower(a.Key)
	switch {
	case secretKey(key):
		return slog.String(a.Key, "[redacted]")
	case phoneKey(key):
		return slog.String(a.Key, phone.MaskForLog(a.Value.Resolve().String()))
	}
	v := a.Value.Resolve() // a LogValuer may expand to a group holding secrets
	if v.Kind() != slog.KindGroup {
		return slog.Attr{Key: a.Key, Value: v}
	}
	members := v.Group()
	red := make([]slog.Attr, len(members))
	for i, m := range members {
		red[i] = redactAttr(m)
	}
	return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
}

func phoneKey(key string) bool {
	return key == "phone" || key == "phone_number" || key == "mfa_phone_number"
}

func secretKey(key string) bool {
	switch key {
	case "token", "session_token", "session_jwt", "intermediate_session_token", "code", "jwt",
		"secret", "password", "authorization", "cookie", "set-cookie":
		return true
	}
	return strings.HasSuffix(key, "_token") || strings.HasSuffix(key, "_secret")
}
