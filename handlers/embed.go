package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/session"
)

// HostSession lets the site that mounts mfaportal hand in the member's
// Stytch session instead of using mfaportal's login pages. The session is
// checked exactly like one of ours: the JWT locally while it is fresh,
// Stytch's sessions/authenticate otherwise, and Stytch for every change.
type HostSession struct {
	// Session returns the request's Stytch session token and session JWT.
	// Either may be "" (a host that keeps only the JWT hands in only the
	// JWT); both "" means nobody is logged in. StytchSDKCookies reads
	// the cookies Stytch's frontend SDKs set.
	Session func(r *http.Request) (sessionToken, sessionJWT string)
	// LoginURL is the host's login page, absolute or a path such as
	// "/login". Visitors without a session are sent there with
	// return_to set to the absolute URL of the page they asked for.
	LoginURL string
}

// Names of the cookies Stytch's frontend SDKs keep the session in.
const (
	StytchSessionCookie    = "stytch_session"
	StytchSessionJWTCookie = "stytch_session_jwt"
)

// StytchSDKCookies reads the member's session from the cookies Stytch's
// frontend SDKs set on the host's domain (stytch_session and
// stytch_session_jwt); use it as HostSession.Session.
func StytchSDKCookies(r *http.Request) (sessionToken, sessionJWT string) {
	if c, err := r.Cookie(StytchSessionCookie); err == nil {
		sessionToken = c.Value
	}
	if c, err := r.Cookie(StytchSessionJWTCookie); err == nil {
		sessionJWT = c.Value
	}
	return sessionToken, sessionJWT
}

// maxReturnTo bounds a return_to URL; anything longer is refused.
const maxReturnTo = 2048

// ValidReturnTo checks where a member may be sent back to after a change,
// so return_to is never an open redirect. It accepts an absolute http(s)
// URL whose origin (scheme://host[:port]; host compared case-insensitively,
// default ports dropped) is one of allowed, or a path-only reference that
// starts with a single "/" and so stays on the app's own origin. It refuses
// userinfo, backslashes, whitespace and control characters, other schemes
// (javascript:, data:, …) and anything over 2048 bytes. It returns the URL
// to redirect to: the path as given, or the absolute URL re-serialized.
func ValidReturnTo(raw string, allowed []string) (string, bool) {
	if raw == "" || len(raw) > maxReturnTo {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b <= ' ' || b == 0x7f || b == '\\' {
			return "", false
		}
	}
	if strings.HasPrefix(raw, "/") {
		if strings.HasPrefix(raw, "//") {
			return "", false // protocol-relative: another host
		}
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			return "", false
		}
		return raw, true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" {
		return "", false
	}
	origin, ok := originOf(u)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if au, err := url.Parse(a); err == nil && au.User == nil {
			if ao, ok := originOf(au); ok && ao == origin {
				return u.String(), true
			}
		}
	}
	return "", false
}

// originOf is u's origin in one canonical spelling, for comparison:
// lower-case scheme and host, no default port.
func originOf(u *url.URL) (string, bool) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" {
		return "", false
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, true
}

// parseOrigin checks a configured origin, such as https://portal.example.com.
func parseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("%q is not an origin such as https://portal.example.com", s)
	}
	o, ok := originOf(u)
	if !ok {
		return "", fmt.Errorf("%q is not an origin such as https://portal.example.com", s)
	}
	return o, nil
}

// checkLoginURL accepts an absolute http(s) URL or a path on the host.
func checkLoginURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(s, "//"):
		return nil
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return nil
	}
	return fmt.Errorf("%q is neither an absolute http(s) URL nor a path starting with /", s)
}

// adoptHostSession takes the member's session from the host. When the host
// hands in another session than the one our cookie was built on (another
// member, or a new login), our cookie starts afresh: no flow, profile or
// return_to carries over to someone else.
func (a *app) adoptHostSession(c echo.Context) (*session.State, error) {
	s := a.session(c)
	token, jwt := a.host.Session(c.Request())
	if token == "" && jwt == "" {
		if s.IsLoggedIn() || s.Flow != nil {
			if err := a.sessions.Save(c.Response(), c.Request(), &session.State{}); err != nil {
				return nil, err
			}
		}
		return nil, a.hostLoginRedirect(c)
	}
	key := hostSessionKey(token, jwt)
	if s.HostSession == key {
		// The host's credentials are the current ones (its JWT is
		// renewed every few minutes); ours are never written down.
		s.SessionToken, s.SessionJWT = token, jwt
		return s, nil
	}
	// Profile is nil, so requireMember checks the session with Stytch
	// and saves the new cookie.
	fresh := &session.State{HostSession: key, SessionToken: token, SessionJWT: jwt}
	c.Set(sessionKey, fresh)
	return fresh, nil
}

// hostSessionKey names the host's session without storing it twice: the
// token, or with a JWT alone the Stytch session it names (a JWT is
// replaced every few minutes; its session is not). The JWT is not verified
// here; requireMember verifies it before anything is shown.
func hostSessionKey(token, jwt string) string {
	what := "token:" + token
	if token == "" {
		what = "jwt:" + jwt
		if id := jwtSessionID(jwt); id != "" {
			what = "session:" + id
		}
	}
	sum := sha256.Sum256([]byte(what))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// jwtSessionID reads the Stytch session id from a JWT's payload, unverified.
func jwtSessionID(jwt string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Sub     string `json:"sub"`
		Session struct {
			ID string `json:"id"`
		} `json:"https://stytch.com/session"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Session.ID == "" {
		return ""
	}
	return claims.Sub + "/" + claims.Session.ID
}

// jwtOnly reports whether the host handed in a JWT without the session
// token: the session stays that way, and every Stytch call carries the JWT.
func jwtOnly(s *session.State) bool {
	return s.SessionToken == "" && s.SessionJWT != "" && !s.InLogin()
}

// hostLoginRedirect sends the visitor to the host's login page, which
// sends them back to the page they asked for.
func (a *app) hostLoginRedirect(c echo.Context) error {
	u, err := url.Parse(a.host.LoginURL) // checked in New
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("return_to", a.currentURL(c))
	u.RawQuery = q.Encode()
	return redirectAway(u.String())
}

// currentURL is the absolute URL of the page the visitor is on: the
// request's own for a page view, the settings page after a form post.
func (a *app) currentURL(c echo.Context) string {
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return a.publicURL + a.base + "/"
	}
	return a.publicURL + r.URL.RequestURI()
}

// toHostLogin answers our own login and logout routes when the host
// manages sessions: logging in and out happens on the host's pages.
func (a *app) toHostLogin(c echo.Context) error {
	u, err := url.Parse(a.host.LoginURL)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("return_to", a.publicURL+a.base+"/")
	u.RawQuery = q.Encode()
	return a.redirectAway(c, u.String())
}

// keepReturnTo stores a valid ?return_to= of a page view in the cookie,
// and reports whether the session changed. An invalid one is ignored.
func (a *app) keepReturnTo(c echo.Context, s *session.State) bool {
	raw := c.QueryParam("return_to")
	if raw == "" || c.Request().Method != http.MethodGet {
		return false
	}
	to, ok := ValidReturnTo(raw, a.returnOrigins)
	if !ok {
		a.log.InfoContext(c.Request().Context(), "return_to refused", "path", c.Request().URL.Path)
		return false
	}
	if to == s.ReturnTo {
		return false
	}
	s.ReturnTo = to
	return true
}

// backLabel is the text of the link back to the host: "Back to Acme Portal".
func (a *app) backLabel(l *locale.Localizer, to string) string {
	name := a.hostName
	if name == "" {
		if u, err := url.Parse(to); err == nil && u.Host != "" {
			name = u.Host
		} else if u, err := url.Parse(a.publicURL); err == nil && u.Host != "" {
			name = u.Host
		} else {
			return l.T("common.backToPrevious")
		}
	}
	return l.T("common.backTo", "Name", name)
}

// redirectAway sends the browser to a page that is not ours (the host's):
// 303 for plain browsers; for htmx, HX-Redirect, a full navigation.
func (a *app) redirectAway(c echo.Context, target string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// leaveForReturnTo ends a completed enrollment on the host's page the
// member came from, when there is one; it reports whether it did.
func (a *app) leaveForReturnTo(c echo.Context, s *session.State) (bool, error) {
	to := s.ReturnTo
	if to == "" {
		return false, nil
	}
	// The success message would wait for a later visit; the host's page
	// is where the member goes now.
	s.ReturnTo, s.Flash = "", ""
	if err := a.save(c, s); err != nil {
		return true, err
	}
	return true, a.redirectAway(c, to)
}

var errNoPublicURL = errors.New("handlers: Options.PublicURL is required with HostSession (return_to is an absolute URL)")

// embedOptions checks and keeps the options for running inside a host site.
func (a *app) embedOptions(opts Options) error {
	if h := opts.HostSession; h != nil {
		if h.Session == nil {
			return errors.New("handlers: HostSession.Session is required (handlers.StytchSDKCookies reads Stytch's SDK cookies)")
		}
		if err := checkLoginURL(h.LoginURL); err != nil {
			return fmt.Errorf("handlers: HostSession.LoginURL: %w", err)
		}
		if a.publicURL == "" {
			return errNoPublicURL
		}
	}
	if a.publicURL != "" {
		o, err := parseOrigin(a.publicURL)
		if err == nil {
			a.returnOrigins = append(a.returnOrigins, o)
		}
	}
	for _, s := range opts.ReturnToOrigins {
		o, err := parseOrigin(s)
		if err != nil {
			return fmt.Errorf("handlers: ReturnToOrigins: %w", err)
		}
		a.returnOrigins = append(a.returnOrigins, o)
	}
	return nil
}

// flowSession is the session whose flow a code page continues. Inside a
// host it is the host's current member's: a flow in the cookie belongs to
// whoever started it, and adoptHostSession drops it when the member changed.
func (a *app) flowSession(c echo.Context) (*session.State, error) {
	if a.host != nil {
		return a.adoptHostSession(c)
	}
	return a.session(c), nil
}
