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
// ended) is sent to the login page.
func (a *app) requireMember(c echo.Context) (*middleware.Session, error) {
	s := a.session(c)
	if !s.IsLoggedIn() {
		if s.InLogin() {
			return nil, redirectTo("/verify")
		}
		return nil, redirectTo("/login")
	}
	ctx := c.Request().Context()
	fresh := s.Profile != nil && a.now().Sub(s.JWTCheckedAt) < jwtMaxAge
	if fresh && s.SessionJWT != "" {
		if claims, err := a.verifier.Verify(ctx, s.SessionJWT); err == nil && claims.MemberID == s.MemberID {
			s.Profile.IsAdmin = hasRole(claims.Roles, stytchclient.RoleAdmin)
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

// refreshSession checks the session token with Stytch and stores the fresh
// JWT and what Stytch says about the member and the organization.
func (a *app) refreshSession(ctx context.Context, s *middleware.Session) error {
	res, err := a.stytch.AuthenticateSession(ctx, stytchclient.AuthenticateSessionRequest{SessionToken: s.SessionToken})
	if err != nil {
		return err
	}
	s.SessionToken = res.SessionToken
	s.SessionJWT = res.SessionJWT
	s.JWTCheckedAt = a.now()
	setProfile(s, res.Member, res.Organization, res.MemberSession.Roles)
	return nil
}

// endSession forgets a session Stytch no longer knows (revoked, expired)
// and sends the member to log in again.
func (a *app) endSession(c echo.Context, notice string) error {
	if err := a.startOver(c, notice); err != nil {
		return err
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

// setTokens stores a new full session from an authenticate answer.
func (a *app) setTokens(s *middleware.Session, token, jwt string) {
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
type redirectError struct{ path string }

func (r redirectError) Error() string { return "redirect to " + r.path }

func redirectTo(path string) error { return redirectError{path} }

func isRedirect(err error) (string, bool) {
	var r redirectError
	if errors.As(err, &r) {
		return r.path, true
	}
	return "", false
}
