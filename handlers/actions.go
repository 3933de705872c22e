package handlers

import (
	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/session"
)

// mfaState is what decides which MFA actions apply to a member.
type mfaState struct {
	Phone         string // the MFA phone, E.164; "" for none
	PhoneVerified bool
	Enrolled      bool   // login asks for a second step (Stytch's mfa_enrolled)
	Required      bool   // the organization requires a second step of everyone
	App           bool   // a confirmed authenticator app
	Default       string // the default method: sms_otp, totp or ""
}

func profileState(p *session.Profile) mfaState {
	return mfaState{Phone: p.Phone, PhoneVerified: p.PhoneVerified, Enrolled: p.MFAEnrolled, Required: p.MFARequired,
		App: p.TOTP, Default: p.DefaultMethod}
}

// actions says what may be done now. The settings page shows exactly
// these, every POST handler refuses what is not here, and the admin pages
// offer Reset from it.
type actions struct {
	Enroll   bool // add a phone: there is no confirmed one
	TurnOn   bool // codes back on, to the confirmed phone
	Replace  bool // change the confirmed phone
	Unenroll bool // turn codes off
	// UnenrollBlocked says why Unenroll is not offered when the member
	// would otherwise have it (a catalog key).
	UnenrollBlocked string
	Reset           bool // an admin deletes the member's phone
	// RemovePhone: the member deletes a phone that text message codes
	// are not using (codes off, or on only through the app).
	RemovePhone bool

	AddApp    bool // set up an authenticator app: there is no confirmed one
	RemoveApp bool // remove the app (after a fresh second factor)
	// RemoveAppBlocked says why RemoveApp is not offered to a member who
	// has an app (a catalog key).
	RemoveAppBlocked string
	AppDefault       bool // make the app what login asks for first
	SMSDefault       bool // make text messages what login asks for first
	RotateRecovery   bool // new recovery codes (after a fresh second factor)
	ResetApp         bool // an admin deletes the member's app
}

// Why an action is not offered: catalog keys.
const (
	requiredByOrg   = "blocked.requiredByOrg"
	appIsOnlyMethod = "blocked.appIsOnlyMethod"
	appKeepsMFAOn   = "blocked.appKeepsMFAOn"
)

// allowedActions is the one rule for what a member may do with their MFA,
// from their state and their organization's policy. Under
// REQUIRED_FOR_ALL every login asks for a code anyway, so codes are
// neither turned off nor "turned on"; the phone can still be changed, and
// the app removed while a confirmed phone remains. Stytch's mfa_enrolled
// covers every method, so turning text message codes off is offered only
// to a member without an app. Text message codes are on when the phone is
// confirmed and login asks for a code (mfa_enrolled, or REQUIRED_FOR_ALL);
// a phone they are not on for (codes off, or enrolled only through the
// app) may be removed.
func allowedActions(m mfaState) actions {
	confirmed := m.Phone != "" && m.PhoneVerified
	required := m.Required
	codesOn := confirmed && (m.Enrolled || required)
	a := actions{
		Enroll:   !confirmed,
		Replace:  confirmed,
		TurnOn:   confirmed && !m.Enrolled && !required,
		Unenroll: confirmed && m.Enrolled && !required && !m.App,
		Reset:    m.Phone != "",

		RemovePhone: m.Phone != "" && !codesOn,

		AddApp:         !m.App,
		RemoveApp:      m.App && (confirmed || !required),
		AppDefault:     m.App && m.Default != methodTOTP,
		SMSDefault:     m.App && confirmed && m.Default == methodTOTP,
		RotateRecovery: m.App,
		ResetApp:       m.App,
	}
	switch {
	case confirmed && required:
		a.UnenrollBlocked = requiredByOrg
	case confirmed && m.Enrolled && m.App:
		a.UnenrollBlocked = appKeepsMFAOn
	}
	if m.App && !a.RemoveApp {
		a.RemoveAppBlocked = appIsOnlyMethod
	}
	return a
}

// memberState is mfaState for a member as the backend describes them,
// in an organization that does (required) or does not require a second
// step of everyone.
func memberState(m identity.Member, required bool) mfaState {
	return mfaState{Phone: m.Phone, PhoneVerified: m.PhoneVerified, Enrolled: m.TextCodes, Required: required,
		App: m.App, Default: m.DefaultMethod}
}
