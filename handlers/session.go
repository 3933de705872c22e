package handlers

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
)

const sessionKey = "mfaportal.session"

// session is the request's decoded cookie session, read once per request.
// A cookie that does not decode is an empty session: logged out, never an
// error.
func (a *app) session(c echo.Context) *session.State {
	if s, ok := c.Get(sessionKey).(*session.State); ok {
		return s
	}
	s, ok := c.Request().Context().Value(stateKey{}).(*session.State)
	if !ok {
		s = a.sessions.Load(c.Request())
	}
	if s.FlowID != "" {
		if err := a.loadFlow(c.Request().Context(), s); err != nil {
			c.Set(flowStoreError, storeDown(err))
		}
	}
	c.Set(sessionKey, s)
	return s
}

type stateKey struct{}

// loadSession decodes the session cookie once per request, for the CSRF
// check and then the handlers. A session without a CSRF secret gets one,
// saved at once so the token on this response is good for the next.
func (a *app) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.sessionless(r) {
			next.ServeHTTP(w, r)
			return
		}
		s := a.sessions.Load(r)
		if s.CSRF == "" {
			s.CSRF = rand.Text()
			if err := a.sessions.Save(w, r, s); err != nil {
				a.log.ErrorContext(r.Context(), "saving a new session failed", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, s)))
	})
}

// csrfSecret is the request's session secret for middleware.CSRF.
func csrfSecret(r *http.Request) []byte {
	if s, ok := r.Context().Value(stateKey{}).(*session.State); ok {
		return []byte(s.CSRF)
	}
	return nil
}

// save writes the flow's record, if it has a new one, and the session
// cookie; its error is never ignored.
func (a *app) save(c echo.Context, s *session.State) error {
	if err := a.writeFlow(c.Request().Context(), s); err != nil {
		return err
	}
	if s.Flow == nil && flowLoadError(c) == nil {
		s.FlowID = "" // the flow is over, or its record is gone
	}
	if s.CSRF == "" { // a fresh session (login, logout) keeps the page's tokens good
		s.CSRF = string(csrfSecret(c.Request()))
	}
	return a.sessions.Save(c.Response(), c.Request(), s)
}

// requireMember returns the signed-in member's session, checked. Within
// sessionTrust of Stytch's last word on the session (sealed in the cookie
// as CheckedAt) a page view asks nobody: the cookie is authenticated, and
// what a page shows comes from it, while every change and every list goes
// to Stytch with the member's own token. After that, sessions/authenticate
// checks the token again and refreshes the cached profile. A session a
// host handed in as a JWT alone is the JWT: it is verified locally on each
// view. A visitor who is not signed in (or whose session has ended) is
// sent to the login page: ours, or the host's when the host hands the
// session in (HostSession).
func (a *app) requireMember(c echo.Context) (*session.State, error) {
	s := a.session(c)
	if a.host != nil {
		var err error
		if s, err = a.adoptHostSession(c); err != nil {
			return nil, err
		}
	}
	if !s.IsLoggedIn() {
		if s.InLogin() {
			return nil, redirectTo("/verify")
		}
		return nil, redirectTo("/login")
	}
	ctx := c.Request().Context()
	returnTo := a.keepReturnTo(c, s)
	if a.trusted(ctx, s) {
		if returnTo {
			if err := a.save(c, s); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	if err := a.refreshSession(ctx, s); err != nil {
		if identity.Is(err, identity.SessionEnded) {
			return nil, a.endSession(c, tr(c).T("flash.sessionEnded"))
		}
		return nil, err
	}
	if err := a.save(c, s); err != nil {
		return nil, err
	}
	return s, nil
}

// trusted reports whether s may be shown without asking Stytch: Stytch
// confirmed it less than sessionTrust ago and said it had not ended, and
// a JWT-only session's JWT still verifies.
func (a *app) trusted(ctx context.Context, s *session.State) bool {
	now := a.now()
	if s.Profile == nil || now.Sub(s.CheckedAt) >= sessionTrust || now.Before(s.CheckedAt.Add(-time.Minute)) {
		return false
	}
	if !s.SessionExpiresAt.IsZero() && !now.Before(s.SessionExpiresAt) {
		return false
	}
	if !jwtOnly(s) {
		return true
	}
	claims, err := a.verifier.Verify(ctx, s.SessionJWT)
	if err != nil || claims.MemberID != s.MemberID {
		return false
	}
	s.Profile.IsAdmin = hasRole(claims.Roles, stytchclient.RoleAdmin)
	return true
}

// refreshSession checks the session with the backend and stores its new
// tokens and what it says about the member and the organization.
func (a *app) refreshSession(ctx context.Context, s *session.State) error {
	res, err := a.idp.Session(ctx, caller(s))
	if err != nil {
		return err
	}
	a.setTokens(s, res)
	setProfile(s, res.Member, res.Organization)
	return nil
}

// caller is the member of s as the backend sees them: on the
// intermediate token of a login waiting for its second step, on the JWT
// alone when a host handed in only that, else on the session token.
func caller(s *session.State) identity.Caller {
	as := identity.Caller{OrganizationID: s.OrganizationID, MemberID: s.MemberID}
	switch {
	case s.InLogin():
		as.Intermediate = s.IntermediateSessionToken
	case jwtOnly(s):
		as.JWT = s.SessionJWT
	default:
		as.Token = s.SessionToken
	}
	return as
}

// endSession forgets a session Stytch no longer knows (revoked, expired)
// and sends the member to log in again: on our page, or the host's.
func (a *app) endSession(c echo.Context, notice string) error {
	if err := a.startOver(c, notice); err != nil {
		return err
	}
	if a.host != nil {
		return a.hostLoginRedirect(c)
	}
	return redirectTo("/login")
}

// startOver replaces the session with an empty one (logged out) that
// carries only a notice for the login page.
func (a *app) startOver(c echo.Context, notice string) error {
	fresh := &session.State{Flash: notice}
	c.Set(sessionKey, fresh)
	return a.sessions.Save(c.Response(), c.Request(), fresh)
}

// setProfile caches what the pages show about the member, from a backend
// answer that carries the member and the organization.
func setProfile(s *session.State, m identity.Member, org identity.Organization) {
	s.MemberID = m.ID
	s.OrganizationID = m.OrganizationID
	s.Email = m.Email
	s.Profile = &session.Profile{
		Name:             m.Name,
		Email:            m.Email,
		OrganizationName: org.Name,
		OrganizationSlug: org.Slug,
		MFARequired:      org.MFARequired,
		Phone:            m.Phone,
		PhoneVerified:    m.PhoneVerified,
		MFAEnrolled:      m.TextCodes,
		IsAdmin:          m.IsAdmin,
		TOTP:             m.App,
		DefaultMethod:    m.DefaultMethod,
	}
}

// updateMember refreshes the cached profile from an answer about the
// member alone: their organization stays as it was, and so does being an
// admin, which the session's roles decide and such answers do not carry.
func (a *app) updateMember(s *session.State, m identity.Member) {
	org := identity.Organization{ID: s.OrganizationID}
	if p := s.Profile; p != nil {
		org.Name, org.Slug, org.MFARequired = p.OrganizationName, p.OrganizationSlug, p.MFARequired
		m.IsAdmin = m.IsAdmin || p.IsAdmin
	}
	setProfile(s, m, org)
}

// setTokens stores a new full session from an authenticate answer. A
// session a host handed in as a JWT alone stays JWT-only: the host chose
// not to share the long-lived token, so we do not keep the one Stytch
// returns. Otherwise the token is the session and the JWT is not kept:
// CheckedAt and SessionExpiresAt already say what it would, in 4 KB less
// of cookies on every request.
func (a *app) setTokens(s *session.State, res identity.Session) {
	token, jwt := res.Token, res.JWT
	if jwtOnly(s) {
		token = ""
	} else if token != "" {
		jwt = ""
	}
	s.SessionToken = token
	s.SessionJWT = jwt
	s.IntermediateSessionToken = ""
	s.CheckedAt = a.now()
	if !res.ExpiresAt.IsZero() { // a backend that does not say keeps the expiry it gave at login
		s.SessionExpiresAt = res.ExpiresAt
	}
}

func hasRole(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// redirectError ends a handler with a redirect; handleError sends it.
// away marks an absolute URL that is not ours (the host's login page).
type redirectError struct {
	path string
	away bool
}

func (r redirectError) Error() string { return "redirect to " + r.path }

// redirectTo redirects to a path under the mount point.
func redirectTo(path string) error { return redirectError{path: path} }

// redirectAway redirects to another site's page (the host's).
func redirectAway(url string) error { return redirectError{path: url, away: true} }

func isRedirect(err error) (redirectError, bool) {
	var r redirectError
	if errors.As(err, &r) {
		return r, true
	}
	return redirectError{}, false
}
