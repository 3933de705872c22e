package openapitest_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// recordingTB stands in for a test so we can see the harness fail: it keeps
// Errorf/Fatalf calls instead of failing the real test, and passes
// everything else (Logf, Name, Cleanup, …) on to it.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recordingTB) Fatal(args ...any)                 { r.Error(args...) }

func (r *recordingTB) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.failed)
}

// run calls check with a recordingTB and returns what it reported.
func run(t *testing.T, check func(tb testing.TB)) []string {
	t.Helper()
	rec := &recordingTB{TB: t}
	check(rec)
	return rec.failures()
}

func wantPass(t *testing.T, failures []string) {
	t.Helper()
	for _, f := range failures {
		t.Errorf("unexpected failure: %s", f)
	}
}

// wantFail checks the harness failed, with a message containing each of want.
func wantFail(t *testing.T, failures []string, want ...string) {
	t.Helper()
	if len(failures) == 0 {
		t.Fatalf("harness passed; want a failure mentioning %q", want)
	}
	all := strings.Join(failures, "\n")
	t.Logf("the harness failed, as it should:\n%s", all)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("failure does not mention %q:\n%s", w, all)
		}
	}
}

const (
	jwksPath   = "/v1/b2b/sessions/jwks/project-test-1"
	revokePath = "/v1/b2b/sessions/revoke"
	sendPath   = "/v1/b2b/otps/sms/send"
)

var basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte("project-test-1:secret-test-1"))

func newRequest(method, path, body string) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", basicAuth)
	return r
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

const goodJWKS = `{"request_id":"request-id-test-1","status_code":200,"keys":[{"kty":"RSA","use":"sig","key_ops":["verify"],"alg":"RS256","kid":"jwk-test-1","x5c":["MIIB"],"x5tS256":"abc","n":"xyz","e":"AQAB"}]}`

func TestGoodExchangePasses(t *testing.T) {
	spec := openapitest.Load(t)
	t.Logf("spec %s loaded in %v", spec.Path(), spec.LoadDuration())

	// JWKS needs no credentials.
	r := httptest.NewRequest(http.MethodGet, jwksPath, nil)
	wantPass(t, run(t, func(tb testing.TB) {
		spec.ValidateRequest(tb, r, nil)
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(goodJWKS))
	}))

	// The optional member-session header parameter is accepted.
	r = newRequest(http.MethodPost, revokePath, `{"member_id":"member-test-1"}`)
	r.Header.Set("X-Stytch-Member-Session", "session-token-1")
	wantPass(t, run(t, func(tb testing.TB) {
		spec.ValidateRequest(tb, r, []byte(`{"member_id":"member-test-1"}`))
		spec.ValidateResponse(tb, r, http.StatusOK, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, []byte(`{"request_id":"request-id-test-2","status_code":200}`))
	}))

	want := []string{
		"GET /v1/b2b/sessions/jwks/{project_id}",
		"GET /v1/b2b/sessions/jwks/{project_id} 200",
		"POST /v1/b2b/sessions/revoke",
		"POST /v1/b2b/sessions/revoke 200",
	}
	if got := spec.Seen(); !slices.Equal(got, want) {
		t.Errorf("Seen() = %q, want %q", got, want)
	}
	if got := spec.Stats(); got != (openapitest.Stats{Requests: 2, Responses: 2}) {
		t.Errorf("Stats() = %+v", got)
	}
	spec.RequireSeen(t, want...)
	wantFail(t, run(t, func(tb testing.TB) { spec.RequireSeen(tb, "POST /v1/b2b/otps/sms/send") }), "never checked")
}

func TestResponseMissingRequiredFieldFails(t *testing.T) {
	spec := openapitest.Load(t)
	r := httptest.NewRequest(http.MethodGet, jwksPath, nil)
	body := strings.Replace(goodJWKS, `"kid":"jwk-test-1",`, "", 1)
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(body))
	}), "GET /v1/b2b/sessions/jwks/{project_id} 200", `"kid"`)

	// A required member sent as null counts as absent, so it fails too.
	body = strings.Replace(goodJWKS, `"kid":"jwk-test-1"`, `"kid":null`, 1)
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(body))
	}), `"kid"`)
}

func TestWrongTypeFails(t *testing.T) {
	spec := openapitest.Load(t)
	r := httptest.NewRequest(http.MethodGet, jwksPath, nil)
	body := strings.Replace(goodJWKS, `"status_code":200`, `"status_code":"200"`, 1)
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(body))
	}), "status_code")

	req := `{"organization_id":"organization-test-1","member_id":42}`
	r = newRequest(http.MethodPost, sendPath, req)
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, []byte(req)) }),
		"request POST /v1/b2b/otps/sms/send", "member_id")
}

func TestNullMembersCountAsAbsent(t *testing.T) {
	spec := openapitest.Load(t)
	req := `{"organization_id":"organization-test-1","member_id":"member-test-1","locale":null,"session_token":null}`
	r := newRequest(http.MethodPost, sendPath, req)
	wantPass(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, []byte(req)) }))

	req = `{"organization_id":"organization-test-1","member_id":null}`
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, []byte(req)) }), "member_id")
}

func TestUnknownPathOrMethodFails(t *testing.T) {
	spec := openapitest.Load(t)
	r := newRequest(http.MethodPost, "/v1/b2b/otps/sms/sendd", `{}`)
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, []byte(`{}`)) }),
		"/v1/b2b/otps/sms/sendd: path is not in Stytch's OpenAPI spec")
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(`{"request_id":"x","status_code":200}`))
	}), "path is not in Stytch's OpenAPI spec")

	r = newRequest(http.MethodGet, sendPath, "")
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, nil) }), "not this method")

	if got := spec.Stats(); got != (openapitest.Stats{}) {
		t.Errorf("unrouted requests were counted as checked: %+v", got)
	}
}

func TestDevPathsAreSkipped(t *testing.T) {
	spec := openapitest.Load(t)
	r := httptest.NewRequest(http.MethodPost, "/dev/clock", strings.NewReader(`{"advance":"0s"}`))
	wantPass(t, run(t, func(tb testing.TB) {
		spec.ValidateRequest(tb, r, []byte(`{"advance":"0s"}`))
		spec.ValidateResponse(tb, r, http.StatusOK, jsonHeader(), []byte(`{"now":"2026-01-01T00:00:00Z"}`))
	}))
	if got := spec.Stats(); got != (openapitest.Stats{Skipped: 2}) {
		t.Errorf("Stats() = %+v, want two skipped", got)
	}
}

func TestRequestNeedsBasicAuth(t *testing.T) {
	spec := openapitest.Load(t)
	req := `{"member_id":"member-test-1"}`
	for name, h := range map[string]string{
		"absent":    "",
		"bearer":    "Bearer abc",
		"no secret": "Basic " + base64.StdEncoding.EncodeToString([]byte("project-test-1:")),
	} {
		r := newRequest(http.MethodPost, revokePath, req)
		r.Header.Set("Authorization", h)
		wantFail(t, run(t, func(tb testing.TB) { spec.ValidateRequest(tb, r, []byte(req)) }), "Authorization")
		_ = name
	}
}

func TestUndocumentedSuccessStatusFails(t *testing.T) {
	spec := openapitest.Load(t)
	r := newRequest(http.MethodPost, revokePath, `{}`)
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, http.StatusCreated, jsonHeader(), []byte(`{"request_id":"x","status_code":201}`))
	}), "status is not supported")
}

func TestErrorBodies(t *testing.T) {
	spec := openapitest.Load(t)
	r := newRequest(http.MethodPost, sendPath, `{}`)
	good := map[int]string{
		// 401 has an example in the spec, 404 is not in it at all.
		401: `{"status_code":401,"request_id":"request-id-test-1","error_type":"unauthorized_credentials","error_message":"Unauthorized credentials.","error_url":"https://stytch.com/docs/api/errors/401"}`,
		404: `{"status_code":404,"request_id":"request-id-test-1","error_type":"member_not_found","error_message":"Member could not be found.","error_url":"https://stytch.com/docs/api/errors/404"}`,
	}
	for status, body := range good {
		wantPass(t, run(t, func(tb testing.TB) { spec.ValidateResponse(tb, r, status, jsonHeader(), []byte(body)) }))
	}

	for name, tc := range map[string]struct {
		status int
		body   string
		want   string
	}{
		"missing error_url": {404, `{"status_code":404,"request_id":"r","error_type":"member_not_found","error_message":"m"}`, "error_url"},
		"status mismatch":   {404, `{"status_code":400,"request_id":"r","error_type":"t","error_message":"m","error_url":"u"}`, "differs from the HTTP status 404"},
		"empty request_id":  {500, `{"status_code":500,"request_id":"","error_type":"t","error_message":"m","error_url":"u"}`, "request_id"},
		"not JSON":          {503, `Service Unavailable`, "not a JSON object"},
	} {
		t.Run(name, func(t *testing.T) {
			wantFail(t, run(t, func(tb testing.TB) {
				spec.ValidateResponse(tb, r, tc.status, jsonHeader(), []byte(tc.body))
			}), tc.want)
		})
	}

	// Where the spec describes the error answer, its media type is checked too.
	wantFail(t, run(t, func(tb testing.TB) {
		spec.ValidateResponse(tb, r, 401, http.Header{"Content-Type": {"text/plain"}}, []byte(good[401]))
	}), "Content-Type")
}

// stytchServer answers like Stytch would, with answers from responses keyed
// by "METHOD path", and records the request bodies it got.
type stytchServer struct {
	responses map[string]string
	mu        sync.Mutex
	got       []string
}

func (s *stytchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, string(b))
	s.mu.Unlock()
	body, ok := s.responses[r.Method+" "+r.URL.Path]
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"status_code":404,"request_id":"request-id-test-9","error_type":"not_found","error_message":"Not found.","error_url":"https://stytch.com/docs/api/errors/404"}`)
		return
	}
	io.WriteString(w, body)
}

func TestTransport(t *testing.T) {
	spec := openapitest.Load(t)
	backend := &stytchServer{responses: map[string]string{
		"GET " + jwksPath:    goodJWKS,
		"POST " + revokePath: `{"request_id":"request-id-test-2","status_code":200}`,
		// Wrong: status_code must be an integer.
		"POST " + sendPath: `{"request_id":"request-id-test-3","status_code":"200"}`,
	}}
	srv := httptest.NewServer(backend)
	defer srv.Close()

	rec := &recordingTB{TB: t}
	client := &http.Client{Transport: spec.Transport(rec, nil)}
	post := func(path, body string) string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", basicAuth)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	const revoke = `{"member_session_id":"member-session-test-1"}`
	if got := post(revokePath, revoke); got != `{"request_id":"request-id-test-2","status_code":200}` {
		t.Errorf("client got %q: the transport did not hand the answer on intact", got)
	}
	if backend.got[0] != revoke {
		t.Errorf("server got %q: the transport did not hand the request on intact", backend.got[0])
	}
	wantPass(t, rec.failures())

	post(sendPath, `{"organization_id":"organization-test-1","member_id":"member-test-1"}`)
	wantFail(t, rec.failures(), "response POST /v1/b2b/otps/sms/send 200", "status_code")

	want := []string{"POST /v1/b2b/otps/sms/send", "POST /v1/b2b/otps/sms/send 200", "POST /v1/b2b/sessions/revoke", "POST /v1/b2b/sessions/revoke 200"}
	if got := spec.Seen(); !slices.Equal(got, want) {
		t.Errorf("Seen() = %q, want %q", got, want)
	}
}

func TestHandler(t *testing.T) {
	spec := openapitest.Load(t)
	backend := &stytchServer{responses: map[string]string{
		"POST " + revokePath: `{"request_id":"request-id-test-2","status_code":200}`,
		"POST /dev/clock":    `{"now":"2026-01-01T00:00:00Z"}`,
		// Wrong: keys is required.
		"GET " + jwksPath: `{"request_id":"request-id-test-1","status_code":200}`,
	}}
	rec := &recordingTB{TB: t}
	srv := httptest.NewServer(spec.Handler(rec, backend))
	defer srv.Close()

	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", basicAuth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	const revoke = `{"session_token":"tok"}`
	if status, got := do(http.MethodPost, revokePath, revoke); status != 200 || got != `{"request_id":"request-id-test-2","status_code":200}` {
		t.Errorf("client got %d %q", status, got)
	}
	if backend.got[0] != revoke {
		t.Errorf("handler got %q: the request body was not handed on intact", backend.got[0])
	}
	do(http.MethodPost, "/dev/clock", `{"advance":"0s"}`)
	wantPass(t, rec.failures())

	// The emulator's 404 for an unknown Stytch path passes its error body
	// check, but the path itself is a failure.
	if status, _ := do(http.MethodPost, "/v1/b2b/otps/sms/nope", `{}`); status != 404 {
		t.Errorf("status %d, want the handler's own 404", status)
	}
	wantFail(t, rec.failures(), "/v1/b2b/otps/sms/nope: path is not in Stytch's OpenAPI spec")

	rec.failed = nil
	do(http.MethodGet, jwksPath, "")
	wantFail(t, rec.failures(), "response GET /v1/b2b/sessions/jwks/{project_id} 200", `"keys"`)

	if got := spec.Stats(); got != (openapitest.Stats{Requests: 2, Responses: 2, Skipped: 1}) {
		t.Errorf("Stats() = %+v", got)
	}
}

// TestClientRequestsConform sends one request per stytchclient method
// through the Transport and checks each against the spec. The fake server
// answers with a Stytch error, so only the requests are checked in depth.
func TestClientRequestsConform(t *testing.T) {
	spec := openapitest.Load(t)
	srv := httptest.NewServer(&stytchServer{})
	defer srv.Close()
	c, err := stytchclient.New(stytchclient.Config{
		ProjectID:  "project-test-1",
		Secret:     "secret-test-1",
		BaseURL:    srv.URL,
		HTTPClient: &http.Client{Transport: spec.Transport(t, nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org, member := "organization-test-1", "member-test-1"
	as := stytchclient.MemberAuth{SessionToken: "session-token-1"}
	yes, phone := true, "+15555550123"
	calls := map[string]func() error{
		"POST /v1/b2b/otps/sms/send": func() error {
			_, err := c.SendSMS(ctx, stytchclient.SendSMSRequest{OrganizationID: org, MemberID: member, MFAPhoneNumber: phone, Locale: "en", SessionToken: "t"})
			return err
		},
		"POST /v1/b2b/otps/sms/authenticate": func() error {
			_, err := c.AuthenticateSMS(ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: org, MemberID: member, Code: "123456", SessionToken: "t", SessionDurationMinutes: 60, SetMFAEnrollment: stytchclient.MFAEnroll, SessionCustomClaims: map[string]any{"k": "v"}})
			return err
		},
		"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id}": func() error {
			_, err := c.DeleteMFAPhoneNumber(ctx, org, member, as)
			return err
		},
		"GET /v1/b2b/organizations/{organization_id}/member": func() error {
			_, err := c.GetMember(ctx, org, member)
			return err
		},
		"POST /v1/b2b/organizations/members/search": func() error {
			_, err := c.SearchMembers(ctx, stytchclient.SearchMembersRequest{OrganizationIDs: []string{org}, Limit: 10, Query: &stytchclient.SearchQuery{Operator: "AND", Operands: []stytchclient.SearchOperand{{FilterName: "member_email_fuzzy", FilterValue: "ali"}}}}, as)
			return err
		},
		"PUT /v1/b2b/organizations/{organization_id}/members/{member_id}": func() error {
			_, err := c.UpdateMember(ctx, org, member, stytchclient.UpdateMemberRequest{MFAEnrolled: &yes, MFAPhoneNumber: &phone}, stytchclient.MemberAuth{SessionJWT: "jwt"})
			return err
		},
		"POST /v1/b2b/organizations/{organization_id}/members": func() error {
			_, err := c.CreateMember(ctx, org, stytchclient.CreateMemberRequest{EmailAddress: "a@example.com", Name: "A", Roles: []string{"stytch_admin"}}, stytchclient.MemberAuth{})
			return err
		},
		"GET /v1/b2b/organizations/{organization_id}": func() error {
			_, err := c.GetOrganization(ctx, org)
			return err
		},
		"POST /v1/b2b/organizations": func() error {
			_, err := c.CreateOrganization(ctx, stytchclient.CreateOrganizationRequest{OrganizationName: "Acme", OrganizationSlug: "acme", MFAPolicy: stytchclient.MFAPolicyOptional})
			return err
		},
		"POST /v1/b2b/magic_links/email/login_or_signup": func() error {
			_, err := c.LoginOrSignup(ctx, stytchclient.LoginOrSignupRequest{OrganizationID: org, EmailAddress: "a@example.com", LoginRedirectURL: "http://localhost/cb"})
			return err
		},
		"POST /v1/b2b/magic_links/authenticate": func() error {
			_, err := c.AuthenticateMagicLink(ctx, stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: "tok", SessionDurationMinutes: 60})
			return err
		},
		"POST /v1/b2b/sessions/authenticate": func() error {
			_, err := c.AuthenticateSession(ctx, stytchclient.AuthenticateSessionRequest{SessionToken: "tok"})
			return err
		},
		"POST /v1/b2b/sessions/revoke": func() error {
			_, err := c.RevokeSession(ctx, stytchclient.RevokeSessionRequest{MemberID: member}, as)
			return err
		},
		"GET /v1/b2b/sessions/jwks/{project_id}": func() error {
			_, err := c.GetJWKS(ctx)
			return err
		},
	}
	for op, call := range calls {
		if err := call(); !stytchclient.IsErrorType(err, "not_found") {
			t.Errorf("%s: got %v, want the fake server's not_found", op, err)
		}
		spec.RequireSeen(t, op, op+" 404")
	}
}

// answerer answers every request with one fixed status and body, and records
// the headers each request arrived with.
type answerer struct {
	mu      sync.Mutex
	status  int
	body    string
	headers []http.Header
}

func (a *answerer) set(status int, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.body = status, body
}

func (a *answerer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.headers = append(a.headers, r.Header.Clone())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func (a *answerer) lastHeader() http.Header {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.headers[len(a.headers)-1]
}

const (
	good401    = `{"status_code":401,"request_id":"request-id-test-1","error_type":"unauthorized_credentials","error_message":"Unauthorized credentials.","error_url":"https://stytch.com/docs/api/errors/401"}`
	good400    = `{"status_code":400,"request_id":"request-id-test-1","error_type":"bad_request","error_message":"Bad request.","error_url":"https://stytch.com/docs/api/errors/400"}`
	good404    = `{"status_code":404,"request_id":"request-id-test-1","error_type":"route_not_found","error_message":"No route.","error_url":"https://stytch.com/docs/api/errors/404"}`
	noURL400   = `{"status_code":400,"request_id":"request-id-test-1","error_type":"bad_request","error_message":"Bad request."}`
	revokeBody = `{"member_id":"member-test-1"}`
)

// TestInvalidRequestMarker covers the escape hatch for deliberately bad
// requests, through both Handler and Transport: the request check is waived
// (and counted apart), the marker never reaches the server, the answer is
// still checked in full, and the marker cannot be misused.
func TestInvalidRequestMarker(t *testing.T) {
	type sender func(tb testing.TB, spec *openapitest.Spec, backend *answerer, method, path, body string, prepare func(*http.Request)) int

	// viaHandler sends through spec.Handler in front of backend.
	viaHandler := func(tb testing.TB, spec *openapitest.Spec, backend *answerer, method, path, body string, prepare func(*http.Request)) int {
		srv := httptest.NewServer(spec.Handler(tb, backend))
		defer srv.Close()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", basicAuth)
		prepare(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	// viaTransport sends through spec.Transport to backend.
	viaTransport := func(tb testing.TB, spec *openapitest.Spec, backend *answerer, method, path, body string, prepare func(*http.Request)) int {
		srv := httptest.NewServer(backend)
		defer srv.Close()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", basicAuth)
		prepare(req)
		resp, err := (&http.Client{Transport: spec.Transport(tb, nil)}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}

	noAuth := func(r *http.Request) { r.Header.Del("Authorization"); openapitest.ExpectInvalidRequest(r) }
	marked := openapitest.ExpectInvalidRequest
	unmarked := func(*http.Request) {}

	for name, send := range map[string]sender{"Handler": viaHandler, "Transport": viaTransport} {
		t.Run(name, func(t *testing.T) {
			t.Run("bad request, good error answer passes", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 401, body: good401}
				wantPass(t, run(t, func(tb testing.TB) {
					if status := send(tb, spec, backend, http.MethodPost, revokePath, revokeBody, noAuth); status != 401 {
						t.Errorf("status %d, want the backend's 401", status)
					}
				}))
				if h := backend.lastHeader(); h.Get(openapitest.ExpectHeader) != "" || h.Get("Authorization") != "" {
					t.Errorf("backend saw %s=%q Authorization=%q; the marker must be stripped and the request left as it was",
						openapitest.ExpectHeader, h.Get(openapitest.ExpectHeader), h.Get("Authorization"))
				}
				if got := spec.Stats(); got != (openapitest.Stats{Responses: 1, InvalidRequests: 1}) {
					t.Errorf("Stats() = %+v, want one response and one invalid request", got)
				}
				// The answer was checked, the request was not.
				if got, want := spec.Seen(), []string{"POST /v1/b2b/sessions/revoke 401"}; !slices.Equal(got, want) {
					t.Errorf("Seen() = %q, want %q", got, want)
				}
			})

			t.Run("malformed JSON, good error answer passes", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 400, body: good400}
				wantPass(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, sendPath, `{"organization_id":`, marked)
				}))
			})

			t.Run("bad error body still fails", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 400, body: noURL400}
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, sendPath, `{}`, marked)
				}), "response POST /v1/b2b/otps/sms/send 400", "error_url")
			})

			t.Run("bad success body still fails", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 200, body: `{"request_id":"request-id-test-2","status_code":"200"}`}
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, revokePath, revokeBody, noAuth)
				}), "response POST /v1/b2b/sessions/revoke 200", "status_code")
			})

			t.Run("without the marker a bad request fails", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 401, body: good401}
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, revokePath, revokeBody, func(r *http.Request) { r.Header.Del("Authorization") })
				}), "Authorization")
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, sendPath, `{"organization_id":`, unmarked)
				}), "body is not JSON")
				if got := spec.Stats().InvalidRequests; got != 0 {
					t.Errorf("InvalidRequests = %d for unmarked requests", got)
				}
			})

			t.Run("marker on a valid request fails", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 200, body: `{"request_id":"request-id-test-2","status_code":200}`}
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, revokePath, revokeBody, marked)
				}), "matches Stytch's OpenAPI spec; drop the marker")
			})

			t.Run("unknown marker value fails", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 401, body: good401}
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodPost, revokePath, revokeBody, func(r *http.Request) {
						r.Header.Del("Authorization")
						r.Header.Set(openapitest.ExpectHeader, "anything-goes")
					})
				}), openapitest.ExpectHeader, "Authorization")
			})

			t.Run("unknown route", func(t *testing.T) {
				spec := openapitest.Load(t)
				backend := &answerer{status: 404, body: good404}
				wantPass(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodGet, "/v1/b2b/unknown", "", marked)
				}))
				if got := spec.Stats(); got != (openapitest.Stats{InvalidRequests: 1}) {
					t.Errorf("Stats() = %+v", got)
				}
				backend.set(404, `{"status_code":404}`)
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodGet, "/v1/b2b/unknown", "", marked)
				}), "/v1/b2b/unknown 404", "error_url")
				backend.set(200, `{"request_id":"request-id-test-2","status_code":200}`)
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodGet, "/v1/b2b/unknown", "", marked)
				}), "only an error answer")
				backend.set(404, good404)
				wantFail(t, run(t, func(tb testing.TB) {
					send(tb, spec, backend, http.MethodGet, "/v1/b2b/unknown", "", unmarked)
				}), "path is not in Stytch's OpenAPI spec")
			})
		})
	}
}

// TestInvalidRequestMarkerDirect checks the marker on ValidateRequest and
// ValidateResponse, called directly.
func TestInvalidRequestMarkerDirect(t *testing.T) {
	spec := openapitest.Load(t)
	r := newRequest(http.MethodPost, sendPath, `{"organization_id":"organization-test-1"}`)
	openapitest.ExpectInvalidRequest(r)
	wantPass(t, run(t, func(tb testing.TB) {
		spec.ValidateRequest(tb, r, []byte(`{"organization_id":"organization-test-1"}`))
		spec.ValidateResponse(tb, r, 400, jsonHeader(), []byte(good400))
	}))
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateResponse(tb, r, 400, jsonHeader(), []byte(noURL400)) }), "error_url")

	r = newRequest(http.MethodPost, "/v1/b2b/nope", `{}`)
	openapitest.ExpectInvalidRequest(r)
	wantPass(t, run(t, func(tb testing.TB) {
		spec.ValidateRequest(tb, r, []byte(`{}`))
		spec.ValidateResponse(tb, r, 404, jsonHeader(), []byte(good404))
	}))
	wantFail(t, run(t, func(tb testing.TB) { spec.ValidateResponse(tb, r, 200, jsonHeader(), []byte(`{}`)) }), "only an error answer")

	if got := spec.Stats(); got != (openapitest.Stats{Responses: 2, InvalidRequests: 2}) {
		t.Errorf("Stats() = %+v", got)
	}
}

// TestHandlerClientGoneAway: when the client gives up (a timeout) and the
// server wrote nothing, there is no answer to check; the harness must not
// mistake the silence for an empty 200.
func TestHandlerClientGoneAway(t *testing.T) {
	spec := openapitest.Load(t)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	rec := &recordingTB{TB: t}
	srv := httptest.NewServer(spec.Handler(rec, slow))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+jwksPath, nil)
	if _, err := (&http.Client{Timeout: 50 * time.Millisecond}).Do(req); err == nil {
		t.Fatal("the request should have timed out")
	}
	srv.Close() // waits for the handler
	wantPass(t, rec.failures())
	if got := spec.Stats(); got != (openapitest.Stats{Requests: 1}) {
		t.Errorf("Stats() = %+v, want the request checked and no answer", got)
	}
}

func TestKeySets(t *testing.T) {
	spec := openapitest.Load(t)
	spec.CheckKeySets()
	policy := httptest.NewRequest(http.MethodGet, "/v1/b2b/rbac/policy", nil)
	policy.Header.Set("Authorization", basicAuth)
	check := func(status int, body string) []string {
		return run(t, func(tb testing.TB) { spec.ValidateResponse(tb, policy, status, jsonHeader(), []byte(body)) })
	}

	// A documented optional property must be there, null counting as there.
	wantFail(t, check(200, `{"request_id":"request-id-test-1","status_code":200}`), "lacks documented policy")
	wantPass(t, check(200, `{"request_id":"request-id-test-1","status_code":200,"policy":null}`))
	// A key the spec does not document fails, at any depth.
	wantFail(t, check(200, `{"request_id":"request-id-test-1","status_code":200,"policy":{"roles":[],"resources":[{"resource_id":"r","description":"","actions":[],"extra":1}],"scopes":[]},"more":true}`),
		"$ (api_b2b_rbac_v1_PolicyResponse) has undocumented more", "$.policy.resources[0] (api_b2b_rbac_v1_PolicyResource) has undocumented extra")
	// Error answers are Stytch's five fields, not the operation's schema.
	wantPass(t, check(404, `{"status_code":404,"request_id":"request-id-test-1","error_type":"x","error_message":"x","error_url":"https://stytch.com/docs/api/errors/404"}`))

	// A sparse pattern lets a property be left out.
	sparse := openapitest.Load(t)
	sparse.CheckKeySets("api_b2b_rbac_v1_PolicyResponse.pol*")
	wantPass(t, run(t, func(tb testing.TB) {
		sparse.ValidateResponse(tb, policy, 200, jsonHeader(), []byte(`{"request_id":"request-id-test-1","status_code":200}`))
	}))
}
