package logging

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// Each line reaches the writer when it is logged: nothing waits in a
// buffer that a dying process would lose.
func TestNewWritesEachLineAtOnce(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		log := New(&buf, format, slog.LevelInfo)
		log.Debug("hidden")
		if buf.Len() != 0 {
			t.Errorf("%s: a debug line got through at level info: %s", format, buf.String())
		}
		log.InfoContext(WithRequestID(context.Background(), "req-12345678"), "started", "session_token", "s3cr3t")
		got := buf.String()
		if strings.Count(got, "\n") != 1 || !strings.Contains(got, "started") {
			t.Fatalf("%s: want the line written at once, got %q", format, got)
		}
		if strings.Contains(got, "s3cr3t") || !strings.Contains(got, "req-12345678") {
			t.Errorf("%s: want the secret redacted and the request id added: %s", format, got)
		}
		if isJSON := strings.HasPrefix(got, "{"); isJSON != (format == "json") {
			t.Errorf("format %s wrote %s", format, got)
		}
	}
}

// What a phone number looks like in mfaportal's log, end to end: the
// caller logs it whole and it comes out masked once, in either format.
func TestNewMasksPhonesOnce(t *testing.T) {
	for format, want := range map[string]string{
		"json": `"phone":"+1******0123"`,
		"text": `phone=+1******0123`,
	} {
		var buf bytes.Buffer
		New(&buf, format, slog.LevelInfo).Info("code sent", "phone", "+14155550123")
		if got := buf.String(); !strings.Contains(got, want) || strings.Contains(got, "4155550123") {
			t.Errorf("%s: want %s in %s", format, want, got)
		}
	}
}
