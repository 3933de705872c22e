package zitadelclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
)

// OIDC scopes ZITADEL defines.
const (
	// ScopeZitadelAPI puts ZITADEL's API into the access token's audience;
	// without it every API call answers ErrTokenInvalid.
	ScopeZitadelAPI = "urn:zitadel:iam:org:project:id:zitadel:aud"
	// ScopeResourceOwner adds the user's organization to userinfo.
	ScopeResourceOwner = "urn:zitadel:iam:user:resourceowner"
	// ClaimResourceOwnerID is the organization id claim that scope adds.
	ClaimResourceOwnerID = "urn:zitadel:iam:user:resourceowner:id"
	// ClaimResourceOwnerName is the organization's name in userinfo.
	ClaimResourceOwnerName = "urn:zitadel:iam:user:resourceowner:name"
)

// DefaultScopes are what mfaportal asks for at login.
var DefaultScopes = []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopePhone, ScopeZitadelAPI, ScopeResourceOwner}

// LoginConfig configures a Login.
type LoginConfig struct {
	Issuer       string // the instance origin, e.g. https://auth.example.com
	ClientID     string
	ClientSecret string // "" for a PKCE-only (public) application
	RedirectURI  string // the app's callback, registered in ZITADEL
	// PostLogoutRedirectURI is where end_session sends the browser; it must
	// be registered too. "" lets ZITADEL show its own page.
	PostLogoutRedirectURI string
	Scopes                []string     // nil means DefaultScopes
	HTTPClient            *http.Client // for discovery, token and userinfo calls
	// Observe, when set, is told about every call to the OIDC endpoints,
	// as Config.Observe is about API calls: "oidc.token", "oidc.userinfo",
	// "oidc.discovery", "oidc.keys" (or "oidc.other"), the HTTP status (0
	// and IDUnreachable when ZITADEL was not reached, else no error id:
	// OAuth errors have none) and how long until the answer's headers.
	Observe func(endpoint string, status int, errorID string, d time.Duration)
}

// Login signs users in with authorization code + PKCE (S256), using
// zitadel/oidc's relying party.
//
// rp can keep the PKCE verifier and state in its own cookies
// (rp.WithPKCE(cookieHandler)); mfaportal already keeps its login state in
// one encrypted session cookie, so Login takes the verifier and state as
// arguments instead: one cookie, one key to rotate, and tests that need
// no browser for the app's half.
type Login struct {
	rp  rp.RelyingParty
	cfg LoginConfig
}

// NewLogin reads the issuer's discovery document and builds a Login.
func NewLogin(ctx context.Context, cfg LoginConfig) (*Login, error) {
	if cfg.Scopes == nil {
		cfg.Scopes = DefaultScopes
	}
	opts := []rp.Option{}
	hc := cfg.HTTPClient
	if cfg.Observe != nil {
		c := http.Client{Timeout: DefaultTimeout}
		if hc != nil {
			c = *hc
		}
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = observed{next: next, observe: cfg.Observe}
		hc = &c
	}
	if hc != nil {
		opts = append(opts, rp.WithHTTPClient(hc))
	}
	if cfg.ClientSecret == "" {
		// A public (PKCE) application names itself in the form (RFC 6749
		// 2.3, 3.2.1); oauth2's auto-detection would try a Basic header
		// first and ask ZITADEL twice about every code it refuses.
		opts = append(opts, rp.WithAuthStyle(oauth2.AuthStyleInParams))
	}
	party, err := rp.NewRelyingPartyOIDC(ctx, strings.TrimRight(cfg.Issuer, "/"), cfg.ClientID, cfg.ClientSecret, cfg.RedirectURI, cfg.Scopes, opts...)
	if err != nil {
		return nil, fmt.Errorf("zitadelclient: OIDC discovery at %s: %w", cfg.Issuer, err)
	}
	return &Login{rp: party, cfg: cfg}, nil
}

// observed times the relying party's calls for LoginConfig.Observe.
type observed struct {
	next    http.RoundTripper
	observe func(endpoint string, status int, errorID string, d time.Duration)
}

func (o observed) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := o.next.RoundTrip(r)
	status, id := 0, IDUnreachable
	if err == nil {
		status, id = resp.StatusCode, ""
	}
	o.observe(oidcEndpoint(r.URL.Path), status, id, time.Since(start))
	return resp, err
}

// oidcEndpoint names a path of ZITADEL's OIDC endpoints, a bounded label.
func oidcEndpoint(path string) string {
	switch path {
	case "/oauth/v2/token":
		return "oidc.token"
	case "/oidc/v1/userinfo":
		return "oidc.userinfo"
	case "/.well-known/openid-configuration":
		return "oidc.discovery"
	case "/oauth/v2/keys":
		return "oidc.keys"
	}
	return "oidc.other"
}

// AuthURL is where /login sends the browser: the authorize endpoint with
// the state and the verifier's S256 challenge.
func (l *Login) AuthURL(state, verifier string) string {
	return rp.AuthURL(state, l.rp, rp.WithCodeChallenge(oauth2.S256ChallengeFromVerifier(verifier)))
}

// Session is what a login yields.
type Session struct {
	AccessToken string
	IDToken     string // keep it for EndSessionURL's id_token_hint
	Expiry      time.Time
	UserID      string // the ID token's sub: the ZITADEL user id
	OrgID       string // from userinfo's resource-owner claim
	OrgName     string // likewise
	LoginName   string
	Email       string
	Claims      *oidc.IDTokenClaims
}

// Exchange redeems the callback's code with the verifier, checks the ID
// token, and reads userinfo for the organization (ZITADEL puts it there,
// not in the ID token, unless the app asks for userinfo in ID tokens).
func (l *Login) Exchange(ctx context.Context, code, verifier string) (*Session, error) {
	tokens, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, code, l.rp, rp.WithCodeVerifier(verifier))
	if err != nil {
		return nil, fmt.Errorf("zitadelclient: code exchange: %w", err)
	}
	s := &Session{AccessToken: tokens.AccessToken, IDToken: tokens.IDToken, Expiry: tokens.Expiry, Claims: tokens.IDTokenClaims}
	s.UserID = tokens.IDTokenClaims.GetSubject()
	info, err := rp.Userinfo[*oidc.UserInfo](ctx, tokens.AccessToken, tokens.TokenType, s.UserID, l.rp)
	if err != nil {
		return nil, fmt.Errorf("zitadelclient: userinfo: %w", err)
	}
	s.LoginName, s.Email = info.PreferredUsername, info.Email
	if id, ok := info.Claims[ClaimResourceOwnerID].(string); ok {
		s.OrgID = id
	}
	s.OrgName, _ = info.Claims[ClaimResourceOwnerName].(string)
	if s.OrgID == "" {
		return nil, errors.New("zitadelclient: userinfo has no organization; ask for the scope " + ScopeResourceOwner)
	}
	return s, nil
}

// EndSessionURL is where logout sends the browser: ZITADEL's end_session
// endpoint, which ends the ZITADEL session and returns to the configured
// post-logout URI with state.
func (l *Login) EndSessionURL(idToken, state string) (string, error) {
	endpoint := l.rp.GetEndSessionEndpoint()
	if endpoint == "" {
		return "", errors.New("zitadelclient: the issuer names no end_session endpoint")
	}
	q := url.Values{"client_id": {l.cfg.ClientID}}
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	if l.cfg.PostLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", l.cfg.PostLogoutRedirectURI)
	}
	if state != "" {
		q.Set("state", state)
	}
	return endpoint + "?" + q.Encode(), nil
}

// OrgName is the name of the organization of the access token's user
// (userinfo's resource-owner claim), for the pages' header.
func (l *Login) OrgName(ctx context.Context, accessToken, userID string) (string, error) {
	info, err := rp.Userinfo[*oidc.UserInfo](ctx, accessToken, oidc.BearerToken, userID, l.rp)
	if err != nil {
		return "", fmt.Errorf("zitadelclient: userinfo: %w", err)
	}
	name, _ := info.Claims[ClaimResourceOwnerName].(string)
	return name, nil
}
