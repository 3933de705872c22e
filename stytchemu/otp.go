package stytchemu

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// SMS OTP and lock rules from stytch-api.md §4.1, §4.2 and §8.
const (
	otpLifetime   = 2 * time.Minute
	lockThreshold = 10
	lockDuration  = time.Hour
	factorTypeOTP = "otp"
	factorSMS     = "sms"
	smsOTP        = "sms_otp" // both the default_mfa_method and the secondary_auth_initiated value
)

// smsLocales are the locales OPENAPI and the v18 Go SDK list for SMS.
var smsLocales = []string{"", "en", "es", "pt-br", "fr", "it", "de-DE", "zh-Hans", "ca-ES", "ja", "ru", "nl", "pl", "tr", "fa", "vi", "cs"}

func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "000000" // unreachable: crypto/rand does not fail
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// sendCode issues a fresh code to the member's phone (invalidating any
// earlier one) and puts the SMS, in locale, in the outbox.
func (e *Emulator) sendCode(o *stytchclient.Organization, m *member, locale string) {
	now := e.Now()
	code := newCode()
	e.st.otps[m.m.MemberID] = &otpCode{code: code, phone: m.m.MFAPhoneNumber, expires: now.Add(otpLifetime)}
	e.deliver(Message{
		Channel:        "sms",
		To:             m.m.MFAPhoneNumber,
		OrganizationID: o.OrganizationID,
		MemberID:       m.m.MemberID,
		Body:           fmt.Sprintf(wordsFor(locale).sms, o.OrganizationName, code),
		Code:           code,
		SentAt:         now,
	})
}

// callerFactors resolves the optional IST / session token / session JWT of an
// OTP call to its factors, checking it belongs to member m of org o.
// It returns (nil, nil, nil) when none was passed.
func (e *Emulator) callerFactors(o *stytchclient.Organization, m *member, ist, token, rawJWT string) ([]stytchclient.AuthenticationFactor, any, *apiError) {
	switch countSessionArgs(ist, token, rawJWT) {
	case 0:
		return nil, nil, nil
	case 1:
	default:
		return nil, nil, tooManySessionArgs()
	}
	mismatch := errf(http.StatusBadRequest, stytchclient.ErrSessionMemberMismatch, "The session passed does not belong to member_id.")
	if ist != "" {
		i := e.st.ists[ist]
		if i == nil || !i.live(e.Now()) {
			return nil, nil, errf(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound, "Intermediate session could not be found.")
		}
		if i.orgID != o.OrganizationID {
			return nil, nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidISTForOrganization, "The intermediate session token is not valid for this organization.")
		}
		if i.memberID != m.m.MemberID {
			return nil, nil, mismatch
		}
		return i.factors, i, nil
	}
	s, err := e.liveSession(token, rawJWT)
	if err != nil {
		return nil, nil, err
	}
	if s.orgID != o.OrganizationID || s.memberID != m.m.MemberID {
		return nil, nil, mismatch
	}
	return s.factors, s, nil
}

// hasPhoneFactor reports whether factors include an SMS factor for phone.
func hasPhoneFactor(factors []stytchclient.AuthenticationFactor, phone string) bool {
	return slices.ContainsFunc(factors, func(f stytchclient.AuthenticationFactor) bool {
		return f.Type == factorTypeOTP && f.DeliveryMethod == factorSMS && f.PhoneNumberFactor != nil && f.PhoneNumberFactor.PhoneNumber == phone
	})
}

func (e *Emulator) sendSMS(r *http.Request, req *stytchclient.SendSMSRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID); err != nil {
		return nil, err
	}
	o, m, err := e.st.findMember(req.OrganizationID, req.MemberID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(smsLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	factors, _, err := e.callerFactors(o, m, req.IntermediateSessionToken, req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	if m.m.Status != "active" {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInactiveMember, "You may not attach an MFA factor to a member that is not active.")
	}
	phone := req.MFAPhoneNumber
	switch {
	case phone != "" && !validPhone(phone):
		return nil, invalidPhone()
	case phone == "" && m.m.MFAPhoneNumber == "":
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberPhoneNumberNotFound, "The member has no MFA phone number; pass mfa_phone_number.")
	case phone == "" || phone == m.m.MFAPhoneNumber:
		// Re-send to the number already linked: the code itself goes to the existing factor.
	default:
		// A new number: with an active (verified) factor, the caller must prove it first.
		if m.hasActiveFactor() && !m.provesActiveFactor(factors) {
			return nil, bypassRefused()
		}
		if m.m.MFAPhoneNumber != "" {
			return nil, phoneAlreadySet()
		}
		if err := e.checkNewPhone(m, phone); err != nil {
			return nil, err
		}
		e.setPhone(m, phone)
	}
	e.sendCode(o, m, req.Locale)
	return stytchclient.SendSMSResponse{Response: ok(), MemberID: m.m.MemberID, Member: m.wire(e.Now()), Organization: orgWire(o)}, nil
}

// failAuth counts a failed authentication and locks the member at the threshold.
func (e *Emulator) failAuth(m *member, err *apiError) *apiError {
	now := e.Now()
	m.failures++
	if m.failures >= lockThreshold {
		m.failures = 0
		m.lockCreated, m.lockExpires = now, now.Add(lockDuration)
	}
	return err
}

func lockedError() *apiError {
	return errf(http.StatusTooManyRequests, stytchclient.ErrUserLockLimitReached,
		"The user has been locked out due to too many failed authentication attempts. Please try again later.")
}

func (e *Emulator) authenticateSMS(r *http.Request, req *stytchclient.AuthenticateSMSRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID, "code", req.Code); err != nil {
		return nil, err
	}
	o, m, err := e.st.findMember(req.OrganizationID, req.MemberID)
	if err != nil {
		return nil, err
	}
	if countSessionArgs(req.IntermediateSessionToken, req.SessionToken, req.SessionJWT) == 0 {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionArguments,
			"Pass one of intermediate_session_token, session_token or session_jwt: an SMS code cannot be a primary factor.")
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	if s := req.SetMFAEnrollment; s != "" && s != stytchclient.MFAEnroll && s != stytchclient.MFAUnenroll {
		return nil, badRequest("set_mfa_enrollment must be enroll or unenroll.")
	}
	_, caller, err := e.callerFactors(o, m, req.IntermediateSessionToken, req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	if m.locked(now) {
		return nil, lockedError() // even the right code is refused while locked
	}
	c := e.st.otps[m.m.MemberID]
	if c == nil || c.code != req.Code {
		return nil, e.failAuth(m, errf(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound, "The passcode provided was incorrect and could not be authenticated."))
	}
	if c.used || !now.Before(c.expires) {
		return nil, e.failAuth(m, errf(http.StatusUnauthorized, stytchclient.ErrUnableToAuthOTPCode,
			"The passcode could not be authenticated because it was either already used or expired. Send another passcode to this user."))
	}
	c.used = true
	m.failures = 0
	m.m.MFAPhoneNumberVerified = true
	switch {
	case o.MFAPolicy == stytchclient.MFAPolicyRequiredForAll:
		m.m.MFAEnrolled = true // the policy wins over set_mfa_enrollment
	case req.SetMFAEnrollment == stytchclient.MFAEnroll:
		m.m.MFAEnrolled = true
	case req.SetMFAEnrollment == stytchclient.MFAUnenroll:
		m.m.MFAEnrolled = false
	}
	setDefaultMFA(m, smsOTP, req.SetDefaultMFA)
	m.m.UpdatedAt = ts(now)

	factor := stytchclient.AuthenticationFactor{
		Type: factorTypeOTP, DeliveryMethod: factorSMS,
		LastAuthenticatedAt: ts(now), CreatedAt: ts(now), UpdatedAt: ts(now),
		PhoneNumberFactor: &stytchclient.PhoneNumberFactor{PhoneID: m.phoneID, PhoneNumber: c.phone},
	}
	s := e.completeMFA(r, m, caller, factor, req.SessionDurationMinutes, req.SessionCustomClaims)
	ms := e.sessionWire(s)
	return stytchclient.AuthenticateSMSResponse{
		Response:      ok(),
		MemberID:      m.m.MemberID,
		Member:        m.wire(now),
		Organization:  orgWire(o),
		SessionToken:  s.token,
		SessionJWT:    e.signJWT(s),
		MemberSession: &ms,
	}, nil
}

// setDefaultMFA applies set_default_mfa; the member's first MFA method
// becomes the default by itself, as the OpenAPI text of set_default_mfa says.
func setDefaultMFA(m *member, method string, asked bool) {
	if asked || m.m.DefaultMFAMethod == "" {
		m.m.DefaultMFAMethod = method
	}
}

// completeMFA adds a proven second factor to the caller of an MFA call: an
// intermediate session becomes a full session (once), an existing session
// gains the factor and is extended by minutes when given.
func (e *Emulator) completeMFA(r *http.Request, m *member, caller any, factor stytchclient.AuthenticationFactor, minutes int, claims map[string]any) *session {
	switch c := caller.(type) {
	case *intermediate:
		c.consumed = true // an IST turns into a full session exactly once
		return e.newSession(m, addFactor(slices.Clone(c.factors), factor), minutes, claims, r)
	case *session:
		now := e.Now()
		c.factors = addFactor(c.factors, factor)
		c.lastAccessed = now
		if minutes > 0 {
			c.expires = now.Add(time.Duration(minutes) * time.Minute)
		}
		c.customClaims = mergeClaims(c.customClaims, claims)
		return c
	}
	panic("stytchemu: completeMFA without a caller") // callers check for a session argument first
}
