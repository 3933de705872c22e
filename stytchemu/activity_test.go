package stytchemu_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

func TestStatsByRouteAndStatus(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	v.req("GET", "/v1/b2b/organizations/"+acme.ID, nil).ok(nil)
	v.req("GET", "/v1/b2b/organizations/nope", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	for _, p := range []string{"/v1/b2b/unknown/1", "/v1/b2b/unknown/2", "/v1/b2b//organizations", "/nothing"} {
		r := v.req("GET", p, nil, invalidRequest)
		r.fails(http.StatusNotFound, "route_not_found")
		if !strings.Contains(string(r.body), "GET "+p) {
			t.Errorf("the 404 does not name the route: %s", r.body)
		}
	}
	v.req("DELETE", "/v1/b2b/otps/sms/send", nil, invalidRequest).fails(http.StatusNotFound, "route_not_found")

	var st stytchemu.Stats
	if err := json.Unmarshal(v.req("GET", "/dev/stats", nil, noAuth).body, &st); err != nil {
		t.Fatal(err)
	}
	org := "GET /v1/b2b/organizations/{org}"
	if st.Calls[org] != 2 || st.Statuses[org][200] != 1 || st.Statuses[org][404] != 1 {
		t.Errorf("org reads: %d %v", st.Calls[org], st.Statuses[org])
	}
	if st.Calls[stytchemu.UnknownRoute] != 5 || st.Statuses[stytchemu.UnknownRoute][404] != 5 {
		t.Errorf("unknown routes: %v", st.Calls)
	}
	for k := range st.Calls {
		if strings.Contains(k, "unknown/") {
			t.Errorf("an unknown route has its own key %q", k)
		}
	}
}

func TestRequestLog(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	login := v.login(acme.ID, acme.Enrolled.Email) // MFA pending: an IST
	code := v.code(acme.Enrolled.Phone)
	var done stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Enrolled.ID, "code": code, "intermediate_session_token": login.IntermediateSessionToken}).ok(&done)
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID+"/members/"+acme.Enrolled.ID, map[string]any{"name": "Erin E."}, asSession(done.SessionToken)).ok(nil)
	v.req("GET", "/v1/b2b/organizations/nope", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)

	raw := v.req("GET", "/dev/requests", nil, noAuth)
	for _, secret := range []string{code, login.IntermediateSessionToken, done.SessionToken} {
		if strings.Contains(string(raw.body), secret) {
			t.Fatalf("the request log shows a secret %q: %s", secret, raw.body)
		}
	}
	var log struct{ Requests []stytchemu.Call }
	if err := json.Unmarshal(raw.body, &log); err != nil {
		t.Fatal(err)
	}
	find := func(route string) stytchemu.Call {
		t.Helper()
		for _, c := range log.Requests {
			if c.Route == route {
				return c
			}
		}
		t.Fatalf("no %s in the log: %+v", route, log.Requests)
		return stytchemu.Call{}
	}
	auth := find("POST /v1/b2b/otps/sms/authenticate")
	var body map[string]any
	if err := json.Unmarshal(auth.Body, &body); err != nil || body["code"] != "[redacted]" ||
		body["intermediate_session_token"] != "[redacted]" || body["member_id"] != acme.Enrolled.ID || auth.Status != 200 || auth.DurationMS < 0 {
		t.Fatalf("authenticate in the log: %+v (%v)", auth, err)
	}
	if ml := find("POST /v1/b2b/magic_links/authenticate"); !strings.Contains(string(ml.Body), `"magic_links_token":"[redacted]"`) {
		t.Fatalf("magic-link token not redacted: %s", ml.Body)
	}
	if upd := find("PUT /v1/b2b/organizations/{org}/members/{member}"); upd.SessionHeader != "X-Stytch-Member-Session" || upd.Path != "/v1/b2b/organizations/"+acme.ID+"/members/"+acme.Enrolled.ID {
		t.Fatalf("update in the log: %+v", upd)
	}
	if miss := find("GET /v1/b2b/organizations/{org}"); miss.Status != 404 || miss.ErrorType != stytchclient.ErrOrganizationNotFound || !miss.At.Equal(start) {
		t.Fatalf("failed call in the log: %+v", miss)
	}

	// A person gets one page with the counts and the calls, newest first.
	page := v.req("GET", "/dev/requests", nil, withHeader("Accept", "text/html"))
	html := string(page.body)
	if !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") || !strings.Contains(html, "GET /v1/b2b/organizations/{org}") ||
		!strings.Contains(html, "organization_not_found") || strings.Index(html, "/v1/b2b/organizations/nope") > strings.Index(html, "/v1/b2b/otps/sms/authenticate</code><details>") ||
		!strings.Contains(html, `href="/dev/outbox"`) || strings.Contains(html, code) {
		t.Fatalf("requests page:\n%s", html)
	}
	if stats := v.req("GET", "/dev/stats", nil, withHeader("Accept", "text/html")); string(stats.body) == "" || !strings.HasPrefix(stats.header.Get("Content-Type"), "text/html") {
		t.Fatalf("stats page: %s", stats.body)
	}
	if outbox := v.req("GET", "/dev/outbox", nil, withHeader("Accept", "text/html")); !strings.Contains(string(outbox.body), `href="/dev/requests"`) {
		t.Fatal("the outbox page does not link to the requests page")
	}

	// The log keeps the last 1,000 calls; DELETE empties it.
	for range 1005 {
		res, err := http.Get(v.bare.URL + "/v1/b2b/organizations/acme")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if calls := v.emu.Requests(); len(calls) != 1000 || calls[999].Status != http.StatusUnauthorized {
		t.Fatalf("kept %d calls", len(calls))
	}
	if r := v.req("DELETE", "/dev/requests", nil, noAuth); r.status != http.StatusNoContent || len(v.emu.Requests()) != 0 || len(v.emu.Calls()) != 0 {
		t.Fatalf("DELETE /dev/requests: %d", r.status)
	}
}

func TestRequestLogKeepsLargeBodiesOut(t *testing.T) {
	v := newEnv(t)
	big := strings.Repeat("x", 20000)
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Big", "trusted_metadata": map[string]any{"blob": big}}).ok(nil)
	calls := v.emu.Requests()
	if last := calls[len(calls)-1]; strings.Contains(string(last.Body), big) || !strings.Contains(string(last.Body), "not kept") {
		t.Fatalf("body kept: %.200s", last.Body)
	}
}
