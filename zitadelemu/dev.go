package zitadelemu

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Message is an SMS the emulator "sent", in the Stytch emulator's outbox
// shape: organization_id is the user's organization, member_id the user id.
type Message struct {
	Channel        string    `json:"channel"` // always "sms"
	To             string    `json:"to"`
	OrganizationID string    `json:"organization_id"`
	MemberID       string    `json:"member_id"`
	Body           string    `json:"body"`
	Code           string    `json:"code,omitempty"`
	Link           string    `json:"link,omitempty"` // never set: ZITADEL's SMS carry no link
	SentAt         time.Time `json:"sent_at"`
}

// outboxKeep bounds the outbox, newest last.
const outboxKeep = 1000

// deliver puts msg in the outbox; the caller holds e.mu.
func (e *Emulator) deliver(msg Message) {
	e.outbox = append(e.outbox, msg)
	if len(e.outbox) >= 2*outboxKeep {
		e.outbox = slices.Clone(e.outbox[len(e.outbox)-outboxKeep:])
	}
}

// Outbox returns a copy of the newest messages sent, newest last.
func (e *Emulator) Outbox() []Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.outbox[max(0, len(e.outbox)-outboxKeep):])
}

// LastMessage is the newest message to a phone number.
func (e *Emulator) LastMessage(to string) (Message, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.outbox) - 1; i >= 0; i-- {
		if e.outbox[i].To == to {
			return e.outbox[i], true
		}
	}
	return Message{}, false
}

func (e *Emulator) getOutbox(w http.ResponseWriter, r *http.Request) {
	msgs := e.Outbox()
	if to := r.URL.Query().Get("to"); to != "" {
		msgs = slices.DeleteFunc(msgs, func(m Message) bool { return m.To != to })
	}
	if msgs == nil {
		msgs = []Message{}
	}
	writeJSON(w, http.StatusOK, map[string][]Message{"messages": msgs})
}

func (e *Emulator) clearOutbox(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	e.outbox = nil
	e.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// DevUser is one entry of GET /dev/users.
type DevUser struct {
	UserID    string   `json:"userId"`
	LoginName string   `json:"loginName"`
	OrgID     string   `json:"orgId"`
	Roles     []string `json:"roles"`
}

// Users lists every user in creation order.
func (e *Emulator) Users() []DevUser {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]DevUser, 0, len(e.st.users))
	for _, u := range e.st.users {
		roles := slices.Clone(u.Roles)
		if roles == nil {
			roles = []string{}
		}
		out = append(out, DevUser{UserID: u.ID, LoginName: u.loginName(e.st.org(u.OrgID)), OrgID: u.OrgID, Roles: roles})
	}
	return out
}

func (e *Emulator) getUsers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]DevUser{"users": e.Users()})
}

// postToken is POST /dev/token {"userId"} → {"access_token"}. With
// "apiAudience":false the token lacks ZITADEL's API audience, so the API
// refuses it, as a real token without the audience scope.
func (e *Emulator) postToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserID      string `json:"userId"`
		APIAudience *bool  `json:"apiAudience"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.user(req.UserID) == nil {
		writeError(w, zerr(codeNotFound, "", "zitadelemu: no user "+req.UserID+"; GET /dev/users lists them"))
		return
	}
	tok, exp := e.issueToken(req.UserID, req.APIAudience == nil || *req.APIAudience)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int(exp.Sub(e.Now()).Seconds()),
	})
}

// postClock is POST /dev/clock {"advance":"121s"} → {"now"}, as on the
// Stytch emulator; "0s" only reads the clock, and it never goes back.
func (e *Emulator) postClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Advance string `json:"advance"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	adv := req.Advance
	if adv == "" {
		adv = "0s"
	}
	d, err := time.ParseDuration(adv)
	if err != nil || d < 0 {
		writeError(w, validation(`advance must be a non-negative Go duration such as "121s"; the clock never goes back`))
		return
	}
	if _, ok := e.clock.(Advancer); !ok && d > 0 {
		writeError(w, validation("this emulator's clock cannot be advanced"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": e.Advance(d).Format(time.RFC3339Nano)})
}

// Fault makes the next Count requests to Path fail (or wait) as if ZITADEL
// did. Count 0 means 1, -1 until cleared. Delay alone waits and then answers
// normally. Code (gRPC) defaults from Status; ID "" sends no ErrorDetail;
// Body is sent verbatim as text/html instead (a proxy's error page).
type Fault struct {
	Path   string        `json:"path"`
	Status int           `json:"status,omitempty"`
	Code   int           `json:"code,omitempty"`
	ID     string        `json:"id,omitempty"`
	Count  int           `json:"count"`
	Delay  time.Duration `json:"-"`
	Body   string        `json:"body,omitempty"`
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

// nextFault takes the first fault queued for path, counting it down.
func (e *Emulator) nextFault(path string) (Fault, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, q := range e.faults {
		if q.Path != path {
			continue
		}
		f := *q
		if q.Count > 0 {
			if q.Count--; q.Count == 0 {
				e.faults = slices.Delete(e.faults, i, i+1)
			}
		}
		return f, true
	}
	return Fault{}, false
}

// applyFault plays a fault for the request; it reports whether it answered.
func (e *Emulator) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := e.nextFault(r.URL.Path)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		// Reading the body lets net/http notice a caller that hangs up.
		if body, err := io.ReadAll(r.Body); err == nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Body != "":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(max(f.Status, http.StatusBadGateway))
		_, _ = io.WriteString(w, f.Body)
	case f.Status != 0 || f.Code != 0:
		code := f.Code
		if code == 0 {
			code = grpcCode(f.Status)
		}
		err := zerr(code, f.ID, "Injected fault")
		if f.Status != 0 {
			writeJSON(w, f.Status, errorBodyOf(err))
			return true
		}
		writeError(w, err)
	default:
		return false
	}
	return true
}

// grpcCode is the code grpc-gateway would have turned into status.
func grpcCode(status int) int {
	for _, c := range []int{codeInvalidArgument, codeUnauthenticated, codePermissionDenied, codeNotFound, codeAlreadyExists, codeResourceExhausted, codeUnimplemented, codeUnavailable, codeDeadlineExceeded} {
		if httpStatus(c) == status {
			return c
		}
	}
	return codeInternal
}

func (e *Emulator) postFault(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Fault
		Delay string `json:"delay,omitempty"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	f := req.Fault
	if req.Delay != "" {
		d, err := time.ParseDuration(req.Delay)
		if err != nil || d < 0 {
			writeError(w, validation("delay must be a non-negative Go duration"))
			return
		}
		f.Delay = d
	}
	switch {
	case !strings.HasPrefix(f.Path, "/"):
		writeError(w, validation("path must be a request path such as /v2/users/{userId}/phone"))
		return
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		writeError(w, validation("status must be an HTTP error status (400-599)"))
		return
	case f.Count < -1:
		writeError(w, validation("count must be positive, or -1 for until cleared"))
		return
	case f.Status == 0 && f.Code == 0 && f.Body == "" && f.Delay == 0:
		writeError(w, validation("a fault needs a status, a code, a body or a delay"))
		return
	}
	if f.Count == 0 {
		f.Count = 1
	}
	e.AddFault(f)
	req.Fault, req.Delay = f, ""
	if f.Delay > 0 {
		req.Delay = f.Delay.String()
	}
	writeJSON(w, http.StatusCreated, req)
}

func (e *Emulator) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	e.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}
