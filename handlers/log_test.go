package handlers_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/logging"
)

// The "code sent" line carries the new phone masked exactly once, both
// with a host's plain logger and with mfaportal's own, which already
// redacts.
func TestCodeSentLogMasksThePhoneOnce(t *testing.T) {
	loggers := map[string]func(*syncBuffer) *slog.Logger{
		"host's plain logger": func(b *syncBuffer) *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) },
		"logging.New":         func(b *syncBuffer) *slog.Logger { return logging.New(b, "json", slog.LevelInfo) },
	}
	for name, newLogger := range loggers {
		t.Run(name, func(t *testing.T) {
			var logs syncBuffer
			e := newEnv(t, func(o *handlers.Options) { o.Logger = newLogger(&logs) })
			b := e.browser()
			b.login("acme", e.demo.Organization.Member.Email)
			enroll(t, e, b, "US", "(201) 555-0177")

			var phones []any
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("log line is not JSON: %q", line)
				}
				if rec["msg"] == "code sent" {
					phones = append(phones, rec["phone"])
				}
			}
			if len(phones) != 1 || phones[0] != "+1******0177" {
				t.Errorf("code sent lines log the phone as %v, want [+1******0177]", phones)
			}
			if strings.Contains(logs.String(), "2015550177") {
				t.Errorf("the whole number reached the log:\n%s", logs.String())
			}
		})
	}
}
