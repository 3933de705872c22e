// Package openapitest checks HTTP traffic against Stytch's official OpenAPI
// spec: every request our client sends and every answer the emulator gives.
//
// The spec lives beside the project, at ../shared/stytch-openapi/openapi.yml
// from the module root, or wherever $STYTCH_OPENAPI points. Where it is
// absent the tests that need it skip with a message, except in CI (CI=true
// or MFAPORTAL_REQUIRE_OPENAPI=1), where its absence fails them.
//
// Beyond what kin-openapi checks, the harness applies the rules from
// ../shared/stytch-api.md §12–13: JSON null members count as absent, error
// answers must carry Stytch's five-field body, the spec's security schemes are
// not used (the harness checks for the Basic header itself, except on JWKS,
// which Stytch serves without credentials), and a request to a path or method
// the spec does not have is a failure. The emulator's own /dev/ endpoints are
// skipped, and counted as skipped.
//
// [Spec.CheckKeySets] adds a stricter check for the emulator: every success
// answer must carry exactly the properties the spec documents, at every
// depth, so an optional field Stytch sends as null or {} is not left out.
//
// A test that sends a bad request on purpose (no credentials, malformed
// JSON, a missing required field, an unknown route) marks that one request
// with the header X-Openapitest-Expect: invalid-request (see
// [ExpectInvalidRequest]). The harness strips the header before the request
// goes on, does not fail the test over the request, and still checks the
// answer: against the operation when the path is Stytch's, and always for
// Stytch's error body. A marked request that turns out to be valid, an
// unknown value of the header, and a success answer to a marked request the
// spec cannot route all fail the test, so the marker cannot hide anything.
//
// Typical use, in a test of the emulator or of the client:
//
//	spec := openapitest.Load(t)
//	srv := httptest.NewServer(spec.Handler(t, emulator))   // checks what the emulator answers
//	hc := &http.Client{Transport: spec.Transport(t, nil)}  // checks what the client sends
//	…
//	spec.RequireSeen(t, "POST /v1/b2b/otps/sms/send 200") // and that checks did happen
package openapitest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// DevPathPrefix starts the emulator's own endpoints (clock, outbox, faults),
// which are not Stytch's and are not checked.
const DevPathPrefix = "/dev/"

// ExpectHeader marks a request the test sends invalid on purpose; its only
// accepted value is InvalidRequest. The harness removes it before the request
// reaches the server.
const (
	ExpectHeader   = "X-Openapitest-Expect"
	InvalidRequest = "invalid-request"
)

// ExpectInvalidRequest marks r as deliberately invalid: the harness skips
// the request check for it but still checks the answer (see the package
// documentation).
func ExpectInvalidRequest(r *http.Request) { r.Header.Set(ExpectHeader, InvalidRequest) }

// Paths Stytch serves without credentials (stytch-api.md §0, §13).
var unauthenticatedPaths = map[string]bool{
	"/v1/b2b/sessions/jwks/{project_id}": true,
	"/v1/sessions/jwks/{project_id}":     true,
}

// loaded is the parsed spec, shared by every test in the binary.
type loaded struct {
	path     string
	doc      *openapi3.T
	router   routers.Router
	took     time.Duration
	notFound bool
	err      error
}

var (
	loadOnce sync.Once
	shared   loaded
)

// Spec validates traffic against the loaded spec. Each Load returns a Spec
// of its own (sharing the parsed document) so its counters belong to one
// test. A Spec is safe for concurrent use.
type Spec struct {
	*loaded

	mu    sync.Mutex
	stats Stats
	seen  map[string]bool
	// keySets and sparse are set by CheckKeySets.
	keySets bool
	sparse  []string
}

// Stats counts what a Spec has checked. A request counts once it was routed
// to an operation of the spec; a response once it was checked against that
// operation. Skipped counts /dev/ requests left alone. InvalidRequests
// counts requests marked invalid-request, whose own check was waived; their
// answers count in Responses when the path is Stytch's (their error body is
// checked either way).
type Stats struct {
	Requests, Responses, Skipped int
	InvalidRequests              int
}

// Load returns a Spec backed by the document loaded once per test binary.
// It skips t when the spec file is absent, unless CI=true or
// MFAPORTAL_REQUIRE_OPENAPI=1, and fails t when the spec cannot be loaded.
func Load(t testing.TB) *Spec {
	t.Helper()
	loadOnce.Do(func() { shared = load() })
	switch {
	case shared.notFound && required():
		t.Fatalf("openapitest: Stytch OpenAPI spec not found at %s, and it is required here (CI or MFAPORTAL_REQUIRE_OPENAPI=1); set STYTCH_OPENAPI to its path", shared.path)
	case shared.notFound:
		t.Skipf("Stytch OpenAPI spec not found at %s; set STYTCH_OPENAPI to the path of Stytch's openapi.yml to run this test", shared.path)
	case shared.err != nil:
		t.Fatalf("openapitest: %v", shared.err)
	}
	return &Spec{loaded: &shared, seen: map[string]bool{}}
}

// LoadIfPresent is Load for tests that are still worth running unchecked:
// where the spec file is absent and not required, it logs so and returns
// nil instead of skipping t. Where the spec is required, or present but
// broken, it fails t like Load.
func LoadIfPresent(t testing.TB) *Spec {
	t.Helper()
	loadOnce.Do(func() { shared = load() })
	if shared.notFound && !required() {
		t.Logf("Stytch OpenAPI spec not found at %s: traffic is not checked against it; set STYTCH_OPENAPI to check it", shared.path)
		return nil
	}
	return Load(t)
}

// LoadDuration is how long reading, validating and routing the spec took.
func (s *Spec) LoadDuration() time.Duration { return s.took }

// Path is the spec file in use.
func (s *Spec) Path() string { return s.path }

func required() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci || os.Getenv("MFAPORTAL_REQUIRE_OPENAPI") == "1"
}

// specPath is $STYTCH_OPENAPI, or ../shared/stytch-openapi/openapi.yml from
// the module root (the first directory upwards holding go.mod).
func specPath() (string, error) {
	if p := os.Getenv("STYTCH_OPENAPI"); p != "" {
		return filepath.Abs(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "stytch-openapi", "openapi.yml"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

func load() loaded {
	start := time.Now()
	path, err := specPath()
	if err != nil {
		return loaded{path: "(unknown)", err: fmt.Errorf("locate the Stytch OpenAPI spec: %w", err)}
	}
	l := loaded{path: filepath.Clean(path)}
	if _, err := os.Stat(l.path); errors.Is(err, os.ErrNotExist) {
		l.notFound = true
		return l
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(l.path)
	if err != nil {
		l.err = fmt.Errorf("load %s: %w", l.path, err)
		return l
	}
	dedupeOperationIDs(doc)
	if err := doc.Validate(loader.Context); err != nil {
		l.err = fmt.Errorf("%s is not a valid OpenAPI document: %w", l.path, err)
		return l
	}
	// Route by path alone: the spec's servers are Stytch's hosts, while tests
	// talk to the emulator on a loopback port.
	doc.Servers = nil
	if l.router, err = gorillamux.NewRouter(doc); err != nil {
		l.err = fmt.Errorf("route %s: %w", l.path, err)
		return l
	}
	l.doc = doc
	l.took = time.Since(start)
	return l
}

// dedupeOperationIDs renames repeated operationIds in memory. Stytch's spec
// gives POST /v1/b2b/magic_links/authenticate and POST
// /v1/magic_links/authenticate the same id (api_magic_v1_Authenticate),
// which kin-openapi's document validation rejects; nothing here routes by id.
func dedupeOperationIDs(doc *openapi3.T) {
	seen := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		ops := doc.Paths.Value(path).Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			op := ops[m]
			if op.OperationID == "" {
				continue
			}
			if seen[op.OperationID] {
				op.OperationID += " (" + m + " " + path + ")"
			}
			seen[op.OperationID] = true
		}
	}
}

// Stats reports what this Spec has checked so far.
func (s *Spec) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Seen lists, sorted, the exchanges this Spec has checked: "METHOD /template"
// for each checked request and "METHOD /template STATUS" for each checked
// response, with the spec's path template (for example
// "POST /v1/b2b/otps/sms/send 200").
func (s *Spec) Seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for k := range s.seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// RequireSeen fails t unless each of want was checked: "METHOD /template"
// matches a request, "METHOD /template STATUS" a response.
func (s *Spec) RequireSeen(t testing.TB, want ...string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range want {
		if !s.seen[w] {
			t.Errorf("openapitest: %q was never checked against the spec; checked: %v", w, s.seen)
		}
	}
}

func (s *Spec) note(key string, count func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	count(&s.stats)
	if key != "" {
		s.seen[key] = true
	}
}

var filterOptions = openapi3filter.Options{
	// Credentials are checked by checkBasicAuth instead: the spec's global
	// basicAuth would wrongly demand credentials on JWKS.
	AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:               true,
	MultiError:                        true,
	RejectWhenRequestBodyNotSpecified: true,
	// Say where and why, without dumping the schema (the Organization
	// schema alone runs to pages); the body is printed beside the error.
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// findRoute finds r's operation, or says why the spec has none.
func (s *Spec) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrPathNotFound):
		return nil, nil, fmt.Errorf("openapitest: %s %s: path is not in Stytch's OpenAPI spec", r.Method, r.URL.Path)
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, fmt.Errorf("openapitest: %s %s: Stytch's OpenAPI spec has this path but not this method", r.Method, r.URL.Path)
	case err != nil:
		return nil, nil, fmt.Errorf("openapitest: %s %s: %v", r.Method, r.URL.Path, err)
	}
	return route, params, nil
}

// expectation reads the invalid-request marker of r. ok is false, and t
// has failed, when the header holds anything but InvalidRequest.
func expectation(t testing.TB, r *http.Request) (invalid, ok bool) {
	t.Helper()
	switch v := r.Header.Values(ExpectHeader); {
	case len(v) == 0:
		return false, true
	case len(v) == 1 && v[0] == InvalidRequest:
		return true, true
	default:
		t.Errorf("openapitest: %s %s: %s is %q; the only accepted value is %q", r.Method, r.URL.Path, ExpectHeader, v, InvalidRequest)
		return false, false
	}
}

func isDev(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, DevPathPrefix) }

// ValidateRequest checks r, whose body is body (r.Body is not read), against
// the spec: path, method, parameters, body, and the Basic credentials. A
// request marked invalid-request must fail those checks; it is then only
// counted.
func (s *Spec) ValidateRequest(t testing.TB, r *http.Request, body []byte) {
	t.Helper()
	if isDev(r) {
		s.note("", func(st *Stats) { st.Skipped++ })
		return
	}
	s.validateRequest(t, r, body)
}

// validateRequest checks r and reports what is wrong with it, unless r is
// marked invalid-request, in which case something must be wrong with it. in
// is nil when the spec has no operation for r.
func (s *Spec) validateRequest(t testing.TB, r *http.Request, body []byte) (in *openapi3filter.RequestValidationInput, invalid bool) {
	t.Helper()
	invalid, _ = expectation(t, r)
	in, problems := s.requestProblems(r, body)
	if invalid {
		s.note("", func(st *Stats) { st.InvalidRequests++ })
		if len(problems) == 0 {
			t.Errorf("openapitest: request %s %s is marked %s: %s, but it matches Stytch's OpenAPI spec; drop the marker", r.Method, r.URL.Path, ExpectHeader, InvalidRequest)
		}
		return in, true
	}
	if in != nil {
		s.note(r.Method+" "+in.Route.Path, func(st *Stats) { st.Requests++ })
	}
	for _, p := range problems {
		t.Errorf("%s", p)
	}
	return in, false
}

// requestProblems checks r against the spec and lists what is wrong, without
// reporting it. in is nil when the spec has no operation for r.
func (s *Spec) requestProblems(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, []string) {
	route, params, err := s.findRoute(r)
	if err != nil {
		return nil, []string{err.Error()}
	}
	op := r.Method + " " + route.Path
	var problems []string

	if !unauthenticatedPaths[route.Path] {
		if err := checkBasicAuth(r.Header.Get("Authorization")); err != nil {
			problems = append(problems, fmt.Sprintf("openapitest: request %s: %v", op, err))
		}
	}

	req := r.Clone(r.Context())
	req.Header.Del(ExpectHeader)
	if len(body) > 0 {
		cleaned, err := withoutNulls(body)
		if err != nil {
			problems = append(problems, fmt.Sprintf("openapitest: request %s: body is not JSON: %v: %s", op, err, snippet(body)))
			cleaned = body
		}
		req.Body = io.NopCloser(bytes.NewReader(cleaned))
		req.ContentLength = int64(len(cleaned))
	} else {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	req.GetBody = nil
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &filterOptions}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		problems = append(problems, fmt.Sprintf("openapitest: request %s does not match Stytch's OpenAPI spec:\n%s\nbody: %s", op, describe(err), snippet(body)))
	}
	return in, problems
}

// ValidateResponse checks an answer to r against the spec. Success statuses
// must be ones the spec lists for the operation; error answers (>= 400) must
// carry Stytch's five-field error body and match the spec where it gives a
// schema. Requests to /dev/ are skipped; r itself is not checked again. For
// a request marked invalid-request whose path the spec does not have, only
// the error body is checked, and a success answer fails.
func (s *Spec) ValidateResponse(t testing.TB, r *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if isDev(r) {
		s.note("", func(st *Stats) { st.Skipped++ })
		return
	}
	invalid, _ := expectation(t, r)
	route, params, err := s.findRoute(r)
	if err != nil {
		if invalid {
			s.validateUnroutedResponse(t, r, status, body)
		} else {
			t.Errorf("%s", err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: &filterOptions}
	s.validateResponse(t, in, status, header, body)
}

// validateUnroutedResponse checks the answer to a request marked
// invalid-request that the spec has no operation for: it must be an error,
// with Stytch's error body.
func (s *Spec) validateUnroutedResponse(t testing.TB, r *http.Request, status int, body []byte) {
	t.Helper()
	if status < 400 {
		t.Errorf("openapitest: %s %s is not in Stytch's OpenAPI spec and was marked %s, yet it was answered %d; only an error answer is acceptable", r.Method, r.URL.Path, InvalidRequest, status)
		return
	}
	if err := checkErrorBody(status, body); err != nil {
		t.Errorf("openapitest: response to %s %s %d: %v: %s", r.Method, r.URL.Path, status, err, snippet(body))
	}
}

func (s *Spec) validateResponse(t testing.TB, in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) {
	t.Helper()
	op := in.Request.Method + " " + in.Route.Path
	s.note(op+" "+strconv.Itoa(status), func(st *Stats) { st.Responses++ })

	if status >= 400 {
		if err := checkErrorBody(status, body); err != nil {
			t.Errorf("openapitest: response %s %d: %v: %s", op, status, err, snippet(body))
		}
	}
	cleaned, err := withoutNulls(body)
	if err != nil {
		if status < 400 { // else checkErrorBody has said so
			t.Errorf("openapitest: response %s %d: body is not JSON: %v: %s", op, status, err, snippet(body))
		}
		return
	}
	opts := filterOptions
	// A success status the operation does not list is a defect; for errors
	// the spec lists only a few statuses, and checkErrorBody covers the rest.
	opts.IncludeResponseStatus = status < 400
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                &opts,
	}
	out.SetBodyBytes(cleaned)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("openapitest: response %s %d does not match Stytch's OpenAPI spec:\n%s\nbody: %s", op, status, describe(err), snippet(body))
	}
	if problems := s.keySetProblems(in, status, body); len(problems) > 0 {
		t.Errorf("openapitest: response %s %d differs from the keys Stytch's OpenAPI spec documents:\n  - %s\nbody: %s", op, status, strings.Join(problems, "\n  - "), snippet(body))
	}
}

// Transport returns a RoundTripper that checks every request sent through
// next (http.DefaultTransport when nil) and every answer it gets. Bodies are
// handed on intact. Failures are reported with t.Errorf.
func (s *Spec) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{spec: s, t: t, next: next}
}

type transport struct {
	spec *Spec
	t    testing.TB
	next http.RoundTripper
}

func (tr *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := readAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("openapitest: read request body: %w", err)
	}
	sent := r.Clone(r.Context())
	setBody(sent, body)

	if isDev(r) {
		sent.Header.Del(ExpectHeader)
		tr.spec.note("", func(st *Stats) { st.Skipped++ })
		return tr.next.RoundTrip(sent)
	}
	in, invalid := tr.spec.validateRequest(tr.t, sent, body)
	sent.Header.Del(ExpectHeader)

	resp, err := tr.next.RoundTrip(sent)
	if err != nil || (in == nil && !invalid) {
		return resp, err
	}
	respBody, err := readAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("openapitest: read response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	tr.spec.checkAnswer(tr.t, sent, in, resp.StatusCode, resp.Header, respBody)
	return resp, nil
}

// checkAnswer checks the answer to r: against in's operation when the spec
// has one, else (r was marked invalid-request) only as an error answer.
func (s *Spec) checkAnswer(t testing.TB, r *http.Request, in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) {
	t.Helper()
	if in == nil {
		s.validateUnroutedResponse(t, r, status, body)
		return
	}
	s.validateResponse(t, in, status, header, body)
}

// Handler wraps next (the emulator) so that every request it serves and
// every answer it writes is checked. Each answer is held back until it has
// been checked, then sent on unchanged, so a test never sees an answer whose
// check is still running. /dev/ requests go straight through. The
// invalid-request marker is removed before next sees the request. When the
// client has gone away and next wrote nothing, nothing is checked.
func (s *Spec) Handler(t testing.TB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isDev(r) {
			r.Header.Del(ExpectHeader)
			s.note("", func(st *Stats) { st.Skipped++ })
			next.ServeHTTP(w, r)
			return
		}
		body, err := readAll(r.Body)
		if err != nil {
			t.Errorf("openapitest: read request body of %s %s: %v", r.Method, r.URL.Path, err)
		}
		setBody(r, body)
		in, invalid := s.validateRequest(t, r, body)
		r.Header.Del(ExpectHeader)

		buf := &bufferedWriter{header: http.Header{}}
		next.ServeHTTP(buf, r)
		if buf.status == 0 && r.Context().Err() != nil {
			// The client gave up (a timeout) and next wrote nothing: there
			// is no answer to check, and nobody to send one to.
			return
		}
		if buf.status == 0 {
			buf.status = http.StatusOK
		}
		if in != nil || invalid {
			s.checkAnswer(t, r, in, buf.status, buf.header, buf.body.Bytes())
		}
		maps.Copy(w.Header(), buf.header)
		w.WriteHeader(buf.status)
		w.Write(buf.body.Bytes())
	})
}

// bufferedWriter keeps a whole answer.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 && status >= 200 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func readAll(rc io.ReadCloser) ([]byte, error) {
	if rc == nil || rc == http.NoBody {
		return nil, nil
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func setBody(r *http.Request, body []byte) {
	if body == nil {
		r.Body, r.GetBody = http.NoBody, nil
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
}

// checkBasicAuth wants "Basic base64(project_id:secret)" with both parts
// present; whether they are right is for the server to say.
func checkBasicAuth(h string) error {
	if h == "" {
		return errors.New("no Authorization header (Stytch wants Basic project_id:secret)")
	}
	enc, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return fmt.Errorf("Authorization header is not Basic: %.10q…", h)
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return fmt.Errorf("Authorization header is not valid base64: %v", err)
	}
	id, secret, ok := strings.Cut(string(raw), ":")
	if !ok || id == "" || secret == "" {
		return errors.New("Authorization header does not carry project_id:secret")
	}
	return nil
}

// checkErrorBody checks Stytch's error body: status_code equal to the HTTP
// status and non-empty request_id, error_type, error_message and error_url.
func checkErrorBody(status int, body []byte) error {
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil || e == nil {
		return errors.New("error body is not a JSON object")
	}
	var problems []string
	switch code, ok := e["status_code"].(float64); {
	case !ok:
		problems = append(problems, "status_code is missing or not a number")
	case int(code) != status || code != float64(int(code)):
		problems = append(problems, fmt.Sprintf("status_code %v differs from the HTTP status %d", code, status))
	}
	for _, f := range []string{"request_id", "error_type", "error_message", "error_url"} {
		if v, ok := e[f].(string); !ok || v == "" {
			problems = append(problems, f+" is missing, empty or not a string")
		}
	}
	if len(problems) > 0 {
		return errors.New("not Stytch's error body: " + strings.Join(problems, "; "))
	}
	return nil
}

// withoutNulls drops every object member whose value is null, at any depth:
// Stytch sends null for optional members it leaves unset, while its spec
// marks nothing nullable (stytch-api.md §12). An empty body stays empty.
func withoutNulls(body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return json.Marshal(dropNulls(v))
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e == nil {
				delete(v, k)
			} else {
				v[k] = dropNulls(e)
			}
		}
	case []any:
		for i, e := range v {
			v[i] = dropNulls(e)
		}
	}
	return v
}

// describe lists each problem of a (multi-)error on its own line.
func describe(err error) string {
	if me, ok := err.(openapi3.MultiError); ok {
		lines := make([]string, 0, len(me))
		for _, e := range me {
			lines = append(lines, "  - "+describe(e))
		}
		return strings.Join(lines, "\n")
	}
	return strings.ReplaceAll(err.Error(), "\n", "\n    ")
}

func snippet(b []byte) string {
	const n = 600
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	if s == "" {
		return "(empty)"
	}
	return s
}
