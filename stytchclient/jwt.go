package stytchclient

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// Errors of Verify, for errors.Is. Every error Verify returns wraps exactly
// one of them, plus the detail.
var (
	// ErrJWTExpired: the JWT was genuine but its exp (or its session's
	// expires_at) has passed. Session JWTs live 5 minutes; refresh with
	// AuthenticateSession and the session token.
	ErrJWTExpired = errors.New("stytchclient: session JWT expired")
	// ErrJWTInvalid: anything else. When the JWKS could not be fetched, the
	// error also wraps the *Error of that fetch.
	ErrJWTInvalid = errors.New("stytchclient: session JWT invalid")
)

// SessionClaims is what a verified Stytch B2B session JWT says.
type SessionClaims struct {
	MemberID         string // sub
	OrganizationID   string
	OrganizationSlug string
	SessionID        string
	Roles            []string
	Factors          []AuthenticationFactor

	// The JWT's own times (a JWT lives 5 minutes) ...
	IssuedAt, NotBefore, ExpiresAt time.Time
	// ... and the session's, which outlives many JWTs.
	SessionStartedAt, SessionLastAccessedAt, SessionExpiresAt time.Time
}

// HasFactor reports whether the session was authenticated with a factor of
// the given type and delivery method, for example ("otp", "sms").
func (c *SessionClaims) HasFactor(typ, deliveryMethod string) bool {
	for _, f := range c.Factors {
		if f.Type == typ && f.DeliveryMethod == deliveryMethod {
			return true
		}
	}
	return false
}

// JWTOptions tunes a JWTVerifier; the zero value is the default.
type JWTOptions struct {
	// Now is the clock exp, nbf and iat are checked against; time.Now when
	// nil. The JWKS refetch limit always runs on the real clock.
	Now func() time.Time
	// MinRefetchInterval limits JWKS fetches: tokens with an unknown kid
	// make the verifier fetch the JWKS again at most once per interval.
	// DefaultMinRefetchInterval when zero.
	MinRefetchInterval time.Duration
	// Leeway tolerates clock skew on exp, nbf and iat.
	Leeway time.Duration
}

// DefaultMinRefetchInterval is the JWKS refetch limit Stytch's Go SDK uses.
const DefaultMinRefetchInterval = 5 * time.Minute

// minRSABits refuses keys weaker than Stytch's own (RSA-2048).
const minRSABits = 2048

// JWTVerifier checks Stytch B2B session JWTs locally, against the project's
// JWKS, which it fetches on first use and again (rate-limited) when a token
// names a key it does not know. It starts no goroutines and is safe for
// concurrent use.
type JWTVerifier struct {
	client  *Client
	now     func() time.Time
	leeway  time.Duration
	issuers []string
	parser  *jwt.Parser
	limiter *rate.Limiter

	mu   sync.Mutex // serializes the first fetch, so concurrent first calls make one
	keys keyfunc.Keyfunc
}

// NewJWTVerifier returns a verifier for c's project. The JWT's iss must be
// "stytch.com/<project_id>" or c's base URL (Stytch uses the latter on custom
// domains), and its aud must contain the project id.
func NewJWTVerifier(c *Client, opts JWTOptions) *JWTVerifier {
	now, interval := opts.Now, opts.MinRefetchInterval
	if now == nil {
		now = time.Now
	}
	if interval <= 0 {
		interval = DefaultMinRefetchInterval
	}
	return &JWTVerifier{
		client:  c,
		now:     now,
		leeway:  opts.Leeway,
		issuers: []string{"stytch.com/" + c.ProjectID(), c.BaseURL()},
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
			jwt.WithTimeFunc(now),
			jwt.WithLeeway(opts.Leeway),
			jwt.WithAudience(c.ProjectID()),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
		),
		limiter: rate.NewLimiter(rate.Every(interval), 1),
	}
}

// sessionJWTClaims is the payload of a Stytch B2B session JWT
// (stytch-api.md §5).
type sessionJWTClaims struct {
	jwt.RegisteredClaims
	Session *struct {
		ID                    string                 `json:"id"`
		StartedAt             string                 `json:"started_at"`
		LastAccessedAt        string                 `json:"last_accessed_at"`
		ExpiresAt             string                 `json:"expires_at"`
		AuthenticationFactors []AuthenticationFactor `json:"authentication_factors"`
		Roles                 []string               `json:"roles"`
	} `json:"https://stytch.com/session"`
	Organization *struct {
		OrganizationID string `json:"organization_id"`
		Slug           string `json:"slug"`
	} `json:"https://stytch.com/organization"`
}

// Verify checks token's signature, algorithm (RS256 only), issuer,
// audience, exp, nbf and iat, and returns its claims. The error wraps
// ErrJWTExpired when only the expiry failed, ErrJWTInvalid otherwise.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (*SessionClaims, error) {
	var raw sessionJWTClaims
	_, err := v.parser.ParseWithClaims(token, &raw, func(t *jwt.Token) (any, error) { return v.key(ctx, t) })
	expired := false
	if err != nil {
		if !onlyExpired(err) {
			return nil, fmt.Errorf("%w: %w", ErrJWTInvalid, err)
		}
		expired = true
	}
	claims, err := v.sessionClaims(&raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJWTInvalid, err)
	}
	if expired {
		return nil, fmt.Errorf("%w: expired at %s", ErrJWTExpired, claims.ExpiresAt.Format(time.RFC3339))
	}
	if v.now().After(claims.SessionExpiresAt.Add(v.leeway)) {
		return nil, fmt.Errorf("%w: the session expired at %s", ErrJWTExpired, claims.SessionExpiresAt.Format(time.RFC3339))
	}
	return claims, nil
}

// refetchErrKey carries a slot for the error of a refetch, which jwkset
// reports to RefreshErrorHandler instead of returning it.
type refetchErrKey struct{}

// key finds the RSA key that signed t, in the JWKS.
func (v *JWTVerifier) key(ctx context.Context, t *jwt.Token) (any, error) {
	if typ, ok := t.Header["typ"]; ok {
		if s, _ := typ.(string); !strings.EqualFold(s, "JWT") {
			return nil, fmt.Errorf("header typ is %v, not JWT", typ)
		}
	}
	// Without a kid keyfunc would try every key; Stytch always names one.
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errors.New("header has no kid")
	}
	keys, err := v.keyfunc(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	var refetchErr error
	key, err := keys.KeyfuncCtx(context.WithValue(ctx, refetchErrKey{}, &refetchErr))(t)
	if err != nil {
		if refetchErr != nil {
			return nil, fmt.Errorf("%w (refetch JWKS: %w)", err, refetchErr)
		}
		return nil, err
	}
	if k, ok := key.(*rsa.PublicKey); !ok || k.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("JWKS key %q is unusable: not an RSA key of at least %d bits", kid, minRSABits)
	}
	return key, nil
}

// keyfunc returns the key lookup, fetching the JWKS the first time. A
// failed first fetch is not kept: the next call tries again.
func (v *JWTVerifier) keyfunc(ctx context.Context) (keyfunc.Keyfunc, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys != nil {
		return v.keys, nil
	}
	url := v.client.BaseURL() + v.client.jwksPath()
	// No RefreshInterval, so no goroutine: ctx and HTTPTimeout bound the
	// first fetch only, which happens here.
	remote, err := jwkset.NewStorageFromHTTP(url, jwkset.HTTPClientStorageOptions{
		Client:      &http.Client{Transport: jwksTransport{v.client}},
		Ctx:         ctx,
		HTTPTimeout: DefaultTimeout,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			if slot, ok := ctx.Value(refetchErrKey{}).(*error); ok {
				*slot = err
			}
		},
	})
	if err != nil {
		return nil, err
	}
	storage, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs: map[string]jwkset.Storage{url: remote},
		// An unknown kid refetches at most once per interval; the limiter
		// wait and the refetch together take at most DefaultTimeout.
		RefreshUnknownKID: v.limiter,
		RateLimitWaitMax:  DefaultTimeout,
	})
	if err != nil {
		return nil, err
	}
	v.keys, err = keyfunc.New(keyfunc.Options{
		Storage:      storage,
		UseWhitelist: []jwkset.USE{jwkset.UseSig, ""}, // a key without "use" may sign (RFC 7517 §4.2)
	})
	return v.keys, err
}

// jwksTransport fetches the JWKS for jwkset the way every Stytch call goes:
// with the project's credentials, through c's HTTP client and Observe, and
// with Stytch's errors as *Error.
type jwksTransport struct{ c *Client }

func (t jwksTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body json.RawMessage
	if err := t.c.do(r.Context(), "sessions.jwks", http.MethodGet, t.c.jwksPath(), nil, MemberAuth{}, &body); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    r,
	}, nil
}

// onlyExpired reports whether the signature was good and exp is the only
// claim that failed.
func onlyExpired(err error) bool {
	if !errors.Is(err, jwt.ErrTokenInvalidClaims) || !errors.Is(err, jwt.ErrTokenExpired) {
		return false
	}
	for _, other := range []error{
		jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenInvalidAudience,
		jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidSubject, jwt.ErrTokenInvalidId,
		jwt.ErrTokenRequiredClaimMissing, jwt.ErrInvalidType,
	} {
		if errors.Is(err, other) {
			return false
		}
	}
	return true
}

// sessionClaims checks what jwt's validator does not (issuer, iat present,
// Stytch's claims) and converts.
func (v *JWTVerifier) sessionClaims(raw *sessionJWTClaims) (*SessionClaims, error) {
	okIssuer := false
	for _, iss := range v.issuers {
		okIssuer = okIssuer || raw.Issuer == iss
	}
	switch {
	case !okIssuer:
		return nil, fmt.Errorf("issuer %q is neither of %q", raw.Issuer, v.issuers)
	case raw.IssuedAt == nil:
		return nil, errors.New("no iat")
	case raw.Subject == "":
		return nil, errors.New("no sub (member id)")
	case raw.Session == nil || raw.Session.ID == "":
		return nil, errors.New("no https://stytch.com/session claim with an id")
	case raw.Organization == nil || raw.Organization.OrganizationID == "":
		return nil, errors.New("no https://stytch.com/organization claim with an organization_id")
	}
	c := &SessionClaims{
		MemberID:         raw.Subject,
		OrganizationID:   raw.Organization.OrganizationID,
		OrganizationSlug: raw.Organization.Slug,
		SessionID:        raw.Session.ID,
		Roles:            raw.Session.Roles,
		Factors:          raw.Session.AuthenticationFactors,
		IssuedAt:         raw.IssuedAt.Time,
		ExpiresAt:        raw.ExpiresAt.Time, // required by the parser
	}
	if raw.NotBefore != nil {
		c.NotBefore = raw.NotBefore.Time
	}
	for _, ts := range []struct {
		name string
		in   string
		out  *time.Time
	}{
		{"started_at", raw.Session.StartedAt, &c.SessionStartedAt},
		{"last_accessed_at", raw.Session.LastAccessedAt, &c.SessionLastAccessedAt},
		{"expires_at", raw.Session.ExpiresAt, &c.SessionExpiresAt},
	} {
		t, err := time.Parse(time.RFC3339, ts.in)
		if err != nil {
			return nil, fmt.Errorf("session %s %q is not an RFC 3339 time", ts.name, ts.in)
		}
		*ts.out = t
	}
	return c, nil
}
