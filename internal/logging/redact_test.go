package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// logLines decodes the JSON log lines in buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// secretValue is what every redacted attribute holds in the tests.
const secretValue = "s3cr3t-VALUE-that-must-not-appear"

func TestRedactingHandlerSecrets(t *testing.T) {
	keys := []string{"token", "session_token", "session_jwt", "intermediate_session_token", "code", "jwt",
		"secret", "password", "authorization", "cookie", "set-cookie",
		"Token", "SESSION_TOKEN", "Authorization", "Cookie", "magic_link_token", "csrf_token", "stytch_secret"}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(Redacting(slog.NewJSONHandler(&buf, nil))).Info("event", key, secretValue)
			if strings.Contains(buf.String(), secretValue) {
				t.Fatalf("secret logged under %q: %s", key, buf.String())
			}
			if l := logLines(t, &buf); l[0][key] != "[redacted]" {
				t.Errorf("%s = %v, want [redacted]", key, l[0][key])
			}
		})
	}
}

type memberLog struct{ token string }

func (m memberLog) LogValue() slog.Value {
	return slog.GroupValue(slog.String("member_id", "member-1"), slog.String("session_token", m.token))
}

func TestRedactingHandlerEverywhere(t *testing.T) {
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"With", func(l *slog.Logger) { l.With("session_jwt", secretValue).Info("x") }},
		{"group attr", func(l *slog.Logger) { l.Info("x", slog.Group("stytch", "token", secretValue)) }},
		{"WithGroup", func(l *slog.Logger) { l.WithGroup("req").Info("x", "password", secretValue) }},
		{"LogValuer", func(l *slog.Logger) { l.Info("x", "member", memberLog{secretValue}) }},
		{"secret key holding a group", func(l *slog.Logger) { l.Info("x", slog.Group("cookie", "value", secretValue)) }},
		{"non-string value", func(l *slog.Logger) { l.Info("x", "code", []string{secretValue}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, newHandler := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			} {
				var buf bytes.Buffer
				tt.log(slog.New(Redacting(newHandler(&buf))))
				if strings.Contains(buf.String(), secretValue) {
					t.Errorf("secret logged: %s", buf.String())
				}
				if !strings.Contains(buf.String(), "[redacted]") {
					t.Errorf("no [redacted] marker: %s", buf.String())
				}
			}
		})
	}
}

// Phone numbers are masked by phone.MaskForLog, whatever their key's case;
// what is not E.164 shows at most its last four digits.
func TestRedactingHandlerPhones(t *testing.T) {
	tests := []struct {
		key  string
		in   any
		want string
	}{
		{"phone", "+14155550123", "+1******0123"},
		{"phone_number", "+447700900123", "+44******0123"},
		{"mfa_phone_number", "+353871234567", "+353*****4567"},
		{"Phone_Number", "+79161234567", "+7******4567"},
		{"phone", "+33 6 12 34 56 78", "****5678"},
		{"phone", "(415) 555-0123", "****0123"},
		{"phone", "12345", "****"},
		{"phone", "", ""},
		{"phone", 14155550123, "****0123"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		slog.New(Redacting(slog.NewJSONHandler(&buf, nil))).Info("sms", tt.key, tt.in)
		if got := logLines(t, &buf)[0][tt.key]; got != tt.want {
			t.Errorf("%s=%v logged as %v, want %q", tt.key, tt.in, got, tt.want)
		}
	}
}

// A phone is masked once, however many times the handler is wrapped: a
// host's logger handed to handlers.New may already redact.
func TestRedactingTwiceMasksOnce(t *testing.T) {
	var buf bytes.Buffer
	h := Redacting(slog.NewJSONHandler(&buf, nil))
	if Redacting(h) != h {
		t.Fatal("wrapping a redacting handler again should return it as it is")
	}
	slog.New(Redacting(h)).With("mfa_phone_number", "+447700900123").Info("sms", "phone", "+14155550123")
	l := logLines(t, &buf)[0]
	if l["phone"] != "+1******0123" || l["mfa_phone_number"] != "+44******0123" {
		t.Errorf("phones logged as %v and %v", l["phone"], l["mfa_phone_number"])
	}
}

func TestRedactingHandlerKeepsOtherAttrs(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(Redacting(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	l.Info("dropped")
	if l.Enabled(context.Background(), slog.LevelInfo) || buf.Len() != 0 {
		t.Fatal("level of the wrapped handler not honoured")
	}
	l.Warn("kept", "member_id", "member-1", "status", 429, "request_id", "abcd1234")
	got := logLines(t, &buf)[0]
	if got["member_id"] != "member-1" || got["status"] != float64(429) || got["request_id"] != "abcd1234" {
		t.Errorf("ordinary attributes changed: %v", got)
	}
}
