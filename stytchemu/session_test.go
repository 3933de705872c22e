package stytchemu_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// jwksKey fetches the JWKS without credentials and checks x5c/x5tS256 against n/e.
func (v *env) jwksKey() (string, *rsa.PublicKey) {
	v.t.Helper()
	var out stytchclient.JWKSResponse
	v.req("GET", "/v1/b2b/sessions/jwks/"+v.emu.ProjectID(), nil, noAuth).ok(&out)
	if len(out.Keys) != 1 {
		v.t.Fatalf("keys: %+v", out.Keys)
	}
	k := out.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	e, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	der, err := base64.StdEncoding.DecodeString(k.X5c[0])
	if err != nil {
		v.t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		v.t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	if !pub.Equal(cert.PublicKey) || k.X5tS256 != base64.RawURLEncoding.EncodeToString(sum[:]) ||
		k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || len(k.Kid) < len("jwk-test-") || k.Kid[:9] != "jwk-test-" {
		v.t.Fatalf("JWK is not truthful: %+v", k)
	}
	return k.Kid, pub
}

func TestSessionJWTClaims(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	v.clock.Advance(90 * time.Second)
	login := v.login(acme.ID, acme.Admin.Email)
	kid, pub := v.jwksKey()
	now := v.emu.Now()

	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(login.SessionJWT, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(v.emu.Now),
		jwt.WithIssuer("stytch.com/"+v.emu.ProjectID()), jwt.WithAudience(v.emu.ProjectID()), jwt.WithSubject(acme.Admin.ID), jwt.WithIssuedAt())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Header["kid"] != kid || tok.Header["typ"] != "JWT" {
		t.Fatalf("header: %v", tok.Header)
	}
	if claims["iat"] != float64(now.Unix()) || claims["nbf"] != float64(now.Unix()) || claims["exp"] != float64(now.Add(5*time.Minute).Unix()) {
		t.Fatalf("times: %v", claims)
	}
	s := claims["https://stytch.com/session"].(map[string]any)
	ms := login.MemberSession
	if s["id"] != ms.MemberSessionID || s["started_at"] != ms.StartedAt || s["last_accessed_at"] != ms.LastAccessedAt || s["expires_at"] != ms.ExpiresAt {
		t.Fatalf("session claim: %v vs %+v", s, ms)
	}
	attrs := s["attributes"].(map[string]any)
	if _, ok := attrs["ip_address"]; !ok || attrs["user_agent"] != "Go-http-client/1.1" {
		t.Fatalf("attributes: %v", attrs)
	}
	f := s["authentication_factors"].([]any)[0].(map[string]any)
	roles := s["roles"].([]any)
	if f["type"] != "magic_link" || len(roles) != 2 || roles[1] != "stytch_admin" {
		t.Fatalf("factors/roles: %v %v", f, roles)
	}
	o := claims["https://stytch.com/organization"].(map[string]any)
	if o["organization_id"] != acme.ID || o["slug"] != "acme" {
		t.Fatalf("org claim: %v", o)
	}
}

func TestSessionsAuthenticate(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	login := v.login(acme.ID, acme.Member.Email)
	path := "/v1/b2b/sessions/authenticate"

	var byTok stytchclient.AuthenticateSessionResponse
	v.req("POST", path, map[string]any{"session_token": login.SessionToken}).ok(&byTok)
	if byTok.MemberSession.ExpiresAt != login.MemberSession.ExpiresAt || byTok.Member.MemberID != acme.Member.ID {
		t.Fatalf("without session_duration_minutes nothing is extended: %+v", byTok.MemberSession)
	}
	// A JWT past its exp still works while the session lives, and a fresh one comes back.
	v.clock.Advance(6 * time.Minute)
	var byJWT stytchclient.AuthenticateSessionResponse
	v.req("POST", path, map[string]any{"session_jwt": login.SessionJWT}).ok(&byJWT)
	if byJWT.SessionJWT == login.SessionJWT || byJWT.SessionToken != login.SessionToken {
		t.Fatalf("fresh JWT expected: %+v", byJWT)
	}
	var ext stytchclient.AuthenticateSessionResponse
	v.req("POST", path, map[string]any{"session_token": login.SessionToken, "session_duration_minutes": 120}).ok(&ext)
	if ext.MemberSession.ExpiresAt != v.emu.Now().Add(2*time.Hour).Format(time.RFC3339) {
		t.Fatalf("not extended: %+v", ext.MemberSession)
	}
	v.req("POST", path, map[string]any{"session_token": login.SessionToken, "session_duration_minutes": 1}).fails(http.StatusBadRequest, "invalid_session_duration_minutes")
	v.req("POST", path, map[string]any{}).fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)
	v.req("POST", path, map[string]any{"session_token": login.SessionToken, "session_jwt": login.SessionJWT}).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)
	v.req("POST", path, map[string]any{"session_jwt": "not.a.jwt"}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)

	v.clock.Advance(2 * time.Hour)
	v.req("POST", path, map[string]any{"session_token": login.SessionToken}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
}

func TestJWTFromAnotherKeyIsRefused(t *testing.T) {
	v := newEnv(t)
	other := newEnv(t)
	login := other.login(other.orgAcme().ID, other.orgAcme().Member.Email)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_jwt": login.SessionJWT}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
}

func TestRevokeSessions(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	path := "/v1/b2b/sessions/revoke"
	check := func(tok string, want int) {
		t.Helper()
		if got := v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": tok}).status; got != want {
			t.Fatalf("session status %d, want %d", got, want)
		}
	}
	a, b := v.login(acme.ID, acme.Member.Email), v.login(acme.ID, acme.Member.Email)
	c := v.login(acme.ID, acme.Member.Email)
	v.req("POST", path, map[string]any{"session_token": a.SessionToken}).ok(nil)
	check(a.SessionToken, 404)
	check(b.SessionToken, 200)
	v.req("POST", path, map[string]any{"member_session_id": b.MemberSession.MemberSessionID}).ok(nil)
	check(b.SessionToken, 404)
	d := v.login(acme.ID, acme.Member.Email)
	v.req("POST", path, map[string]any{"member_id": acme.Member.ID}).ok(nil)
	check(c.SessionToken, 404)
	check(d.SessionToken, 404)
	v.req("POST", path, map[string]any{"session_token": a.SessionToken}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
	v.req("POST", path, map[string]any{}).fails(http.StatusBadRequest, stytchclient.ErrNoSessionRevokeArguments)
	v.req("POST", path, map[string]any{"member_id": acme.Member.ID, "session_token": "x"}).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionRevokeArguments)
	e := v.login(acme.ID, acme.Member.Email)
	v.req("POST", path, map[string]any{"session_jwt": e.SessionJWT}).ok(nil)
	check(e.SessionToken, 404)
}

func TestJWKSIgnoresCredentialsAndChecksProject(t *testing.T) {
	v := newEnv(t)
	v.jwksKey()
	v.req("GET", "/v1/b2b/sessions/jwks/project-test-other", nil, noAuth).fails(http.StatusNotFound, "project_not_found")
	r := v.req("GET", "/v1/b2b/sessions/jwks/"+v.emu.ProjectID(), nil, basic("wrong", "wrong"))
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"x5tS256"`)) {
		t.Fatalf("JWKS: %d %s", r.status, r.body)
	}
}
