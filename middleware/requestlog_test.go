package middleware

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/internal/logging"
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
		seenID = logging.RequestID(r.Context())
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
				seen = logging.RequestID(r.Context())
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
