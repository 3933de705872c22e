package stytchemu_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

const newPhone = "+12015550199"

func TestSendAndAuthenticateEnrolls(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)

	var sent stytchclient.SendSMSResponse
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone, "session_token": tok}).ok(&sent)
	if sent.Member.MFAPhoneNumber != newPhone || sent.Member.MFAPhoneNumberVerified {
		t.Fatalf("after send the number is linked but unverified; got %q verified=%v", sent.Member.MFAPhoneNumber, sent.Member.MFAPhoneNumberVerified)
	}
	msg, _ := v.emu.LastMessage(newPhone)
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(msg.Code) || msg.MemberID != acme.Member.ID || msg.OrganizationID != acme.ID || msg.Link != "" {
		t.Fatalf("bad SMS: %+v", msg)
	}

	var out stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": msg.Code, "session_token": tok,
		"set_mfa_enrollment": "enroll", "set_default_mfa": true}).ok(&out)
	m := out.Member
	if !m.MFAPhoneNumberVerified || !m.MFAEnrolled || m.DefaultMFAMethod != "sms_otp" {
		t.Fatalf("member after authenticate: %+v", m)
	}
	if out.SessionToken != tok || out.SessionJWT == "" || out.MemberSession == nil {
		t.Fatalf("the existing session should be answered with a fresh JWT: %+v", out)
	}
	f := out.MemberSession.AuthenticationFactors
	if len(f) != 2 || f[0].Type != "magic_link" || f[1].Type != "otp" || f[1].DeliveryMethod != "sms" ||
		f[1].PhoneNumberFactor == nil || f[1].PhoneNumberFactor.PhoneNumber != newPhone {
		t.Fatalf("factors: %+v", f)
	}
}

func TestCodeExpiresAfterTwoMinutes(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)
	base := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "session_token": tok}
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}).ok(nil)

	v.clock.Advance(time.Minute + 59*time.Second)
	v.auth(with(base, "code", v.code(newPhone))).ok(nil)

	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID}).ok(nil)
	v.clock.Advance(2*time.Minute + time.Second)
	v.auth(with(base, "code", v.code(newPhone))).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthOTPCode)
}

func TestNewSendInvalidatesPreviousCodeAndCodeIsSingleUse(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)
	sendBody := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}
	v.send(sendBody).ok(nil)
	first := v.code(newPhone)
	second := first
	for second == first { // one in a million: codes may repeat
		v.send(sendBody).ok(nil)
		second = v.code(newPhone)
	}
	base := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "session_token": tok}
	v.auth(with(base, "code", first)).fails(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound)
	v.auth(with(base, "code", second)).ok(nil)
	v.auth(with(base, "code", second)).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthOTPCode)
}

func TestLockAfterTenFailures(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}).ok(nil)
	code := v.code(newPhone)
	base := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "session_token": tok}

	// A success resets the counter: 9 failures, success, 9 failures do not lock.
	for range 9 {
		v.auth(with(base, "code", wrongCode(code))).fails(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound)
	}
	v.auth(with(base, "code", code)).ok(nil)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID}).ok(nil)
	code = v.code(newPhone)
	for range 9 {
		v.auth(with(base, "code", wrongCode(code))).fails(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound)
	}
	if v.member(acme.ID, acme.Member.ID).IsLocked {
		t.Fatal("locked after 9 consecutive failures")
	}
	v.auth(with(base, "code", wrongCode(code))).fails(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound)
	v.auth(with(base, "code", code)).fails(http.StatusTooManyRequests, stytchclient.ErrUserLockLimitReached)
	m := v.member(acme.ID, acme.Member.ID)
	if !m.IsLocked || string(m.LockCreatedAt) != start.Format(time.RFC3339) || string(m.LockExpiresAt) != start.Add(time.Hour).Format(time.RFC3339) {
		t.Fatalf("lock fields: locked=%v created=%q expires=%q", m.IsLocked, m.LockCreatedAt, m.LockExpiresAt)
	}

	v.req("POST", "/v1/b2b/magic_links/authenticate", map[string]any{"magic_links_token": v.magicToken(acme.ID, acme.Member.Email)}).
		fails(http.StatusTooManyRequests, stytchclient.ErrUserLockLimitReached)

	v.clock.Advance(time.Hour)
	if v.member(acme.ID, acme.Member.ID).IsLocked {
		t.Fatal("still locked after an hour")
	}
	base["session_token"] = v.session(acme.ID, acme.Member.Email) // the old session lived 60 minutes
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID}).ok(nil)
	v.auth(with(base, "code", v.code(newPhone))).ok(nil)
}

func TestSessionArgumentsOnAuthenticate(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}).ok(nil)
	base := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": v.code(newPhone)}
	v.auth(base).fails(http.StatusBadRequest, stytchclient.ErrNoSessionArguments)
	v.auth(with(with(base, "session_token", tok), "intermediate_session_token", "x")).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)
	v.auth(with(base, "session_token", "nope")).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
	v.auth(with(base, "intermediate_session_token", "nope")).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "session_token": tok}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", "/v1/b2b/otps/sms/authenticate", `{"organization_id":`, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
}

func TestSendPhoneRules(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	send := func(phone string) *resp {
		return v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": phone})
	}
	send("+1201").fails(http.StatusBadRequest, stytchclient.ErrInvalidPhoneNumber)
	send("12015550199").fails(http.StatusBadRequest, stytchclient.ErrInvalidPhoneNumber)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID}).fails(http.StatusNotFound, stytchclient.ErrMemberPhoneNumberNotFound)
	send(acme.Enrolled.Phone).fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneNumber)
	send(newPhone).ok(nil)
	// The linked (still unverified) number cannot be swapped by sending to another one.
	send("+12015550198").fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneForMember)
	send(newPhone).ok(nil)
	// The same number in another organization is fine.
	glx := v.orgGlobex()
	v.send(map[string]any{"organization_id": glx.Slug, "member_id": glx.Member.ID, "mfa_phone_number": newPhone}).ok(nil)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": "member-test-nope"}).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	v.send(map[string]any{"organization_id": "nope", "member_id": acme.Member.ID}).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	v.send(map[string]any{"organization_id": acme.ID}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
}

func TestMFABypassProtection(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled
	send := func(extra ...any) *resp {
		body := map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "mfa_phone_number": newPhone}
		for i := 0; i+1 < len(extra); i += 2 {
			body[extra[i].(string)] = extra[i+1]
		}
		return v.send(body)
	}
	send().fails(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired)

	login := v.login(acme.ID, erin.Email) // IST carries only the magic-link factor
	if login.MemberAuthenticated || login.IntermediateSessionToken == "" {
		t.Fatalf("Erin is enrolled: MFA expected, got %+v", login)
	}
	send("intermediate_session_token", login.IntermediateSessionToken).fails(http.StatusBadRequest, stytchclient.ErrSessionEnforcedFactorRequired)
	// Re-sending to the existing number with the IST is the normal login flow.
	v.send(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "intermediate_session_token": login.IntermediateSessionToken}).ok(nil)

	// A session of another member is refused.
	maxTok := v.session(acme.ID, acme.Member.Email)
	send("session_token", maxTok).fails(http.StatusBadRequest, stytchclient.ErrSessionMemberMismatch)

	var full stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(erin.Phone), "intermediate_session_token": login.IntermediateSessionToken}).ok(&full)
	// With the factor proven, the number still has to be deleted first.
	send("session_token", full.SessionToken).fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneForMember)
}

func TestIntermediateSessionIsConsumed(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled
	login := v.login(acme.ID, erin.Email)
	mr := login.MFARequired
	if mr == nil || mr.SecondaryAuthInitiated != "sms_otp" || mr.MemberOptions == nil || mr.MemberOptions.MFAPhoneNumber != erin.Phone ||
		login.SessionToken != "" || login.SessionJWT != "" || login.MemberSession != nil {
		t.Fatalf("MFA answer: %+v", login)
	}
	body := map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(erin.Phone), "intermediate_session_token": login.IntermediateSessionToken}
	var out stytchclient.AuthenticateSMSResponse
	v.auth(body).ok(&out)
	f := out.MemberSession.AuthenticationFactors
	if out.SessionToken == "" || len(f) != 2 || f[0].Type != "magic_link" || f[1].Type != "otp" {
		t.Fatalf("full session expected: %+v", out)
	}
	// Consumed: even with a fresh code the IST is gone.
	v.send(map[string]any{"organization_id": acme.ID, "member_id": erin.ID}).ok(nil)
	v.auth(with(body, "code", v.code(erin.Phone))).fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)
	// ISTs are not sessions.
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": login.IntermediateSessionToken}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
}

func TestIntermediateSessionExpiresAfterTenMinutes(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	login := v.login(acme.ID, acme.Enrolled.Email)
	v.clock.Advance(10*time.Minute + time.Second)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Enrolled.ID, "intermediate_session_token": login.IntermediateSessionToken}).
		fails(http.StatusNotFound, stytchclient.ErrIntermediateSessionNotFound)
}

func TestRequiredForAllForcesEnrollment(t *testing.T) {
	v := newEnv(t)
	glx := v.orgGlobex()
	login := v.login(glx.ID, glx.Member.Email)
	if login.MemberAuthenticated || login.IntermediateSessionToken == "" || login.MFARequired == nil ||
		login.MFARequired.SecondaryAuthInitiated != "" || login.MFARequired.MemberOptions.MFAPhoneNumber != "" {
		t.Fatalf("REQUIRED_FOR_ALL member without phone: %+v", login)
	}
	ist := login.IntermediateSessionToken
	v.send(map[string]any{"organization_id": glx.ID, "member_id": glx.Member.ID, "mfa_phone_number": newPhone, "intermediate_session_token": ist}).ok(nil)
	var out stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": glx.ID, "member_id": glx.Member.ID, "code": v.code(newPhone),
		"intermediate_session_token": ist, "set_mfa_enrollment": "unenroll"}).ok(&out)
	if !out.Member.MFAEnrolled || !out.Member.MFAPhoneNumberVerified {
		t.Fatalf("REQUIRED_FOR_ALL must enroll whatever set_mfa_enrollment says: %+v", out.Member)
	}
}

func TestOptionalPolicyEnrollmentToggles(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled
	login := v.login(acme.ID, erin.Email)
	base := map[string]any{"organization_id": acme.ID, "member_id": erin.ID}
	var out stytchclient.AuthenticateSMSResponse
	v.auth(with(with(base, "code", v.code(erin.Phone)), "intermediate_session_token", login.IntermediateSessionToken)).ok(&out)
	tok := out.SessionToken

	step := func(set string) bool {
		v.send(base).ok(nil)
		body := with(with(base, "code", v.code(erin.Phone)), "session_token", tok)
		if set != "" {
			body["set_mfa_enrollment"] = set
		}
		var r stytchclient.AuthenticateSMSResponse
		v.auth(body).ok(&r)
		return r.Member.MFAEnrolled
	}
	if step("") != true {
		t.Fatal("absent set_mfa_enrollment changed enrollment")
	}
	if step("unenroll") != false {
		t.Fatal("unenroll did not unenroll")
	}
	if step("") != false {
		t.Fatal("absent set_mfa_enrollment changed enrollment")
	}
	if step("enroll") != true {
		t.Fatal("enroll did not enroll")
	}
	v.auth(with(with(base, "code", v.code(erin.Phone)), "session_token", tok)).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthOTPCode)
}

func TestDeleteMFAPhoneKeepsSessions(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	erin := acme.Enrolled
	login := v.login(acme.ID, erin.Email)
	var full stytchclient.AuthenticateSMSResponse
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "code": v.code(erin.Phone), "intermediate_session_token": login.IntermediateSessionToken}).ok(&full)

	path := "/v1/b2b/organizations/" + acme.ID + "/members/mfa_phone_numbers/" + erin.ID
	var del stytchclient.MemberResponse
	v.req("DELETE", path, nil, asSession(full.SessionToken)).ok(&del)
	m := del.Member
	if m.MFAPhoneNumber != "" || m.MFAPhoneNumberVerified || m.DefaultMFAMethod != "" || !m.MFAEnrolled {
		t.Fatalf("after delete: %+v", m)
	}
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": full.SessionToken}).ok(nil)
	v.req("DELETE", path, nil).fails(http.StatusNotFound, stytchclient.ErrMemberPhoneNumberNotFound)
	// No active factor is left, so a new number needs no proof.
	v.send(map[string]any{"organization_id": acme.ID, "member_id": erin.ID, "mfa_phone_number": newPhone}).ok(nil)
}

func TestCodeSentBeforeDeleteDoesNotVerifyNextNumber(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	tok := v.session(acme.ID, acme.Member.Email)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}).ok(nil)
	old := v.code(newPhone)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/mfa_phone_numbers/"+acme.Member.ID, nil).ok(nil)
	v.auth(map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": old, "session_token": tok}).
		fails(http.StatusNotFound, stytchclient.ErrOTPCodeNotFound)
}

// with returns a copy of m with k set to val.
func with(m map[string]any, k string, val any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, x := range m {
		out[key] = x
	}
	out[k] = val
	return out
}

func TestSendAndAuthenticateChecks(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	gusLogin := v.login(glx.ID, glx.Member.Email)
	body := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "mfa_phone_number": newPhone}
	v.send(with(body, "intermediate_session_token", gusLogin.IntermediateSessionToken)).fails(http.StatusBadRequest, stytchclient.ErrInvalidISTForOrganization)
	v.send(with(body, "locale", "xx"), invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrInvalidLocale)
	v.send(with(with(body, "session_token", "a"), "session_jwt", "b")).fails(http.StatusBadRequest, stytchclient.ErrTooManySessionArguments)

	var pending stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": "p@acme.example", "create_member_as_pending": true}).ok(&pending)
	v.send(map[string]any{"organization_id": acme.ID, "member_id": pending.MemberID, "mfa_phone_number": newPhone}).
		fails(http.StatusBadRequest, stytchclient.ErrInactiveMember)

	tok := v.session(acme.ID, acme.Member.Email)
	v.send(body).ok(nil)
	auth := map[string]any{"organization_id": acme.ID, "member_id": acme.Member.ID, "code": v.code(newPhone), "session_token": tok}
	v.auth(with(auth, "set_mfa_enrollment", "maybe")).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.auth(with(auth, "session_duration_minutes", 4)).fails(http.StatusBadRequest, "invalid_session_duration_minutes")
	v.clock.Advance(2 * time.Minute) // exactly at the expiry instant the code is refused
	v.auth(auth).fails(http.StatusUnauthorized, stytchclient.ErrUnableToAuthOTPCode)
}
