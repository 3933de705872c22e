package zitadelemu

import (
	"context"
	"errors"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// authRequest is one authorization request, from /oauth/v2/authorize until
// its code is redeemed.
type authRequest struct {
	id, clientID, redirectURI, state, nonce string
	scopes                                  []string
	responseType                            oidc.ResponseType
	responseMode                            oidc.ResponseMode
	challenge                               *oidc.CodeChallenge
	subject, code                           string
	authTime                                time.Time
	done                                    bool
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string                 { return []string{a.clientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

// opStorage is op.Storage over the emulator's state; every method takes e.mu.
type opStorage struct{ e *Emulator }

var _ op.Storage = (*opStorage)(nil)

var errUnknown = errors.New("zitadelemu: not found")

func (s *opStorage) lock() func() {
	s.e.mu.Lock()
	return s.e.mu.Unlock
}

func (s *opStorage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	defer s.lock()()
	a := &authRequest{
		id: newOpaqueToken(), clientID: r.ClientID, redirectURI: r.RedirectURI, state: r.State, nonce: r.Nonce,
		scopes: r.Scopes, responseType: r.ResponseType, responseMode: r.ResponseMode,
	}
	if r.CodeChallenge != "" {
		a.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.e.authRequests[a.id] = a
	return a, nil
}

func (s *opStorage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	defer s.lock()()
	if a := s.e.authRequests[id]; a != nil {
		return a, nil
	}
	return nil, errUnknown
}

func (s *opStorage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	defer s.lock()()
	for _, a := range s.e.authRequests {
		if a.code != "" && a.code == code {
			return a, nil
		}
	}
	return nil, errUnknown
}

func (s *opStorage) SaveAuthCode(_ context.Context, id, code string) error {
	defer s.lock()()
	a := s.e.authRequests[id]
	if a == nil {
		return errUnknown
	}
	a.code = code
	return nil
}

func (s *opStorage) DeleteAuthRequest(_ context.Context, id string) error {
	defer s.lock()()
	delete(s.e.authRequests, id)
	return nil
}

// CreateAccessToken stores an access token; op hands the browser its id
// and subject encrypted, which lookupToken decrypts. The API accepts it only
// when the API audience scope was asked for.
func (s *opStorage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	defer s.lock()()
	id := newOpaqueToken()
	exp := s.e.Now().Add(AccessTokenLifetime)
	clientID := ""
	if a, ok := r.(*authRequest); ok {
		clientID = a.clientID
	}
	s.e.tokens[id] = &accessToken{
		userID: r.GetSubject(), apiAudience: slices.Contains(r.GetScopes(), APIAudienceScope),
		expires: exp, scopes: r.GetScopes(), clientID: clientID, viaOIDC: true,
	}
	return id, exp, nil
}

func (s *opStorage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errNotSupported("offline_access (refresh tokens)")
}

func (s *opStorage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *opStorage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// TerminateSession ends the user's login at the application: its access
// tokens stop working, as ZITADEL ends the session behind them.
func (s *opStorage) TerminateSession(_ context.Context, userID, clientID string) error {
	defer s.lock()()
	for k, t := range s.e.tokens {
		if t.viaOIDC && t.userID == userID && t.clientID == clientID {
			delete(s.e.tokens, k)
		}
	}
	return nil
}

func (s *opStorage) RevokeToken(_ context.Context, tokenID, userID, _ string) *oidc.Error {
	defer s.lock()()
	if t := s.e.tokens[tokenID]; t != nil && t.viaOIDC && t.userID == userID {
		delete(s.e.tokens, tokenID)
	}
	return nil
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) {
	return rsaSigningKey{s.e.opKey}, nil
}

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{rsaPublicKey{&s.e.opKey.PublicKey}}, nil
}

func (s *opStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != s.e.client.id {
		return nil, errUnknown
	}
	return s.e.client, nil
}

func (s *opStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.e.client.id || secret != s.e.client.secret {
		return errors.New("zitadelemu: wrong client id or secret")
	}
	return nil
}

func (s *opStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil // deprecated in op; SetUserinfoFromRequest does the work
}

func (s *opStorage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, r op.IDTokenRequest, scopes []string) error {
	defer s.lock()()
	return s.e.fillUserinfo(info, r.GetSubject(), scopes)
}

func (s *opStorage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	defer s.lock()()
	t := s.e.tokens[tokenID]
	if t == nil || !t.viaOIDC || t.userID != subject || !s.e.Now().Before(t.expires) {
		return errors.New("zitadelemu: token is not valid")
	}
	return s.e.fillUserinfo(info, subject, t.scopes)
}

func (s *opStorage) SetIntrospectionFromToken(_ context.Context, r *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	defer s.lock()()
	t := s.e.tokens[tokenID]
	if t == nil || !s.e.Now().Before(t.expires) {
		return errors.New("zitadelemu: token is not valid")
	}
	r.Active, r.Subject, r.ClientID, r.Scope = true, subject, clientID, t.scopes
	return nil
}

func (s *opStorage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *opStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotSupported("JWT profile")
}

func (s *opStorage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}

func (s *opStorage) Health(context.Context) error { return nil }

// ZITADEL's resource-owner claims (scope urn:zitadel:iam:user:resourceowner).
const (
	ResourceOwnerScope     = "urn:zitadel:iam:user:resourceowner"
	ClaimResourceOwnerID   = "urn:zitadel:iam:user:resourceowner:id"
	ClaimResourceOwnerName = "urn:zitadel:iam:user:resourceowner:name"
	ClaimResourceOwnerDom  = "urn:zitadel:iam:user:resourceowner:primary_domain"
)

// fillUserinfo sets the claims the scopes ask for; the caller holds e.mu.
func (e *Emulator) fillUserinfo(info *oidc.UserInfo, userID string, scopes []string) error {
	u := e.st.user(userID)
	if u == nil {
		return errUnknown
	}
	o := e.st.org(u.OrgID)
	info.Subject = u.ID
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeProfile:
			info.Name, info.GivenName, info.FamilyName = u.DisplayName, u.GivenName, u.FamilyName
			info.PreferredUsername, info.Locale = u.loginName(o), oidc.NewLocale(language.English)
			info.UpdatedAt = oidc.FromTime(u.changeDate)
		case oidc.ScopeEmail:
			info.Email, info.EmailVerified = u.Email, true
		case oidc.ScopePhone:
			if u.Phone != "" {
				info.PhoneNumber, info.PhoneNumberVerified = u.Phone, oidc.Bool(u.PhoneVerified)
			}
		case ResourceOwnerScope:
			info.AppendClaims(ClaimResourceOwnerID, o.ID)
			info.AppendClaims(ClaimResourceOwnerName, o.Name)
			info.AppendClaims(ClaimResourceOwnerDom, o.Domain)
		}
	}
	return nil
}
