package stytchemu_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

func TestCredentials(t *testing.T) {
	v := newEnv(t)
	path := "/v1/b2b/organizations/acme"
	v.req("GET", path, nil, noAuth, invalidRequest).fails(http.StatusUnauthorized, stytchclient.ErrUnauthorizedCredentials)
	v.req("GET", path, nil, basic(v.emu.ProjectID(), "wrong")).fails(http.StatusUnauthorized, stytchclient.ErrUnauthorizedCredentials)
	v.req("GET", path, nil, basic("project-test-other", v.emu.Secret())).fails(http.StatusUnauthorized, stytchclient.ErrUnauthorizedCredentials)
	v.req("GET", path, nil).ok(nil)
	v.req("GET", "/v1/b2b/unknown", nil, invalidRequest).fails(http.StatusNotFound, "route_not_found")
}

func TestFaults(t *testing.T) {
	v := newEnv(t)
	path := "/v1/b2b/organizations/acme"
	addFault := func(f map[string]any) stytchemu.Fault {
		t.Helper()
		r := v.req("POST", "/dev/faults", f, noAuth)
		if r.status != http.StatusCreated {
			t.Fatalf("POST /dev/faults: %d %s", r.status, r.body)
		}
		var out stytchemu.Fault
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Queued in order, count honoured, before credentials are checked.
	if f := addFault(map[string]any{"path": path, "status": 503, "error_type": "service_unavailable"}); f.Count != 1 || f.Status != 503 {
		t.Fatalf("stored fault: %+v", f)
	}
	addFault(map[string]any{"path": path, "status": 429, "count": 2, "retry_after": "5"})
	v.req("GET", path, nil, noAuth, invalidRequest).fails(http.StatusServiceUnavailable, "service_unavailable")
	r := v.req("GET", path, nil)
	r.fails(http.StatusTooManyRequests, stytchclient.ErrTooManyRequests)
	if r.header.Get("Retry-After") != "5" {
		t.Fatalf("Retry-After: %q", r.header.Get("Retry-After"))
	}
	v.req("GET", path, nil).fails(http.StatusTooManyRequests, stytchclient.ErrTooManyRequests)
	v.req("GET", path, nil).ok(nil)
	v.req("GET", path, nil, noAuth, invalidRequest).fails(http.StatusUnauthorized, stytchclient.ErrUnauthorizedCredentials)

	// A non-JSON body, for any method, on JWKS too.
	jwks := "/v1/b2b/sessions/jwks/" + v.emu.ProjectID()
	addFault(map[string]any{"path": jwks, "status": 502, "body": "<html>bad gateway</html>"})
	r = v.req("GET", jwks, nil, noAuth, v.notStytch())
	if r.status != 502 || string(r.body) != "<html>bad gateway</html>" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("body fault: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}

	// Delay alone waits, then answers normally; delay with status waits, then fails.
	if f := addFault(map[string]any{"path": path, "delay": "60ms"}); f.Delay != 60*time.Millisecond {
		t.Fatalf("delay: %+v", f)
	}
	began := time.Now()
	v.req("GET", path, nil).ok(nil)
	if time.Since(began) < 60*time.Millisecond {
		t.Fatal("delay not applied")
	}
	addFault(map[string]any{"path": path, "delay": "30ms", "status": 500})
	began = time.Now()
	v.req("GET", path, nil).fails(http.StatusInternalServerError, stytchclient.ErrInternalServerError)
	if time.Since(began) < 30*time.Millisecond {
		t.Fatal("delay not applied before failing")
	}

	// -1 lasts until cleared; DELETE clears.
	addFault(map[string]any{"path": path, "status": 500, "count": -1})
	for range 3 {
		v.req("GET", path, nil).fails(http.StatusInternalServerError, stytchclient.ErrInternalServerError)
	}
	if r := v.req("DELETE", "/dev/faults", nil, noAuth); r.status != http.StatusNoContent {
		t.Fatalf("DELETE /dev/faults: %d", r.status)
	}
	v.req("GET", path, nil).ok(nil)

	// The Go API does the same.
	v.emu.AddFault(stytchemu.Fault{Path: path, Status: 500})
	v.req("GET", path, nil).fails(http.StatusInternalServerError, stytchclient.ErrInternalServerError)
	v.emu.AddFault(stytchemu.Fault{Path: path, Status: 500, Count: -1})
	v.emu.ClearFaults()
	v.req("GET", path, nil).ok(nil)

	v.req("POST", "/dev/faults", map[string]any{"path": path}, noAuth).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", "/dev/faults", map[string]any{"path": path, "delay": "soon"}, noAuth).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)

	if got := v.emu.Calls()["GET /v1/b2b/organizations/{org}"]; got != 13 {
		t.Fatalf("Calls counted %d org reads, want 13: %v", got, v.emu.Calls())
	}
	if _, found := v.emu.Calls()["POST /dev/faults"]; found {
		t.Fatal("dev endpoints must not be counted")
	}
}

func TestOutbox(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "<b>Evil</b> & Co", "organization_slug": "evil"}).ok(nil)
	var mem stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/organizations/evil/members", map[string]any{"email_address": "x@evil.example"}).ok(&mem)
	v.magicToken(acme.ID, acme.Member.Email)
	v.send(map[string]any{"organization_id": "evil", "member_id": mem.MemberID, "mfa_phone_number": newPhone}).ok(nil)

	r := v.req("GET", "/dev/outbox", nil, noAuth)
	var raw struct {
		Messages []map[string]any `json:"messages"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil || len(raw.Messages) != 2 {
		t.Fatalf("outbox JSON: %s", r.body)
	}
	email, sms := raw.Messages[0], raw.Messages[1] // newest last
	if email["channel"] != "email" || email["link"] == nil || email["code"] != nil || email["to"] != acme.Member.Email || email["member_id"] != acme.Member.ID {
		t.Fatalf("e-mail: %v", email)
	}
	if sms["channel"] != "sms" || sms["code"] == nil || sms["link"] != nil || sms["to"] != newPhone || sms["organization_id"] == "" {
		t.Fatalf("sms: %v", sms)
	}
	if at, err := time.Parse(time.RFC3339, sms["sent_at"].(string)); err != nil || !at.Equal(start) {
		t.Fatalf("sent_at %v: %v", sms["sent_at"], err)
	}
	if len(v.emu.Outbox()) != 2 {
		t.Fatal("Outbox() disagrees")
	}

	var only struct{ Messages []stytchemu.Message }
	if err := json.Unmarshal(v.req("GET", "/dev/outbox?to="+url.QueryEscape(newPhone), nil, noAuth).body, &only); err != nil ||
		len(only.Messages) != 1 || only.Messages[0].Code != sms["code"] {
		t.Fatalf("outbox for %s: %+v (%v)", newPhone, only, err)
	}

	page := v.req("GET", "/dev/outbox", nil, withHeader("Accept", "text/html,application/xhtml+xml"))
	html := string(page.body)
	code := sms["code"].(string)
	if !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") || !strings.Contains(html, code) ||
		!strings.Contains(html, `<a href="`+strings.ReplaceAll(email["link"].(string), "&", "&amp;")+`"`) ||
		strings.Contains(html, "<b>Evil</b>") || !strings.Contains(html, "&lt;b&gt;Evil&lt;/b&gt;") ||
		strings.Index(html, code) > strings.Index(html, `href="http`) {
		t.Fatalf("outbox page:\n%s", html)
	}

	if r := v.req("DELETE", "/dev/outbox", nil, noAuth); r.status != http.StatusNoContent {
		t.Fatalf("DELETE /dev/outbox: %d", r.status)
	}
	if r := v.req("GET", "/dev/outbox", nil); string(r.body) != "{\"messages\":[]}\n" {
		t.Fatalf("empty outbox: %s", r.body)
	}
}

func TestClockEndpoint(t *testing.T) {
	v := newEnv(t)
	var out struct{ Now string }
	r := v.req("POST", "/dev/clock", map[string]any{"advance": "121s"}, noAuth)
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 || out.Now != start.Add(121*time.Second).Format(time.RFC3339Nano) {
		t.Fatalf("clock: %d %s", r.status, r.body)
	}
	if !v.emu.Now().Equal(start.Add(121 * time.Second)) {
		t.Fatal("emulator did not move")
	}
	v.req("POST", "/dev/clock", map[string]any{"advance": "-1s"}, noAuth).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	if r := v.req("POST", "/dev/clock", map[string]any{"advance": "0s"}, noAuth); r.status != 200 || !v.emu.Now().Equal(start.Add(121*time.Second)) {
		t.Fatalf("advance 0s should only read the clock: %d %s", r.status, r.body)
	}

	// The default clock is real time plus an offset the endpoint advances.
	emu, err := stytchemu.New(stytchemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	res, err := http.Post(srv.URL+"/dev/clock", "application/json", strings.NewReader(`{"advance":"24h"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if d := emu.Now().Sub(time.Now()); d < 23*time.Hour || d > 25*time.Hour {
		t.Fatalf("real clock offset %v", d)
	}
	if emu.Demo() != (stytchemu.Demo{}) {
		t.Fatal("unseeded emulator has demo data")
	}
}
