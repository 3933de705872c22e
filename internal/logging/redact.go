package logging

import (
	"context"
	"log/slog"
	"strings"
)

// Redacting wraps h so that attributes named like secrets (token,
// session_token, session_jwt, intermediate_session_token, code, jwt, secret,
// password, authorization, cookie, set-cookie, any *_token or *_secret) log as
// "[redacted]" and phone numbers (phone, phone_number, mfa_phone_number)
// log masked as "+1******1234", wherever in the record they appear.
//
// It catches by key name the mistakes review would miss; it is not a
// licence to log secrets under other names.
func Redacting(h slog.Handler) slog.Handler {
	return redactingHandler{next: h}
}

type redactingHandler struct{ next slog.Handler }

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
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
	return redactingHandler{next: h.next.WithAttrs(red)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(name)}
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
		return slog.String(a.Key, maskPhone(a.Value.Resolve().String()))
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

// maskPhone keeps the country calling code and the last four digits of an
// E.164 number ("+14155550123" → "+1******0123"), enough to recognise a
// phone in a log but not to call it. Anything else keeps at most its last
// four digits.
func maskPhone(s string) string {
	var digits []byte
	for _, c := range []byte(s) {
		if '0' <= c && c <= '9' {
			digits = append(digits, c)
		}
	}
	prefix := ""
	if strings.HasPrefix(strings.TrimSpace(s), "+") {
		n := min(countryCodeLen(digits), len(digits))
		prefix, digits = "+"+string(digits[:n]), digits[n:]
	}
	keep := 4
	if len(digits) < 8 {
		keep = 0 // too short for the last four to be a small part of it
	}
	return prefix + strings.Repeat("*", len(digits)-keep) + string(digits[len(digits)-keep:])
}

// countryCodeLen is the length of the ITU calling code that digits start
// with. Codes are prefix-free, so the first two digits decide.
func countryCodeLen(digits []byte) int {
	if len(digits) < 2 {
		return len(digits)
	}
	switch digits[0] {
	case '1', '7':
		return 1
	}
	two := string(digits[:2])
	switch two {
	case "20", "27",
		"30", "31", "32", "33", "34", "36", "39",
		"40", "41", "43", "44", "45", "46", "47", "48", "49",
		"51", "52", "53", "54", "55", "56", "57", "58",
		"60", "61", "62", "63", "64", "65", "66",
		"81", "82", "84", "86",
		"90", "91", "92", "93", "94", "95", "98":
		return 2
	}
	return 3
}
