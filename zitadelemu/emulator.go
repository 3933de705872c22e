package zitadelemu

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/mfaportal/mfaportal/internal/devclock"
)

// Options configures an Emulator; every field has a default.
type Options struct {
	Clock Clock // default: real clock with an advanceable offset
	Seed  bool  // seed the demo organizations and users (see Demo)
	// Issuer is the OIDC issuer URL; "" means the origin each request was
	// sent to (right for a loopback server whose port is picked at start).
	Issuer string
	// ClientID names the demo OIDC application; default DefaultClientID.
	ClientID string
	// ClientSecret, when set, makes the application confidential
	// (client_secret_basic or _post); otherwise it is public, with PKCE.
	ClientSecret string
	// RedirectURIs and PostLogoutRedirectURIs are the application's
	// allowed URIs; nil allows any http URL on a loopback host and port.
	RedirectURIs, PostLogoutRedirectURIs []string
}

// Emulator is an in-memory ZITADEL instance. All state sits behind mu.
type Emulator struct {
	clock   Clock
	handler http.Handler

	// The OpenID provider (oidc.go): its handler, signing key and client.
	provider *op.Provider
	opKey    *rsa.PrivateKey
	client   *oidcClient

	mu           sync.Mutex
	st           store
	tokens       map[string]*accessToken // by token (dev) or token id (OIDC)
	authRequests map[string]*authRequest
	outbox       []Message
	faults       []*Fault
	seeded       bool
}

// New builds an emulator and, when asked, its demo data.
func New(opts Options) (*Emulator, error) {
	e := &Emulator{clock: opts.Clock, tokens: map[string]*accessToken{}, authRequests: map[string]*authRequest{}}
	if e.clock == nil {
		e.clock = &devclock.Offset{}
	}
	if opts.Seed {
		e.seed()
		e.seeded = true
	}
	e.client = newOIDCClient(opts)
	var err error
	if e.provider, err = e.newProvider(opts); err != nil {
		return nil, fmt.Errorf("zitadelemu: OpenID provider: %w", err)
	}
	e.handler = e.routes()
	return e, nil
}

// Handler serves ZITADEL's REST paths, its OIDC endpoints, the login page
// and the /dev endpoints.
func (e *Emulator) Handler() http.Handler { return e.handler }

// Now is the emulator clock's time.
func (e *Emulator) Now() time.Time { return e.clock.Now().UTC() }

// Advance moves the emulator clock forward; a clock that cannot advance, or
// a negative d, leaves time alone.
func (e *Emulator) Advance(d time.Duration) time.Time {
	if a, ok := e.clock.(Advancer); ok && d >= 0 {
		return a.Advance(d).UTC()
	}
	return e.Now()
}

// Demo returns the ids of the seeded data (zero when not seeded).
func (e *Emulator) Demo() Demo {
	if !e.seeded {
		return Demo{}
	}
	return demo
}

// Token issues an access token for userID with ZITADEL's API audience, as
// POST /dev/token does; it fails for an unknown user.
func (e *Emulator) Token(userID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st.user(userID) == nil {
		return "", errors.New("zitadelemu: no user " + userID)
	}
	tok, _ := e.issueToken(userID, true)
	return tok, nil
}

// ClientID is the demo OIDC application's client id.
func (e *Emulator) ClientID() string { return e.client.id }

// lookupToken finds an issued token; the caller holds e.mu. A dev token is
// stored under itself; an OIDC bearer token is op's encryption of
// "<token id>:<subject>".
func (e *Emulator) lookupToken(raw string) *accessToken {
	if t := e.tokens[raw]; t != nil && !t.viaOIDC {
		return t
	}
	plain, err := e.provider.Crypto().Decrypt(raw)
	if err != nil {
		return nil
	}
	id, subject, ok := strings.Cut(plain, ":")
	if t := e.tokens[id]; ok && t != nil && t.viaOIDC && t.userID == subject {
		return t
	}
	return nil
}

func (e *Emulator) routes() http.Handler {
	api := http.NewServeMux()
	// v2 user service
	api.HandleFunc("GET /v2/users/{userId}", handle(e, e.getUserV2))
	api.HandleFunc("POST /v2/users", handle(e, e.listUsersV2))
	api.HandleFunc("PATCH /v2/users/{userId}", handle(e, e.updateUserV2))
	api.HandleFunc("POST /v2/users/{userId}/phone", handle(e, e.setPhoneV2))
	api.HandleFunc("DELETE /v2/users/{userId}/phone", handle(e, e.removePhoneV2))
	api.HandleFunc("POST /v2/users/{userId}/phone/verify", handle(e, e.verifyPhoneV2))
	api.HandleFunc("POST /v2/users/{userId}/phone/resend", handle(e, e.resendPhoneV2))
	api.HandleFunc("POST /v2/users/{userId}/otp_sms", handle(e, e.addOTPSMSV2))
	api.HandleFunc("DELETE /v2/users/{userId}/otp_sms", handle(e, e.removeOTPSMSV2))
	api.HandleFunc("POST /v2/users/{userId}/deactivate", handle(e, e.changeState(deactivate)))
	api.HandleFunc("POST /v2/users/{userId}/reactivate", handle(e, e.changeState(reactivate)))
	api.HandleFunc("POST /v2/users/{userId}/lock", handle(e, e.changeState(lock)))
	api.HandleFunc("POST /v2/users/{userId}/unlock", handle(e, e.changeState(unlock)))
	api.HandleFunc("GET /v2/users/{userId}/authentication_methods", handle(e, e.authMethodsV2))
	api.HandleFunc("POST /v2/users/{userId}/authentication_factors/_search", handle(e, e.authFactorsV2))
	// v1 auth API: the caller's own user
	api.HandleFunc("GET /auth/v1/users/me/phone", handle(e, e.getMyPhone))
	api.HandleFunc("PUT /auth/v1/users/me/phone", handle(e, e.setMyPhone))
	api.HandleFunc("DELETE /auth/v1/users/me/phone", handle(e, e.removeMyPhone))
	api.HandleFunc("POST /auth/v1/users/me/phone/_verify", handle(e, e.verifyMyPhone))
	api.HandleFunc("POST /auth/v1/users/me/phone/_resend_verification", handle(e, e.resendMyPhone))
	api.HandleFunc("POST /auth/v1/users/me/auth_factors/_search", handle(e, e.myAuthFactors))
	api.HandleFunc("POST /auth/v1/users/me/auth_factors/otp_sms", handle(e, e.addMyOTPSMS))
	api.HandleFunc("DELETE /auth/v1/users/me/auth_factors/otp_sms", handle(e, e.removeMyOTPSMS))
	api.HandleFunc("POST /auth/v1/memberships/me/_search", handle(e, e.myMemberships))
	// v1 management API: any user of an organization (x-zitadel-orgid)
	api.HandleFunc("GET /management/v1/users/{userId}/phone", handle(e, e.mgmtGetPhone))
	api.HandleFunc("PUT /management/v1/users/{userId}/phone", handle(e, e.mgmtSetPhone))
	api.HandleFunc("DELETE /management/v1/users/{userId}/phone", handle(e, e.mgmtRemovePhone))
	api.HandleFunc("POST /management/v1/users/{userId}/phone/_resend_verification", handle(e, e.mgmtResendPhone))
	api.HandleFunc("POST /management/v1/users/{userId}/auth_factors/_search", handle(e, e.mgmtAuthFactors))
	api.HandleFunc("DELETE /management/v1/users/{userId}/auth_factors/otp_sms", handle(e, e.mgmtRemoveOTPSMS))

	dev := http.NewServeMux()
	dev.HandleFunc("GET /dev/outbox", e.getOutbox)
	dev.HandleFunc("DELETE /dev/outbox", e.clearOutbox)
	dev.HandleFunc("GET /dev/users", e.getUsers)
	dev.HandleFunc("POST /dev/token", e.postToken)
	dev.HandleFunc("POST /dev/clock", e.postClock)
	dev.HandleFunc("POST /dev/faults", e.postFault)
	dev.HandleFunc("DELETE /dev/faults", e.deleteFaults)

	login := http.NewServeMux()
	login.HandleFunc("GET "+LoginPath, e.getLogin)
	login.HandleFunc("POST "+LoginPath, e.postLogin)
	login.HandleFunc("GET "+LoggedOutPath, e.getLoggedOut)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/dev" || strings.HasPrefix(r.URL.Path, "/dev/"):
			dev.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, "/ui/login/"):
			login.ServeHTTP(w, r)
		case e.applyFault(w, r):
			// A fault stands for ZITADEL itself failing: it comes before the token check.
		case isOIDCPath(r.URL.Path):
			e.provider.ServeHTTP(w, r)
		default:
			if _, pattern := api.Handler(r); pattern == "" {
				writeError(w, errRouteNotFound)
				return
			}
			api.ServeHTTP(w, r)
		}
	})
}

// maxBody bounds request bodies; ZITADEL's requests here are tiny.
const maxBody = 1 << 20

// handle decodes the JSON body into T, then, under the state lock, resolves
// the bearer token to the calling user and runs fn.
func handle[T any](e *Emulator, fn func(r *http.Request, caller *user, req *T) (any, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := new(T)
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			if err := decodeBody(r, req); err != nil {
				writeError(w, err)
				return
			}
		}
		e.mu.Lock()
		out, aerr := func() (any, *apiError) {
			caller, err := e.caller(r)
			if err != nil {
				return nil, err
			}
			return fn(r, caller, req)
		}()
		e.mu.Unlock()
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// decodeBody reads proto3 JSON leniently, as the gateway does: an empty
// body is an empty message and unknown fields are ignored.
func decodeBody(r *http.Request, dst any) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return validation("the request body could not be read")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return validation("proto: syntax error: " + err.Error())
	}
	return nil
}

// target finds the user named in the path; the caller holds e.mu.
func (e *Emulator) target(r *http.Request, notFound *apiError) (*user, *apiError) {
	u := e.st.user(r.PathValue("userId"))
	if u == nil {
		return nil, notFound
	}
	return u, nil
}

// empty is a request without fields.
type empty struct{}
