package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	r.ObserveRequest("/verify", "POST", 200, 3*time.Millisecond)
	r.ObserveRequest("/verify", "POST", 200, 30*time.Millisecond)
	r.ObserveRequest("/verify", "BREW", 405, time.Millisecond)
	r.ObserveStytch("otps.sms.send", 503, "internal_server_error", 2*time.Second)

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	out := string(body)
	for _, want := range []string{
		"# TYPE mfaportal_http_request_duration_seconds histogram",
		`mfaportal_http_request_duration_seconds_bucket{method="POST",route="/verify",status="200",le="0.005"} 1`,
		`mfaportal_http_request_duration_seconds_bucket{method="POST",route="/verify",status="200",le="0.05"} 2`,
		`mfaportal_http_request_duration_seconds_count{method="POST",route="/verify",status="200"} 2`,
		`mfaportal_http_request_duration_seconds_count{method="other",route="/verify",status="405"} 1`,
		`mfaportal_stytch_call_duration_seconds_bucket{endpoint="otps.sms.send",error_type="internal_server_error",status="503",le="1"} 0`,
		`mfaportal_stytch_call_duration_seconds_count{endpoint="otps.sms.send",error_type="internal_server_error",status="503"} 1`,
		"# TYPE go_goroutines gauge\ngo_goroutines ",
		"# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "BREW") {
		t.Errorf("an unknown method became a label value:\n%s", out)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
}
