package logging

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// Audit lines are written at any log level, marked, and redacted like
// every other line.
func TestNewAuditIgnoresTheLogLevel(t *testing.T) {
	for format, mark := range map[string]string{"json": `"audit":true`, "text": "audit=true"} {
		var buf bytes.Buffer
		log := New(&buf, format, slog.LevelError)
		audit := NewAudit(&buf, format)
		log.Warn("dropped at level error")
		audit.InfoContext(WithRequestID(context.Background(), "req-12345678"), "audit",
			"action", "mfa_on", "phone", "+14155550123", "session_token", "s3cr3t")
		got := buf.String()
		if strings.Count(got, "\n") != 1 || !strings.Contains(got, "mfa_on") || !strings.Contains(got, mark) {
			t.Fatalf("%s: want one audit line marked %s, got %q", format, mark, got)
		}
		if strings.Contains(got, "s3cr3t") || strings.Contains(got, "4155550123") || !strings.Contains(got, "+1******0123") {
			t.Errorf("%s: want the token redacted and the phone masked once: %s", format, got)
		}
		if !strings.Contains(got, "req-12345678") {
			t.Errorf("%s: want the request id: %s", format, got)
		}
	}
}

// Audit over a handler built for warnings and above still writes, masks a
// phone once when the handler already redacts, and leaves the ordinary
// logger as quiet as it was.
func TestAuditOverAQuietHandler(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "json", slog.LevelWarn)
	audit := Audit(log.Handler())
	log.Info("dropped")
	audit.Info("audit", "action", "mfa_off", "phone", "+14155550123")
	log.Info("dropped too")
	lines := logLines(t, &buf)
	if len(lines) != 1 || lines[0]["action"] != "mfa_off" || lines[0]["audit"] != true {
		t.Fatalf("want the audit line only, got %v", lines)
	}
	if lines[0]["phone"] != "+1******0123" {
		t.Errorf("phone logged as %v, want +1******0123", lines[0]["phone"])
	}
	if Redacting(audit.Handler()) != audit.Handler() {
		t.Error("an audit handler already redacts: wrapping it again should change nothing")
	}
}
