package stytchemu

import (
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfaportal/mfaportal/internal/devclock"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// Options configures an Emulator; every field has a default.
type Options struct {
	ProjectID          string // default "project-test-11111111-1111-4111-8111-111111111111"
	Secret             string // default "secret-test-emulator-not-a-real-secret"
	Clock              Clock  // default: real clock with an advanceable offset
	DefaultRedirectURL string // magic-link redirect when the request gives none; default "http://localhost:8080/authenticate"
	Seed               bool   // seed the demo organizations (seed/demo.json)
	// SeedJSON is seed data in the seed-file format (README.md), stored
	// after the demo when Seed is set too; its redirect_urls and
	// default_redirect_url apply unless the fields here set them.
	SeedJSON []byte
	// RedirectURLs is the project's redirect-URL allow-list (see redirect.go
	// for the wildcards); nil means DefaultRedirectURLs. The default redirect
	// URL is allowed besides it.
	RedirectURLs []string
}

// Defaults for Options.
const (
	DefaultProjectID   = "project-test-11111111-1111-4111-8111-111111111111"
	DefaultSecret      = "secret-test-emulator-not-a-real-secret"
	DefaultRedirectURL = "http://localhost:8080/authenticate"
)

// Emulator is an in-memory Stytch B2B project. All state sits behind mu.
type Emulator struct {
	projectID string
	secret    string
	clock     Clock
	key       *rsa.PrivateKey
	jwk       stytchclient.JWK
	handler   http.Handler

	mu          sync.Mutex
	redirectURL string
	redirects   []string // the project's redirect-URL allow-list (redirect.go)
	st          *store
	outbox      []Message
	faults      []*Fault
	activity    activity
	conns       connCounters
	demo        Demo
	api         *routeTable
}

// New builds an emulator, generating its JWT signing key and, when asked, the demo data.
func New(opts Options) (*Emulator, error) {
	e := &Emulator{
		projectID:   orDefault(opts.ProjectID, DefaultProjectID),
		secret:      orDefault(opts.Secret, DefaultSecret),
		clock:       opts.Clock,
		redirectURL: orDefault(opts.DefaultRedirectURL, DefaultRedirectURL),
		st:          newStore(),
		redirects:   defaultRedirectURLs(),
		activity:    newActivity(),
	}
	if e.clock == nil {
		e.clock = &devclock.Offset{}
	}
	if err := e.initSigningKey(); err != nil {
		return nil, fmt.Errorf("stytchemu: signing key: %w", err)
	}
	if opts.Seed {
		if err := e.seed(); err != nil {
			return nil, fmt.Errorf("stytchemu: %w", err)
		}
	}
	if opts.SeedJSON != nil {
		f, err := parseSeed(opts.SeedJSON)
		if err == nil {
			err = e.applySeed(f)
		}
		if err != nil {
			return nil, fmt.Errorf("stytchemu: %w", err)
		}
	}
	// Options win over the seed file.
	if opts.DefaultRedirectURL != "" {
		e.redirectURL = opts.DefaultRedirectURL
	}
	if opts.RedirectURLs != nil {
		if err := checkRedirectPatterns(opts.RedirectURLs); err != nil {
			return nil, fmt.Errorf("stytchemu: redirect URLs: %w", err)
		}
		e.redirects = slices.Clone(opts.RedirectURLs)
	}
	e.handler = e.routes()
	return e, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Handler serves the Stytch API paths and the /dev endpoints.
func (e *Emulator) Handler() http.Handler { return e.handler }

// ProjectID is the project ID the emulator accepts in Basic auth.
func (e *Emulator) ProjectID() string { return e.projectID }

// Secret is the secret the emulator accepts in Basic auth.
func (e *Emulator) Secret() string { return e.secret }

// Now is the emulator clock's time.
func (e *Emulator) Now() time.Time { return e.clock.Now().UTC() }

// Advance moves the emulator clock forward; a clock that cannot advance, or a
// negative d, leaves time alone.
func (e *Emulator) Advance(d time.Duration) time.Time {
	if a, ok := e.clock.(Advancer); ok && d >= 0 {
		return a.Advance(d).UTC()
	}
	return e.Now()
}

// SetDefaultRedirectURL changes the magic-link redirect used when a request gives none.
func (e *Emulator) SetDefaultRedirectURL(u string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.redirectURL = u
}

// Demo returns the ids of the seeded data (zero when not seeded).
func (e *Emulator) Demo() Demo {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.demo
}

const jwksPattern = "GET /v1/b2b/sessions/jwks/{project_id}"

func (e *Emulator) routes() http.Handler {
	api := newRouteTable()
	e.api = api
	api.HandleFunc("POST /v1/b2b/otps/sms/send", handle(e, e.sendSMS))
	api.HandleFunc("POST /v1/b2b/otps/sms/authenticate", handle(e, e.authenticateSMS))
	api.HandleFunc("DELETE /v1/b2b/organizations/{org}/members/mfa_phone_numbers/{member}", handle(e, e.deleteMFAPhone))
	api.HandleFunc("POST /v1/b2b/totp", handle(e, e.createTOTP))
	api.HandleFunc("POST /v1/b2b/totp/authenticate", handle(e, e.authenticateTOTP))
	// …/members/{member}/totp, with a wildcard last segment so that ServeMux finds it less
	// specific than …/members/mfa_phone_numbers/{member} instead of refusing the pair.
	api.HandleFunc("DELETE /v1/b2b/organizations/{org}/members/{member}/{factor}", handle(e, e.deleteMemberFactor))
	api.HandleFunc("POST /v1/b2b/recovery_codes/recover", handle(e, e.recoverWithCode))
	api.HandleFunc("GET /v1/b2b/recovery_codes/{org}/{member}", handle(e, e.getRecoveryCodes))
	api.HandleFunc("POST /v1/b2b/recovery_codes/rotate", handle(e, e.rotateRecoveryCodes))
	api.HandleFunc("GET /v1/b2b/organizations/{org}/member", handle(e, e.getMember))
	api.HandleFunc("POST /v1/b2b/organizations/members/search", handle(e, e.searchMembers))
	api.HandleFunc("PUT /v1/b2b/organizations/{org}/members/{member}", handle(e, e.updateMember))
	api.HandleFunc("POST /v1/b2b/organizations/{org}/members", handle(e, e.createMember))
	api.HandleFunc("GET /v1/b2b/organizations/{org}", handle(e, e.getOrganization))
	api.HandleFunc("POST /v1/b2b/organizations", handle(e, e.createOrganization))
	api.HandleFunc("PUT /v1/b2b/organizations/{org}", handle(e, e.updateOrganization))
	api.HandleFunc("DELETE /v1/b2b/organizations/{org}", handle(e, e.deleteOrganization))
	api.HandleFunc("POST /v1/b2b/organizations/search", handle(e, e.searchOrganizations))
	api.HandleFunc("DELETE /v1/b2b/organizations/{org}/members/{member}", handle(e, e.deleteMember))
	api.HandleFunc("PUT /v1/b2b/organizations/{org}/members/{member}/reactivate", handle(e, e.reactivateMember))
	api.HandleFunc("GET /v1/b2b/organizations/members/dangerously_get/{member}", handle(e, e.dangerouslyGetMember))
	api.HandleFunc("POST /v1/b2b/magic_links/email/invite", handle(e, e.inviteMember))
	api.HandleFunc("POST /v1/b2b/magic_links/email/discovery/send", handle(e, e.sendDiscoveryLink))
	api.HandleFunc("POST /v1/b2b/magic_links/discovery/authenticate", handle(e, e.authenticateDiscoveryLink))
	api.HandleFunc("POST /v1/b2b/discovery/organizations", handle(e, e.listDiscovered))
	api.HandleFunc("POST /v1/b2b/discovery/intermediate_sessions/exchange", handle(e, e.exchangeIntermediate))
	api.HandleFunc("POST /v1/b2b/discovery/organizations/create", handle(e, e.createViaDiscovery))
	api.HandleFunc("POST /v1/b2b/sessions/exchange", handle(e, e.exchangeSession))
	api.HandleFunc("GET /v1/b2b/sessions", handle(e, e.getSessions))
	api.HandleFunc("GET /v1/b2b/sso/{org}", handle(e, e.getSSOConnections))
	api.HandleFunc("GET /v1/b2b/rbac/policy", handle(e, e.getRBACPolicy))
	api.HandleFunc("GET /v1/b2b/rbac/organizations/{org}", handle(e, e.getOrgPolicy))
	api.HandleFunc("POST /v1/b2b/magic_links/email/login_or_signup", handle(e, e.loginOrSignup))
	api.HandleFunc("POST /v1/b2b/magic_links/authenticate", handle(e, e.authenticateMagicLink))
	api.HandleFunc("POST /v1/b2b/sessions/authenticate", handle(e, e.authenticateSession))
	api.HandleFunc("POST /v1/b2b/sessions/revoke", handle(e, e.revokeSession))
	api.HandleFunc(jwksPattern, handle(e, e.getJWKS))

	dev := http.NewServeMux()
	dev.HandleFunc("GET /dev/outbox", e.getOutbox)
	dev.HandleFunc("DELETE /dev/outbox", e.clearOutbox)
	dev.HandleFunc("POST /dev/clock", e.postClock)
	dev.HandleFunc("POST /dev/faults", e.postFault)
	dev.HandleFunc("DELETE /dev/faults", e.deleteFaults)
	dev.HandleFunc("GET /dev/stats", e.getStats)
	dev.HandleFunc("GET /dev/requests", e.getRequests)
	dev.HandleFunc("DELETE /dev/requests", e.clearRequests)
	dev.HandleFunc("GET /dev/redirect_urls", e.getRedirectURLs)
	dev.HandleFunc("PUT /dev/redirect_urls", e.putRedirectURLs)
	dev.HandleFunc("POST /dev/redirect_urls", e.postRedirectURL)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dev" || strings.HasPrefix(r.URL.Path, "/dev/") {
			dev.ServeHTTP(w, r)
			return
		}
		e.serveAPI(api, w, r)
	})
}

// serveAPI answers one Stytch API call and records it for /dev/stats and
// /dev/requests.
func (e *Emulator) serveAPI(api *routeTable, w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	body := peekBody(r)
	rec := &recorder{ResponseWriter: w}
	route := api.route(r)
	defer func() { e.record(r, route, rec, body, time.Since(began)) }()
	// A fault stands for Stytch itself failing, so it comes before credentials.
	if e.applyFault(rec, r) {
		return
	}
	if route != jwksPattern && !e.authorized(r) {
		writeError(rec, errf(http.StatusUnauthorized, stytchclient.ErrUnauthorizedCredentials, "Unauthorized credentials."))
		return
	}
	if route == UnknownRoute {
		writeError(rec, errf(http.StatusNotFound, errRouteNotFound, "The emulator does not serve %s %s; see its coverage table for the routes it does.", r.Method, r.URL.Path))
		return
	}
	api.ServeHTTP(rec, r)
}

// authorized checks HTTP Basic credentials in constant time.
func (e *Emulator) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(e.projectID))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(e.secret))
	return u&p == 1
}

// apiError is a Stytch error answer; status_code always equals the HTTP status.
type apiError struct {
	Status  int
	Type    string
	Message string
}

func errf(status int, typ, format string, args ...any) *apiError {
	return &apiError{Status: status, Type: typ, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrBadRequest, format, args...)
}

// writeError writes Stytch's five-field error body.
func writeError(w http.ResponseWriter, e *apiError) {
	if rec, ok := w.(*recorder); ok {
		rec.errorType = e.Type
	}
	writeJSON(w, e.Status, stytchclient.Error{
		StatusCode:   e.Status,
		RequestID:    newRequestID(),
		ErrorType:    e.Type,
		ErrorMessage: e.Message,
		ErrorURL:     "https://stytch.com/docs/api/errors/" + strconv.Itoa(e.Status),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ok is the request_id/status_code pair of a success body.
func ok() stytchclient.Response {
	return stytchclient.Response{RequestID: newRequestID(), StatusCode: http.StatusOK}
}

// maxBody bounds request bodies; Stytch's own limits are far below this.
const maxBody = 1 << 20

// handle decodes the JSON body into T outside the lock, then runs fn under
// the state lock and writes its answer.
func handle[T any](e *Emulator, fn func(r *http.Request, req *T) (any, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := new(T)
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			if err := decodeBody(r, req); err != nil {
				writeError(w, err)
				return
			}
		}
		e.mu.Lock()
		out, aerr := fn(r, req)
		e.mu.Unlock()
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func decodeBody(r *http.Request, dst any) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return badRequest("The request body could not be read.")
	}
	if len(body) > maxBody {
		return badRequest("The request body is too large.")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil // an empty body is {}: the required-field checks name what is missing
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return badRequest("The field %q has the wrong type: %s.", typeErr.Field, typeErr.Value)
		}
		return badRequest("The request body is not valid JSON: %v.", err)
	}
	return nil
}

// requireFields answers bad_request naming the first empty required field.
func requireFields(pairs ...string) *apiError {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return badRequest("%s is a required field.", pairs[i])
		}
	}
	return nil
}
