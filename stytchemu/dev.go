package stytchemu

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Message is an SMS or e-mail the emulator "sent".
type Message struct {
	Channel        string    `json:"channel"` // "sms" or "email"
	To             string    `json:"to"`
	OrganizationID string    `json:"organization_id"`
	MemberID       string    `json:"member_id"`
	Subject        string    `json:"subject,omitempty"` // e-mail only
	Body           string    `json:"body"`
	Code           string    `json:"code,omitempty"` // SMS only
	Link           string    `json:"link,omitempty"` // e-mail only
	SentAt         time.Time `json:"sent_at"`
}

// Fault makes the next Count requests to Path fail (or wait) as if Stytch did.
// Count 0 means 1; -1 means until cleared. Delay alone waits and then answers
// normally; with Status (or Body) it waits and then fails.
type Fault struct {
	Path       string        `json:"path"`
	Status     int           `json:"status"`
	ErrorType  string        `json:"error_type"`
	Count      int           `json:"count"`
	Delay      time.Duration `json:"delay"`
	Body       string        `json:"body"`        // sent verbatim as text/html instead of Stytch's JSON
	RetryAfter string        `json:"retry_after"` // Retry-After header value
}

// faultWire is Fault with the delay as a Go duration string.
type faultWire struct {
	Path       string `json:"path"`
	Status     int    `json:"status,omitempty"`
	ErrorType  string `json:"error_type,omitempty"`
	Count      int    `json:"count"`
	Delay      string `json:"delay,omitempty"`
	Body       string `json:"body,omitempty"`
	RetryAfter string `json:"retry_after,omitempty"`
}

// MarshalJSON writes delay as a Go duration string ("250ms").
func (f Fault) MarshalJSON() ([]byte, error) {
	w := faultWire{Path: f.Path, Status: f.Status, ErrorType: f.ErrorType, Count: f.Count, Body: f.Body, RetryAfter: f.RetryAfter}
	if f.Delay != 0 {
		w.Delay = f.Delay.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads delay as a Go duration string.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var w faultWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var d time.Duration
	if w.Delay != "" {
		var err error
		if d, err = time.ParseDuration(w.Delay); err != nil {
			return err
		}
	}
	*f = Fault{Path: w.Path, Status: w.Status, ErrorType: w.ErrorType, Count: w.Count, Delay: d, Body: w.Body, RetryAfter: w.RetryAfter}
	return nil
}

// outboxKeep is how many messages the outbox keeps, newest last: enough for
// any person or test, and bounded under a load test's thousands of logins.
const outboxKeep = 1000

// deliver puts msg in the outbox; the caller holds e.mu.
func (e *Emulator) deliver(msg Message) {
	e.outbox = append(e.outbox, msg)
	if len(e.outbox) >= 2*outboxKeep { // trimmed now and then, not on every message
		e.outbox = slices.Clone(e.outbox[len(e.outbox)-outboxKeep:])
	}
}

// Outbox returns a copy of the newest messages sent (at most 1,000),
// newest last.
func (e *Emulator) Outbox() []Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.outbox[max(0, len(e.outbox)-outboxKeep):])
}

// LastMessage is the newest message to a phone number or e-mail address.
func (e *Emulator) LastMessage(to string) (Message, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.outbox) - 1; i >= 0; i-- {
		if strings.EqualFold(e.outbox[i].To, to) {
			return e.outbox[i], true
		}
	}
	return Message{}, false
}

// AddFault queues a fault behind any others for the same path.
func (e *Emulator) AddFault(f Fault) {
	if f.Count == 0 {
		f.Count = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &f)
}

// ClearFaults drops every queued fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// applyFault plays the first fault queued for the request's path; it reports
// whether it answered the request. The lock is released before any delay.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request) bool {
	e.mu.Lock()
	var f Fault
	found := false
	for i, q := range e.faults {
		if q.Path != r.URL.Path {
			continue
		}
		f, found = *q, true
		if q.Count > 0 {
			if q.Count--; q.Count == 0 {
				e.faults = slices.Delete(e.faults, i, i+1)
			}
		}
		break
	}
	e.mu.Unlock()
	if !found {
		return false
	}
	if f.Delay > 0 {
		// Read the body first: only then does net/http watch the
		// connection and cancel the context when the caller hangs up, so
		// a call the caller gave up on is not carried out behind its back.
		if body, err := io.ReadAll(r.Body); err == nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true // the caller gave up; nobody reads an answer
		}
	}
	if f.Status == 0 && f.Body == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	writeError(w, errf(status, orDefault(f.ErrorType, defaultErrorType(status)), "Injected fault (%d).", status))
	return true
}

func defaultErrorType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return stytchclient.ErrTooManyRequests
	case status == http.StatusUnauthorized:
		return stytchclient.ErrUnauthorizedCredentials
	case status >= 500:
		return stytchclient.ErrInternalServerError
	}
	return stytchclient.ErrBadRequest
}

func (e *Emulator) postFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if err := decodeBody(r, &f); err != nil {
		writeError(w, err)
		return
	}
	switch {
	case !strings.HasPrefix(f.Path, "/"):
		writeError(w, badRequest("path must be a request path such as /v1/b2b/otps/sms/send."))
		return
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		writeError(w, badRequest("status must be an HTTP error status (400-599)."))
		return
	case f.Count < -1:
		writeError(w, badRequest("count must be positive, or -1 for until cleared."))
		return
	case f.Delay < 0:
		writeError(w, badRequest("delay must not be negative."))
		return
	case f.Status == 0 && f.Body == "" && f.Delay == 0:
		writeError(w, badRequest("A fault needs a status, a body or a delay."))
		return
	}
	if f.Count == 0 {
		f.Count = 1
	}
	e.AddFault(f)
	writeJSON(w, http.StatusCreated, f)
}

func (e *Emulator) deleteFaults(w http.ResponseWriter, r *http.Request) {
	e.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) postClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Advance string `json:"advance"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	d, err := time.ParseDuration(orDefault(req.Advance, "0s"))
	if err != nil || d < 0 {
		writeError(w, badRequest("advance must be a non-negative Go duration such as \"121s\"; the clock never goes back."))
		return
	}
	if _, ok := e.clock.(Advancer); !ok && d > 0 {
		writeError(w, badRequest("This emulator's clock cannot be advanced."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": e.Advance(d).Format(time.RFC3339Nano)})
}

func (e *Emulator) clearOutbox(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.outbox = nil
	e.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) getOutbox(w http.ResponseWriter, r *http.Request) {
	msgs := e.Outbox()
	if to := r.URL.Query().Get("to"); to != "" { // only the messages to one address or number
		msgs = slices.DeleteFunc(msgs, func(m Message) bool { return !strings.EqualFold(m.To, to) })
	}
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		slices.Reverse(msgs) // people want the newest on top
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = outboxPage.Execute(w, msgs)
		return
	}
	if msgs == nil {
		msgs = []Message{}
	}
	writeJSON(w, http.StatusOK, map[string][]Message{"messages": msgs})
}

var outboxPage = template.Must(template.New("outbox").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emulator outbox</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
article { border: 1px solid #ccc; border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
.meta { color: #555; font-size: .9rem; }
.code { font-size: 2.5rem; font-family: ui-monospace, monospace; letter-spacing: .3rem; margin: .5rem 0; }
pre { white-space: pre-wrap; word-break: break-all; }
a { word-break: break-all; }
</style>
</head>
<body>
<nav><a href="/dev/outbox">Outbox</a> <a href="/dev/requests">Requests</a></nav>
<h1>Outbox</h1>
<p>Every SMS and e-mail the Stytch emulator would have sent, newest first. Reload to see new ones.</p>
{{- range .}}
<article>
<p class="meta">{{if eq .Channel "sms"}}SMS{{else}}E-mail{{end}} to <strong>{{.To}}</strong> at {{.SentAt.Format "2006-01-02 15:04:05 MST"}}</p>
{{- if .Code}}
<p class="code">{{.Code}}</p>
{{- end}}
{{- if .Link}}
<p><a href="{{.Link}}">Open the magic link</a></p>
{{- end}}
<pre>{{.Body}}</pre>
</article>
{{- else}}
<p>Nothing has been sent yet.</p>
{{- end}}
</body>
</html>
`))
