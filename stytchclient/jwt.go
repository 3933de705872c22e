package stytchclient

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Errors of Verify, for errors.Is. Every error Verify returns wraps exactly
// one of them, plus the detail.
var (
	// ErrJWTExpired: the JWT was genuine but its exp (or its session's
	// expires_at) has passed. Session JWTs live 5 minutes; refresh with
	// AuthenticateSession and the session token.
	ErrJWTExpired = errors.New("stytchclient: session JWT expired")
	// ErrJWTInvalid: anything else. When the JWKS could not be fetched, the
	// error also wraps the *Error from GetJWKS.
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
	// Now is the clock exp, nbf and iat are checked against; time.Now when nil.
	Now func() time.Time
	// MinRefetchInterval limits JWKS fetches: a token with an unknown kid
	// makes the verifier fetch the JWKS again at most once per interval.
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
// JWKS, which it fetches on first use and again when a token names a key it
// does not know. It is safe for concurrent use.
type JWTVerifier struct {
	client   *Client
	now      func() time.Time
	interval time.Duration
	leeway   time.Duration
	issuers  []string
	parser   *jwt.Parser

	// fetchMu serializes JWKS fetches, so that tokens arriving together with
	// a new kid cause one fetch; lookups of known keys do not wait for it.
	verifiedMu  sync.Mutex
	verified    map[[32]byte]*SessionClaims // SHA-256 of the token → claims, see cached
	fetchMu     sync.Mutex
	mu          sync.RWMutex
	keys        map[string]*rsa.PublicKey // nil until a fetch succeeded
	badKeys     map[string]error          // keys in the JWKS that we refuse, and why
	lastAttempt time.Time                 // of the last fetch that was not cancelled
}

// NewJWTVerifier returns a verifier for c's project. The JWT's iss must be
// "stytch.com/<project_id>" or c's base URL (Stytch uses the latter on custom
// domains), and its aud must contain the project id.
func NewJWTVerifier(c *Client, opts JWTOptions) *JWTVerifier {
	v := &JWTVerifier{
		client:   c,
		now:      opts.Now,
		interval: opts.MinRefetchInterval,
		leeway:   opts.Leeway,
		issuers:  []string{"stytch.com/" + c.ProjectID(), strings.TrimRight(c.BaseURL(), "/")},
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.interval <= 0 {
		v.interval = DefaultMinRefetchInterval
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithTimeFunc(v.now),
		jwt.WithLeeway(v.leeway),
		jwt.WithAudience(c.ProjectID()),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	return v
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
	// A token already verified needs no second RSA check while its times
	// still hold: the same bytes carry the same signature.
	if c, ok := v.cached(token); ok {
		return c, nil
	}
	var raw sessionJWTClaims
	_, err := v.parser.ParseWithClaims(token, &raw, func(t *jwt.Token) (any, error) {
		if typ, ok := t.Header["typ"]; ok {
			if s, _ := typ.(string); !strings.EqualFold(s, "JWT") {
				return nil, fmt.Errorf("header typ is %v, not JWT", typ)
			}
		}
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("header has no kid")
		}
		return v.key(ctx, kid)
	})
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
	v.remember(token, claims)
	c := *claims
	return &c, nil
}

// maxVerified bounds the cache of verified tokens; session JWTs live five
// minutes, so it holds the tokens of that many recently active members.
const maxVerified = 10000

// cached returns a copy of the claims of a token verified before, while
// its times still hold.
func (v *JWTVerifier) cached(token string) (*SessionClaims, bool) {
	v.verifiedMu.Lock()
	claims, ok := v.verified[sha256.Sum256([]byte(token))]
	v.verifiedMu.Unlock()
	if !ok {
		return nil, false
	}
	now := v.now()
	if now.Before(claims.NotBefore.Add(-v.leeway)) || !now.Before(claims.ExpiresAt.Add(v.leeway)) || now.After(claims.SessionExpiresAt.Add(v.leeway)) {
		return nil, false // the full check gives the right error
	}
	c := *claims
	return &c, true
}

func (v *JWTVerifier) remember(token string, claims *SessionClaims) {
	v.verifiedMu.Lock()
	defer v.verifiedMu.Unlock()
	if v.verified == nil || len(v.verified) >= maxVerified {
		now := v.now()
		for t, c := range v.verified {
			if !now.Before(c.ExpiresAt.Add(v.leeway)) {
				delete(v.verified, t)
			}
		}
		if v.verified == nil || len(v.verified) >= maxVerified {
			v.verified = make(map[[32]byte]*SessionClaims)
		}
	}
	// Keyed by a digest, so the cache holds 32 bytes per token, not the token.
	v.verified[sha256.Sum256([]byte(token))] = claims
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

// key returns the public key named kid, fetching the JWKS when kid is
// unknown and the last fetch is at least the refetch interval ago (or no
// fetch has succeeded yet).
func (v *JWTVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if k, err := v.lookup(kid); k != nil || err != nil {
		return k, err
	}
	v.fetchMu.Lock()
	defer v.fetchMu.Unlock()
	// Someone else may have fetched while we waited.
	if k, err := v.lookup(kid); k != nil || err != nil {
		return k, err
	}
	v.mu.RLock()
	haveKeys, last := v.keys != nil, v.lastAttempt
	v.mu.RUnlock()
	now := v.now()
	if haveKeys && now.Sub(last) < v.interval {
		return nil, fmt.Errorf("no key %q in the JWKS fetched at %s (next refetch allowed after %s)",
			kid, last.Format(time.RFC3339), last.Add(v.interval).Format(time.RFC3339))
	}

	resp, err := v.client.GetJWKS(ctx)
	if err != nil {
		if ctx.Err() == nil {
			v.mu.Lock()
			v.lastAttempt = now
			v.mu.Unlock()
		}
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	keys, bad := parseJWKS(resp.Keys)
	v.mu.Lock()
	v.keys, v.badKeys, v.lastAttempt = keys, bad, now
	v.mu.Unlock()
	if k, err := v.lookup(kid); k != nil || err != nil {
		return k, err
	}
	return nil, fmt.Errorf("no key %q in the JWKS", kid)
}

// lookup finds kid among the fetched keys: a key, or why the JWKS's key of
// that name is refused, or neither when kid is unknown.
func (v *JWTVerifier) lookup(kid string) (*rsa.PublicKey, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if err, ok := v.badKeys[kid]; ok {
		return nil, fmt.Errorf("JWKS key %q is unusable: %w", kid, err)
	}
	return v.keys[kid], nil
}

// parseJWKS keeps the RSA signing keys; the others land in bad with the
// reason, so a token naming one gets a clear error.
func parseJWKS(jwks []JWK) (keys map[string]*rsa.PublicKey, bad map[string]error) {
	keys, bad = map[string]*rsa.PublicKey{}, map[string]error{}
	for _, k := range jwks {
		if k.Kid == "" {
			continue
		}
		pub, err := rsaPublicKey(k)
		if err != nil {
			bad[k.Kid] = err
			continue
		}
		keys[k.Kid] = pub
	}
	return keys, bad
}

func rsaPublicKey(k JWK) (*rsa.PublicKey, error) {
	switch {
	case k.Kty != "RSA":
		return nil, fmt.Errorf("kty is %q, not RSA", k.Kty)
	case k.Use != "" && k.Use != "sig":
		return nil, fmt.Errorf("use is %q, not sig", k.Use)
	case k.Alg != "" && k.Alg != jwt.SigningMethodRS256.Alg():
		return nil, fmt.Errorf("alg is %q, not RS256", k.Alg)
	}
	n, err := base64URLInt(k.N)
	if err != nil {
		return nil, fmt.Errorf("modulus n: %w", err)
	}
	e, err := base64URLInt(k.E)
	if err != nil {
		return nil, fmt.Errorf("exponent e: %w", err)
	}
	if n.BitLen() < minRSABits {
		return nil, fmt.Errorf("RSA key has %d bits, fewer than %d", n.BitLen(), minRSABits)
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, fmt.Errorf("exponent %s is not a usable RSA exponent", e)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

func base64URLInt(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, errors.New("empty")
	}
	return new(big.Int).SetBytes(b), nil
}
