package handlers

import (
	"context"
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/middleware"
	"github.com/mfaportal/mfaportal/stytchclient"
)

const sessionKey = "mfaportal.session"

// session is the request's decoded cookie session, read once per request.
// A cookie that does not decode is an empty session: logged out, never an
// error.
func (a *app) session(c echo.Context) *middleware.Session {
	if s, ok := c.Get(sessionKey).(*middleware.Session); ok {
		return s
	}
	s := a.sessions.Load(c.Request())
	c.Set(sessionKey, s)
	return s
}

// save writes the session cookie; its error is never ignored.
func (a *app) save(c echo.Context, s *middleware.Session) error {
	return a.sessions.Save(c.Response(), c.Request(), s)
}

// requireMember returns the signed-in member's session, checked: the
// session JWT is verified locally while it is fresh, and otherwise the
// session token is checked with Stytch, which also refreshes the JWT and
// the cached profile. A visitor who is not signed in (or whose session has
// ended) is sent to the login page: ours, or the host's when the host
// hands the session in (HostSession).
func (a *app) requireMember(c echo.Context) (*middleware.Session, error) {
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
	fresh := s.Profile != nil && a.now().Sub(s.JWTCheckedAt) < jwtMaxAge
	if fresh && s.SessionJWT != "" {
		if claims, err := a.verifier.Verify(ctx, s.SessionJWT); err == nil && claims.MemberID == s.MemberID {
			s.Profile.IsAdmin = hasRole(claims.Roles, stytchclient.RoleAdmin)
			if returnTo {
				if err := a.save(c, s); err != nil {
					return nil, err
				}
			}
			return s, nil
		}
	}
	if err := a.refreshSession(ctx, s); err != nil {
		if stytchclient.IsErrorType(err, stytchclient.ErrSessionNotFound) {
			return nil, a.endSession(c, "Your session has ended. Please log in again.")
		}
		return nil, err
	}
	if err := a.save(c, s); err != nil {
		return nil, err
	}
	return s, nil
}

// refreshSession checks the session token (or, from a host that handed in
// only the JWT, the JWT) with Stytch and stores the fresh JWT and what
// Stytch says about the member and the organization.
func (a *app) refreshSession(ctx context.Context, s *middleware.Session) error {
	req := stytchclient.AuthenticateSessionRequest{SessionToken: s.SessionToken}
	if jwtOnly(s) {
		req.SessionJWT = s.SessionJWT
	}
	res, err := a.stytch.AuthenticateSession(ctx, req)
	if err != nil {
		return err
	}
	a.setTokens(s, res.SessionToken, res.SessionJWT)
	setProfile(s, res.Member, res.Organization, res.MemberSession.Roles)
	return nil
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
	fresh := &middleware.Session{Flash: notice}
	c.Set(sessionKey, fresh)
	return a.sessions.Renew(c.Response(), c.Request(), fresh)
}

// setProfile caches what the pages show about the member, from a Stytch
// answer that carries the member and the organization.
func setProfile(s *middleware.Session, m stytchclient.Member, org stytchclient.Organization, roles []string) {
	isAdmin := m.IsAdmin || m.HasRole(stytchclient.RoleAdmin)
	if roles != nil {
		isAdmin = hasRole(roles, stytchclient.RoleAdmin)
	}
	s.MemberID = m.MemberID
	s.OrganizationID = m.OrganizationID
	s.Email = m.EmailAddress
	s.Profile = &middleware.Profile{
		Name:             m.Name,
		Email:            m.EmailAddress,
		OrganizationName: org.OrganizationName,
		OrganizationSlug: org.OrganizationSlug,
		MFAPolicy:        org.MFAPolicy,
		Phone:            m.MFAPhoneNumber,
		PhoneVerified:    m.MFAPhoneNumberVerified,
		MFAEnrolled:      m.MFAEnrolled,
		IsAdmin:          isAdmin,
	}
}

// setTokens stores a new full session from an authenticate answer. A
// session a host handed in as a JWT alone stays JWT-only: the host chose
// not to share the long-lived token, so we do not keep the one Stytch
// returns.
func (a *app) setTokens(s *middleware.Session, token, jwt string) {
	if jwtOnly(s) {
		token = ""
	}
	s.SessionToken = token
	s.SessionJWT = jwt
	s.IntermediateSessionToken = ""
	s.JWTCheckedAt = a.now()
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
