// Package metrics keeps mfaportal's request and Stytch-call counters and
// latency histograms and serves them in Prometheus' text format. It is
// small on purpose: a handful of series, no client library.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// buckets are the latency histogram's upper bounds, in seconds.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(buckets, s)
	if i < len(buckets) {
		h.counts[i]++
	}
	h.count++
	h.sum += s
}

// series is one metric family: histograms by label values.
type series struct {
	name, help string
	labels     []string
	byKey      map[string]*histogram
	values     map[string][]string
}

func newSeries(name, help string, labels ...string) *series {
	return &series{name: name, help: help, labels: labels, byKey: map[string]*histogram{}, values: map[string][]string{}}
}

func (s *series) observe(d time.Duration, vals ...string) {
	k := strings.Join(vals, "\x00")
	h, ok := s.byKey[k]
	if !ok {
		h = &histogram{counts: make([]uint64, len(buckets))}
		s.byKey[k] = h
		s.values[k] = vals
	}
	h.observe(d)
}

// Registry holds the series. It is safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	requests *series
	stytch   *series
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{
		requests: newSeries("mfaportal_http_request_duration_seconds", "HTTP requests served, by route, method and status.", "route", "method", "status"),
		stytch:   newSeries("mfaportal_stytch_call_duration_seconds", "Calls to Stytch, by endpoint and error type (\"\" on success).", "endpoint", "status", "error_type"),
	}
}

// ObserveRequest records one served request; route is the route pattern,
// never the raw path, so ids and tokens do not become labels.
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests.observe(d, route, method, strconv.Itoa(status))
}

// ObserveStytch records one call to Stytch.
func (r *Registry) ObserveStytch(endpoint string, status int, errorType string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stytch.observe(d, endpoint, strconv.Itoa(status), errorType)
}

// Handler serves the registry in Prometheus' text exposition format.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests.write(w)
		r.stytch.write(w)
		writeRuntime(w)
	})
}

func (s *series) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", s.name, s.help, s.name)
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h, lbl := s.byKey[k], s.labelString(s.values[k])
		var cum uint64
		for i, ub := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "%s_bucket{%s,le=\"%s\"} %d\n", s.name, lbl, strconv.FormatFloat(ub, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "%s_bucket{%s,le=\"+Inf\"} %d\n", s.name, lbl, h.count)
		fmt.Fprintf(w, "%s_sum{%s} %g\n%s_count{%s} %d\n", s.name, lbl, h.sum, s.name, lbl, h.count)
	}
}

func (s *series) labelString(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = s.labels[i] + "=" + strconv.Quote(v)
	}
	return strings.Join(parts, ",")
}

// writeRuntime adds the process gauges every Go service exposes, under
// their usual names: goroutines (a leak shows as growth after a load) and
// the live heap.
func writeRuntime(w io.Writer) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_alloc_bytes Bytes of allocated heap objects.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
}
