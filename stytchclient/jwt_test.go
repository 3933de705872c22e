package stytchclient_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/mfaportal/mfaportal/stytchclient"
)

const testProject = "project-test-11111111-2222-3333-4444-555555555555"

// Two RSA keys, made once: generating them is the slow part of these tests.
var (
	keysOnce   sync.Once
	key1, key2 *rsa.PrivateKey
)

func testKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if key1, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if key2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return key1, key2
}

// jwkOf is k's public JWK as Stytch publishes it, with a self-signed
// certificate in x5c, as a JWKS parser may check it matches n and e.
func jwkOf(kid string, k *rsa.PrivateKey) stytchclient.JWK {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(der)
	return stytchclient.JWK{
		Kty: "RSA", Use: "sig", KeyOps: []string{"verify"}, Alg: "RS256", Kid: kid,
		X5c: []string{base64.StdEncoding.EncodeToString(der)}, X5tS256: base64.RawURLEncoding.EncodeToString(sum[:]),
		N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
	}
}

// jwksServer serves GET /v1/b2b/sessions/jwks/{project} and counts the hits.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	keys []stytchclient.JWK
	fail bool
}

func newJWKSServer(t *testing.T, keys ...stytchclient.JWK) *jwksServer {
	s := &jwksServer{keys: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/b2b/sessions/jwks/"+testProject {
			http.NotFound(w, r)
			return
		}
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if s.fail {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"status_code":500,"request_id":"request-id-test-1","error_type":"internal_server_error","error_message":"Oops.","error_url":"https://stytch.com/docs/api/errors/500"}`))
			return
		}
		json.NewEncoder(w).Encode(stytchclient.JWKSResponse{
			Response: stytchclient.Response{RequestID: "request-id-test-2", StatusCode: 200},
			Keys:     s.keys,
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(keys ...stytchclient.JWK) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

func (s *jwksServer) setFail(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

// clock is an injectable, movable Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	srv      *jwksServer
	client   *stytchclient.Client
	verifier *stytchclient.JWTVerifier
	clock    *clock
}

func newFixture(t *testing.T, opts stytchclient.JWTOptions, keys ...stytchclient.JWK) *fixture {
	t.Helper()
	f := &fixture{srv: newJWKSServer(t, keys...), clock: &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	c, err := stytchclient.New(stytchclient.Config{ProjectID: testProject, Secret: "secret-test-1", BaseURL: f.srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	opts.Now = f.clock.Now
	f.verifier = stytchclient.NewJWTVerifier(c, opts)
	return f
}

// claims is a session JWT payload as Stytch writes it, issued at now.
func claims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "stytch.com/" + testProject,
		"aud": []string{testProject},
		"sub": "member-test-1",
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(),
		"https://stytch.com/session": map[string]any{
			"id":               "member-session-test-1",
			"started_at":       now.Add(-10 * time.Minute).Format(time.RFC3339),
			"last_accessed_at": now.Format(time.RFC3339),
			"expires_at":       now.Add(50 * time.Minute).Format(time.RFC3339),
			"attributes":       map[string]any{"ip_address": "", "user_agent": ""},
			"authentication_factors": []any{
				map[string]any{"type": "magic_link", "delivery_method": "email", "last_authenticated_at": now.Format(time.RFC3339),
					"email_factor": map[string]any{"email_id": "email-test-1", "email_address": "ada@example.com"}},
				map[string]any{"type": "otp", "delivery_method": "sms", "last_authenticated_at": now.Format(time.RFC3339),
					"phone_number_factor": map[string]any{"phone_id": "phone-test-1", "phone_number": "+15555550123"}},
			},
			"roles": []string{"stytch_member", "stytch_admin"},
		},
		"https://stytch.com/organization": map[string]any{"organization_id": "organization-test-1", "slug": "acme"},
	}
}

func sign(t *testing.T, method jwt.SigningMethod, kid string, key any, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	other := stytchclient.ErrJWTExpired
	if want == stytchclient.ErrJWTExpired {
		other = stytchclient.ErrJWTInvalid
	}
	if errors.Is(err, other) {
		t.Fatalf("err = %v wraps both %v and %v", err, want, other)
	}
}

func TestVerifyGoodToken(t *testing.T) {
	k1, _ := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-1", k1))
	now := f.clock.Now()
	got, err := f.verifier.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, claims(now)))
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberID != "member-test-1" || got.OrganizationID != "organization-test-1" || got.OrganizationSlug != "acme" || got.SessionID != "member-session-test-1" {
		t.Errorf("ids: %+v", got)
	}
	if !slices.Equal(got.Roles, []string{"stytch_member", "stytch_admin"}) {
		t.Errorf("Roles = %q", got.Roles)
	}
	if len(got.Factors) != 2 || got.Factors[1].PhoneNumberFactor == nil || got.Factors[1].PhoneNumberFactor.PhoneNumber != "+15555550123" ||
		got.Factors[0].EmailFactor == nil || got.Factors[0].EmailFactor.EmailAddress != "ada@example.com" {
		t.Errorf("Factors = %+v", got.Factors)
	}
	if !got.HasFactor("otp", "sms") || got.HasFactor("totp", "authenticator_app") {
		t.Errorf("HasFactor wrong for %+v", got.Factors)
	}
	for name, c := range map[string][2]time.Time{
		"IssuedAt":              {got.IssuedAt, now},
		"NotBefore":             {got.NotBefore, now},
		"ExpiresAt":             {got.ExpiresAt, now.Add(5 * time.Minute)},
		"SessionStartedAt":      {got.SessionStartedAt, now.Add(-10 * time.Minute)},
		"SessionLastAccessedAt": {got.SessionLastAccessedAt, now},
		"SessionExpiresAt":      {got.SessionExpiresAt, now.Add(50 * time.Minute)},
	} {
		if !c[0].Equal(c[1]) {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
	// The JWKS is cached.
	if _, err := f.verifier.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, claims(now))); err != nil {
		t.Fatal(err)
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times after a second token, want 1", n)
	}
}

func TestVerifyRejects(t *testing.T) {
	k1, k2 := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-1", k1))
	now := f.clock.Now()
	good := func() jwt.MapClaims { return claims(now) }
	with := func(key string, value any) jwt.MapClaims {
		c := good()
		if value == nil {
			delete(c, key)
		} else {
			c[key] = value
		}
		return c
	}
	rs := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, c) }

	tampered := func() string {
		parts := strings.Split(rs(good()), ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		payload = []byte(strings.Replace(string(payload), "member-test-1", "member-test-2", 1))
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		return strings.Join(parts, ".")
	}()
	none := sign(t, jwt.SigningMethodNone, "jwk-test-1", jwt.UnsafeAllowNoneSignatureType, good())
	// HS256 keyed with the public key: the classic algorithm-confusion attack.
	pubDER, _ := x509.MarshalPKIXPublicKey(&k1.PublicKey)
	hs256 := sign(t, jwt.SigningMethodHS256, "jwk-test-1", pubDER, good())
	otherSession := good()
	otherSession["https://stytch.com/session"] = map[string]any{"id": "member-session-test-1", "started_at": "yesterday", "last_accessed_at": now.Format(time.RFC3339), "expires_at": now.Add(time.Hour).Format(time.RFC3339)}

	for name, token := range map[string]string{
		"wrong aud":            rs(with("aud", []string{"project-test-other"})),
		"no aud":               rs(with("aud", nil)),
		"wrong iss":            rs(with("iss", "stytch.com/project-test-other")),
		"no iss":               rs(with("iss", nil)),
		"not yet valid":        rs(with("nbf", now.Add(time.Minute).Unix())),
		"issued in the future": rs(with("iat", now.Add(time.Minute).Unix())),
		"no iat":               rs(with("iat", nil)),
		"no exp":               rs(with("exp", nil)),
		"no session claim":     rs(with("https://stytch.com/session", nil)),
		"no organization":      rs(with("https://stytch.com/organization", nil)),
		"bad started_at":       rs(otherSession),
		"tampered payload":     tampered,
		"signed by another":    sign(t, jwt.SigningMethodRS256, "jwk-test-1", k2, good()),
		"alg none":             none,
		"alg HS256":            hs256,
		"alg RS512":            sign(t, jwt.SigningMethodRS512, "jwk-test-1", k1, good()),
		"no kid":               sign(t, jwt.SigningMethodRS256, "", k1, good()),
		"garbage":              "not.a.jwt",
		"empty":                "",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := f.verifier.Verify(context.Background(), token)
			if got != nil {
				t.Errorf("got claims %+v", got)
			}
			wantErr(t, err, stytchclient.ErrJWTInvalid)
			t.Logf("%v", err)
		})
	}

	// Expiry does not hide other faults: an expired token for another
	// audience, or with a bad signature, is invalid, not merely expired.
	f.clock.advance(6 * time.Minute)
	_, err := f.verifier.Verify(context.Background(), rs(with("aud", "x")))
	wantErr(t, err, stytchclient.ErrJWTInvalid)
	_, err = f.verifier.Verify(context.Background(), tampered)
	wantErr(t, err, stytchclient.ErrJWTInvalid)
}

func TestVerifyIssuerMayBeTheBaseURL(t *testing.T) {
	k1, _ := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-1", k1))
	c := claims(f.clock.Now())
	c["iss"] = f.srv.URL // the client was given f.srv.URL + "/"
	if _, err := f.verifier.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, c)); err != nil {
		t.Fatal(err)
	}
	c["iss"] = "https://test.stytch.com" // a base URL, but not this client's
	_, err := f.verifier.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, c))
	wantErr(t, err, stytchclient.ErrJWTInvalid)
}

func TestVerifyTimes(t *testing.T) {
	k1, _ := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{Leeway: 30 * time.Second}, jwkOf("jwk-test-1", k1))
	issued := f.clock.Now()
	c := claims(issued)
	c["nbf"] = issued.Add(20 * time.Second).Unix() // within the leeway
	token := sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, c)
	ctx := context.Background()

	if _, err := f.verifier.Verify(ctx, token); err != nil {
		t.Fatalf("nbf within the leeway: %v", err)
	}
	f.clock.advance(5*time.Minute + 29*time.Second)
	if _, err := f.verifier.Verify(ctx, token); err != nil {
		t.Fatalf("exp passed by less than the leeway: %v", err)
	}
	f.clock.advance(2 * time.Second)
	got, err := f.verifier.Verify(ctx, token)
	if got != nil {
		t.Errorf("expired token gave claims")
	}
	wantErr(t, err, stytchclient.ErrJWTExpired)

	// The session ending before the JWT also counts as expired.
	f.clock.advance(issued.Sub(f.clock.Now()))
	c = claims(issued)
	c["https://stytch.com/session"].(map[string]any)["expires_at"] = issued.Add(-time.Minute).Format(time.RFC3339)
	_, err = f.verifier.Verify(ctx, sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, c))
	wantErr(t, err, stytchclient.ErrJWTExpired)
}

// The refetch limit runs on the real clock (a rate.Limiter), not the
// fixture's: a one-minute interval does not pass during this test.
func TestVerifyUnknownKidRefetchesAtMostOncePerInterval(t *testing.T) {
	k1, k2 := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{MinRefetchInterval: time.Minute}, jwkOf("jwk-test-1", k1))
	ctx := context.Background()
	verify := func(kid string, key *rsa.PrivateKey) error {
		_, err := f.verifier.Verify(ctx, sign(t, jwt.SigningMethodRS256, kid, key, claims(f.clock.Now())))
		return err
	}
	hits := func(want int32) {
		t.Helper()
		if n := f.srv.hits.Load(); n != want {
			t.Fatalf("JWKS fetched %d times, want %d", n, want)
		}
	}

	if err := verify("jwk-test-1", k1); err != nil {
		t.Fatal(err)
	}
	hits(1)

	// Stytch rotates keys: the new kid causes one refetch and is then known.
	f.srv.setKeys(jwkOf("jwk-test-1", k1), jwkOf("jwk-test-2", k2))
	if err := verify("jwk-test-2", k2); err != nil {
		t.Fatal(err)
	}
	hits(2)
	if err := verify("jwk-test-2", k2); err != nil {
		t.Fatal(err)
	}
	hits(2)

	// Another unknown kid within the interval: no fetch, and no waiting
	// for the next one either.
	start := time.Now()
	wantErr(t, verify("jwk-test-3", k2), stytchclient.ErrJWTInvalid)
	wantErr(t, verify("jwk-test-4", k2), stytchclient.ErrJWTInvalid)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("rate-limited lookups took %s", d)
	}
	hits(2)
	// Known keys still work meanwhile.
	if err := verify("jwk-test-1", k1); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyUnknownKidRefetchesAgainAfterTheInterval(t *testing.T) {
	k1, k2 := testKeys(t)
	const interval = 100 * time.Millisecond
	f := newFixture(t, stytchclient.JWTOptions{MinRefetchInterval: interval}, jwkOf("jwk-test-1", k1))
	ctx := context.Background()
	verify := func(kid string, key *rsa.PrivateKey) error {
		_, err := f.verifier.Verify(ctx, sign(t, jwt.SigningMethodRS256, kid, key, claims(f.clock.Now())))
		return err
	}
	if err := verify("jwk-test-1", k1); err != nil {
		t.Fatal(err)
	}
	wantErr(t, verify("jwk-test-2", k2), stytchclient.ErrJWTInvalid) // spends the refetch
	if n := f.srv.hits.Load(); n != 2 {
		t.Fatalf("JWKS fetched %d times, want 2", n)
	}

	time.Sleep(interval)
	f.srv.setKeys(jwkOf("jwk-test-3", k2))
	if err := verify("jwk-test-3", k2); err != nil {
		t.Fatal(err)
	}
	if n := f.srv.hits.Load(); n != 3 {
		t.Errorf("JWKS fetched %d times, want 3", n)
	}
	// That JWKS replaced the old one: jwk-test-1 is gone.
	wantErr(t, verify("jwk-test-1", k1), stytchclient.ErrJWTInvalid)
}

func TestVerifyConcurrentUnknownKidFetchesOnce(t *testing.T) {
	k1, _ := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-1", k1))
	token := sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, claims(f.clock.Now()))
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := f.verifier.Verify(context.Background(), token)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := f.srv.hits.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times by 20 concurrent calls, want 1", n)
	}
}

func TestVerifyJWKSFailure(t *testing.T) {
	k1, _ := testKeys(t)
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-1", k1))
	token := sign(t, jwt.SigningMethodRS256, "jwk-test-1", k1, claims(f.clock.Now()))
	ctx := context.Background()

	f.srv.setFail(true)
	_, err := f.verifier.Verify(ctx, token)
	wantErr(t, err, stytchclient.ErrJWTInvalid)
	var se *stytchclient.Error
	if !errors.As(err, &se) || se.StatusCode != 500 {
		t.Fatalf("err = %v, want it to wrap Stytch's 500", err)
	}

	// The failure was not cached: once Stytch is back, the next call fetches.
	f.srv.setFail(false)
	if _, err := f.verifier.Verify(ctx, token); err != nil {
		t.Fatal(err)
	}
	if n := f.srv.hits.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2", n)
	}

	// A refetch for an unknown kid that fails says why.
	f.srv.setFail(true)
	_, err = f.verifier.Verify(ctx, sign(t, jwt.SigningMethodRS256, "jwk-test-2", k1, claims(f.clock.Now())))
	wantErr(t, err, stytchclient.ErrJWTInvalid)
	if !errors.As(err, &se) || se.StatusCode != 500 {
		t.Fatalf("err = %v, want it to wrap Stytch's 500", err)
	}
	if n := f.srv.hits.Load(); n != 3 {
		t.Errorf("JWKS fetched %d times, want 3", n)
	}
	// Known keys still work while Stytch fails.
	if _, err := f.verifier.Verify(ctx, token); err != nil {
		t.Fatal(err)
	}

	// Stytch unreachable altogether.
	f2 := newFixture(t, stytchclient.JWTOptions{})
	f2.srv.Close()
	_, err = f2.verifier.Verify(ctx, token)
	wantErr(t, err, stytchclient.ErrJWTInvalid)
	if !stytchclient.IsErrorType(err, stytchclient.ErrTypeUnreachable) {
		t.Errorf("err = %v, want it to wrap %s", err, stytchclient.ErrTypeUnreachable)
	}
}

func TestVerifyRefusesWeakOrForeignKeys(t *testing.T) {
	k1, _ := testKeys(t)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	hs := jwkOf("jwk-test-hs", k1)
	hs.Alg = "HS256"
	f := newFixture(t, stytchclient.JWTOptions{}, jwkOf("jwk-test-weak", weak), hs)
	for kid, c := range map[string]struct {
		key *rsa.PrivateKey
		why string
	}{"jwk-test-weak": {weak, "2048 bits"}, "jwk-test-hs": {k1, `"HS256"`}} {
		_, err := f.verifier.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, kid, c.key, claims(f.clock.Now())))
		wantErr(t, err, stytchclient.ErrJWTInvalid)
		if !strings.Contains(err.Error(), c.why) {
			t.Errorf("err = %v, want it to say why the key is refused (%s)", err, c.why)
		}
	}
}
