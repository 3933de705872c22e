package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
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

func TestRequestLogLine(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	var seenID string
	h := RequestLog(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenID = RequestID(r.Context())
		w.WriteHeader(http.StatusSeeOther)
		w.Write([]byte("see other"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/authenticate?token=SECRET-magic-link-token&stytch_token_type=multi_tenant_magic_links", nil))

	if strings.Contains(buf.String(), "SECRET") || strings.Contains(buf.String(), "token=") {
		t.Errorf("the query reached the log: %s", buf.String())
	}
	lines := logLines(t, &buf)
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	l := lines[0]
	want := map[string]any{"level": "INFO", "msg": "request", "method": "GET", "path": "/authenticate",
		"status": float64(303), "bytes": float64(9), "request_id": seenID}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("log %s = %v, want %v", k, l[k], v)
		}
	}
	if _, ok := l["duration"]; !ok {
		t.Error("no duration in the log line")
	}
	if got := rec.Header().Get("X-Request-Id"); got != seenID || seenID == "" {
		t.Errorf("X-Request-Id header %q, context %q; want the same non-empty id", got, seenID)
	}
}

func TestRequestLogDefaultStatus(t *testing.T) {
	var buf bytes.Buffer
	h := RequestLog(slog.New(slog.NewJSONHandler(&buf, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if l := logLines(t, &buf); l[0]["status"] != float64(200) || l[0]["bytes"] != float64(0) {
		t.Errorf("status %v bytes %v, want 200 and 0", l[0]["status"], l[0]["bytes"])
	}
}

func TestRequestLogRequestID(t *testing.T) {
	generated := regexp.MustCompile(`^[0-9a-f]{24}$`)
	tests := []struct {
		name, incoming string
		keep           bool
	}{
		{"none", "", false},
		{"valid uuid", "3f0c1f7e-8f7d-4a39-9a4a-2f6f1e3f9b10", true},
		{"valid short", "abcd1234", true},
		{"valid 64", strings.Repeat("a", 64), true},
		{"too short", "abc123", false},
		{"too long", strings.Repeat("a", 65), false},
		{"log injection", "abcdefgh\nlevel=ERROR", false},
		{"html", "<script>alert(1)</script>", false},
		{"spaces", "abcd efgh", false},
		{"underscore", "abcd_efgh", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := RequestLog(slog.New(slog.DiscardHandler))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = RequestID(r.Context())
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				r.Header.Set("X-Request-Id", tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if got := rec.Header().Get("X-Request-Id"); got != seen {
				t.Errorf("header %q != context %q", got, seen)
			}
			if tt.keep && seen != tt.incoming {
				t.Errorf("id = %q, want the incoming %q", seen, tt.incoming)
			}
			if !tt.keep && !generated.MatchString(seen) {
				t.Errorf("id = %q, want a fresh random id", seen)
			}
		})
	}
}

func TestWithRequestID(t *testing.T) {
	if got := RequestID(context.Background()); got != "" {
		t.Errorf("RequestID of a bare context = %q", got)
	}
	if got := RequestID(WithRequestID(context.Background(), "job-12345678")); got != "job-12345678" {
		t.Errorf("RequestID = %q", got)
	}
}

func TestRedactToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"123456", "…(6 chars)"},
		{"mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q", "mZAY…(44 chars)"},
	}
	for _, tt := range tests {
		if got := RedactToken(tt.in); got != tt.want {
			t.Errorf("RedactToken(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
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
			slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, nil))).Info("event", key, secretValue)
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
				tt.log(slog.New(NewRedactingHandler(newHandler(&buf))))
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

func TestRedactingHandlerPhones(t *testing.T) {
	tests := []struct {
		key  string
		in   any
		want string
	}{
		{"phone", "+14155550123", "+1******0123"},
		{"phone_number", "+447700900123", "+44******0123"},
		{"mfa_phone_number", "+353871234567", "+353*****4567"},
		{"Phone_Number", "+33 6 12 34 56 78", "+33*****5678"},
		{"phone", "+79161234567", "+7******4567"},
		{"phone", "(415) 555-0123", "******0123"},
		{"phone", "+1555", "+1***"},
		{"phone", "12345", "*****"},
		{"phone", "", ""},
		{"phone", 14155550123, "*******0123"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, nil))).Info("sms", tt.key, tt.in)
		if got := logLines(t, &buf)[0][tt.key]; got != tt.want {
			t.Errorf("%s=%v logged as %v, want %q", tt.key, tt.in, got, tt.want)
		}
	}
}

func TestRedactingHandlerKeepsOtherAttrs(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
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
