// Package metrics keeps mfaportal's request, Stytch-call and ZITADEL-call
// latency histograms, with the Go runtime and process metrics, in a Prometheus
// registry of its own (not the global default, so tests and embedders get
// a clean one each).
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// buckets are the latency histograms' upper bounds, in seconds: finer than
// Prometheus' defaults below 5 ms, where a page view should be.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Registry holds the series. It is safe for concurrent use.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	stytch   *prometheus.HistogramVec
	zitadel  *prometheus.HistogramVec
	refusals *prometheus.CounterVec
}

// New returns a registry with no requests observed yet.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mfaportal_http_request_duration_seconds",
			Help:    "HTTP requests served, by route, method and status.",
			Buckets: buckets,
		}, []string{"route", "method", "status"}),
		stytch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mfaportal_stytch_call_duration_seconds",
			Help:    `Calls to Stytch, by endpoint, status and error type ("" on success).`,
			Buckets: buckets,
		}, []string{"endpoint", "status", "error_type"}),
		zitadel: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mfaportal_zitadel_call_duration_seconds",
			Help:    `Calls to ZITADEL (API and OIDC), by endpoint, status and ZITADEL's error id ("" on success and for OIDC endpoints).`,
			Buckets: buckets,
		}, []string{"endpoint", "status", "error_id"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mfaportal_limit_refusals_total",
			Help: "Actions refused because an abuse limit was reached, by limit.",
		}, []string{"limit"}),
	}
	r.reg.MustRegister(
		r.requests,
		r.stytch,
		r.zitadel,
		r.refusals,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return r
}

// ObserveRequest records one served request. route is the route pattern,
// never the raw path, so ids and tokens do not become labels.
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	r.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveStytch records one call to Stytch. Endpoint names come from our
// client and error types from Stytch's documented set, so both are bounded.
func (r *Registry) ObserveStytch(endpoint string, status int, errorType string, d time.Duration) {
	r.stytch.WithLabelValues(endpoint, strconv.Itoa(status), errorType).Observe(d.Seconds())
}

// ObserveZitadel records one call to ZITADEL. Endpoint names come from
// our client; error ids are ZITADEL's own (such as "COMMAND-Ad3g2"), a
// set fixed by its code, or the client's (CLIENT-unreachable, …).
func (r *Registry) ObserveZitadel(endpoint string, status int, errorID string, d time.Duration) {
	r.zitadel.WithLabelValues(endpoint, strconv.Itoa(status), errorID).Observe(d.Seconds())
}

// ObserveRefusal counts one action an abuse limit refused; limit names
// are the app's own, a fixed set.
func (r *Registry) ObserveRefusal(limit string) { r.refusals.WithLabelValues(limit).Inc() }

// Handler serves the registry in the exposition format the scraper asks for.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// methodLabel keeps the method label to a fixed set: a client may send any
// token as a method, and each new one would otherwise be a new series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
