package stytchemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// UnknownRoute is the one key under which /dev/stats and [Emulator.Calls]
// count requests that no route of the emulator serves, whatever their path.
const UnknownRoute = "unknown route"

const errRouteNotFound = "route_not_found"

// requestsKeep is how many calls GET /dev/requests remembers, newest last.
const requestsKeep = 1000

// Call is one Stytch API call as GET /dev/requests lists it. Secrets
// (tokens, JWTs, codes, verifiers, passwords) are replaced by "[redacted]"
// in Query and Body; the member-session headers are named, never shown.
type Call struct {
	At            time.Time       `json:"at"` // emulator clock
	Method        string          `json:"method"`
	Route         string          `json:"route"` // route template, or UnknownRoute
	Path          string          `json:"path"`
	Query         string          `json:"query,omitempty"`
	Status        int             `json:"status"` // 0 when the caller hung up first
	ErrorType     string          `json:"error_type"`
	DurationMS    float64         `json:"duration_ms"`
	SessionHeader string          `json:"session_header,omitempty"` // X-Stytch-Member-Session or …SessionJWT when sent
	Body          json.RawMessage `json:"body,omitempty"`
}

// activity is what the emulator remembers of its API calls; under Emulator.mu.
type activity struct {
	calls    map[string]int         // route → calls
	statuses map[string]map[int]int // route → status → calls
	requests []Call                 // newest last, trimmed to requestsKeep now and then
}

func newActivity() activity {
	return activity{calls: map[string]int{}, statuses: map[string]map[int]int{}}
}

// record counts a finished call and logs it.
func (e *Emulator) record(r *http.Request, route string, rec *recorder, body []byte, took time.Duration) {
	c := Call{
		At:         e.Now(),
		Method:     r.Method,
		Route:      route,
		Path:       r.URL.Path,
		Query:      redactQuery(r.URL.Query()),
		Status:     rec.status,
		ErrorType:  rec.errorType,
		DurationMS: float64(took.Microseconds()) / 1000,
		Body:       redactBody(body),
	}
	for _, h := range []string{headerMemberSession, headerMemberSessionJWT} {
		if r.Header.Get(h) != "" {
			c.SessionHeader = h
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a := &e.activity
	a.calls[route]++
	if a.statuses[route] == nil {
		a.statuses[route] = map[int]int{}
	}
	a.statuses[route][c.Status]++
	a.requests = append(a.requests, c)
	if len(a.requests) >= 2*requestsKeep { // trimmed now and then, not on every call
		a.requests = slices.Clone(a.requests[len(a.requests)-requestsKeep:])
	}
}

// Calls counts API calls by route template ("POST /v1/b2b/otps/sms/send"),
// every unknown route under UnknownRoute; /dev endpoints are not counted.
func (e *Emulator) Calls() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.activity.calls)
}

// Requests returns the newest API calls (at most 1,000), newest last.
func (e *Emulator) Requests() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.activity.requests
	return slices.Clone(a[max(0, len(a)-requestsKeep):])
}

// Stats is what GET /dev/stats answers.
type Stats struct {
	ConnectionsAccepted int64                  `json:"connections_accepted"`
	ConnectionsOpen     int64                  `json:"connections_open"`
	Calls               map[string]int         `json:"calls"`    // route → calls
	Statuses            map[string]map[int]int `json:"statuses"` // route → HTTP status → calls
}

// Stats reports the connection counters and the API calls so far.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := Stats{
		ConnectionsAccepted: e.conns.accepted.Load(),
		ConnectionsOpen:     e.conns.open.Load(),
		Calls:               maps.Clone(e.activity.calls),
		Statuses:            make(map[string]map[int]int, len(e.activity.statuses)),
	}
	for route, byStatus := range e.activity.statuses {
		st.Statuses[route] = maps.Clone(byStatus)
	}
	return st
}

func wantsHTML(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "text/html") }

func (e *Emulator) getStats(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		e.activityPage(w)
		return
	}
	writeJSON(w, http.StatusOK, e.Stats())
}

func (e *Emulator) getRequests(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		e.activityPage(w)
		return
	}
	calls := e.Requests()
	if calls == nil {
		calls = []Call{}
	}
	writeJSON(w, http.StatusOK, map[string][]Call{"requests": calls})
}

func (e *Emulator) clearRequests(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	e.activity = newActivity()
	e.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// secretField reports whether a request field carries a secret the log must not show.
func secretField(name string) bool {
	n := strings.ToLower(name)
	if n == "code" || n == "password" || n == "recovery_code" {
		return true
	}
	for _, s := range []string{"token", "jwt", "secret", "verifier"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

const redacted = "[redacted]"

func redactQuery(q url.Values) string {
	for k := range q {
		if secretField(k) {
			q[k] = []string{redacted}
		}
	}
	return q.Encode()
}

// bodyKeep bounds a body kept in the request log: Stytch's requests are far
// smaller, and a thousand large ones must not fill the memory.
const bodyKeep = 8 << 10

// redactBody is the JSON body with secret fields' values replaced, at any
// depth; a body that is not JSON is left out, one too large is only sized.
func redactBody(b []byte) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return nil
	}
	if len(out) > bodyKeep {
		out, _ = json.Marshal(fmt.Sprintf("(a body of %d bytes, not kept)", len(b)))
	}
	return out
}

func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if secretField(k) && e != nil {
				v[k] = redacted
			} else {
				v[k] = redactValue(e)
			}
		}
	case []any:
		for i, e := range v {
			v[i] = redactValue(e)
		}
	}
	return v
}

// routeStats is one row of the activity page's table.
type routeStats struct {
	Route    string
	Calls    int
	Statuses []statusCount
}

type statusCount struct{ Status, Calls int }

func (e *Emulator) activityPage(w http.ResponseWriter) {
	st := e.Stats()
	calls := e.Requests()
	slices.Reverse(calls) // people want the newest on top
	var rows []routeStats
	for route, n := range st.Calls {
		row := routeStats{Route: route, Calls: n}
		for status, c := range st.Statuses[route] {
			row.Statuses = append(row.Statuses, statusCount{status, c})
		}
		slices.SortFunc(row.Statuses, func(a, b statusCount) int { return a.Status - b.Status })
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b routeStats) int { return strings.Compare(a.Route, b.Route) })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = activityPage.Execute(w, map[string]any{"Stats": st, "Routes": rows, "Calls": calls})
}

var activityPage = template.Must(template.New("activity").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emulator requests</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.err { color: #a40000; }
code, pre { font-family: ui-monospace, monospace; }
pre { white-space: pre-wrap; word-break: break-all; margin: .25rem 0; }
nav a { margin-right: 1rem; }
</style>
</head>
<body>
<nav><a href="/dev/outbox">Outbox</a><a href="/dev/requests">Requests</a></nav>
<h1>Requests</h1>
<p>What the app under test asked the Stytch emulator, counted by route and status, and the last calls, newest first. Secrets are redacted. Reload to see new ones.</p>
<h2>By route and status</h2>
<p>{{.Stats.ConnectionsAccepted}} connections accepted, {{.Stats.ConnectionsOpen}} open.</p>
{{- if .Routes}}
<table>
<thead><tr><th scope="col">Route</th><th scope="col">Calls</th><th scope="col">By status</th></tr></thead>
<tbody>
{{- range .Routes}}
<tr><td><code>{{.Route}}</code></td><td class="num">{{.Calls}}</td><td>{{range .Statuses}}<span{{if ge .Status 400}} class="err"{{end}}>{{if .Status}}{{.Status}}{{else}}no answer{{end}}: {{.Calls}}</span> {{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No calls yet.</p>
{{- end}}
<h2>Last calls</h2>
{{- if .Calls}}
<table>
<thead><tr><th scope="col">At</th><th scope="col">Call</th><th scope="col">Status</th><th scope="col">Error type</th><th scope="col">ms</th></tr></thead>
<tbody>
{{- range .Calls}}
<tr>
<td>{{.At.Format "15:04:05"}}</td>
<td><code>{{.Method}} {{.Path}}{{if .Query}}?{{.Query}}{{end}}</code>{{if ne .Route (print .Method " " .Path)}}<br><small>{{.Route}}</small>{{end}}{{if .SessionHeader}}<br><small>with {{.SessionHeader}}</small>{{end}}{{if .Body}}<details><summary>body</summary><pre>{{printf "%s" .Body}}</pre></details>{{end}}</td>
<td{{if ge .Status 400}} class="err"{{end}}>{{if .Status}}{{.Status}}{{else}}no answer{{end}}</td>
<td>{{.ErrorType}}</td>
<td class="num">{{printf "%.1f" .DurationMS}}</td>
</tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No calls yet.</p>
{{- end}}
</body>
</html>
`))
