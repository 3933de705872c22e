package stytchemu

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"image/png"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Authenticator-app (TOTP, RFC 6238) and recovery-code rules: OPENAPI's
// b2b totp and recovery_codes operations, stytch-api.md §3.1 and §6.
const (
	totpPeriod          = 30 // seconds per time step
	totpSkew            = 1  // steps accepted either side of the current one
	defaultTOTPMinutes  = 60 // how long a new registration waits for its first code
	minTOTPMinutes      = 5
	maxTOTPMinutes      = 1440
	recoveryCodeCount   = 10
	qrCodeSize          = 200 // pixels, like the PNG in Stytch's docs example
	factorTypeTOTP      = "totp"
	factorAuthApp       = "authenticator_app"
	factorTypeRecovery  = "recovery_codes"
	factorRecoveryCode  = "recovery_code"
	recoveryCodeLetters = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// totpRegistration is a member's authenticator app: pending from create until
// a first code is authenticated, then verified (the member's
// totp_registration_id) with its recovery codes usable.
type totpRegistration struct {
	id       string
	secret   string // base32, as the app holds it
	verified bool
	expires  time.Time // when a pending registration lapses
	lastStep int64     // newest time step accepted; a code is never accepted twice
	codes    []string  // unused recovery codes
}

var (
	sixDigits         = regexp.MustCompile(`^[0-9]{6}$`)
	recoveryCodeShape = regexp.MustCompile(`^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$`)
)

// activeTOTP is the member's verified registration, nil when none.
func (m *member) activeTOTP() *totpRegistration {
	if m.totp != nil && m.totp.verified {
		return m.totp
	}
	return nil
}

// hasActiveFactor reports whether the member has an MFA factor that a new
// one must not bypass: a verified phone or a verified authenticator app.
func (m *member) hasActiveFactor() bool {
	return m.m.MFAPhoneNumberVerified || m.activeTOTP() != nil
}

// provesActiveFactor reports whether factors include one of the member's
// active MFA factors; a recovery code stands in for the app it backs.
func (m *member) provesActiveFactor(factors []stytchclient.AuthenticationFactor) bool {
	if m.m.MFAPhoneNumberVerified && hasPhoneFactor(factors, m.m.MFAPhoneNumber) {
		return true
	}
	t := m.activeTOTP()
	return t != nil && slices.ContainsFunc(factors, func(f stytchclient.AuthenticationFactor) bool {
		return (f.AuthenticatorAppFactor != nil && f.AuthenticatorAppFactor.TOTPID == t.id) ||
			(f.RecoveryCodeFactor != nil && f.RecoveryCodeFactor.TOTPRecoveryCodeID == t.id)
	})
}

func bypassRefused() *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired,
		"The member already has an active MFA factor; pass a session or intermediate session token that includes it.")
}

// newRecoveryCodes makes a set of codes shaped like Stytch's ("ckss-2skx-ebow").
func newRecoveryCodes() []string {
	codes := make([]string, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 0, 14)
		for j := 0; j < 12; j++ {
			if j > 0 && j%4 == 0 {
				b = append(b, '-')
			}
			n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(recoveryCodeLetters)))) // crypto/rand does not fail
			b = append(b, recoveryCodeLetters[n.Int64()])
		}
		codes[i] = string(b)
	}
	return codes
}

// qrDataURL renders the key's otpauth:// URL as Stytch's qr_code: a data URL
// of a PNG, with the space after the comma that Stytch's example shows.
func qrDataURL(key *otp.Key) (string, error) {
	img, err := key.Image(qrCodeSize, qrCodeSize)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64, " + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// matchStep finds the time step within ±totpSkew of now whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	current := now.Unix() / totpPeriod
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		ok, err := hotp.ValidateCustom(code, uint64(step), secret, hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return step, true
		}
	}
	return 0, false
}

func (e *Emulator) createTOTP(r *http.Request, req *stytchclient.CreateTOTPRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID); err != nil {
		return nil, err
	}
	o, m, err := e.st.findMember(req.OrganizationID, req.MemberID)
	if err != nil {
		return nil, err
	}
	minutes := req.ExpirationMinutes
	if minutes == 0 {
		minutes = defaultTOTPMinutes
	}
	if minutes < minTOTPMinutes || minutes > maxTOTPMinutes {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidExpiration, "expiration_minutes must be between %d and %d.", minTOTPMinutes, maxTOTPMinutes)
	}
	factors, _, err := e.callerFactors(o, m, req.IntermediateSessionToken, req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	if m.m.Status != "active" {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInactiveMember, "You may not attach an MFA factor to a member that is not active.")
	}
	if o.MFAMethods == stytchclient.MFAMethodsRestricted && !slices.Contains(o.AllowedMFAMethods, stytchclient.MFAMethodTOTP) && !m.m.IsBreakglass {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrRestrictedByMFAMethods, "The organization's MFA methods do not allow an authenticator app.")
	}
	if m.activeTOTP() != nil {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrActiveTOTPExists,
			"Cannot create a new TOTP for the member since the member already has an active TOTP; delete it first.")
	}
	if m.hasActiveFactor() && !m.provesActiveFactor(factors) {
		return nil, bypassRefused()
	}
	key, kerr := totp.Generate(totp.GenerateOpts{Issuer: orDefault(o.OrganizationName, o.OrganizationSlug), AccountName: m.m.EmailAddress})
	if kerr != nil {
		return nil, errf(http.StatusInternalServerError, stytchclient.ErrInternalServerError, "The TOTP key could not be made: %v.", kerr)
	}
	qr, qerr := qrDataURL(key)
	if qerr != nil {
		return nil, errf(http.StatusInternalServerError, stytchclient.ErrInternalServerError, "The QR code could not be drawn: %v.", qerr)
	}
	now := e.Now()
	// A pending registration is replaced, so a member who left setup half-way can start again.
	m.totp = &totpRegistration{
		id:       newID("totp"),
		secret:   key.Secret(),
		expires:  now.Add(time.Duration(minutes) * time.Minute),
		lastStep: -1,
		codes:    newRecoveryCodes(),
	}
	return stytchclient.CreateTOTPResponse{
		Response:           ok(),
		MemberID:           m.m.MemberID,
		TOTPRegistrationID: m.totp.id,
		Secret:             m.totp.secret,
		QRCode:             qr,
		RecoveryCodes:      slices.Clone(m.totp.codes),
		Member:             m.wire(now),
		Organization:       orgWire(o),
	}, nil
}

// mfaCaller is the shared start of totp/authenticate and recovery_codes/recover:
// the member, the one IST or session they came with, and the checks before any
// code is looked at.
func (e *Emulator) mfaCaller(orgID, memberID, ist, token, rawJWT string, minutes int) (*stytchclient.Organization, *member, any, *apiError) {
	o, m, err := e.st.findMember(orgID, memberID)
	if err != nil {
		return nil, nil, nil, err
	}
	if countSessionArgs(ist, token, rawJWT) == 0 {
		return nil, nil, nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionArguments,
			"Pass one of intermediate_session_token, session_token or session_jwt: this factor cannot be a primary factor.")
	}
	if err := sessionMinutes(minutes); err != nil {
		return nil, nil, nil, err
	}
	_, caller, err := e.callerFactors(o, m, ist, token, rawJWT)
	if err != nil {
		return nil, nil, nil, err
	}
	return o, m, caller, nil
}

func (e *Emulator) authenticateTOTP(r *http.Request, req *stytchclient.AuthenticateTOTPRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID, "code", req.Code); err != nil {
		return nil, err
	}
	if s := req.SetMFAEnrollment; s != "" && s != stytchclient.MFAEnroll && s != stytchclient.MFAUnenroll {
		return nil, badRequest("set_mfa_enrollment must be enroll or unenroll.")
	}
	o, m, caller, err := e.mfaCaller(req.OrganizationID, req.MemberID, req.IntermediateSessionToken, req.SessionToken, req.SessionJWT, req.SessionDurationMinutes)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	if m.locked(now) {
		return nil, lockedError() // even the right code is refused while locked
	}
	t := m.totp
	switch {
	case t == nil:
		return nil, errf(http.StatusNotFound, stytchclient.ErrTOTPNotFound, "The member has no authenticator app registered.")
	case !t.verified && !now.Before(t.expires):
		return nil, errf(http.StatusUnauthorized, stytchclient.ErrExpiredTOTP, "The TOTP registration expired before a code was authenticated; create a new one.")
	case recoveryCodeShape.MatchString(req.Code):
		return nil, errf(http.StatusBadRequest, stytchclient.ErrRecoveryCodeUsedAsTOTPCode, "This is a recovery code; use the recovery codes endpoint for it.")
	case !sixDigits.MatchString(req.Code):
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidTOTPCode, "The TOTP code should consist of 6 digits.")
	}
	step, matched := matchStep(t.secret, req.Code, now)
	if !matched {
		return nil, e.failAuth(m, errf(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP, "The TOTP code could not be authenticated."))
	}
	if step <= t.lastStep {
		return nil, e.failAuth(m, errf(http.StatusUnauthorized, stytchclient.ErrTOTPCodeAlreadyAuthenticated,
			"This TOTP code has already been authenticated. Please attempt with the next generated code."))
	}
	t.lastStep = step
	t.verified = true
	m.failures = 0
	m.m.TOTPRegistrationID = t.id
	switch {
	case o.MFAPolicy == stytchclient.MFAPolicyRequiredForAll:
		m.m.MFAEnrolled = true // the policy wins over set_mfa_enrollment
	case req.SetMFAEnrollment == stytchclient.MFAEnroll:
		m.m.MFAEnrolled = true
	case req.SetMFAEnrollment == stytchclient.MFAUnenroll:
		m.m.MFAEnrolled = false
	}
	setDefaultMFA(m, stytchclient.MFAMethodTOTP, req.SetDefaultMFA)
	m.m.UpdatedAt = ts(now)

	factor := stytchclient.AuthenticationFactor{
		Type: factorTypeTOTP, DeliveryMethod: factorAuthApp,
		LastAuthenticatedAt: ts(now), CreatedAt: ts(now), UpdatedAt: ts(now),
		AuthenticatorAppFactor: &stytchclient.AuthenticatorAppFactor{TOTPID: t.id},
	}
	s := e.completeMFA(r, m, caller, factor, req.SessionDurationMinutes, req.SessionCustomClaims)
	ms := e.sessionWire(s)
	return stytchclient.AuthenticateTOTPResponse{
		Response:      ok(),
		MemberID:      m.m.MemberID,
		Member:        m.wire(now),
		Organization:  orgWire(o),
		SessionToken:  s.token,
		SessionJWT:    e.signJWT(s),
		MemberSession: &ms,
	}, nil
}

func noRecoveryCodes() *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrNoActiveRecoveryCodeBackedFactor,
		"The member has no active authenticator app, so no recovery codes.")
}

func (e *Emulator) recoverWithCode(r *http.Request, req *stytchclient.RecoverRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID, "recovery_code", req.RecoveryCode); err != nil {
		return nil, err
	}
	o, m, caller, err := e.mfaCaller(req.OrganizationID, req.MemberID, req.IntermediateSessionToken, req.SessionToken, req.SessionJWT, req.SessionDurationMinutes)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	if m.locked(now) {
		return nil, lockedError()
	}
	t := m.activeTOTP()
	switch {
	case t == nil:
		return nil, noRecoveryCodes()
	case sixDigits.MatchString(req.RecoveryCode):
		return nil, errf(http.StatusBadRequest, stytchclient.ErrTOTPCodeUsedAsRecoveryCode, "This is a TOTP code; use the TOTP authenticate endpoint for it.")
	}
	i := slices.IndexFunc(t.codes, func(c string) bool { return subtle.ConstantTimeCompare([]byte(c), []byte(req.RecoveryCode)) == 1 })
	if i < 0 {
		return nil, e.failAuth(m, errf(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateRecoveryCode,
			"The recovery code could not be authenticated: it is wrong or was already used."))
	}
	t.codes = slices.Delete(t.codes, i, i+1) // single use
	m.failures = 0
	m.m.UpdatedAt = ts(now)

	factor := stytchclient.AuthenticationFactor{
		Type: factorTypeRecovery, DeliveryMethod: factorRecoveryCode,
		LastAuthenticatedAt: ts(now), CreatedAt: ts(now), UpdatedAt: ts(now),
		RecoveryCodeFactor: &stytchclient.RecoveryCodeFactor{TOTPRecoveryCodeID: t.id},
	}
	s := e.completeMFA(r, m, caller, factor, req.SessionDurationMinutes, req.SessionCustomClaims)
	ms := e.sessionWire(s)
	return stytchclient.RecoverResponse{
		Response:               ok(),
		MemberID:               m.m.MemberID,
		Member:                 m.wire(now),
		Organization:           orgWire(o),
		SessionToken:           s.token,
		SessionJWT:             e.signJWT(s),
		RecoveryCodesRemaining: len(t.codes),
		MemberSession:          &ms,
	}, nil
}

func (e *Emulator) recoveryCodesAnswer(o *stytchclient.Organization, m *member) stytchclient.RecoveryCodesResponse {
	return stytchclient.RecoveryCodesResponse{
		Response:      ok(),
		MemberID:      m.m.MemberID,
		Member:        m.wire(e.Now()),
		Organization:  orgWire(o),
		RecoveryCodes: slices.Clone(m.activeTOTP().codes),
	}
}

func (e *Emulator) getRecoveryCodes(r *http.Request, _ *struct{}) (any, *apiError) {
	o, m, err := e.st.findMember(r.PathValue("org"), r.PathValue("member"))
	if err != nil {
		return nil, err
	}
	if m.activeTOTP() == nil {
		return nil, noRecoveryCodes()
	}
	return e.recoveryCodesAnswer(o, m), nil
}

func (e *Emulator) rotateRecoveryCodes(r *http.Request, req *stytchclient.RotateRecoveryCodesRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "member_id", req.MemberID); err != nil {
		return nil, err
	}
	o, m, err := e.st.findMember(req.OrganizationID, req.MemberID)
	if err != nil {
		return nil, err
	}
	t := m.activeTOTP()
	if t == nil {
		return nil, noRecoveryCodes()
	}
	t.codes = newRecoveryCodes() // every older code stops working
	m.m.UpdatedAt = ts(e.Now())
	return e.recoveryCodesAnswer(o, m), nil
}

// deleteMemberFactor serves DELETE …/members/{member}/{factor}, of which
// Stytch has only the totp one.
func (e *Emulator) deleteMemberFactor(r *http.Request, req *struct{}) (any, *apiError) {
	if r.PathValue("factor") != "totp" {
		return nil, errf(http.StatusNotFound, "route_not_found", "No route matches %s %s.", r.Method, r.URL.Path)
	}
	return e.deleteTOTP(r, req)
}

func (e *Emulator) deleteTOTP(r *http.Request, _ *struct{}) (any, *apiError) {
	o, m, err := e.st.findMember(r.PathValue("org"), r.PathValue("member"))
	if err != nil {
		return nil, err
	}
	if err := e.authorize(r, o.OrganizationID, m.m.MemberID, actDeleteMFATOTP); err != nil {
		return nil, err
	}
	if m.totp == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrTOTPNotFound, "The member has no authenticator app registered.")
	}
	// Sessions and mfa_enrolled stay, as for the phone: MFA is asked again at the next login.
	m.totp = nil
	m.m.TOTPRegistrationID = ""
	if m.m.DefaultMFAMethod == stytchclient.MFAMethodTOTP {
		m.m.DefaultMFAMethod = ""
	}
	m.m.UpdatedAt = ts(e.Now())
	return e.memberResponse(o, m), nil
}

// TOTPSecret is the base32 secret of the member's authenticator-app
// registration (pending or verified), for tests and the demo to compute
// codes with; ok is false when the member has none.
func (e *Emulator) TOTPSecret(memberID string) (secret string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := e.memberAnyOrg(memberID); m != nil && m.totp != nil {
		return m.totp.secret, true
	}
	return "", false
}

// TOTPCode is the member's current authenticator-app code on the emulator's
// clock; ok is false when the member has no registration.
func (e *Emulator) TOTPCode(memberID string) (code string, ok bool) {
	secret, ok := e.TOTPSecret(memberID)
	if !ok {
		return "", false
	}
	code, err := totp.GenerateCodeCustom(secret, e.Now(), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return code, err == nil
}
