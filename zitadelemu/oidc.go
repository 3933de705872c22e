package zitadelemu

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// ZITADEL's OIDC endpoint paths (OIDC.CustomEndpoints in cmd/defaults.yaml).
const (
	AuthorizePath  = "/oauth/v2/authorize"
	TokenPath      = "/oauth/v2/token"
	KeysPath       = "/oauth/v2/keys"
	UserinfoPath   = "/oidc/v1/userinfo"
	EndSessionPath = "/oidc/v1/end_session"
	introspectPath = "/oauth/v2/introspect"
	revokePath     = "/oauth/v2/revoke"
	// LoginPath is the emulator's login page, where the authorize step
	// lands; ZITADEL's own login UI lives under /ui/login too.
	LoginPath = "/ui/login/login"
	// LoggedOutPath is where end_session goes without a
	// post_logout_redirect_uri.
	LoggedOutPath = "/ui/login/logout/done"
)

// DefaultClientID is the demo OIDC application's client id.
const DefaultClientID = "mfaportal"

// signingKey is one RSA key for every emulator in the process: generating
// one per emulator would make each test pay for it.
var signingKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// newProvider builds the OpenID provider on ZITADEL's paths. Its issuer is
// Options.Issuer, or else the origin each request was sent to.
func (e *Emulator) newProvider(opts Options) (*op.Provider, error) {
	key, err := signingKey()
	if err != nil {
		return nil, err
	}
	e.opKey = key
	var crypto [32]byte
	if _, err := rand.Read(crypto[:]); err != nil {
		return nil, err
	}
	cfg := &op.Config{
		CryptoKey:                crypto,
		DefaultLogoutRedirectURI: LoggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.English},
	}
	issuer := op.IssuerFromHost("")
	if opts.Issuer != "" {
		issuer = op.StaticIssuer(strings.TrimRight(opts.Issuer, "/"))
	}
	return op.NewProvider(cfg, &opStorage{e}, issuer,
		op.WithAllowInsecure(),
		op.WithCustomEndpoints(op.NewEndpoint(AuthorizePath), op.NewEndpoint(TokenPath), op.NewEndpoint(UserinfoPath),
			op.NewEndpoint(revokePath), op.NewEndpoint(EndSessionPath), op.NewEndpoint(KeysPath)),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint(introspectPath)),
	)
}

// isOIDCPath reports whether the provider serves path.
func isOIDCPath(path string) bool {
	return path == "/.well-known/openid-configuration" || strings.HasPrefix(path, "/oauth/v2/") || strings.HasPrefix(path, "/oidc/v1/")
}

// oidcClient is the demo application: a user-agent app using PKCE, or
// client_secret_basic/post when Options.ClientSecret is set.
type oidcClient struct {
	id, secret                 string
	redirects, postLogout      []string
	redirectGlobs, logoutGlobs []string
}

func newOIDCClient(opts Options) *oidcClient {
	c := &oidcClient{id: opts.ClientID, secret: opts.ClientSecret, redirects: opts.RedirectURIs, postLogout: opts.PostLogoutRedirectURIs}
	if c.id == "" {
		c.id = DefaultClientID
	}
	if c.redirects == nil {
		c.redirectGlobs = loopbackGlobs("**")
	}
	if c.postLogout == nil {
		c.logoutGlobs = loopbackGlobs("*", "*/*", "*/*/*", "*/*/*/*")
	}
	return c
}

// loopbackGlobs allows any port and the given paths on every loopback host.
func loopbackGlobs(paths ...string) []string {
	var out []string
	for _, host := range []string{"127.0.0.1", "localhost", "[::1]"} {
		for _, p := range paths {
			out = append(out, "http://"+host+":*/"+p)
		}
	}
	return out
}

var _ op.HasRedirectGlobs = (*oidcClient)(nil)

func (c *oidcClient) GetID() string                        { return c.id }
func (c *oidcClient) RedirectURIs() []string               { return c.redirects }
func (c *oidcClient) PostLogoutRedirectURIs() []string     { return c.postLogout }
func (c *oidcClient) RedirectURIGlobs() []string           { return c.redirectGlobs }
func (c *oidcClient) PostLogoutRedirectURIGlobs() []string { return c.logoutGlobs }
func (c *oidcClient) ApplicationType() op.ApplicationType  { return op.ApplicationTypeUserAgent }
func (c *oidcClient) LoginURL(id string) string            { return LoginPath + "?authRequestID=" + id }
func (c *oidcClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *oidcClient) IDTokenLifetime() time.Duration       { return time.Hour }
func (c *oidcClient) DevMode() bool                        { return true } // http redirect URIs, as ZITADEL's dev mode
func (c *oidcClient) ClockSkew() time.Duration             { return 0 }
func (c *oidcClient) IDTokenUserinfoClaimsAssertion() bool { return false }

func (c *oidcClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *oidcClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed keeps ZITADEL's reserved scopes in the request.
func (c *oidcClient) IsScopeAllowed(scope string) bool {
	return strings.HasPrefix(scope, "urn:zitadel:iam:")
}

func (c *oidcClient) AuthMethod() oidc.AuthMethod {
	if c.secret == "" {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c *oidcClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *oidcClient) GrantTypes() []oidc.GrantType { return []oidc.GrantType{oidc.GrantTypeCode} }

// Key material for op's key set.
type rsaSigningKey struct{ key *rsa.PrivateKey }

func (k rsaSigningKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k rsaSigningKey) Key() any                                    { return k.key }
func (k rsaSigningKey) ID() string                                  { return signingKeyID }

type rsaPublicKey struct{ key *rsa.PublicKey }

func (k rsaPublicKey) ID() string                         { return signingKeyID }
func (k rsaPublicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k rsaPublicKey) Use() string                        { return "sig" }
func (k rsaPublicKey) Key() any                           { return k.key }

const signingKeyID = "zitadelemu-1"

// errNotSupported answers the grants and features the emulator leaves out.
func errNotSupported(what string) error { return fmt.Errorf("zitadelemu: %s is not supported", what) }
