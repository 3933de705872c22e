// Package session keeps what mfaportal remembers about a browser between
// requests: the member's Stytch session and the small state of a flow in
// progress. It lives only in one encrypted, authenticated cookie
// (gorilla/sessions' CookieStore: AES-256 and HMAC-SHA256, key rotation by
// listing older key pairs after the current one).
package session

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// State is everything a session cookie carries. The cookie holds it as
// JSON (securecookie's JSONEncoder), so a field added later decodes as its
// zero value from an older cookie. Fields are omitzero and keep their Go
// names: a signed-in member's cookie carries a third of the fields, and
// decoding it on every request took 10 µs instead of 24 (BENCHMARKS.md),
// while cookies written before still decode.
type State struct {
	SessionToken string `json:",omitzero"`
	// SessionJWT is never written to the cookie (Save drops it): only a
	// host site that hands in a JWT alone has one, and it hands it in
	// again on every request.
	SessionJWT string `json:",omitzero"`
	// IntermediateSessionToken is set between the magic link and the MFA
	// step of a login.
	IntermediateSessionToken string `json:",omitzero"`
	OrganizationID           string `json:",omitzero"`
	MemberID                 string `json:",omitzero"`
	Email                    string `json:",omitzero"`
	// LoginOrganization is the organization typed on the login form, for
	// the "check your e-mail" page; "" when the app serves one organization.
	LoginOrganization string `json:",omitzero"`
	// PKCEVerifier is the PKCE code verifier of the magic link this browser
	// asked for: only this browser can finish that login. Cleared once used.
	PKCEVerifier string `json:",omitzero"`
	// LoginState is the OpenID Connect state of a login on the backend's
	// own pages (identity.RedirectLogin), checked when the browser returns.
	LoginState string `json:",omitzero"`
	// CheckedAt is when Stytch last confirmed the session, and
	// SessionExpiresAt when Stytch said it ends: sealed in the cookie,
	// they let a page view trust the session for a few minutes without
	// asking Stytch.
	CheckedAt        time.Time `json:",omitzero"`
	SessionExpiresAt time.Time `json:",omitzero"`
	// Profile caches what pages show about the member.
	Profile *Profile `json:",omitzero"`
	// FlowID names the server-side record of the MFA flow in progress
	// (package store): the cookie only points at it, so a replayed older
	// cookie finds its step already consumed. Flow is that record, loaded
	// for the request, never written to the cookie.
	FlowID string `json:",omitzero"`
	Flow   *Flow  `json:"-"`
	// Flash is a one-shot message for the page after a redirect.
	Flash string `json:",omitzero"`
	// AdminReset is the outcome of an admin's phone reset, shown once by
	// the page the POST redirects to, so a reload never repeats the reset.
	AdminReset *AdminReset `json:",omitzero"`
	// HostSession identifies (hashed) the session a host site handed in,
	// so a different one starts the cookie afresh; "" outside a host.
	HostSession string `json:",omitzero"`
	// ReturnTo is the validated page of the host to go back to after a
	// change, from ?return_to=.
	ReturnTo string `json:",omitzero"`
	// CSRF is the secret this session's CSRF tokens are made from.
	CSRF string `json:",omitzero"`
}

// Profile is the member and organization as Stytch last described them.
type Profile struct {
	Name             string `json:",omitzero"`
	Email            string `json:",omitzero"`
	OrganizationName string `json:",omitzero"`
	OrganizationSlug string `json:",omitzero"`
	MFARequired      bool   `json:",omitzero"` // the organization requires two-step verification of everyone
	Phone            string `json:",omitzero"` // the member's MFA phone, E.164
	PhoneVerified    bool   `json:",omitzero"`
	MFAEnrolled      bool   `json:",omitzero"`
	IsAdmin          bool   `json:",omitzero"`
	// TOTP is set when the member has a confirmed authenticator app.
	TOTP bool `json:",omitzero"`
	// DefaultMethod is Stytch's default_mfa_method: "sms_otp", "totp" or "".
	DefaultMethod string `json:",omitzero"`
	// RecoveryCodesLeft is how many recovery codes Stytch last said the
	// member has, when RecoveryCodesKnown: counted once per profile (the
	// member object does not carry it), not on every page view.
	RecoveryCodesLeft  int  `json:",omitzero"`
	RecoveryCodesKnown bool `json:",omitzero"`
}

// Flow is an MFA flow in progress. Kind names an entry of the flow table
// in package handlers; the times come from the server's clock, so a reload
// or the back button cannot cheat the cooldown or the expiry.
type Flow struct {
	Kind     string `json:",omitzero"`
	MemberID string `json:",omitzero"` // whose flow it is
	// Chain stays the same across the records of one flow (each step
	// writes a new one), for counting code attempts.
	Chain string `json:",omitzero"`
	// Until is when the flow ends whatever happens: a login's
	// intermediate session lasts 10 minutes. Zero for other flows.
	Until         time.Time `json:",omitzero"`
	PhoneE164     string    `json:",omitzero"`
	CodeSentAt    time.Time `json:",omitzero"`
	CodeExpiresAt time.Time `json:",omitzero"`
	ResendAfter   time.Time `json:",omitzero"`
	// AutoSent is set when Stytch texted the code itself (login MFA).
	AutoSent bool `json:",omitzero"`
	// Method is the second factor this step asks for ("sms_otp", "totp",
	// "recovery_code"); "" is the flow's first method.
	Method string `json:",omitzero"`
	// TOTPSecret and TOTPQR are an authenticator app being set up, shown
	// until its first code confirms it. They stay in the server-side
	// record, never in the cookie.
	TOTPSecret string `json:",omitzero"`
	TOTPQR     string `json:",omitzero"`
}

// AdminReset says what an admin's reset of a member's phone did.
type AdminReset struct {
	MemberID    string `json:",omitzero"`
	Name        string `json:",omitzero"`
	Email       string `json:",omitzero"`
	SignedOut   bool   `json:",omitzero"`
	SignOutFail string `json:",omitzero"`
	// TurnedOff: two-step verification was turned off for the member too;
	// TurnOffFail says why that failed.
	TurnedOff   bool   `json:",omitzero"`
	TurnOffFail string `json:",omitzero"`
	// NewPhoneNeeded: the member is asked for a new phone at their next login.
	NewPhoneNeeded bool `json:",omitzero"`
}

// IsLoggedIn reports whether the state holds a full Stytch session: its
// token, or only its JWT when a host site handed in just that.
func (s *State) IsLoggedIn() bool { return s.SessionToken != "" || s.SessionJWT != "" }

// InLogin reports whether a login is waiting for its MFA step.
func (s *State) InLogin() bool { return s.IntermediateSessionToken != "" }

// Config configures New; zero fields take the defaults noted beside them.
type Config struct {
	Keys     []KeyPair     // required; the first pair encodes, all decode
	Name     string        // cookie name; default "mfaportal"
	Path     string        // cookie path; default "/", the mount prefix when embedded
	Secure   bool          // HTTPS-only cookie; false only for plain-http development
	SameSite http.SameSite // default Lax
	MaxAge   time.Duration // cookie and seal lifetime; default 12h
}

// Store reads and writes States with a gorilla/sessions CookieStore's
// codecs (one per key pair: the first encodes, all decode) and cookie
// options. It is safe for concurrent use.
type Store struct {
	name    string
	cookies *sessions.CookieStore
	// decoded keeps, by cookie value, the states of cookies decoded in the
	// last minute: a member's page views carry the same cookie until it
	// changes, and decoding one (HMAC, AES, JSON) was a sixth of a
	// settings view's CPU (BENCHMARKS.md). Only values that decoded go in,
	// so a forged or altered cookie always meets the full check. An entry
	// lives a minute, or MaxAge if that is shorter, so a cookie outlives
	// its age limit here by no more than that.
	decoded *expirable.LRU[string, State]
}

// decodedSize and decodedTTL bound the cache of decoded cookies: about
// 2 MB at most, for the members active in the last minute.
const (
	decodedSize = 2048
	decodedTTL  = time.Minute
)

// NewStore checks cfg and builds the store.
func NewStore(cfg Config) (*Store, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("session: no keys (use ParseKeys or RandomKeys)")
	}
	var flat [][]byte
	for i, p := range cfg.Keys {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("session: key pair %d: %v", i+1, err)
		}
		flat = append(flat, p.HashKey, p.BlockKey)
	}
	if cfg.Name == "" {
		cfg.Name = "mfaportal"
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	if cfg.SameSite == 0 {
		cfg.SameSite = http.SameSiteLaxMode
	}
	if cfg.SameSite == http.SameSiteNoneMode && !cfg.Secure {
		return nil, errors.New("session: SameSite=None cookies must be Secure; browsers drop them otherwise")
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = 12 * time.Hour
	}
	cs := sessions.NewCookieStore(flat...)
	cs.Options = &sessions.Options{Path: cfg.Path, Secure: cfg.Secure, HttpOnly: true, SameSite: cfg.SameSite}
	cs.MaxAge(int(cfg.MaxAge / time.Second)) // the cookie's Max-Age and the seal's timestamp check
	for _, c := range cs.Codecs {
		// JSON decodes a State several times faster than gob, which sends
		// its type description in every cookie.
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.JSONEncoder{})
	}
	return &Store{name: cfg.Name, cookies: cs, decoded: expirable.NewLRU[string, State](decodedSize, nil, min(decodedTTL, cfg.MaxAge))}, nil
}

// Load returns the request's state. Anything short of a valid cookie
// (none, tampered, other keys, expired) gives an empty, logged-out state:
// a bad cookie must never become an error page.
func (st *Store) Load(r *http.Request) *State {
	c, err := r.Cookie(st.name)
	if err != nil {
		return &State{}
	}
	if s, ok := st.decoded.Get(c.Value); ok {
		return s.clone()
	}
	s := &State{}
	if securecookie.DecodeMulti(st.name, c.Value, s, st.cookies.Codecs...) != nil {
		return &State{}
	}
	st.decoded.Add(c.Value, *s.clone())
	return s
}

// clone is a copy of s that shares nothing a handler may change.
func (s *State) clone() *State {
	cp := *s
	if s.Profile != nil {
		p := *s.Profile
		cp.Profile = &p
	}
	if s.AdminReset != nil {
		a := *s.AdminReset
		cp.AdminReset = &a
	}
	if s.Flow != nil {
		f := *s.Flow
		cp.Flow = &f
	}
	return &cp
}

// Save writes s into the response's cookie; call it before the body is
// written. Its error is never to be ignored: an unsaved state is a lost
// login or flow step.
func (st *Store) Save(w http.ResponseWriter, r *http.Request, s *State) error {
	if s == nil {
		return errors.New("session: Save of a nil *State (use Clear to log out)")
	}
	kept := *s
	kept.SessionJWT = ""
	value, err := securecookie.EncodeMulti(st.name, &kept, st.cookies.Codecs...)
	if err != nil {
		return fmt.Errorf("session: save cookie: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(st.name, value, st.cookies.Options))
	return nil
}

// Clear logs the browser out by expiring the cookie.
func (st *Store) Clear(w http.ResponseWriter) {
	opts := *st.cookies.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(st.name, "", &opts))
}
