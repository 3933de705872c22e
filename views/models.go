// Package views holds mfaportal's templ components: one layout, one file per
// page, and the partials htmx swaps. Components take the plain structs in
// this file and never reach into the web framework.
package views

import (
	"strings"
	"time"
)

// Page is what every full page needs.
type Page struct {
	Title string // the page's own title; the layout appends "· mfaportal"
	// Problem: the page shows an error (a form with mistakes, a refused
	// step), and its title says so first.
	Problem   bool
	BasePath  string // where the app is mounted, "" or "/settings/security"; no trailing slash
	CSRFToken string // hidden _csrf field of every form
	Static    func(name string) string
	Member    *Member // the signed-in member, nil on login pages
	Flash     string  // one-shot success message shown at the top
	Dev       *Dev    // set on the built-in emulator
	RequestID string
	// Now is the server's time (unix seconds) when the page was rendered.
	// Countdowns run from it, so a wrong clock in the browser cannot
	// shift them. Zero means "take the clock at render time".
	Now int64
	// HostManaged is set when mfaportal runs inside a host site that logs
	// members in and out itself: no "Log out" of ours.
	HostManaged bool
	// Backend is how the identity backend differs from Stytch's.
	Backend Backend
	// Languages is the language switcher; nil hides it (the language is
	// fixed by the host or the deployment).
	Languages *LanguageSwitch
}

// LanguageSwitch offers every language; choosing one posts to ActionURL
// and comes back to ReturnTo.
type LanguageSwitch struct {
	Current   string // "pt-BR"
	Choices   []LanguageChoice
	ActionURL string
	ReturnTo  string // the page to come back to, under the mount point
}

// LanguageChoice is one language, named in its own words.
type LanguageChoice struct {
	Lang string // "de"
	Name string // "Deutsch"
}

// Backend says how the identity backend differs from Stytch's, which is
// the zero value; pages leave out what a backend lacks rather than offer
// what would fail.
type Backend struct {
	OwnLogin      bool // members log in on the backend's own pages, not by an e-mailed link
	NoApps        bool // no authenticator apps or recovery codes
	NoCodeToPhone bool // changes to a confirmed phone go without a code texted to it
	LetterCodes   bool // texted codes hold letters as well as digits
	NoEndSessions bool // an administrator cannot log a member out everywhere
	NoOrgPolicy   bool // organizations have no policy for two-step verification of their own
}

// URL is path under the app's mount point: p.URL("/enroll").
func (p Page) URL(path string) string {
	if path == "/" && p.BasePath != "" {
		return p.BasePath + "/"
	}
	return p.BasePath + path
}

// StaticURL is the (versioned) URL of a file under static/.
func (p Page) StaticURL(name string) string {
	if p.Static != nil {
		return p.Static(name)
	}
	return p.URL("/static/" + name)
}

// Member is the signed-in member, for the header.
type Member struct {
	Name             string
	Email            string
	OrganizationName string
	IsAdmin          bool
}

// Dev describes the built-in emulator.
type Dev struct {
	Backend   string // the emulated identity backend: Stytch, ZITADEL
	OutboxURL string
	Accounts  []DemoAccount
}

// DemoAccount is a seeded member offered on the login page in dev mode.
type DemoAccount struct {
	Organization     string
	OrganizationName string
	Email            string
	Name             string
	Note             string // "admin", "MFA on: +1 •••-•••-0123", …
}

// FieldError is a validation message tied to one input.
type FieldError struct {
	Field   string // the input's name
	Message string
}

// Errors is the validation result of a form, in field order.
type Errors []FieldError

// For is the message for one field, "" when it is fine.
func (e Errors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// ErrorID is the id of the element holding a field's message, for
// aria-describedby.
func ErrorID(field string) string { return "err-" + strings.ReplaceAll(field, "_", "-") }

// LoginPage asks for an e-mail address (and the organization when none is configured).
type LoginPage struct {
	Page
	Email        string
	Organization string // slug typed by the member
	AskOrg       bool
	Errors       Errors
	Notice       string // e.g. "That link has expired. Ask for a new one below."
	Heading      string // "" for "Log in"
	Status       string // where things stand, e.g. "You're logged out."
}

// LoginSentPage says the magic link is on its way.
type LoginSentPage struct {
	Page
	Email        string
	Organization string // the slug typed on the login form, "" when the app serves one organization
}

// Phone purposes.
const (
	PurposeEnroll  = "enroll"  // first phone, from settings
	PurposeReplace = "replace" // new phone after the old one was removed
	PurposeChange  = "change"  // new phone in place of the confirmed one, which works until then
	PurposeLogin   = "login"   // the organization requires MFA and the member has none yet
	// PurposeLoginReset: during login, MFA is on for the member but an
	// administrator reset their phone, their only method.
	PurposeLoginReset = "login-reset"
)

// Country is one option of the country picker: a country codes can be
// texted to (the SMS_COUNTRIES policy); the others are not offered.
type Country struct {
	Region   string // "GB"
	Name     string // "United Kingdom"
	DialCode string // "+44"
	Example  string // national example mobile number, for the placeholder
}

// PhonePage collects a country and a national number.
type PhonePage struct {
	Page
	Purpose   string
	Countries []Country
	Region    string // selected
	Number    string // as typed
	Example   string // example for the selected region
	Errors    Errors
	ActionURL string
	CancelURL string // "" when cancelling makes no sense (login under REQUIRED_FOR_ALL has "log out")
	LogoutURL string // during login: the way out, "" elsewhere
	Notice    string // state of the account, e.g. "Your old phone was removed. Add the new one to turn MFA back on."
}

// Code flows.
const (
	CodeLogin    = "login"    // second step of logging in
	CodeEnroll   = "enroll"   // confirming a new phone
	CodeStepUp   = "stepup"   // proving the current phone before replacing it
	CodeUnenroll = "unenroll" // proving the current phone before turning MFA off

	CodeTOTPStepUp     = "totp-stepup"     // proving the phone before adding an authenticator app
	CodeTOTPEnroll     = "totp-enroll"     // confirming a new authenticator app with its first code
	CodeTOTPRemove     = "totp-remove"     // proving it's the member before removing the app
	CodeRecoveryRotate = "recovery-rotate" // proving it's the member before new recovery codes
)

// Second-factor methods a code page can ask for; the first two are
// Stytch's default_mfa_method values.
const (
	MethodSMS      = "sms_otp"
	MethodTOTP     = "totp"
	MethodRecovery = "recovery_code"
)

// Alternative is another method the member may use for the same step.
type Alternative struct {
	Method string
	Label  string // "Use a text message instead"
}

// TOTPSetup is an authenticator app being set up: the QR code (a data URL
// of a PNG, drawn by Stytch) and the same secret as text.
type TOTPSetup struct {
	QR     string
	Secret string
}

// CodePage asks for the six-digit code.
type CodePage struct {
	Page
	Kind   string
	Method string // MethodSMS, MethodTOTP or MethodRecovery
	// Setup is set while an authenticator app is being set up.
	Setup *TOTPSetup
	// Alternatives are the other methods offered for this step, each a
	// form posting its method to MethodURL.
	Alternatives []Alternative
	MethodURL    string
	PhoneMasked  string // "+1 •••-•••-1234"
	Errors       Errors
	ActionURL    string
	ResendURL    string
	CancelURL    string // "" when there is nothing to cancel
	// Server-time facts, so reloads cannot cheat them.
	ResendIn         int       // seconds until a new code may be asked for; 0 = now
	ExpiresAt        time.Time // shown by clockTime
	ExpiresAtUnix    int64     // for the countdown script
	ResendAtUnix     int64
	Expired          bool      // the code has expired: only "send a new code" makes sense
	Locked           bool      // too many wrong codes: no form, explain and offer the way out
	LockedUntil      time.Time // shown by clockTime
	Notice           string    // e.g. "We sent a new code."
	SubmitLabel      string
	StateNote        string // where the account stands, e.g. "Your current phone is still active."
	AutoSentByStytch bool   // login: Stytch sent the code when the link was opened
}

// SettingsPage is the member's security settings.
type SettingsPage struct {
	Page
	Name             string
	Email            string
	OrganizationName string
	MFAEnrolled      bool
	PhoneMasked      string // "" when no phone is set
	PhoneVerified    bool
	RequiredByOrg    bool // REQUIRED_FOR_ALL
	PendingSetup     bool // a replace stopped halfway: "No phone set — finish setting up"
	CanEnroll        bool
	CanReplace       bool
	CanUnenroll      bool
	CanTurnOn        bool   // a verified phone is set but MFA is off
	CanRemovePhone   bool   // a phone is set that text message codes are not on for
	UnenrollBlocked  string // why turning MFA off is not offered, "" when it is
	// SMSOn: login may text a code (mfa_enrolled, and the phone is what
	// it applies to).
	SMSOn bool
	// Methods says in words which methods the member has and which one
	// login asks for first.
	Methods          string
	HasApp           bool
	CanAddApp        bool
	CanRemoveApp     bool
	RemoveAppBlocked string
	CanAppDefault    bool
	CanSMSDefault    bool
	AppIsDefault     bool
	CanRotate        bool
	RecoveryLeft     int    // unused recovery codes; -1 when Stytch could not say
	BackURL          string // the host's page the member came from (return_to), "" when none
	BackLabel        string // "Back to Acme Portal"
}

// ConfirmRemovePhone is the ConfirmPage kind for removing a phone that
// text message codes are not on for: no code, the POST removes it.
const ConfirmRemovePhone = "remove-phone"

// ConfirmPage explains an action before it starts (replace, unenroll,
// removing an unused phone).
type ConfirmPage struct {
	Page
	Kind        string // CodeStepUp, CodeUnenroll or ConfirmRemovePhone
	PhoneMasked string
	ActionURL   string
	CancelURL   string
	Blocked     string // non-empty: the action is not possible, and why
}

// ErrorPage says what happened, whether anything changed, and what to do.
type ErrorPage struct {
	Page
	Status         int
	Heading        string
	Message        string
	NothingChanged bool
	RetryURL       string // "" → only "back to settings"
	RetryLabel     string
}

// Member-list filters of the admin pages.
const (
	AdminFilterAll        = "all"
	AdminFilterMFAOn      = "mfa-on"
	AdminFilterMFAOff     = "mfa-off"
	AdminFilterUnverified = "phone-unverified"
	AdminFilterApp        = "app"       // a confirmed authenticator app
	AdminFilterSMS        = "sms"       // a confirmed phone for text message codes
	AdminFilterNoMethod   = "no-method" // neither
)

// AdminMember is one member as an organization admin sees it.
type AdminMember struct {
	ID            string
	Name          string
	Email         string
	Status        string // Stytch's status: active, invited, pending
	MFAEnrolled   bool
	PhoneMasked   string // "" when the member has no phone
	PhoneVerified bool
	DefaultMethod string // Stytch's default_mfa_method, "" when none
	App           bool   // a confirmed authenticator app
	// RecoveryLeft is the app's unused recovery codes, on the member's
	// page only (one Stytch call per member); -1 when not known.
	RecoveryLeft int
	DetailURL    string
	ResetURL     string // "" when there is no phone to reset
	// RemoveAppURL removes the member's app; for the admin's own row it
	// is their own removal flow (a code first). "" when there is no app.
	RemoveAppURL string
	// Self: the admin's own row, whose ResetURL is their own change-phone
	// flow (a code first), not a reset.
	Self bool
}

// AdminMembersPage lists the organization's members with their MFA state.
type AdminMembersPage struct {
	Page
	OrganizationName string
	ActionURL        string // the filter form's action (GET)
	Filter           string // one of the AdminFilter… values
	Query            string // the e-mail search as typed
	QueryHint        string // why the search did not run, "" when it did
	FilterHint       string // the ?filter= was not one we know, so everyone is shown
	ClearURL         string // the list without the search, "" when no search
	Summary          string // "38 of 52 members have MFA on"
	Capped           string // the list stopped at the cap, and what to do; "" when complete
	Members          []AdminMember
	Showing          string // "Showing 51–100 of 250"
	PrevURL          string // "" on the first page
	NextURL          string // "" on the last page
}

// AdminMemberPage is one member's details for an admin.
type AdminMemberPage struct {
	Page
	Member  AdminMember
	ListURL string
}

// AdminRemoveAppPage confirms removing a member's authenticator app.
type AdminRemoveAppPage struct {
	Page
	Member    AdminMember
	ActionURL string
	CancelURL string
}

// AdminResetPage confirms resetting a member's phone before it happens.
type AdminResetPage struct {
	Page
	Member    AdminMember
	ActionURL string
	CancelURL string
	// Next is what the member meets at their next login (ResetNext…) when
	// two-step verification stays as it is.
	Next string
	// CanTurnOff offers the choice of turning two-step verification off
	// instead: the organization's policy allows it and the phone is the
	// member's only method.
	CanTurnOff bool
}

// What a member meets at their next login after an admin's phone reset.
const (
	ResetNextNewPhone = "new-phone" // asked for a new phone before they can finish logging in
	ResetNextApp      = "app"       // a code from their authenticator app, as before
	ResetNextNothing  = "nothing"   // no second step: it was off already
	ResetNextCodesOff = "codes-off" // the phone's codes went with it (ZITADEL drops the factor)
)

// ResetTurnOff is the reset form's choice to turn two-step verification
// off for the member instead of asking for a new phone.
const ResetTurnOff = "turn-off"

// AdminResetDonePage says what a reset did.
type AdminResetDonePage struct {
	Page
	Name        string
	Email       string
	SignedOut   bool   // the member's sessions were revoked too
	SignOutFail string // the phone is gone but signing out failed, and why
	// TurnedOff: two-step verification is off for them now; TurnOffFail
	// says why turning it off failed.
	TurnedOff      bool
	TurnOffFail    string
	NewPhoneNeeded bool // their next login asks for a new phone
	DetailURL      string
	ListURL        string
}

// SMS reports whether the page asks for a texted code (the default).
func (v CodePage) SMS() bool { return v.Method == "" || v.Method == MethodSMS }

// MethodChoice is one way to confirm it's the member before a change.
type MethodChoice struct {
	Method  string
	Label   string // "Use my authenticator app"
	Primary bool   // the member's default: the main button
}

// StepUpPage explains a change that needs a fresh second factor (removing
// the app, new recovery codes) and offers the methods to confirm with.
type StepUpPage struct {
	Page
	Heading   string
	Points    []string // what will happen, in order
	Methods   []MethodChoice
	ActionURL string
	CancelURL string
	Blocked   string // non-empty: the change is not possible, and why
}

// RecoveryCodesPage shows a member's recovery codes, once.
type RecoveryCodesPage struct {
	Page
	Codes       []string
	Notice      string
	DownloadURL string // the codes as a text file
	SavedURL    string // "I have saved them" ends the step
}
