package stytchemu_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// start is the fake clock's first reading in every test.
var start = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// env is a seeded emulator behind a real HTTP server, on a fake clock. The
// server is wrapped in the OpenAPI harness, so every request a test sends
// and every answer the emulator gives (/dev/ aside) is checked against
// Stytch's spec; a request a test sends invalid on purpose says so with
// invalidRequest. Where the spec is absent (outside CI) spec is nil and the
// tests run unchecked.
type env struct {
	t     *testing.T
	emu   *stytchemu.Emulator
	srv   *httptest.Server
	clock *stytchemu.FakeClock
	demo  stytchemu.Demo
	spec  *openapitest.Spec
	// bare serves the same emulator without the harness, for notStytch.
	bare *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	spec := openapitest.LoadIfPresent(t) // nil, and logged, where the spec is absent outside CI
	clock := stytchemu.NewFakeClock(start)
	emu, err := stytchemu.New(stytchemu.Options{Clock: clock, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = emu.Handler()
	if spec != nil {
		checkShapes(spec)
		h = spec.Handler(t, h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	bare := httptest.NewServer(emu.Handler())
	t.Cleanup(bare.Close)
	return &env{t: t, emu: emu, srv: srv, clock: clock, demo: emu.Demo(), spec: spec, bare: bare}
}

// checkShapes makes spec compare every success answer's keys with the
// properties Stytch documents (see doc.go for the one exception).
func checkShapes(spec *openapitest.Spec) {
	spec.CheckKeySets("api_session_v1_AuthenticationFactor.*_factor")
}

type resp struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

// opt changes a request before it is sent.
type opt func(*http.Request)

// noAuth sends no credentials. Only JWKS is valid without them, so
// elsewhere combine it with invalidRequest.
func noAuth(r *http.Request) { r.Header.Del("Authorization") }

// invalidRequest marks a request the test sends invalid on purpose (no
// credentials, malformed JSON, a missing required field, an unknown route):
// the harness then checks only the emulator's answer, and fails the test if
// the request is in fact valid.
func invalidRequest(r *http.Request) { openapitest.ExpectInvalidRequest(r) }

func asSession(tok string) opt {
	return func(r *http.Request) { r.Header.Set("X-Stytch-Member-Session", tok) }
}
func asJWT(jwt string) opt {
	return func(r *http.Request) { r.Header.Set("X-Stytch-Member-SessionJWT", jwt) }
}

// notStytch sends the request to the emulator past the harness. It is only
// for a fault whose answer stands for a proxy or gateway failing in front of
// Stytch (a non-JSON body), which is by design not an answer of Stytch's.
func (v *env) notStytch() opt {
	return func(r *http.Request) {
		u, err := url.Parse(v.bare.URL)
		if err != nil {
			v.t.Fatal(err)
		}
		r.URL.Host, r.Host = u.Host, u.Host
	}
}

func withHeader(k, v string) opt            { return func(r *http.Request) { r.Header.Set(k, v) } }
func basic(user, pass string) opt           { return func(r *http.Request) { r.SetBasicAuth(user, pass) } }
func (v *env) orgAcme() stytchemu.DemoOrg   { return v.demo.Organization }
func (v *env) orgGlobex() stytchemu.DemoOrg { return v.demo.Required }

func (v *env) req(method, path string, body any, opts ...opt) *resp {
	v.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				v.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	r, err := http.NewRequest(method, v.srv.URL+path, rd)
	if err != nil {
		v.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.SetBasicAuth(v.emu.ProjectID(), v.emu.Secret())
	for _, o := range opts {
		o(r)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return &resp{t: v.t, status: res.StatusCode, header: res.Header, body: b}
}

// ok decodes a 200 answer into out and checks request_id/status_code.
func (r *resp) ok(out any) *resp {
	r.t.Helper()
	if r.status != http.StatusOK {
		r.t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	var base stytchclient.Response
	if err := json.Unmarshal(r.body, &base); err != nil || base.StatusCode != 200 || !strings.HasPrefix(base.RequestID, "request-id-test-") {
		r.t.Fatalf("bad success envelope (%v): %s", err, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			r.t.Fatalf("decode: %v: %s", err, r.body)
		}
	}
	return r
}

// fails checks Stytch's five-field error body.
func (r *resp) fails(status int, errType string) {
	r.t.Helper()
	var e map[string]any
	if err := json.Unmarshal(r.body, &e); err != nil {
		r.t.Fatalf("error body is not JSON: %s", r.body)
	}
	if r.status != status || e["error_type"] != errType {
		r.t.Fatalf("got %d %v, want %d %s: %s", r.status, e["error_type"], status, errType, r.body)
	}
	if len(e) != 5 || e["status_code"] != float64(status) || e["error_message"] == "" ||
		!strings.HasPrefix(e["request_id"].(string), "request-id-test-") ||
		e["error_url"] != "https://stytch.com/docs/api/errors/"+itoa(status) {
		r.t.Fatalf("error body is not Stytch's five fields: %s", r.body)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// magicToken asks for a magic link to email and returns the token from the e-mail.
func (v *env) magicToken(orgID, email string) string {
	v.t.Helper()
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": orgID, "email_address": email}).ok(nil)
	msg, found := v.emu.LastMessage(email)
	if !found || msg.Channel != "email" {
		v.t.Fatalf("no e-mail to %s", email)
	}
	u, err := url.Parse(msg.Link)
	if err != nil {
		v.t.Fatal(err)
	}
	return u.Query().Get("token")
}

// discoveryIST runs the discovery magic-link flow for email and returns the
// intermediate session token.
func (v *env) discoveryIST(email string) string {
	v.t.Helper()
	v.req("POST", "/v1/b2b/magic_links/email/discovery/send", map[string]any{"email_address": email}).ok(nil)
	msg, found := v.emu.LastMessage(email)
	if !found || msg.Channel != "email" {
		v.t.Fatalf("no discovery e-mail to %s", email)
	}
	u, err := url.Parse(msg.Link)
	if err != nil || u.Query().Get("stytch_token_type") != "discovery" {
		v.t.Fatalf("discovery link %q: %v", msg.Link, err)
	}
	var out struct {
		IntermediateSessionToken string `json:"intermediate_session_token"`
	}
	v.req("POST", "/v1/b2b/magic_links/discovery/authenticate", map[string]any{"discovery_magic_links_token": u.Query().Get("token")}).ok(&out)
	return out.IntermediateSessionToken
}

// login runs the magic-link flow and returns Stytch's answer.
func (v *env) login(orgID, email string) stytchclient.AuthenticateMagicLinkResponse {
	v.t.Helper()
	var out stytchclient.AuthenticateMagicLinkResponse
	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": v.magicToken(orgID, email)}).ok(&out)
	return out
}

// session logs in a member who needs no MFA and returns the session token.
func (v *env) session(orgID, email string) string {
	v.t.Helper()
	out := v.login(orgID, email)
	if !out.MemberAuthenticated || out.SessionToken == "" {
		v.t.Fatalf("login of %s did not authenticate: %+v", email, out)
	}
	return out.SessionToken
}

// code is the newest SMS code sent to phone.
func (v *env) code(phone string) string {
	v.t.Helper()
	msg, found := v.emu.LastMessage(phone)
	if !found || msg.Channel != "sms" || len(msg.Code) != 6 {
		v.t.Fatalf("no SMS code to %s: %+v", phone, msg)
	}
	return msg.Code
}

func (v *env) send(body map[string]any, opts ...opt) *resp {
	v.t.Helper()
	return v.req("POST", "/v1/b2b/otps/sms/send", body, opts...)
}

func (v *env) auth(body map[string]any, opts ...opt) *resp {
	v.t.Helper()
	return v.req("POST", "/v1/b2b/otps/sms/authenticate", body, opts...)
}

func (v *env) member(orgID, memberID string) stytchclient.Member {
	v.t.Helper()
	var out stytchclient.MemberResponse
	v.req("GET", "/v1/b2b/organizations/"+orgID+"/member?member_id="+url.QueryEscape(memberID), nil).ok(&out)
	return out.Member
}

// wrongCode is a six-digit code different from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}
