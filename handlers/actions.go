package handlers

import (
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// mfaState is what decides which MFA actions apply to a member.
type mfaState struct {
	Phone         string // the MFA phone, E.164; "" for none
	PhoneVerified bool
	Enrolled      bool   // Stytch's mfa_enrolled
	Policy        string // the organization's mfa_policy
}

func profileState(p *session.Profile) mfaState {
	return mfaState{Phone: p.Phone, PhoneVerified: p.PhoneVerified, Enrolled: p.MFAEnrolled, Policy: p.MFAPolicy}
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
	// would otherwise have it.
	UnenrollBlocked string
	Reset           bool // an admin deletes the member's phone
}

const requiredByOrg = "Your organization requires two-step verification for everyone, so it can't be turned off."

// allowedActions is the one rule for what a member may do with their MFA,
// from their state and their organization's policy. Under
// REQUIRED_FOR_ALL every login asks for a code anyway, so codes are
// neither turned off nor "turned on"; the phone can still be changed.
func allowedActions(m mfaState) actions {
	confirmed := m.Phone != "" && m.PhoneVerified
	required := m.Policy == stytchclient.MFAPolicyRequiredForAll
	a := actions{
		Enroll:   !confirmed,
		Replace:  confirmed,
		TurnOn:   confirmed && !m.Enrolled && !required,
		Unenroll: confirmed && m.Enrolled && !required,
		Reset:    m.Phone != "",
	}
	if confirmed && required {
		a.UnenrollBlocked = requiredByOrg
	}
	return a
}

// memberState is mfaState for a member as Stytch lists them to an admin.
// The member list does not carry the organization's policy; Reset does
// not depend on it.
func memberState(m stytchclient.Member) mfaState {
	return mfaState{Phone: m.MFAPhoneNumber, PhoneVerified: m.MFAPhoneNumberVerified, Enrolled: m.MFAEnrolled}
}
