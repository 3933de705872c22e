package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/middleware"
)

// handler is the whole application: the HTTP middleware, outermost first,
// around the echo router.
func (a *app) handler(opts Options) (http.Handler, error) {
	csrf, err := middleware.CSRF(middleware.CSRFConfig{
		Secret:         csrfSecret,
		TrustedOrigins: a.publicOrigin(),
		Skip:           a.sessionless,
		Fail:           a.refuse,
	})
	if err != nil {
		return nil, err
	}
	stack := []func(http.Handler) http.Handler{
		middleware.RequestLog(a.log),   // a request id, one log line per request
		middleware.Compress,            // gzip (gzhttp) of pages and static files
		middleware.Recover(a.log, nil), // a panic becomes a clean 500; the stack stays in the log
		middleware.SecurityHeaders(middleware.HeadersConfig{ // CSP and friends; pages never cached
			FrameAncestors: opts.FrameAncestors,
			StaticPrefix:   a.base + "/static/",
			HSTS:           strings.HasPrefix(a.publicURL, "https://"),
			FormActions:    a.backendOrigins(),
		}),
		middleware.MaxBody(64 << 10), // a body past 64 KB is a 413
		a.chooseLanguage,             // the page's language, for every page and error below
		a.loadSession,                // the session cookie, decoded once
		csrf,                         // state-changing requests only from our own pages, with this session's token
	}
	var h http.Handler = a.router(opts)
	for i := len(stack) - 1; i >= 0; i-- {
		h = stack[i](h)
	}
	return h, nil
}

// sessionless reports whether r needs no session: static files and the
// health check, which never get a cookie (a static file fetched beside a
// first page must not mint a second session over the page's).
func (a *app) sessionless(r *http.Request) bool {
	return r.URL.Path == a.base+"/healthz" || r.URL.Path == a.base+"/favicon.ico" || strings.HasPrefix(r.URL.Path, a.base+"/static/")
}

// publicOrigin is PublicURL's origin, which may differ from the Host a
// proxy passes on.
func (a *app) publicOrigin() []string {
	if o, err := parseOrigin(a.publicURL); err == nil && a.publicURL != "" {
		return []string{o}
	}
	return nil
}

// router is the echo app: the error handler, request metrics, and every
// route.
func (a *app) router(opts Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.clientIP()
	if a.metrics != nil {
		e.Use(observe(a.metrics))
	}
	// Innermost: render a handler's error here, inside the middleware
	// above, so metrics record the status the person got.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	})
	a.routes(e.Group(a.base))
	if a.base != "" {
		// The mount point without its slash: /settings/security → /settings/security/.
		e.Match([]string{http.MethodGet, http.MethodHead}, a.base, func(c echo.Context) error {
			target := a.base + "/"
			if q := c.Request().URL.RawQuery; q != "" {
				target += "?" + q
			}
			return c.Redirect(http.StatusMovedPermanently, target)
		})
	}
	a.echo = e
	return e
}

// refuse answers a request the CSRF check turned away, with the same
// error pages as everything else.
func (a *app) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, middleware.ErrCSRF) {
		err = errCSRF
	}
	c := a.echo.NewContext(r, w)
	a.echo.Router().Find(r.Method, echo.GetPath(r), c) // the route, for the metrics
	answer := func(c echo.Context) error { a.handleError(err, c); return nil }
	if a.metrics != nil {
		answer = observe(a.metrics)(answer)
	}
	_ = answer(c)
}

// routes lists every route of the application, relative to the mount point.
func (a *app) routes(g *echo.Group) {
	g.GET("/healthz", a.healthz)
	g.GET("/static/*", a.serveStatic)
	// Browsers ask for it on every page; we have none, and say so without a 404.
	g.GET("/favicon.ico", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	g.HEAD("/static/*", a.serveStatic)
	if a.language == nil {
		g.POST("/language", a.setLanguage)
	}

	// Logging in: e-mail magic link, then the SMS code when MFA applies.
	// A host that hands the session in logs members in and out itself.
	// A backend with its own login pages (OpenID Connect) gets a redirect.
	switch {
	case a.host != nil:
		for _, p := range []string{"/login", "/login/sent", "/authenticate", "/login/phone", "/logout"} {
			g.Any(p, a.toHostLogin)
		}
	case a.redir != nil:
		g.GET("/login", a.redirectLogin)
		g.GET("/authenticate", a.finishRedirectLogin)
		g.POST("/logout", a.redirectLogout)
	default:
		g.GET("/login", a.loginForm)
		g.POST("/login", a.loginSend)
		g.GET("/login/sent", a.loginSent)
		g.GET("/authenticate", a.authenticate)
		g.GET("/login/phone", a.loginPhoneForm)
		g.POST("/login/phone", a.loginPhoneSend)
		g.POST("/logout", a.logout)
	}

	// The member's own security settings.
	g.GET("/", a.settings)
	g.GET("/enroll", a.enrollForm)
	g.POST("/enroll", a.enrollSend)
	g.POST("/enroll/turn-on", a.turnOnSend)
	g.GET("/replace", a.replaceConfirm)
	g.POST("/replace", a.replaceStart)
	g.GET("/unenroll", a.unenrollConfirm)
	g.POST("/unenroll", a.unenrollStart)
	g.GET("/phone/remove", a.phoneRemoveConfirm)
	g.POST("/phone/remove", a.phoneRemove)
	g.POST("/replace/phone", a.changeSend)

	// The authenticator app and its recovery codes, where the backend has them.
	if a.apps != nil {
		a.appRoutes(g)
	}

	// Entering a code (texted, from the app, or a recovery code), for every flow.
	g.GET("/verify", a.verifyForm)
	g.POST("/verify", a.verifyCode)
	g.POST("/verify/method", a.verifyMethod)
	g.POST("/verify/resend", a.verifyResend)
	g.POST("/verify/cancel", a.verifyCancel)

	// Organization admins: members' MFA state, resetting a member's phone, removing their app.
	g.GET("/admin", a.adminMembers)
	g.GET("/admin/members/:member_id", a.adminMemberPage)
	g.GET("/admin/members/:member_id/reset", a.adminResetConfirm)
	g.POST("/admin/members/:member_id/reset", a.adminReset)
	g.GET("/admin/members/:member_id/reset/done", a.adminResetDone)
}

// appRoutes are the authenticator app's and recovery codes' pages.
func (a *app) appRoutes(g *echo.Group) {
	g.POST("/mfa/default", a.setDefaultMethod)
	g.POST("/totp", a.totpStart)
	g.GET("/totp/remove", a.totpRemoveConfirm)
	g.POST("/totp/remove", a.totpRemoveStart)
	g.GET("/recovery-codes", a.recoveryCodesPage)
	g.GET("/recovery-codes/download", a.recoveryCodesDownload)
	g.POST("/recovery-codes/saved", a.recoveryCodesSaved)
	g.GET("/recovery-codes/new", a.recoveryRotateConfirm)
	g.POST("/recovery-codes/new", a.recoveryRotateStart)
	g.GET("/admin/members/:member_id/remove-app", a.adminRemoveAppConfirm)
	g.POST("/admin/members/:member_id/remove-app", a.adminRemoveApp)
}

// clientIP is who the limits count a request against: the connection's
// peer, or the client a trusted proxy names in X-Forwarded-For.
func (a *app) clientIP() echo.IPExtractor {
	if len(a.proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range a.proxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
