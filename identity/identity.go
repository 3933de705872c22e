// Package identity is the boundary between mfaportal's pages and the
// service that keeps members and their second factors: Stytch B2B
// (identity/stytch) or a self-hosted ZITADEL (identity/zitadel).
//
// It is sized to what the pages need, in the pages' words: who is logged
// in, their phone and factors, a code texted and checked, a phone removed,
// text-message codes on or off, and for administrators their
// organization's members. What only one backend has (logging in by an
// e-mailed link, authenticator apps, recovery codes, an organization-wide
// MFA policy) is a separate interface a backend may also satisfy, and
// Features says which; the pages hide what a backend lacks.
//
// Backends answer with these types and with *Error, whose Kind says what
// went wrong in terms a page can explain; the backend's own error is kept
// inside for the log.
package identity

import (
	"context"
	"time"
)

// Backend is what every identity backend does.
type Backend interface {
	// Name names the service on pages that say it did not answer.
	Name() string
	Features() Features

	// Session checks the member's credentials and answers with who they
	// are now; a backend that rotates tokens returns the new ones.
	Session(ctx context.Context, as Caller) (Session, error)
	// Logout ends the session at the backend. An already ended session
	// is not an error.
	Logout(ctx context.Context, as Caller) error

	// SendCode texts a code: to phone, which becomes the member's
	// (unconfirmed) phone, or with phone "" to the phone they have.
	SendCode(ctx context.Context, as Caller, req SendCode) (Member, error)
	// ProveCode checks a code the member typed and, on success, applies
	// what req asks (turn text-message codes on or off).
	ProveCode(ctx context.Context, as Caller, req Proof) (Proved, error)

	// Member reads one member of the caller's organization.
	Member(ctx context.Context, as Caller, memberID string) (Member, error)
	// RemovePhone removes a member's phone (and with it text-message
	// codes): the caller's own, or, for an administrator, anyone's in
	// their organization.
	RemovePhone(ctx context.Context, as Caller, memberID string) (Member, error)
	// SetTextCodes turns text-message codes on or off for a member whose
	// phone is confirmed, without a code: an administrator's reset, or a
	// member leaving them off after removing an app.
	SetTextCodes(ctx context.Context, as Caller, memberID string, on bool) (Member, error)

	// Members lists the caller's organization, for administrators.
	Members(ctx context.Context, as Caller, q MemberQuery) (MemberPage, error)
	// EndSessions signs a member out everywhere, for administrators; ref
	// is the backend's reference for it.
	EndSessions(ctx context.Context, as Caller, memberID string) (ref string, err error)
}

// Features are what a backend offers beyond Backend.
type Features struct {
	// EmailLogin: members log in with a link e-mailed by the backend
	// (EmailLogin), and the login's second step happens on our pages.
	// Without it, login is a redirect to the backend (RedirectLogin).
	EmailLogin bool
	// ProveCurrentPhone: a code can be texted to the phone already set,
	// so a change can be confirmed with it first.
	ProveCurrentPhone bool
	// ReplaceByDeleting: a new phone can only be set once the old one is
	// removed (Stytch); otherwise a new number replaces the old in place
	// and codes keep going to the old one until it is confirmed.
	ReplaceByDeleting bool
	// Apps: authenticator apps and recovery codes (Apps).
	Apps bool
	// OrganizationPolicy: the organization may require two-step
	// verification of every member (Organization.MFARequired).
	OrganizationPolicy bool
	// EndSessions: administrators can sign a member out everywhere.
	EndSessions bool
	// ResetKeepsSecondStep: after an administrator removes a member's
	// phone, login still asks for a second step (Stytch keeps
	// mfa_enrolled), so the member must add a new phone; otherwise the
	// phone's codes go with it (ZITADEL drops the OTP SMS factor).
	ResetKeepsSecondStep bool
	// LetterCodes: texted codes may hold upper-case letters as well as
	// digits (ZITADEL's default: 6 of either); otherwise they are 6 digits.
	LetterCodes bool
}

// Credentials carry a member's session to the backend.
type Credentials struct {
	// Token is the session: Stytch's session token, ZITADEL's access
	// token.
	Token string
	// JWT is a Stytch session JWT a host site handed in without the
	// session token.
	JWT string
	// Intermediate is a login waiting for its second step (Stytch's
	// intermediate session token).
	Intermediate string
}

// Caller is the member on whose behalf a call is made.
type Caller struct {
	OrganizationID string
	MemberID       string
	Credentials
}

// Member is one member as the pages show them.
type Member struct {
	ID             string
	OrganizationID string
	Email          string
	Name           string
	Status         string // "active", "invited", "pending", "inactive", "locked" or "deleted"; "" when unknown

	Phone         string // E.164; "" when none is set
	PhoneVerified bool
	// TextCodes: logging in asks for a second step (with Stytch, mfa_enrolled;
	// with ZITADEL, the otp_sms factor).
	TextCodes     bool
	App           bool   // an authenticator app is registered
	DefaultMethod string // "sms_otp", "totp" or ""
	IsAdmin       bool

	// Ref is the backend's reference for the call that answered with
	// this member, for audit lines ("" when it gives none).
	Ref string
}

// Organization is the member's organization.
type Organization struct {
	ID          string
	Name        string
	Slug        string
	MFARequired bool // every member must have a second step
}

// Session is a backend's word on a member's session.
type Session struct {
	// Credentials are the session's tokens now (a backend may rotate
	// them on every answer).
	Credentials
	ExpiresAt    time.Time // zero when the backend does not say
	Member       Member
	Organization Organization
	// LoginCodeSent: the login waits for its second step (Intermediate)
	// and the backend already texted the member a code for it.
	LoginCodeSent bool
}

// SendCode is a code to text.
type SendCode struct {
	Phone  string // E.164; "" for the member's current phone
	Locale string // the page's language, for the message
}

// Method is a kind of code.
const (
	MethodSMS      = "sms_otp"
	MethodApp      = "totp"
	MethodRecovery = "recovery_code"
)

// Proof is a code to check.
type Proof struct {
	Method string // MethodSMS, MethodApp or MethodRecovery
	Code   string
	// TextCodes turns text-message codes on (true) or off (false) once
	// the code is right; nil leaves them.
	TextCodes *bool
	// MakeDefault makes Method the member's default second step.
	MakeDefault bool
}

// Proved is the answer to a right code: the session now carries the
// factor just proved.
type Proved struct {
	Session
	RecoveryCodesLeft int // after a recovery code was used
}

// MemberQuery selects members of the caller's organization.
type MemberQuery struct {
	EmailContains string   // "" for all
	IDs           []string // nil for all
	Cursor        string   // from the previous page
	Limit         int      // 0 for the backend's largest page
}

// MemberPage is one page of members.
type MemberPage struct {
	Members []Member
	Next    string // cursor of the next page; "" on the last
}

// EmailLogin is logging in by a link the backend e-mails (Stytch).
type EmailLogin interface {
	// SendLoginLink e-mails a login link. A refusal about the address or
	// the organization is a NoAccount error.
	SendLoginLink(ctx context.Context, req LoginLink) error
	// OpenLoginLink exchanges the link's token for a session, or for a
	// login that waits for its second step (Session.Intermediate set).
	OpenLoginLink(ctx context.Context, token, pkceVerifier, locale string) (Session, error)
}

// RedirectLogin is logging in on the backend's own pages (OpenID Connect,
// authorization code with PKCE): ZITADEL.
type RedirectLogin interface {
	// LoginURL is where to send the browser; state and the PKCE verifier
	// are the app's to keep until the browser comes back.
	LoginURL(state, pkceVerifier string) string
	// FinishLogin exchanges the code the browser came back with.
	FinishLogin(ctx context.Context, code, pkceVerifier string) (Session, error)
	// LogoutURL ends the session at the backend and comes back to the
	// app's page registered for it.
	LogoutURL(state string) (string, error)
}

// LoginLink is a login e-mail to send.
type LoginLink struct {
	OrganizationID string
	Email          string
	RedirectURL    string // where the link leads back to
	Locale         string
	PKCEChallenge  string
}

// Apps is authenticator apps and recovery codes (Stytch).
type Apps interface {
	// NewApp starts an app's registration: the secret to show and a QR
	// code of it (a data: URL).
	NewApp(ctx context.Context, as Caller) (NewApp, error)
	RemoveApp(ctx context.Context, as Caller, memberID string) (Member, error)
	// RecoveryCodes are the member's unused recovery codes.
	RecoveryCodes(ctx context.Context, as Caller, memberID string) ([]string, error)
	RotateRecoveryCodes(ctx context.Context, as Caller) (codes []string, ref string, err error)
	SetDefaultMethod(ctx context.Context, as Caller, method string) (Member, error)
}

// NewApp is an app registration waiting for its first code.
type NewApp struct {
	Secret        string
	QRCode        string // data:image/png;base64,…
	RecoveryCodes []string
}
