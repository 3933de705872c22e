package stytchemu

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Lifetimes from stytch-api.md §8.
const (
	jwtLifetime             = 5 * time.Minute
	defaultSessionMinutes   = 60
	minSessionMinutes       = 5
	maxSessionMinutes       = 527040
	intermediateLifetime    = 10 * time.Minute
	sessionClaim            = "https://stytch.com/session"
	organizationClaim       = "https://stytch.com/organization"
	headerMemberSession     = "X-Stytch-Member-Session"
	headerMemberSessionJWT  = "X-Stytch-Member-SessionJWT"
	errInvalidSessionLength = "invalid_session_duration_minutes"
)

// initSigningKey makes the RSA key and its JWK, with a self-signed
// certificate so that x5c and x5tS256 are truthful (stytch-api.md §13).
func (e *Emulator) initSigningKey() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	now := e.clock.Now()
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(randomBytes(16)),
		Subject:      pkix.Name{CommonName: "stytchemu " + e.projectID},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(der)
	e.key = key
	e.jwk = stytchclient.JWK{
		Kty:     "RSA",
		Use:     "sig",
		KeyOps:  []string{"verify"},
		Alg:     "RS256",
		Kid:     newID("jwk"),
		X5c:     []string{base64.StdEncoding.EncodeToString(der)},
		X5tS256: base64.RawURLEncoding.EncodeToString(sum[:]),
		N:       base64.RawURLEncoding.EncodeToString(key.PublicKey.N.Bytes()),
		E:       base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.PublicKey.E)).Bytes()),
	}
	return nil
}

func (e *Emulator) getJWKS(r *http.Request, _ *struct{}) (any, *apiError) {
	if r.PathValue("project_id") != e.projectID {
		return nil, errf(http.StatusNotFound, "project_not_found", "Project could not be found.")
	}
	jwk := e.jwk
	jwk.KeyOps = cloneStrings(jwk.KeyOps)
	jwk.X5c = cloneStrings(jwk.X5c)
	return stytchclient.JWKSResponse{Response: ok(), Keys: []stytchclient.JWK{jwk}}, nil
}

// sessionMinutes validates session_duration_minutes; 0 means "not given".
func sessionMinutes(n int) *apiError {
	if n != 0 && (n < minSessionMinutes || n > maxSessionMinutes) {
		return errf(http.StatusBadRequest, errInvalidSessionLength, "session_duration_minutes is invalid, should be between 5 to 527040 minutes.")
	}
	return nil
}

// newSession starts a member session with the given factors.
func (e *Emulator) newSession(m *member, factors []stytchclient.AuthenticationFactor, minutes int, claims map[string]any, r *http.Request) *session {
	if minutes == 0 {
		minutes = defaultSessionMinutes
	}
	now := e.Now()
	s := &session{
		id:           newID("member-session"),
		token:        newToken(),
		memberID:     m.m.MemberID,
		orgID:        m.m.OrganizationID,
		started:      now,
		lastAccessed: now,
		expires:      now.Add(time.Duration(minutes) * time.Minute),
		factors:      factors,
		customClaims: mergeClaims(nil, claims),
		userAgent:    r.UserAgent(),
	}
	e.st.sessions[s.token] = s
	e.st.sessionID[s.id] = s
	return s
}

// mergeClaims applies session_custom_claims: reserved claims are ignored, null deletes.
func mergeClaims(into, claims map[string]any) map[string]any {
	if len(claims) == 0 {
		return into
	}
	if into == nil {
		into = map[string]any{}
	}
	for k, v := range claims {
		switch k {
		case "iss", "sub", "aud", "exp", "nbf", "iat", "jti", sessionClaim, organizationClaim:
			continue
		}
		if v == nil {
			delete(into, k)
		} else {
			into[k] = v
		}
	}
	return into
}

// addFactor records a factor on a session, replacing an older one of the same kind.
func addFactor(factors []stytchclient.AuthenticationFactor, f stytchclient.AuthenticationFactor) []stytchclient.AuthenticationFactor {
	out := make([]stytchclient.AuthenticationFactor, 0, len(factors)+1)
	for _, old := range factors {
		if old.Type == f.Type && old.DeliveryMethod == f.DeliveryMethod {
			f.CreatedAt = old.CreatedAt
			continue
		}
		out = append(out, old)
	}
	return append(out, f)
}

// roles are the member's role ids, as a session carries them.
func (m *member) roleIDs() []string {
	out := make([]string, 0, len(m.m.Roles))
	for _, r := range m.m.Roles {
		out = append(out, r.RoleID)
	}
	return out
}

func (e *Emulator) sessionWire(s *session) stytchclient.MemberSession {
	o := e.st.orgByID(s.orgID)
	var roles []string
	if m := e.st.member(s.orgID, s.memberID); m != nil {
		roles = m.roleIDs()
	}
	ms := stytchclient.MemberSession{
		MemberSessionID:       s.id,
		MemberID:              s.memberID,
		StartedAt:             ts(s.started),
		LastAccessedAt:        ts(s.lastAccessed),
		ExpiresAt:             ts(s.expires),
		AuthenticationFactors: append([]stytchclient.AuthenticationFactor{}, s.factors...),
		OrganizationID:        s.orgID,
		Roles:                 cloneStrings(roles),
		CustomClaims:          object(s.customClaims),
	}
	if o != nil {
		ms.OrganizationSlug = o.OrganizationSlug
	}
	return ms
}

// signJWT mints a 5-minute session JWT stamped with the emulator clock.
func (e *Emulator) signJWT(s *session) string {
	now := e.Now()
	ms := e.sessionWire(s)
	claims := jwt.MapClaims{}
	for k, v := range s.customClaims {
		claims[k] = v
	}
	claims["iss"] = "stytch.com/" + e.projectID
	claims["aud"] = []string{e.projectID}
	claims["sub"] = s.memberID
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix()
	claims["exp"] = now.Add(jwtLifetime).Unix()
	claims[sessionClaim] = map[string]any{
		"id":                     s.id,
		"started_at":             ms.StartedAt,
		"last_accessed_at":       ms.LastAccessedAt,
		"expires_at":             ms.ExpiresAt,
		"attributes":             map[string]string{"ip_address": s.ip, "user_agent": s.userAgent},
		"authentication_factors": ms.AuthenticationFactors,
		"roles":                  ms.Roles,
	}
	claims[organizationClaim] = map[string]string{"organization_id": s.orgID, "slug": ms.OrganizationSlug}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = e.jwk.Kid
	signed, err := tok.SignedString(e.key)
	if err != nil {
		return "" // cannot happen with a valid RSA key
	}
	return signed
}

// sessionFromJWT checks the signature only: an expired JWT still names its
// session, which is what decides (stytch-api.md 4.11).
func (e *Emulator) sessionFromJWT(raw string) *session {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &e.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		return nil
	}
	sc, _ := claims[sessionClaim].(map[string]any)
	id, _ := sc["id"].(string)
	return e.st.sessionID[id]
}

// liveSession finds a live session by token or JWT (exactly one non-empty), or 404.
func (e *Emulator) liveSession(token, rawJWT string) (*session, *apiError) {
	var s *session
	if token != "" {
		s = e.st.sessions[token]
	} else {
		s = e.sessionFromJWT(rawJWT)
	}
	if s == nil || !s.live(e.Now()) {
		return nil, errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	return s, nil
}

// countSessionArgs enforces "exactly one" over the given values.
func countSessionArgs(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}

func tooManySessionArgs() *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments, "Pass only one of intermediate_session_token, session_token or session_jwt.")
}

// authenticateSessionBody adds to the client's request what the emulator
// also honours: custom claims and an authorization check.
type authenticateSessionBody struct {
	stytchclient.AuthenticateSessionRequest
	SessionCustomClaims map[string]any      `json:"session_custom_claims"`
	AuthorizationCheck  *authorizationCheck `json:"authorization_check"`
}

// authorizationCheck is api_b2b_session_v1_AuthorizationCheck.
type authorizationCheck struct {
	OrganizationID string `json:"organization_id"`
	ResourceID     string `json:"resource_id"`
	Action         string `json:"action"`
}

// verdict answers an authorization check for the member of session s:
// another organization is a tenancy error, a role that does not grant the
// action an authorization error (both 403).
func verdict(c *authorizationCheck, s *session, m *member) (*stytchclient.Verdict, *apiError) {
	if err := requireFields("authorization_check.organization_id", c.OrganizationID, "authorization_check.resource_id", c.ResourceID, "authorization_check.action", c.Action); err != nil {
		return nil, err
	}
	if c.OrganizationID != s.orgID {
		return nil, errf(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy, "The Member Session does not belong to the Organization of the authorization check.")
	}
	roles := grantingRoles(m, c.ResourceID, c.Action)
	if len(roles) == 0 {
		return nil, errf(http.StatusForbidden, stytchclient.ErrSessionAuthorization, "The Member is not authorized to perform the requested action on that resource.")
	}
	return &stytchclient.Verdict{Authorized: true, GrantingRoles: roles}, nil
}

func (e *Emulator) authenticateSession(r *http.Request, req *authenticateSessionBody) (any, *apiError) {
	switch countSessionArgs(req.SessionToken, req.SessionJWT) {
	case 0:
		return nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionArguments, "Pass session_token or session_jwt.")
	case 2:
		return nil, tooManySessionArgs()
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	s, err := e.liveSession(req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	m := e.st.member(s.orgID, s.memberID)
	o := e.st.orgByID(s.orgID)
	if m == nil || o == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	var v *stytchclient.Verdict
	if c := req.AuthorizationCheck; c != nil {
		if v, err = verdict(c, s, m); err != nil {
			return nil, err
		}
	}
	now := e.Now()
	s.lastAccessed = now
	if req.SessionDurationMinutes > 0 {
		s.expires = now.Add(time.Duration(req.SessionDurationMinutes) * time.Minute)
		s.customClaims = mergeClaims(s.customClaims, req.SessionCustomClaims) // claims change only with the duration
	}
	return stytchclient.AuthenticateSessionResponse{
		Response:      ok(),
		MemberSession: e.sessionWire(s),
		SessionToken:  s.token,
		SessionJWT:    e.signJWT(s),
		Member:        m.wire(now),
		Organization:  orgWire(o),
		Verdict:       v,
	}, nil
}

func (e *Emulator) revokeSession(r *http.Request, req *stytchclient.RevokeSessionRequest) (any, *apiError) {
	switch countSessionArgs(req.MemberSessionID, req.SessionToken, req.SessionJWT, req.MemberID) {
	case 0:
		return nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionRevokeArguments, "Pass one of member_session_id, session_token, session_jwt or member_id.")
	case 1:
	default:
		return nil, errf(http.StatusBadRequest, stytchclient.ErrTooManySessionRevokeArguments, "Pass only one of member_session_id, session_token, session_jwt or member_id.")
	}
	if req.MemberID != "" {
		m := e.memberAnyOrg(req.MemberID)
		if m == nil {
			return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
		}
		if err := e.authorize(r, m.m.OrganizationID, m.m.MemberID, actRevokeSessions); err != nil {
			return nil, err
		}
		for _, s := range e.st.sessions {
			if s.memberID == m.m.MemberID {
				s.revoked = true
			}
		}
		return ok(), nil
	}
	var s *session
	switch {
	case req.MemberSessionID != "":
		if s = e.st.sessionID[req.MemberSessionID]; s != nil && !s.live(e.Now()) {
			s = nil
		}
	default:
		s, _ = e.liveSession(req.SessionToken, req.SessionJWT)
	}
	if s == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	if err := e.authorize(r, s.orgID, s.memberID, actRevokeSessions); err != nil {
		return nil, err
	}
	s.revoked = true
	return ok(), nil
}

// memberAnyOrg finds a live member by id across organizations (revoke has no org).
func (e *Emulator) memberAnyOrg(id string) *member {
	for _, m := range e.st.members {
		if m.m.MemberID == id && m.m.Status != "deleted" {
			return m
		}
	}
	return nil
}
