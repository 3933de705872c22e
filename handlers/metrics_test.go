package handlers_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/metrics"
)

// Whatever methods and paths clients send, the request metrics keep a
// handful of series: each new label value would be a new series for as
// long as the process lives.
func TestMetricLabelsStayBounded(t *testing.T) {
	reg := metrics.New()
	e := newEnv(t, func(o *handlers.Options) { o.Metrics = reg })
	rnd := rand.New(rand.NewPCG(1, 2))
	word := func(letters string) string {
		b := make([]byte, 4+rnd.IntN(8))
		for i := range b {
			b[i] = letters[rnd.IntN(len(letters))]
		}
		return string(b)
	}
	for range 200 {
		path := "/login"
		if rnd.IntN(2) == 0 {
			path = "/" + word("abcdefghijklmnopqrstuvwxyz0123456789")
		}
		req, _ := http.NewRequest(word("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), e.app.URL+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}

	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	series := regexp.MustCompile(`(?m)^mfaportal_http_request_duration_seconds_count\{(.*)\}`).FindAllStringSubmatch(string(body), -1)
	if len(series) == 0 || len(series) > 6 {
		t.Fatalf("%d request series after 200 requests of random methods and paths:\n%s", len(series), body)
	}
	for _, s := range series {
		if !strings.Contains(s[1], `method="other"`) {
			t.Errorf("series {%s}: want method=\"other\"", s[1])
		}
	}
}
