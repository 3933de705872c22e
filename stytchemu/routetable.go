package stytchemu

import (
	"bytes"
	"io"
	"net/http"
	"path"
	"slices"
)

// routeTable is the API's ServeMux keeping its patterns in the order they
// were registered: the list /dev/stats, the coverage table and the
// conformance test read.
type routeTable struct {
	*http.ServeMux
	patterns []string
}

func newRouteTable() *routeTable { return &routeTable{ServeMux: http.NewServeMux()} }

// HandleFunc registers h for pattern ("METHOD /path") and lists it.
func (t *routeTable) HandleFunc(pattern string, h http.HandlerFunc) {
	t.ServeMux.HandleFunc(pattern, h)
	t.patterns = append(t.patterns, pattern)
}

// route is the pattern serving r, or UnknownRoute. A path that is not in
// canonical form counts as unknown: ServeMux would answer it with an HTML
// redirect, and Stytch's answers are JSON.
func (t *routeTable) route(r *http.Request) string {
	if p := r.URL.Path; p == "" || path.Clean(p) != p {
		return UnknownRoute
	}
	_, pattern := t.Handler(r)
	if pattern == "" {
		return UnknownRoute
	}
	return pattern
}

// Routes lists the Stytch API routes the emulator serves, as
// "METHOD /path/{wildcard}" in the order of its route table. Every other
// request gets 404 route_not_found.
func (e *Emulator) Routes() []string { return slices.Clone(e.api.patterns) }

// recorder notes the status and Stytch error type of an answer.
type recorder struct {
	http.ResponseWriter
	status    int
	errorType string
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// peekBody reads up to maxBody+1 bytes of the request body for the request
// log and puts them back for the handler.
func peekBody(r *http.Request) []byte {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	if err != nil {
		return nil
	}
	return b
}
