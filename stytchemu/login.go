package stytchemu

import (
	"net/http"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// What every call that logs a member in shares: magic-link authenticate,
// the discovery exchange, create-via-discovery and the session exchange.

// loginResult is the part of their answers that says how the login went.
type loginResult struct {
	MemberAuthenticated      bool                          `json:"member_authenticated"`
	IntermediateSessionToken string                        `json:"intermediate_session_token"`
	SessionToken             string                        `json:"session_token"`
	SessionJWT               string                        `json:"session_jwt"`
	MemberSession            *stytchclient.MemberSession   `json:"member_session"`
	MFARequired              *stytchclient.MFARequired     `json:"mfa_required"`
	PrimaryRequired          *stytchclient.PrimaryRequired `json:"primary_required"`
	MemberDevice             map[string]any                `json:"member_device"` // null: no device fingerprinting
}

// mfaDue reports whether logging m into o needs a second factor.
func mfaDue(o *stytchclient.Organization, m *member) bool {
	return o.MFAPolicy == stytchclient.MFAPolicyRequiredForAll || m.m.MFAEnrolled
}

// mfaRequired is the mfa_required object for m; secondary_auth_initiated
// is set by the caller once it sends a code.
func mfaRequired(m *member) *stytchclient.MFARequired {
	return &stytchclient.MFARequired{MemberOptions: &stytchclient.MemberOptions{
		MFAPhoneNumber: m.m.MFAPhoneNumber, TOTPRegistrationID: m.m.TOTPRegistrationID,
	}}
}

// emailFactor is the factor a verified e-mail (a magic link) gives m.
func (e *Emulator) emailFactor(m *member, at time.Time) stytchclient.AuthenticationFactor {
	return stytchclient.AuthenticationFactor{
		Type: "magic_link", DeliveryMethod: "email",
		LastAuthenticatedAt: ts(at), CreatedAt: ts(at), UpdatedAt: ts(at),
		EmailFactor: &stytchclient.EmailFactor{EmailID: m.emailID, EmailAddress: m.m.EmailAddress},
	}
}

// finishLogin ends primary authentication of m in o with factors. When MFA
// is due it answers an intermediate session bound to m (ist, re-bound, or a
// new one) and texts a code to a member with a phone; otherwise it starts a
// session and uses ist up. minutes and claims apply to a new session only.
func (e *Emulator) finishLogin(o *stytchclient.Organization, m *member, factors []stytchclient.AuthenticationFactor,
	ist *intermediate, minutes int, claims map[string]any, locale string, r *http.Request) loginResult {
	if mfaDue(o, m) {
		if ist == nil {
			ist = e.newIntermediate(m.m.EmailAddress, factors)
		}
		ist.orgID, ist.memberID, ist.factors = o.OrganizationID, m.m.MemberID, factors
		mfa := mfaRequired(m)
		if m.m.MFAPhoneNumber != "" && m.m.DefaultMFAMethod != stytchclient.MFAMethodTOTP {
			e.sendCode(o, m, locale) // Stytch sends the SMS itself after primary auth, unless the app is the default
			mfa.SecondaryAuthInitiated = smsOTP
		}
		return loginResult{IntermediateSessionToken: ist.token, MFARequired: mfa}
	}
	if ist != nil {
		ist.consumed = true // an intermediate session turns into a full one once
	}
	s := e.newSession(m, factors, minutes, claims, r)
	ms := e.sessionWire(s)
	return loginResult{MemberAuthenticated: true, SessionToken: s.token, SessionJWT: e.signJWT(s), MemberSession: &ms}
}

// newIntermediate stores an intermediate session for email, bound to no
// organization yet.
func (e *Emulator) newIntermediate(email string, factors []stytchclient.AuthenticationFactor) *intermediate {
	i := &intermediate{token: newToken(), email: email, expires: e.Now().Add(intermediateLifetime), factors: factors}
	e.st.ists[i.token] = i
	return i
}

// liveIntermediate finds an intermediate session that can still be used, or 404.
func (e *Emulator) liveIntermediate(token string) (*intermediate, *apiError) {
	i := e.st.ists[token]
	if i == nil || !i.live(e.Now()) {
		return nil, errf(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound, "Intermediate session could not be found.")
	}
	return i, nil
}
