package stytchemu_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// codeAt is the authenticator app's code for secret at t, computed with the
// same library the emulator checks codes with.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func (v *env) createTOTP(body map[string]any, opts ...opt) *resp {
	v.t.Helper()
	return v.req("POST", "/v1/b2b/totp", body, opts...)
}

func (v *env) authTOTP(body map[string]any, opts ...opt) *resp {
	v.t.Helper()
	return v.req("POST", "/v1/b2b/totp/authenticate", body, opts...)
}

func (v *env) recoverCode(body map[string]any) *resp {
	v.t.Helper()
	return v.req("POST", "/v1/b2b/recovery_codes/recover", body)
}

func deleteTOTPPath(orgID, memberID string) string {
	return "/v1/b2b/organizations/" + orgID + "/members/" + memberID + "/totp"
}

func recoveryCodesPath(orgID, memberID string) string {
	return "/v1/b2b/recovery_codes/" + orgID + "/" + memberID
}

// setUpTOTP gives a member without other MFA factors an authenticator app:
// log in, create, confirm with a first code (enrolling the member). It
// returns the create answer and the session, which now carries the totp
// factor, and moves the clock to the next time step so the test has a
// fresh code.
func (v *env) setUpTOTP(orgID string, m stytchemu.DemoMember) (stytchclient.CreateTOTPResponse, string) {
	v.t.Helper()
	tok := v.session(orgID, m.Email)
	var created stytchclient.CreateTOTPResponse
	v.createTOTP(map[string]any{"organization_id": orgID, "member_id": m.ID, "session_token": tok}).ok(&created)
	v.authTOTP(map[string]any{"organization_id": orgID, "member_id": m.ID, "code": codeAt(v.t, created.Secret, v.clock.Now()),
		"session_token": tok, "set_mfa_enrollment": "enroll"}).ok(nil)
	v.clock.Advance(30 * time.Second)
	return created, tok
}

var recoveryCodeRE = regexp.MustCompile(`^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$`)

func TestTOTPCreateAndConfirm(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	maxM := acme.Member
	tok := v.session(acme.ID, maxM.Email)

	var created stytchclient.CreateTOTPResponse
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "session_token": tok}).ok(&created)
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(created.Secret) || !strings.HasPrefix(created.TOTPRegistrationID, "totp-test-") ||
		created.MemberID != maxM.ID || len(created.RecoveryCodes) != 10 {
		t.Fatalf("create: %+v", created)
	}
	for _, c := range created.RecoveryCodes {
		if !recoveryCodeRE.MatchString(c) {
			t.Errorf("recovery code %q is not shaped like Stytch's", c)
		}
	}
	// The QR code is a data URL of a 200×200 PNG, written the way Stytch's example is.
	raw, found := strings.CutPrefix(created.QRCode, "data:image/png;base64, ")
	if !found {
		t.Fatalf("qr_code %.40q… is not a PNG data URL", created.QRCode)
	}
	pngBytes, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil || img.Bounds().Dx() != 200 || img.Bounds().Dy() != 200 {
		t.Fatalf("QR PNG: %v %v", err, img)
	}
	if secret, ok := v.emu.TOTPSecret(maxM.ID); !ok || secret != created.Secret {
		t.Fatalf("TOTPSecret = %q, %v", secret, ok)
	}
	// Pending until confirmed: not on the member, no recovery codes yet.
	if created.Member.TOTPRegistrationID != "" {
		t.Fatalf("a pending registration is not the member's yet: %+v", created.Member)
	}
	v.req("GET", recoveryCodesPath(acme.ID, maxM.ID), nil).fails(http.StatusBadRequest, stytchclient.ErrNoActiveRecoveryCodeBackedFactor)

	code, _ := v.emu.TOTPCode(maxM.ID)
	if code != codeAt(t, created.Secret, start) {
		t.Fatalf("TOTPCode %q disagrees with the library", code)
	}
	var auth stytchclient.AuthenticateTOTPResponse
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "code": code, "session_token": tok, "set_mfa_enrollment": "enroll"}).ok(&auth)
	m := auth.Member
	if m.TOTPRegistrationID != created.TOTPRegistrationID || !m.MFAEnrolled || m.DefaultMFAMethod != "totp" {
		t.Fatalf("member after the first code: %+v", m)
	}
	if auth.SessionToken != tok || auth.SessionJWT == "" || auth.MemberSession == nil {
		t.Fatalf("the existing session should be answered: %+v", auth)
	}
	f := auth.MemberSession.AuthenticationFactors
	if len(f) != 2 || f[1].Type != "totp" || f[1].DeliveryMethod != "authenticator_app" || f[1].AuthenticatorAppFactor == nil ||
		f[1].AuthenticatorAppFactor.TOTPID != created.TOTPRegistrationID {
		t.Fatalf("session factors: %+v", f)
	}
	var codes stytchclient.RecoveryCodesResponse
	v.req("GET", recoveryCodesPath(acme.ID, maxM.ID), nil).ok(&codes)
	if !slices.Equal(codes.RecoveryCodes, created.RecoveryCodes) {
		t.Fatalf("recovery codes %v, want those of create %v", codes.RecoveryCodes, created.RecoveryCodes)
	}
	// One app at a time: a second one needs the first deleted.
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "session_token": tok}).fails(http.StatusBadRequest, stytchclient.ErrActiveTOTPExists)
	if st, _ := v.emu.MemberState(maxM.ID); st.TOTPRegistrationID != created.TOTPRegistrationID || st.RecoveryCodes != 10 {
		t.Fatalf("MemberState: %+v", st)
	}
	if v.spec != nil {
		v.spec.RequireSeen(t, "POST /v1/b2b/totp 200", "POST /v1/b2b/totp 400", "POST /v1/b2b/totp/authenticate 200",
			"GET /v1/b2b/recovery_codes/{organization_id}/{member_id} 200", "GET /v1/b2b/recovery_codes/{organization_id}/{member_id} 400")
	}
}

func TestTOTPWindowIsOneStepEitherSide(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	created, tok := v.setUpTOTP(acme.ID, acme.Member)
	v.clock.Advance(30 * time.Second) // so that the step before now was not used by the set-up
	now := v.clock.Now()
	body := func(code string) map[string]any {
		return map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": code, "session_token": tok}
	}
	step := 30 * time.Second
	// Two steps away on either side is too far.
	v.authTOTP(body(codeAt(t, created.Secret, now.Add(-2*step)))).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP)
	v.authTOTP(body(codeAt(t, created.Secret, now.Add(2*step)))).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP)
	// The app's clock may run 30 seconds slow or fast.
	v.authTOTP(body(codeAt(t, created.Secret, now.Add(-step)))).ok(nil)
	v.authTOTP(body(codeAt(t, created.Secret, now.Add(step)))).ok(nil)
	// Having accepted the next step's code, no older code is accepted any more.
	v.authTOTP(body(codeAt(t, created.Secret, now))).fails(http.StatusUnauthorized, stytchclient.ErrTOTPCodeAlreadyAuthenticated)
}

func TestTOTPCodeIsRefusedASecondTime(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	created, tok := v.setUpTOTP(acme.ID, acme.Member)
	body := func(code string) map[string]any {
		return map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": code, "session_token": tok}
	}
	code := codeAt(t, created.Secret, v.clock.Now())
	v.authTOTP(body(code)).ok(nil)
	v.authTOTP(body(code)).fails(http.StatusUnauthorized, stytchclient.ErrTOTPCodeAlreadyAuthenticated)
	v.clock.Advance(30 * time.Second) // still inside the code's window
	v.authTOTP(body(code)).fails(http.StatusUnauthorized, stytchclient.ErrTOTPCodeAlreadyAuthenticated)
	v.authTOTP(body(codeAt(t, created.Secret, v.clock.Now()))).ok(nil)
	v.clock.Advance(60 * time.Second) // now the first code is out of its window
	v.authTOTP(body(code)).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP)
}

func TestTOTPLocksAfterTenFailures(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	created, tok := v.setUpTOTP(acme.ID, acme.Member)
	right := codeAt(t, created.Secret, v.clock.Now())
	wrong := wrongCode(right)
	body := func(code string) map[string]any {
		return map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": code, "session_token": tok}
	}
	// TOTP codes and recovery codes count toward the same lock as SMS codes.
	for i := 0; i < 5; i++ {
		v.authTOTP(body(wrong)).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP)
		v.recoverCode(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "recovery_code": "zzzz-zzzz-zzzz", "session_token": tok}).
			fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateRecoveryCode)
	}
	v.authTOTP(body(right)).fails(http.StatusTooManyRequests, stytchclient.ErrUserLockLimitReached)
	v.recoverCode(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "recovery_code": created.RecoveryCodes[0], "session_token": tok}).
		fails(http.StatusTooManyRequests, stytchclient.ErrUserLockLimitReached)
	if m := v.member(acme.ID, acme.Member.ID); !m.IsLocked {
		t.Fatalf("member should be locked: %+v", m)
	}
	v.clock.Advance(time.Hour) // the lock is over, and so is the session: log in again
	login := v.login(acme.ID, acme.Member.Email)
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": codeAt(t, created.Secret, v.clock.Now()),
		"intermediate_session_token": login.IntermediateSessionToken}).ok(nil)
}

func TestTOTPCompletesLoginWithIntermediateSession(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	created, _ := v.setUpTOTP(acme.ID, acme.Member)

	login := v.login(acme.ID, acme.Member.Email)
	if login.MemberAuthenticated || login.MFARequired == nil || login.MFARequired.MemberOptions == nil ||
		login.MFARequired.MemberOptions.TOTPRegistrationID != created.TOTPRegistrationID || login.MFARequired.SecondaryAuthInitiated != "" {
		t.Fatalf("login should ask for the app: %+v", login)
	}
	var out stytchclient.AuthenticateTOTPResponse
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": codeAt(t, created.Secret, v.clock.Now()),
		"intermediate_session_token": login.IntermediateSessionToken, "session_duration_minutes": 30}).ok(&out)
	ms := out.MemberSession
	if out.SessionToken == "" || out.SessionJWT == "" || ms == nil || ms.ExpiresAt != v.clock.Now().Add(30*time.Minute).Format(time.RFC3339) {
		t.Fatalf("totp/authenticate with an IST should log in: %+v", out)
	}
	var kinds []string
	for _, f := range ms.AuthenticationFactors {
		kinds = append(kinds, f.Type+"/"+f.DeliveryMethod)
	}
	if !slices.Equal(kinds, []string{"magic_link/email", "totp/authenticator_app"}) {
		t.Fatalf("session factors %v", kinds)
	}
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_jwt": out.SessionJWT}).ok(nil)
	v.clock.Advance(30 * time.Second)
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": codeAt(t, created.Secret, v.clock.Now()),
		"intermediate_session_token": login.IntermediateSessionToken}).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)
}

func TestRecoveryCodes(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	maxM := acme.Member
	created, _ := v.setUpTOTP(acme.ID, maxM)
	recoverWith := func(code, ist string) *resp {
		return v.recoverCode(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "recovery_code": code, "intermediate_session_token": ist})
	}

	// A recovery code finishes a login in place of the app, once.
	login := v.login(acme.ID, maxM.Email)
	var out stytchclient.RecoverResponse
	recoverWith(created.RecoveryCodes[0], login.IntermediateSessionToken).ok(&out)
	if out.RecoveryCodesRemaining != 9 || out.SessionToken == "" || out.SessionJWT == "" || out.MemberSession == nil {
		t.Fatalf("recover: %+v", out)
	}
	f := out.MemberSession.AuthenticationFactors
	if len(f) != 2 || f[1].Type != "recovery_codes" || f[1].DeliveryMethod != "recovery_code" || f[1].RecoveryCodeFactor == nil ||
		f[1].RecoveryCodeFactor.TOTPRecoveryCodeID != created.TOTPRegistrationID {
		t.Fatalf("session factors: %+v", f)
	}
	login = v.login(acme.ID, maxM.Email)
	recoverWith(created.RecoveryCodes[0], login.IntermediateSessionToken).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateRecoveryCode)
	// A code typed into the wrong box is named as such.
	recoverWith(codeAt(t, created.Secret, v.clock.Now()), login.IntermediateSessionToken).fails(http.StatusBadRequest, stytchclient.ErrTOTPCodeUsedAsRecoveryCode)
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "code": created.RecoveryCodes[1], "intermediate_session_token": login.IntermediateSessionToken}).
		fails(http.StatusBadRequest, stytchclient.ErrRecoveryCodeUsedAsTOTPCode)
	// A recovery code is not a primary factor.
	v.recoverCode(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "recovery_code": created.RecoveryCodes[1]}).
		fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)

	var got stytchclient.RecoveryCodesResponse
	v.req("GET", recoveryCodesPath(acme.ID, maxM.ID), nil).ok(&got)
	if !slices.Equal(got.RecoveryCodes, created.RecoveryCodes[1:]) {
		t.Fatalf("unused codes %v, want %v", got.RecoveryCodes, created.RecoveryCodes[1:])
	}

	// Rotating replaces every code.
	var rotated stytchclient.RecoveryCodesResponse
	v.req("POST", "/v1/b2b/recovery_codes/rotate", map[string]any{"organization_id": acme.ID, "member_id": maxM.ID}).ok(&rotated)
	if len(rotated.RecoveryCodes) != 10 || slices.ContainsFunc(rotated.RecoveryCodes, func(c string) bool { return slices.Contains(created.RecoveryCodes, c) }) {
		t.Fatalf("rotated codes %v overlap the old ones", rotated.RecoveryCodes)
	}
	recoverWith(created.RecoveryCodes[1], login.IntermediateSessionToken).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateRecoveryCode)
	recoverWith(rotated.RecoveryCodes[0], login.IntermediateSessionToken).ok(&out)
	if out.RecoveryCodesRemaining != 9 {
		t.Fatalf("remaining after a rotated code: %d", out.RecoveryCodesRemaining)
	}
	v.req("POST", "/v1/b2b/recovery_codes/rotate", map[string]any{"organization_id": acme.ID, "member_id": acme.Admin.ID}).
		fails(http.StatusBadRequest, stytchclient.ErrNoActiveRecoveryCodeBackedFactor)
	if v.spec != nil {
		v.spec.RequireSeen(t, "POST /v1/b2b/recovery_codes/recover 200", "POST /v1/b2b/recovery_codes/recover 400", "POST /v1/b2b/recovery_codes/recover 401",
			"POST /v1/b2b/recovery_codes/rotate 200", "POST /v1/b2b/recovery_codes/rotate 400")
	}
}

func TestDeleteTOTP(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	maxM := acme.Member
	created, tok := v.setUpTOTP(acme.ID, maxM)
	adaTok := v.session(acme.ID, acme.Admin.Email)

	// RBAC: a plain member may remove only their own app; an admin anyone's in the organization.
	v.setUpTOTP(acme.ID, acme.Admin)
	v.req("DELETE", deleteTOTPPath(acme.ID, acme.Admin.ID), nil, asSession(tok)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("DELETE", deleteTOTPPath(acme.ID, acme.Admin.ID), nil, asSession(adaTok)).ok(nil)

	var del stytchclient.MemberResponse
	v.req("DELETE", deleteTOTPPath(acme.ID, maxM.ID), nil, asSession(tok)).ok(&del)
	m := del.Member
	if m.TOTPRegistrationID != "" || m.DefaultMFAMethod != "" || !m.MFAEnrolled {
		t.Fatalf("after delete: %+v", m)
	}
	// Sessions stay; the app, its recovery codes and its secret are gone.
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": tok}).ok(nil)
	v.req("DELETE", deleteTOTPPath(acme.ID, maxM.ID), nil).fails(http.StatusNotFound, stytchclient.ErrTOTPNotFound)
	v.req("GET", recoveryCodesPath(acme.ID, maxM.ID), nil).fails(http.StatusBadRequest, stytchclient.ErrNoActiveRecoveryCodeBackedFactor)
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "code": codeAt(t, created.Secret, v.clock.Now()), "session_token": tok}).
		fails(http.StatusNotFound, stytchclient.ErrTOTPNotFound)
	if _, ok := v.emu.TOTPSecret(maxM.ID); ok {
		t.Fatal("the secret outlived the registration")
	}
	// Stytch has no other DELETE …/members/{member_id}/<name> route.
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/"+maxM.ID+"/password", nil, invalidRequest).fails(http.StatusNotFound, "route_not_found")
	if v.spec != nil {
		v.spec.RequireSeen(t, "DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp 200",
			"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp 403",
			"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp 404")
	}
}

func TestTOTPBesidesSMS(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled // verified phone, default sms_otp

	// Adding an app needs the phone proven first.
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": erin.ID}).fails(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired)
	login := v.login(acme.ID, erin.Email)
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "intermediate_session_token": login.IntermediateSessionToken}).
		fails(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired)
	var full stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(erin.Phone), "intermediate_session_token": login.IntermediateSessionToken}).ok(&full)
	tok := full.SessionToken

	// A second create before confirming replaces the pending registration.
	var first, second stytchclient.CreateTOTPResponse
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "session_token": tok}).ok(&first)
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "session_jwt": full.SessionJWT}).ok(&second)
	if first.Secret == second.Secret || first.TOTPRegistrationID == second.TOTPRegistrationID {
		t.Fatal("the second create should make a new registration")
	}
	body := func(code string, setDefault bool) map[string]any {
		return map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": code, "session_token": tok, "set_default_mfa": setDefault}
	}
	v.authTOTP(body(codeAt(t, first.Secret, v.clock.Now()), false)).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthenticateTOTP)
	var out stytchclient.AuthenticateTOTPResponse
	v.authTOTP(body(codeAt(t, second.Secret, v.clock.Now()), false)).ok(&out)
	if out.Member.DefaultMFAMethod != "sms_otp" || out.Member.TOTPRegistrationID != second.TOTPRegistrationID {
		t.Fatalf("an app added beside SMS leaves the default alone: %+v", out.Member)
	}
	v.clock.Advance(30 * time.Second)
	v.authTOTP(body(codeAt(t, second.Secret, v.clock.Now()), true)).ok(&out)
	if out.Member.DefaultMFAMethod != "totp" {
		t.Fatalf("set_default_mfa should make the app the default: %+v", out.Member)
	}

	// With the app as default, login sends no SMS on its own.
	before := len(v.emu.Outbox())
	login = v.login(acme.ID, erin.Email)
	if login.MFARequired == nil || login.MFARequired.SecondaryAuthInitiated != "" || login.MFARequired.MemberOptions.MFAPhoneNumber != erin.Phone ||
		login.MFARequired.MemberOptions.TOTPRegistrationID != second.TOTPRegistrationID || len(v.emu.Outbox()) != before+1 {
		t.Fatalf("login with the app as default: %+v (outbox %d → %d, the e-mail only)", login.MFARequired, before, len(v.emu.Outbox()))
	}
	// A session proven by the app may change the phone; one with only the e-mail link may not.
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/mfa_phone_numbers/"+erin.ID, nil, asSession(tok)).ok(nil)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "mfa_phone_number": newPhone, "intermediate_session_token": login.IntermediateSessionToken}).
		fails(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "mfa_phone_number": newPhone, "session_token": tok}).ok(nil)

	// Removing the app while SMS is the default leaves the default alone.
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(newPhone), "session_token": tok, "set_default_mfa": true}).ok(nil)
	var del stytchclient.MemberResponse
	v.req("DELETE", deleteTOTPPath(acme.ID, erin.ID), nil, asSession(tok)).ok(&del)
	if del.Member.DefaultMFAMethod != "sms_otp" || del.Member.TOTPRegistrationID != "" {
		t.Fatalf("after removing the app: %+v", del.Member)
	}
}

func TestTOTPRequestRules(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	maxM := acme.Member
	tok := v.session(acme.ID, maxM.Email)
	create := func(extra map[string]any) *resp {
		body := map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "session_token": tok}
		for k, val := range extra {
			body[k] = val
		}
		return v.createTOTP(body)
	}
	create(map[string]any{"expiration_minutes": 4}).fails(http.StatusBadRequest, stytchclient.ErrInvalidExpiration)
	create(map[string]any{"expiration_minutes": 1441}).fails(http.StatusBadRequest, stytchclient.ErrInvalidExpiration)
	create(map[string]any{"member_id": "member-test-00000000-0000-4000-8000-000000000000"}).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	create(map[string]any{"member_id": acme.Admin.ID}).fails(http.StatusBadRequest, stytchclient.ErrSessionMemberMismatch)

	var created stytchclient.CreateTOTPResponse
	create(map[string]any{"expiration_minutes": 5}).ok(&created)
	auth := func(code string, extra map[string]any) *resp {
		body := map[string]any{"organization_id": acme.ID, "member_id": maxM.ID, "code": code, "session_token": tok}
		for k, val := range extra {
			body[k] = val
		}
		return v.authTOTP(body)
	}
	right := codeAt(t, created.Secret, v.clock.Now())
	auth(right, map[string]any{"session_token": nil}).fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)
	auth(right, map[string]any{"intermediate_session_token": "x"}).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)
	auth(right, map[string]any{"set_mfa_enrollment": "maybe"}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	auth(right, map[string]any{"session_duration_minutes": 4}).fails(http.StatusBadRequest, "invalid_session_duration_minutes")
	auth("12345", nil).fails(http.StatusBadRequest, stytchclient.ErrInvalidTOTPCode)
	auth("", nil).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.authTOTP(map[string]any{"organization_id": acme.ID, "member_id": acme.Admin.ID, "code": right, "session_token": v.session(acme.ID, acme.Admin.Email)}).
		fails(http.StatusNotFound, stytchclient.ErrTOTPNotFound)
	// A registration not confirmed in time lapses.
	v.clock.Advance(5 * time.Minute)
	auth(codeAt(t, created.Secret, v.clock.Now()), nil).fails(http.StatusUnauthorized, stytchclient.ErrExpiredTOTP)
	create(nil).ok(nil)

	// Only active members, and only where the organization allows the app.
	var pending stytchclient.LoginOrSignupResponse
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "newbie@acme.example"}).ok(&pending)
	v.createTOTP(map[string]any{"organization_id": acme.ID, "member_id": pending.MemberID}).fails(http.StatusBadRequest, stytchclient.ErrInactiveMember)
	var org stytchclient.OrganizationResponse
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Smsonly", "mfa_methods": "RESTRICTED", "allowed_mfa_methods": []string{"sms_otp"}}).ok(&org)
	var mem stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/organizations/"+org.Organization.OrganizationID+"/members", map[string]any{"email_address": "sam@smsonly.example"}).ok(&mem)
	v.createTOTP(map[string]any{"organization_id": org.Organization.OrganizationID, "member_id": mem.MemberID}).
		fails(http.StatusBadRequest, stytchclient.ErrRestrictedByMFAMethods)

	if v.spec != nil {
		v.spec.RequireSeen(t,
			"POST /v1/b2b/totp 200", "POST /v1/b2b/totp 400", "POST /v1/b2b/totp 404",
			"POST /v1/b2b/totp/authenticate 400",
			"POST /v1/b2b/totp/authenticate 401", "POST /v1/b2b/totp/authenticate 404",
		)
	}
}
