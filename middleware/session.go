package middleware

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// Session is everything mfaportal remembers about a browser between
// requests. It lives only in encrypted cookies; Load and Save move it.
type Session struct {
	SessionToken string `json:"session_token,omitempty"`
	// SessionJWT travels in its own chunked cookies (it can reach 5 KB),
	// never in the main cookie. mfaportal keeps it only when it is the
	// whole session (a host that hands in a JWT alone): with a session
	// token, CheckedAt below says all a page view needs.
	SessionJWT string `json:"-"`
	// IntermediateSessionToken is set between the magic link and the MFA
	// step of a login.
	IntermediateSessionToken string `json:"intermediate_session_token,omitempty"`
	OrganizationID           string `json:"organization_id,omitempty"`
	MemberID                 string `json:"member_id,omitempty"`
	Email                    string `json:"email,omitempty"`
	// CheckedAt is when Stytch last confirmed the session (an
	// authenticate call), and SessionExpiresAt when Stytch said it ends.
	// Sealed in the cookie, they let a page view trust the session for a
	// few minutes without asking Stytch or decoding a JWT.
	CheckedAt        time.Time `json:"checked_at,omitzero"`
	SessionExpiresAt time.Time `json:"session_expires_at,omitzero"`
	// Profile caches what pages show about the member, refreshed with
	// the JWT, so a page view needs no Stytch call.
	Profile *Profile `json:"profile,omitempty"`
	// Flow is the MFA flow in progress, nil when none.
	Flow *Flow `json:"flow,omitempty"`
	// Flash is a one-shot message for the page after a redirect.
	Flash string `json:"flash,omitempty"`
	// AdminReset is the outcome of an admin's phone reset, shown once by
	// the page the POST redirects to, so a reload never repeats the reset.
	AdminReset *AdminReset `json:"admin_reset,omitempty"`
	// HostSession identifies (hashed) the session a host site handed in,
	// so a different one starts the cookie afresh; "" outside a host.
	HostSession string `json:"host_session,omitempty"`
	// ReturnTo is the validated page of the host to go back to after a
	// change, from ?return_to=.
	ReturnTo string `json:"return_to,omitempty"`
}

// AdminReset says what an admin's reset of a member's phone did.
type AdminReset struct {
	MemberID    string `json:"member_id"`
	Name        string `json:"name,omitempty"`
	Email       string `json:"email,omitempty"`
	SignedOut   bool   `json:"signed_out,omitempty"`
	SignOutFail string `json:"sign_out_fail,omitempty"`
}

// Flow is the server-side state of an MFA flow in progress, so a reload or
// the back button cannot skip a step or cheat a timer.
type Flow struct {
	Kind          string    `json:"kind,omitempty"` // "login-mfa", "enroll", "replace", "unenroll"
	Step          string    `json:"step,omitempty"`
	PhoneE164     string    `json:"phone,omitempty"`
	Region        string    `json:"region,omitempty"`
	CodeSentAt    time.Time `json:"sent,omitzero"`
	CodeExpiresAt time.Time `json:"expires,omitzero"`
	ResendAfter   time.Time `json:"resend,omitzero"`
	StepUpDone    bool      `json:"step_up,omitempty"`
	Attempts      int       `json:"attempts,omitempty"`
	// AutoSent is set when Stytch texted the code itself (login MFA), so
	// the page says so instead of offering a first send.
	AutoSent bool `json:"auto_sent,omitempty"`
}

// Profile is the member and organization as Stytch last described them,
// kept small: it rides in the main cookie.
type Profile struct {
	Name             string `json:"name,omitempty"`
	Email            string `json:"email,omitempty"`
	OrganizationName string `json:"org_name,omitempty"`
	OrganizationSlug string `json:"org_slug,omitempty"`
	MFAPolicy        string `json:"mfa_policy,omitempty"` // "OPTIONAL" or "REQUIRED_FOR_ALL"
	Phone            string `json:"phone,omitempty"`      // the member's MFA phone, E.164
	PhoneVerified    bool   `json:"phone_verified,omitempty"`
	MFAEnrolled      bool   `json:"mfa_enrolled,omitempty"`
	IsAdmin          bool   `json:"is_admin,omitempty"`
}

// IsLoggedIn reports whether the session holds a full Stytch session: its
// token, or only its JWT when a host site handed in just that.
func (s *Session) IsLoggedIn() bool { return s.SessionToken != "" || s.SessionJWT != "" }

// InLogin reports whether a login is waiting for its MFA step.
func (s *Session) InLogin() bool { return s.IntermediateSessionToken != "" }

// SessionConfig configures NewSessionStore; zero fields take the defaults
// noted beside them.
type SessionConfig struct {
	Keys []SessionKeyPair // required; the first pair encodes, all decode
	Name string           // cookie name; default "mfaportal"
	Path string           // cookie path; default "/", the mount prefix when embedded
	// Secure marks the cookies HTTPS-only; leave it false only for
	// plain-http local development.
	Secure   bool
	SameSite http.SameSite // default http.SameSiteLaxMode
	MaxAge   time.Duration // cookie and seal lifetime; default 12h
	// OnDecodeError, when set, hears why a cookie was ignored (tampered,
	// other keys, expired), for debug logging. It never sees cookie values.
	OnDecodeError func(error)
}

// ErrCookieTooLarge is returned by Save when the session cannot fit in
// cookies a browser will keep.
var ErrCookieTooLarge = errors.New("session cookie too large")

const (
	// maxSetCookieBytes keeps every Set-Cookie header under the ~4096
	// bytes browsers store per cookie.
	maxSetCookieBytes = 4095
	// jwtChunkBytes of JWT encode to about 3.5 KB of cookie value
	// (securecookie grows data by ~16/9), leaving room for attributes.
	jwtChunkBytes = 1900
	// maxJWTChunks bounds the JWT at 7600 bytes; Stytch's stay under 5 KB.
	maxJWTChunks = 4
	// jwtSumBytes of SHA-256 tie the JWT chunks to the main cookie, so
	// chunks left over from another save never combine with it.
	jwtSumBytes = 12
)

// SessionStore reads and writes Sessions in encrypted, authenticated
// cookies: one main cookie, plus <name>_jwt.0 … <name>_jwt.3 for the JWT.
// It is safe for concurrent use.
type SessionStore struct {
	name          string
	cookies       *sessions.CookieStore // codecs (sessionSerializer) and cookie options
	onDecodeError func(error)
}

// mainCookie is the main cookie's content: the session, minus the JWT,
// plus how to find and check the JWT chunks.
type mainCookie struct {
	Session
	JWTChunks int    `json:"jwt_chunks,omitempty"`
	JWTSum    string `json:"jwt_sum,omitempty"`
}

// NewSessionStore checks cfg and builds the store on gorilla/sessions'
// CookieStore, switched to sessionSerializer so the cookie holds our typed
// Session in a compact form.
func NewSessionStore(cfg SessionConfig) (*SessionStore, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("session store: no keys (use ParseSessionKeys or RandomSessionKeys)")
	}
	var flat [][]byte
	for i, p := range cfg.Keys {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("session store: key pair %d: %v", i+1, err)
		}
		flat = append(flat, p.HashKey, p.BlockKey)
	}
	if cfg.Name == "" {
		cfg.Name = "mfaportal"
	}
	if !validCookieName(cfg.Name) {
		return nil, fmt.Errorf("session store: %q is not a valid cookie name", cfg.Name)
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	if cfg.SameSite == 0 {
		cfg.SameSite = http.SameSiteLaxMode
	}
	if cfg.SameSite == http.SameSiteNoneMode && !cfg.Secure {
		return nil, errors.New("session store: SameSite=None cookies must be Secure; browsers drop them otherwise")
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = 12 * time.Hour
	}
	if cfg.MaxAge < time.Second {
		return nil, fmt.Errorf("session store: MaxAge %v is too short", cfg.MaxAge)
	}

	cs := sessions.NewCookieStore(flat...)
	cs.Options = &sessions.Options{
		Path:     cfg.Path,
		Secure:   cfg.Secure,
		HttpOnly: true,
		SameSite: cfg.SameSite,
	}
	cs.MaxAge(int(cfg.MaxAge / time.Second)) // cookie Max-Age and the seal's timestamp check
	for _, c := range cs.Codecs {
		sc := c.(*securecookie.SecureCookie)
		sc.SetSerializer(sessionSerializer{})
		// Size is checked by Save on the whole Set-Cookie header and by
		// decode before any work, so the codec's own limit is redundant.
		sc.MaxLength(0)
	}
	return &SessionStore{name: cfg.Name, cookies: cs, onDecodeError: cfg.OnDecodeError}, nil
}

func validCookieName(name string) bool {
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return name != ""
}

// Load returns the request's session. Anything short of a valid cookie
// (none, tampered, other keys, expired) gives an empty, logged-out
// session: a bad cookie must never become an error page. A JWT that cannot
// be reassembled comes back empty; the caller refreshes it with the token.
func (st *SessionStore) Load(r *http.Request) *Session {
	var mc mainCookie
	if !st.decode(r, st.name, &mc) {
		return &Session{}
	}
	s := mc.Session
	s.SessionJWT = st.loadJWT(r, mc.JWTChunks, mc.JWTSum)
	return &s
}

func (st *SessionStore) loadJWT(r *http.Request, chunks int, sum string) string {
	if chunks <= 0 {
		return ""
	}
	if chunks > maxJWTChunks {
		st.reportDecodeError(fmt.Errorf("session JWT: %d chunks announced, at most %d allowed", chunks, maxJWTChunks))
		return ""
	}
	var b strings.Builder
	for i := range chunks {
		var part string
		if !st.decode(r, st.jwtChunkName(i), &part) {
			if len(r.CookiesNamed(st.jwtChunkName(i))) == 0 {
				st.reportDecodeError(fmt.Errorf("session JWT: cookie %s is missing", st.jwtChunkName(i)))
			}
			return ""
		}
		b.WriteString(part)
	}
	jwt := b.String()
	if jwtSum(jwt) != sum {
		st.reportDecodeError(errors.New("session JWT: chunks do not belong to this session cookie"))
		return ""
	}
	return jwt
}

// decode fills dst from the first cookie called name that decodes with any
// of our keys; browsers may send several with one name (different paths).
func (st *SessionStore) decode(r *http.Request, name string, dst any) bool {
	var errs []error
	for _, c := range r.CookiesNamed(name) {
		if len(c.Value) > maxSetCookieBytes {
			errs = append(errs, fmt.Errorf("cookie %s: %d bytes, longer than any we write", name, len(c.Value)))
			continue
		}
		err := securecookie.DecodeMulti(name, c.Value, dst, st.cookies.Codecs...)
		if err == nil {
			return true
		}
		errs = append(errs, fmt.Errorf("cookie %s: %w", name, err))
	}
	if len(errs) > 0 {
		st.reportDecodeError(errors.Join(errs...))
	}
	return false
}

func (st *SessionStore) reportDecodeError(err error) {
	if st.onDecodeError != nil {
		st.onDecodeError(err)
	}
}

// Save writes s into the response's cookies. Every error is returned (an
// unsaved session is a lost login or flow step), and on error no cookie is
// written at all. Call it before the response body is written.
func (st *SessionStore) Save(w http.ResponseWriter, r *http.Request, s *Session) error {
	return st.save(w, r, s, false)
}

// Renew saves s as a brand-new cookie set at login, expiring every JWT
// chunk it does not write, so nothing from before the login survives.
// (The cookie is re-encrypted with a fresh IV either way; cookies are
// client-side, so there is no server-side session id to rotate.)
func (st *SessionStore) Renew(w http.ResponseWriter, r *http.Request, s *Session) error {
	return st.save(w, r, s, true)
}

func (st *SessionStore) save(w http.ResponseWriter, r *http.Request, s *Session, renew bool) error {
	if s == nil {
		return errors.New("session store: Save of a nil *Session (use Clear to log out)")
	}
	parts := chunkString(s.SessionJWT, jwtChunkBytes)
	if len(parts) > maxJWTChunks {
		return fmt.Errorf("%w: session JWT of %d bytes needs %d cookies, at most %d allowed",
			ErrCookieTooLarge, len(s.SessionJWT), len(parts), maxJWTChunks)
	}
	mc := mainCookie{Session: *s}
	mc.SessionJWT = ""
	if len(parts) > 0 {
		mc.JWTChunks, mc.JWTSum = len(parts), jwtSum(s.SessionJWT)
	}

	// Encode everything first, so an error leaves the response untouched.
	main, err := st.encode(st.name, mc)
	if err != nil {
		return err
	}
	out := []*http.Cookie{main}
	for i, part := range parts {
		c, err := st.encode(st.jwtChunkName(i), part)
		if err != nil {
			return err
		}
		out = append(out, c)
	}
	for _, name := range st.staleJWTCookies(r, len(parts), renew) {
		out = append(out, st.expired(name))
	}
	for _, c := range out {
		setCookie(w, c)
	}
	return nil
}

// Clear logs the browser out by expiring every cookie of ours. It returns
// an error only to read like Save; today it cannot fail.
func (st *SessionStore) Clear(w http.ResponseWriter, r *http.Request) error {
	setCookie(w, st.expired(st.name))
	for _, name := range st.staleJWTCookies(r, 0, true) {
		setCookie(w, st.expired(name))
	}
	return nil
}

func (st *SessionStore) encode(name string, v any) (*http.Cookie, error) {
	value, err := securecookie.EncodeMulti(name, v, st.cookies.Codecs[0])
	if err != nil {
		return nil, fmt.Errorf("session store: encode cookie %s: %w", name, err)
	}
	c := sessions.NewCookie(name, value, st.cookies.Options)
	if n := len(c.String()); n > maxSetCookieBytes {
		return nil, fmt.Errorf("%w: cookie %s would be %d bytes, browsers keep at most %d",
			ErrCookieTooLarge, name, n, maxSetCookieBytes+1)
	}
	return c, nil
}

// expired is a deletion for name with the same attributes as when it was
// written, which browsers need in order to match it.
func (st *SessionStore) expired(name string) *http.Cookie {
	opts := *st.cookies.Options
	opts.MaxAge = -1
	return sessions.NewCookie(name, "", &opts)
}

// staleJWTCookies lists the JWT chunk cookies from index keep on that must
// be deleted: those the browser sent, or with all, every possible one.
func (st *SessionStore) staleJWTCookies(r *http.Request, keep int, all bool) []string {
	var names []string
	for i := keep; i < maxJWTChunks; i++ {
		name := st.jwtChunkName(i)
		if all || len(r.CookiesNamed(name)) > 0 {
			names = append(names, name)
		}
	}
	// Chunks beyond today's limit, from an older or differently built version.
	base := st.name + "_jwt"
	for _, c := range r.Cookies() {
		ours := c.Name == base || strings.HasPrefix(c.Name, base+".")
		if ours && !slices.Contains(names, c.Name) && !st.isChunkBelow(c.Name, keep) {
			names = append(names, c.Name)
		}
	}
	return names
}

// isChunkBelow reports whether name is one of the chunks 0..keep-1 that
// the current save writes.
func (st *SessionStore) isChunkBelow(name string, keep int) bool {
	i, err := strconv.Atoi(strings.TrimPrefix(name, st.name+"_jwt."))
	return err == nil && name == st.jwtChunkName(i) && i < keep
}

func (st *SessionStore) jwtChunkName(i int) string {
	return st.name + "_jwt." + strconv.Itoa(i)
}

func jwtSum(jwt string) string {
	sum := sha256.Sum256([]byte(jwt))
	return base64.RawURLEncoding.EncodeToString(sum[:jwtSumBytes])
}

func chunkString(s string, size int) []string {
	var parts []string
	for len(s) > size {
		parts = append(parts, s[:size])
		s = s[size:]
	}
	if s != "" {
		parts = append(parts, s)
	}
	return parts
}

// setCookie adds c, replacing an earlier Set-Cookie for the same name in
// this response, so saving twice in one request sends one header per cookie.
func setCookie(w http.ResponseWriter, c *http.Cookie) {
	h := w.Header()
	prefix := c.Name + "="
	h["Set-Cookie"] = slices.DeleteFunc(h["Set-Cookie"], func(v string) bool {
		return strings.HasPrefix(v, prefix)
	})
	http.SetCookie(w, c)
}
