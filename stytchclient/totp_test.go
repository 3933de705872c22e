package stytchclient_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// The authenticator-app and recovery-code calls against the emulator, over
// real HTTP, both ends checked against Stytch's OpenAPI spec like
// TestClientAgainstEmulator.

var totpOperations = []string{
	"POST /v1/b2b/totp",
	"POST /v1/b2b/totp/authenticate",
	"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp",
	"POST /v1/b2b/recovery_codes/recover",
	"GET /v1/b2b/recovery_codes/{organization_id}/{member_id}",
	"POST /v1/b2b/recovery_codes/rotate",
}

// appCode is what an authenticator app holding secret shows at t.
func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func factorKinds(ms *stytchclient.MemberSession) []string {
	var kinds []string
	for _, f := range ms.AuthenticationFactors {
		kinds = append(kinds, f.Type+"/"+f.DeliveryMethod)
	}
	return kinds
}

func TestClientTOTPAgainstEmulator(t *testing.T) {
	w := newWorld(t)
	acme := w.demo.Organization
	maxM, erin := acme.Member, acme.Enrolled
	var created *stytchclient.CreateTOTPResponse

	t.Run("SetUpWithSession", func(t *testing.T) {
		c := w.connect(t, "")
		login := c.session(acme.ID, maxM.Email)
		var err error
		created, err = c.c.CreateTOTP(c.ctx, stytchclient.CreateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, ExpirationMinutes: 10, SessionToken: login.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if created.MemberID != maxM.ID || created.TOTPRegistrationID == "" || len(created.Secret) != 32 || len(created.RecoveryCodes) != 10 ||
			!strings.HasPrefix(created.QRCode, "data:image/png;base64,") || created.Member.TOTPRegistrationID != "" {
			t.Fatalf("CreateTOTP: %+v", created)
		}
		_, err = c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, Code: "12345", SessionToken: login.SessionToken})
		wantStytchError(t, err, 400, stytchclient.ErrInvalidTOTPCode)
		code := appCode(t, created.Secret, w.clock.Now())
		auth, err := c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{
			OrganizationID: acme.ID, MemberID: maxM.ID, Code: code, SessionJWT: login.SessionJWT,
			SetMFAEnrollment: stytchclient.MFAEnroll, SetDefaultMFA: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		m := auth.Member
		if m.TOTPRegistrationID != created.TOTPRegistrationID || m.DefaultMFAMethod != stytchclient.MFAMethodTOTP || !m.MFAEnrolled ||
			auth.SessionToken != login.SessionToken || auth.MemberSession == nil {
			t.Fatalf("AuthenticateTOTP with a session: %+v", auth)
		}
		last := auth.MemberSession.AuthenticationFactors[len(auth.MemberSession.AuthenticationFactors)-1]
		if last.AuthenticatorAppFactor == nil || last.AuthenticatorAppFactor.TOTPID != created.TOTPRegistrationID {
			t.Fatalf("the totp factor does not name the registration: %+v", last)
		}
		_, err = c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, Code: code, SessionToken: login.SessionToken})
		wantStytchError(t, err, 401, stytchclient.ErrTOTPCodeAlreadyAuthenticated)
		_, err = c.c.CreateTOTP(c.ctx, stytchclient.CreateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, SessionToken: login.SessionToken})
		wantStytchError(t, err, 400, stytchclient.ErrActiveTOTPExists)
		codes, err := c.c.GetRecoveryCodes(c.ctx, acme.ID, maxM.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(codes.RecoveryCodes, created.RecoveryCodes) || codes.MemberID != maxM.ID {
			t.Fatalf("GetRecoveryCodes: %+v", codes)
		}
	})

	t.Run("LoginWithIntermediateSession", func(t *testing.T) {
		c := w.connect(t, "")
		w.clock.Advance(30 * time.Second)
		login := c.login(acme.ID, maxM.Email)
		if login.MemberAuthenticated || login.MFARequired == nil || login.MFARequired.MemberOptions == nil ||
			login.MFARequired.MemberOptions.TOTPRegistrationID != created.TOTPRegistrationID {
			t.Fatalf("login should ask for the app: %+v", login)
		}
		_, err := c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, Code: "000000", IntermediateSessionToken: login.IntermediateSessionToken})
		if appCode(t, created.Secret, w.clock.Now()) != "000000" {
			wantStytchError(t, err, 401, stytchclient.ErrUnableToAuthenticateTOTP)
		}
		auth, err := c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{
			OrganizationID: acme.ID, MemberID: maxM.ID, Code: appCode(t, created.Secret, w.clock.Now()),
			IntermediateSessionToken: login.IntermediateSessionToken, SessionDurationMinutes: 45,
		})
		if err != nil {
			t.Fatal(err)
		}
		if auth.SessionToken == "" || auth.SessionJWT == "" || auth.MemberSession == nil ||
			!slices.Equal(factorKinds(auth.MemberSession), []string{"magic_link/email", "totp/authenticator_app"}) {
			t.Fatalf("AuthenticateTOTP with an IST: %+v", auth)
		}
		sess, err := c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionJWT: auth.SessionJWT})
		if err != nil || sess.MemberSession.MemberID != maxM.ID {
			t.Fatalf("the new session: %+v, %v", sess, err)
		}
	})

	t.Run("RecoverAndRotate", func(t *testing.T) {
		c := w.connect(t, "")
		login := c.login(acme.ID, maxM.Email)
		rec, err := c.c.Recover(c.ctx, stytchclient.RecoverRequest{OrganizationID: acme.ID, MemberID: maxM.ID, RecoveryCode: created.RecoveryCodes[0], IntermediateSessionToken: login.IntermediateSessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if rec.RecoveryCodesRemaining != 9 || rec.SessionToken == "" || rec.MemberSession == nil ||
			!slices.Equal(factorKinds(rec.MemberSession), []string{"magic_link/email", "recovery_codes/recovery_code"}) {
			t.Fatalf("Recover: %+v", rec)
		}
		_, err = c.c.Recover(c.ctx, stytchclient.RecoverRequest{OrganizationID: acme.ID, MemberID: maxM.ID, RecoveryCode: created.RecoveryCodes[0], SessionToken: rec.SessionToken})
		wantStytchError(t, err, 401, stytchclient.ErrUnableToAuthenticateRecoveryCode)
		_, err = c.c.Recover(c.ctx, stytchclient.RecoverRequest{OrganizationID: acme.ID, MemberID: maxM.ID, RecoveryCode: created.RecoveryCodes[1]})
		wantStytchError(t, err, 400, stytchclient.ErrNoSessionArguments)

		rotated, err := c.c.RotateRecoveryCodes(c.ctx, stytchclient.RotateRecoveryCodesRequest{OrganizationID: acme.ID, MemberID: maxM.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rotated.RecoveryCodes) != 10 || slices.Contains(rotated.RecoveryCodes, created.RecoveryCodes[1]) {
			t.Fatalf("RotateRecoveryCodes: %+v", rotated.RecoveryCodes)
		}
		got, err := c.c.GetRecoveryCodes(c.ctx, acme.ID, maxM.ID)
		if err != nil || !slices.Equal(got.RecoveryCodes, rotated.RecoveryCodes) {
			t.Fatalf("GetRecoveryCodes after rotate: %+v, %v", got, err)
		}
		_, err = c.c.RotateRecoveryCodes(c.ctx, stytchclient.RotateRecoveryCodesRequest{OrganizationID: acme.ID, MemberID: acme.Admin.ID})
		wantStytchError(t, err, 400, stytchclient.ErrNoActiveRecoveryCodeBackedFactor)
	})

	t.Run("CreateNeedsTheExistingFactor", func(t *testing.T) {
		c := w.connect(t, "")
		_, err := c.c.CreateTOTP(c.ctx, stytchclient.CreateTOTPRequest{OrganizationID: acme.ID, MemberID: erin.ID})
		wantStytchError(t, err, 400, stytchclient.ErrSessionEnforcedFactorRequired)
		login := c.login(acme.ID, erin.Email)
		full, err := c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: acme.ID, MemberID: erin.ID, Code: c.code(erin.Phone), IntermediateSessionToken: login.IntermediateSessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.c.CreateTOTP(c.ctx, stytchclient.CreateTOTPRequest{OrganizationID: acme.ID, MemberID: erin.ID, SessionToken: full.SessionToken}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("DeleteWithMemberSession", func(t *testing.T) {
		c := w.connect(t, "")
		w.clock.Advance(30 * time.Second)
		login := c.login(acme.ID, maxM.Email)
		auth, err := c.c.AuthenticateTOTP(c.ctx, stytchclient.AuthenticateTOTPRequest{OrganizationID: acme.ID, MemberID: maxM.ID, Code: appCode(t, created.Secret, w.clock.Now()), IntermediateSessionToken: login.IntermediateSessionToken})
		if err != nil {
			t.Fatal(err)
		}
		// A plain member may not remove another member's app.
		_, err = c.c.DeleteTOTP(c.ctx, acme.ID, acme.Admin.ID, stytchclient.MemberAuth{SessionJWT: auth.SessionJWT})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		c.wantMemberHeaders("", auth.SessionJWT)
		del, err := c.c.DeleteTOTP(c.ctx, acme.ID, maxM.ID, stytchclient.MemberAuth{SessionToken: auth.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		c.wantMemberHeaders(auth.SessionToken, "")
		if del.Member.TOTPRegistrationID != "" || del.Member.DefaultMFAMethod != "" || !del.Member.MFAEnrolled {
			t.Fatalf("DeleteTOTP: %+v", del.Member)
		}
		_, err = c.c.DeleteTOTP(c.ctx, acme.ID, maxM.ID, stytchclient.MemberAuth{})
		wantStytchError(t, err, 404, stytchclient.ErrTOTPNotFound)
		_, err = c.c.GetRecoveryCodes(c.ctx, acme.ID, maxM.ID)
		wantStytchError(t, err, 400, stytchclient.ErrNoActiveRecoveryCodeBackedFactor)
	})

	if w.specSrv == nil {
		return
	}
	var seen []string
	for _, op := range totpOperations {
		seen = append(seen, op+" 200")
	}
	w.specSrv.RequireSeen(t, seen...)
	w.specCli.RequireSeen(t, totpOperations...)
	w.specCli.RequireSeen(t, seen...)
	w.specSrv.RequireSeen(t,
		"POST /v1/b2b/totp 400",
		"POST /v1/b2b/totp/authenticate 400",
		"POST /v1/b2b/totp/authenticate 401",
		"POST /v1/b2b/recovery_codes/recover 400",
		"POST /v1/b2b/recovery_codes/recover 401",
		"POST /v1/b2b/recovery_codes/rotate 400",
		"GET /v1/b2b/recovery_codes/{organization_id}/{member_id} 400",
		"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp 403",
		"DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}/totp 404",
	)
	for name, spec := range map[string]*openapitest.Spec{"server": w.specSrv, "client": w.specCli} {
		if st := spec.Stats(); st.InvalidRequests != 0 || st.Requests == 0 || st.Requests != st.Responses {
			t.Errorf("%s side: %+v; want every request and its answer checked, none waived", name, st)
		}
	}
}
