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
	r.ObserveStytch("otps.sms.send", 503, "internal_server_error", 2*time.Second)

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	out := string(body)
	for _, want := range []string{
		"# TYPE mfaportal_http_request_duration_seconds histogram",
		`mfaportal_http_request_duration_seconds_bucket{route="/verify",method="POST",status="200",le="0.005"} 1`,
		`mfaportal_http_request_duration_seconds_bucket{route="/verify",method="POST",status="200",le="0.05"} 2`,
		`mfaportal_http_request_duration_seconds_count{route="/verify",method="POST",status="200"} 2`,
		`mfaportal_stytch_call_duration_seconds_bucket{endpoint="otps.sms.send",status="503",error_type="internal_server_error",le="1"} 0`,
		`mfaportal_stytch_call_duration_seconds_count{endpoint="otps.sms.send",status="503",error_type="internal_server_error"} 1`,
		"# TYPE go_goroutines gauge\ngo_goroutines ",
		"# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
}
