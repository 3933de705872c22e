// Package handlers is the mfaportal web application as one http.Handler:
// every route in routes.go, one file per feature, and one place that turns
// errors into pages (errors.go).
//
// # Embedding
//
// New returns the whole product; it works mounted under any prefix
// (Options.BasePath), so a Go site that already uses Stytch can serve it as
// its own "security settings" route. Mount it on the full path, without
// http.StripPrefix: every link, redirect, form action, static URL and
// cookie path already carries BasePath.
//
//	h, err := handlers.New(handlers.Options{
//		Stytch:          client, // *stytchclient.Client
//		Verifier:        stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{}),
//		SessionKeys:     keys, // session.ParseKeys(os.Getenv("SESSION_KEYS"))
//		SecureCookies:   true,
//		PublicURL:       "https://portal.example.com",
//		BasePath:        "/settings/security",
//		ReturnToOrigins: []string{"https://portal.example.com"},
//		HostSession: &handlers.HostSession{
//			Session:  handlers.StytchSDKCookies, // stytch_session, stytch_session_jwt
//			LoginURL: "/login",
//		},
//	})
//	if err != nil {
//		return err
//	}
//	mux.Handle("/settings/security/", h) // net/http
//	// echo: e.Any("/settings/security/*", echo.WrapHandler(h))
//	// chi:  r.Mount("/settings/security", h)
//
// With HostSession, visitors without a session go to the host's LoginURL
// with return_to set to the page they asked for, and mfaportal offers no
// login or logout of its own. Options.Layout puts the host's header and
// navigation around mfaportal's content (views.Embedded).
//
// # Languages
//
// Pages are in English, Spanish, French, Brazilian Portuguese, German or
// Arabic (right to left): the member's choice from the switcher in the
// header (kept in the mfaportal_lang cookie), else the browser's
// Accept-Language, else English. Texted codes and login e-mails ask Stytch
// for the same language where Stytch has it (en, es, fr, pt-br; English
// otherwise). A host whose pages are in one language sets
// Options.Language, which fixes it for every page and hides the switcher;
// views.Embedded carries lang and dir, so the host's <html> may differ.
package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/identity/stytch"
	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/internal/metrics"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/store"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/views"
)

// Stytch is the part of the Stytch B2B API the application calls;
// *stytchclient.Client satisfies it. Options.Stytch is the short way to
// run on Stytch: New puts it behind identity/stytch.
type Stytch = stytch.API

// SessionVerifier checks a session JWT locally; *stytchclient.JWTVerifier
// satisfies it.
type SessionVerifier interface {
	Verify(ctx context.Context, token string) (*stytchclient.SessionClaims, error)
}

// Options configures the application.
type Options struct {
	// Backend is where members and their factors live. With Stytch set
	// instead, it is Stytch (identity/stytch).
	Backend identity.Backend
	Stytch  Stytch
	// Verifier checks the session JWTs a host site hands in
	// (HostSession); required with Stytch.
	Verifier SessionVerifier
	Logger   *slog.Logger // slog.Default() when nil
	// Audit records every MFA change, members' own and admins' resets, at
	// any log level (logging.NewAudit). When nil, the lines go to Logger's
	// handler with its level set aside (logging.Audit), so a host that
	// logs warnings only still keeps them.
	Audit *slog.Logger

	// PublicURL is the app's public origin, such as https://mfa.example.com;
	// magic links lead back to PublicURL + BasePath + "/authenticate".
	PublicURL string
	// BasePath is where the app is mounted: "" or "/" for the root, or a
	// prefix such as "/settings/security".
	BasePath string
	// Organization is the organization id or slug members log in to; when
	// empty, the login page asks for the organization.
	Organization string

	SessionKeys    []session.KeyPair // required; the first pair signs
	SecureCookies  bool
	SMSPolicy      phone.Policy // which countries may receive codes
	DefaultRegion  string       // country preselected in the picker; "" → from the browser's language
	FrameAncestors []string     // origins allowed to frame the app; none by default
	ResendCooldown time.Duration
	// Now is the clock for cooldowns and code expiry; time.Now when nil.
	// Tests on the emulator pass its clock.
	Now func() time.Time

	Dev *DevMode // set when running on the built-in emulator

	// Store keeps the server-side state: abuse limits and one-time flow
	// records. Replicas must share one (store.NewRedis); nil keeps it in
	// this process's memory.
	Store store.Store
	// Limits are the abuse limits; zero fields take DefaultLimits'.
	Limits Limits
	// TrustedProxies are the proxies (CIDR ranges) whose X-Forwarded-For
	// names the client; without them the client is the connection's peer.
	TrustedProxies []string

	// HostSession, when set, takes the member's Stytch session from the
	// site mfaportal is mounted in, instead of mfaportal's login pages.
	// PublicURL is then required.
	HostSession *HostSession
	// ReturnToOrigins are the origins (https://portal.example.com) that
	// ?return_to= may lead back to after an enrollment, besides
	// PublicURL's own; anything else is ignored, so it is no open redirect.
	ReturnToOrigins []string
	// HostName names the host site in "Back to …" links; default: the
	// return_to URL's host.
	HostName string
	// Layout, when set, renders full pages: the host's document (its
	// <head>, header and navigation) with body, views.Embedded, in it.
	// Pages under the mount keep mfaportal's Content-Security-Policy, so
	// the layout may load scripts and styles from its own origin only,
	// none inline.
	Layout func(page views.Page, body templ.Component) templ.Component

	// Metrics, when set, records every request's route, status and latency.
	Metrics *metrics.Registry

	// Language, when set, fixes the language of every page ("en", "es",
	// "fr", "pt-BR", "de" or "ar") and hides the language switcher, for a
	// host whose own pages are in one language. Empty: each member's
	// choice from the switcher (a cookie), else their browser's
	// Accept-Language, else English.
	Language string
}

// DevMode describes the built-in emulator to the pages, so a newcomer can
// log in without reading anything else.
type DevMode struct {
	OutboxURL string
	Accounts  []DemoAccount
}

// DemoAccount is one seeded member the login page offers in dev mode.
type DemoAccount struct {
	Organization     string // slug
	OrganizationName string
	Email            string
	Name             string
	Phone            string // "" when the member has no MFA phone
	Admin            bool
}

// app holds what every handler needs.
type app struct {
	idp       identity.Backend
	features  identity.Features
	mail      identity.EmailLogin    // nil when the backend has no e-mailed login
	redir     identity.RedirectLogin // set when members log in on the backend's own pages
	apps      identity.Apps          // nil when the backend has no authenticator apps
	verifier  SessionVerifier
	log       *slog.Logger
	auditLog  *slog.Logger
	sessions  *session.Store
	publicURL string
	base      string // "" or "/prefix"
	org       string
	policy    phone.Policy
	region    string
	cooldown  time.Duration
	now       func() time.Time
	dev       *DevMode
	static    *staticFiles
	store     store.Store
	limits    Limits
	proxies   []*net.IPNet
	echo      *echo.Echo // for error pages rendered outside the router (refuse)
	metrics   *metrics.Registry

	host          *HostSession
	returnOrigins []string // ReturnToOrigins, normalised, plus PublicURL's origin
	hostName      string
	layout        func(views.Page, templ.Component) templ.Component

	language      *locale.Localizer // Options.Language; nil: each request's own
	secureCookies bool
	sameSite      http.SameSite
}

// codeLifetime is how long Stytch accepts an SMS code.
const codeLifetime = 2 * time.Minute

// sessionTrust is how long a session Stytch confirmed is shown without
// asking Stytch again: a session JWT's lifetime, the window Stytch itself
// gives local checks.
const sessionTrust = 5 * time.Minute

// New builds the application.
func New(opts Options) (http.Handler, error) {
	a, err := newApp(opts)
	if err != nil {
		return nil, err
	}
	return a.handler(opts)
}

// newApp checks the options and turns them into the app's fields.
func newApp(opts Options) (*app, error) {
	if opts.Backend == nil && opts.Stytch != nil {
		if opts.Verifier == nil {
			return nil, errors.New("handlers: Options.Verifier is required with Options.Stytch")
		}
		opts.Backend = stytch.New(opts.Stytch)
	}
	if opts.Backend == nil {
		return nil, errors.New("handlers: Options.Backend (or Options.Stytch) is required")
	}
	base := strings.TrimRight(opts.BasePath, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		return nil, fmt.Errorf("handlers: BasePath %q must start with /", opts.BasePath)
	}
	a := &app{
		idp:       opts.Backend,
		features:  opts.Backend.Features(),
		verifier:  opts.Verifier,
		log:       cmp.Or(opts.Logger, slog.Default()),
		publicURL: strings.TrimRight(opts.PublicURL, "/"),
		base:      base,
		org:       opts.Organization,
		policy:    opts.SMSPolicy,
		region:    opts.DefaultRegion,
		cooldown:  cmp.Or(max(opts.ResendCooldown, 0), 30*time.Second),
		now:       opts.Now,
		dev:       opts.Dev,
		host:      opts.HostSession,
		hostName:  opts.HostName,
		layout:    opts.Layout,
		metrics:   opts.Metrics,

		secureCookies: opts.SecureCookies,
		sameSite:      sameSiteFor(opts.FrameAncestors),
	}
	if opts.Language != "" {
		l, ok := locale.Lookup(opts.Language)
		if !ok {
			return nil, fmt.Errorf("handlers: Language %q is not one of en, es, fr, pt-BR, de, ar", opts.Language)
		}
		a.language = l
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.features.EmailLogin {
		a.mail, _ = opts.Backend.(identity.EmailLogin)
	} else {
		a.redir, _ = opts.Backend.(identity.RedirectLogin)
	}
	if a.mail == nil && a.redir == nil && opts.HostSession == nil {
		return nil, fmt.Errorf("handlers: %s offers no way to log in (identity.EmailLogin or identity.RedirectLogin)", opts.Backend.Name())
	}
	if a.features.Apps {
		a.apps, _ = opts.Backend.(identity.Apps)
	}
	if len(opts.SessionKeys) == 0 {
		return nil, errors.New("handlers: Options.SessionKeys is required (session.RandomKeys for a throwaway set)")
	}
	var err error
	a.sessions, err = session.NewStore(session.Config{
		Name:     a.cookieName(opts.SecureCookies),
		Keys:     opts.SessionKeys,
		Path:     a.cookiePath(),
		Secure:   opts.SecureCookies,
		SameSite: sameSiteFor(opts.FrameAncestors),
	})
	if err != nil {
		return nil, err
	}
	if err := a.embedOptions(opts); err != nil {
		return nil, err
	}
	a.setLoggers(opts.Audit)
	a.limits = opts.Limits.withDefaults()
	if a.proxies, err = parseCIDRs(opts.TrustedProxies); err != nil {
		return nil, err
	}
	a.store = opts.Store
	if a.store == nil {
		a.store = store.NewMemory(a.now)
	}
	if a.static, err = newStaticFiles(a.base + "/static/"); err != nil {
		return nil, err
	}
	return a, nil
}

// setLoggers makes sure that whatever loggers the host hands in, secrets
// and whole phone numbers never reach their output (masked once, if they
// already redact), and that audit lines are never silenced.
func (a *app) setLoggers(audit *slog.Logger) {
	a.log = slog.New(logging.Redacting(a.log.Handler()))
	if audit != nil {
		a.auditLog = slog.New(logging.Redacting(audit.Handler()))
	} else {
		a.auditLog = logging.Audit(a.log.Handler())
	}
}

func parseCIDRs(cidrs []string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, cidr := range cidrs {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("handlers: TrustedProxies: %q is not a CIDR range such as 10.0.0.0/8", cidr)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

// cookieName is __Host-mfaportal where browsers allow it (HTTPS, the
// whole site): no other subdomain of the domain can set or shadow it.
// Mounted under a prefix the cookie is scoped to that path instead, which
// __Host- forbids; the session-bound CSRF token still holds there.
func (a *app) cookieName(secure bool) string {
	if secure && a.base == "" {
		return "__Host-mfaportal"
	}
	return "mfaportal"
}

// cookiePath scopes our cookies to the mount point.
func (a *app) cookiePath() string { return cmp.Or(a.base, "/") }

// sameSiteFor keeps cookies Lax unless the app is meant to be framed by
// another site, where a Lax cookie would never reach it.
func sameSiteFor(frameAncestors []string) http.SameSite {
	if len(frameAncestors) > 0 {
		return http.SameSiteNoneMode
	}
	return http.SameSiteLaxMode
}

// observe records each request under its route pattern (never the raw
// path, which can carry member ids). Errors are rendered by the innermost
// middleware, so the status seen here is the one sent.
func observe(m *metrics.Registry) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			m.ObserveRequest(route, c.Request().Method, c.Response().Status, time.Since(start))
			return err
		}
	}
}
