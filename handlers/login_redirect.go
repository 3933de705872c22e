package handlers

import (
	"crypto/rand"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/session"
)

// Logging in on the backend's own pages (identity.RedirectLogin: OpenID
// Connect, authorization code with PKCE). The backend asks for the
// password and the second step itself; we keep the state and the PKCE
// verifier in the session cookie until the browser comes back to
// /authenticate, so a code that comes back to another browser is useless.

// redirectLogin sends the visitor to the backend's login page.
func (a *app) redirectLogin(c echo.Context) error {
	s := a.session(c)
	if s.IsLoggedIn() {
		return redirectTo("/")
	}
	s.LoginState, s.PKCEVerifier = rand.Text(), oauth2.GenerateVerifier()
	if err := a.save(c, s); err != nil {
		return err
	}
	return redirectAway(a.redir.LoginURL(s.LoginState, s.PKCEVerifier))
}

// errLoginUnfinished: the browser came back without a login we asked for
// (another browser, a reload of an old address, or the member said no).
var errLoginUnfinished = &pageError{
	status:         http.StatusBadRequest,
	heading:        "error.loginUnfinished.heading",
	message:        "error.loginUnfinished.message",
	nothingChanged: true,
	retryURL:       "/login",
	retryLabel:     "common.logIn",
}

// finishRedirectLogin is where the backend sends the browser back: the
// code is exchanged with the verifier this browser kept, and the session
// starts with a new cookie.
func (a *app) finishRedirectLogin(c echo.Context) error {
	s := a.session(c)
	state, code := c.QueryParam("state"), c.QueryParam("code")
	if s.LoginState == "" || state != s.LoginState || code == "" {
		return errLoginUnfinished
	}
	ctx := c.Request().Context()
	verifier := s.PKCEVerifier
	// The state and verifier work once, whatever comes of them.
	s.LoginState, s.PKCEVerifier = "", ""
	if err := a.save(c, s); err != nil {
		return err
	}
	res, err := a.redir.FinishLogin(ctx, code, verifier)
	if identity.Is(err, identity.LinkInvalid) {
		a.log.InfoContext(ctx, "login code refused", "request_id", logging.RequestID(ctx), "err", err)
		return errLoginUnfinished
	}
	if err != nil {
		return err
	}
	fresh := &session.State{}
	c.Set(sessionKey, fresh)
	setProfile(fresh, res.Member, res.Organization)
	a.setTokens(fresh, res)
	fresh.Flash = tr(c).T("flash.loggedIn")
	return a.saveAndRedirect(c, fresh, "/")
}

// redirectLogout forgets the session here and ends it at the backend,
// which sends the browser back to /login.
func (a *app) redirectLogout(c echo.Context) error {
	if err := a.startOver(c, ""); err != nil {
		return err
	}
	to, err := a.redir.LogoutURL("")
	if err != nil {
		return err
	}
	return redirectAway(to)
}

// backendOrigins are the origins our forms may lead to: the backend's
// logout page, for a backend with its own login pages.
func (a *app) backendOrigins() []string {
	if a.redir == nil {
		return nil
	}
	to, err := a.redir.LogoutURL("")
	if err != nil {
		return nil
	}
	u, err := url.Parse(to)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}
