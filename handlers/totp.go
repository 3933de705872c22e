package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// The authenticator app (TOTP): set up, confirmed by its first code
// before Stytch counts it; removed after a fresh second factor; made the
// method login asks for first.

// qrPrefix is the only kind of image the setup page shows inline (the CSP
// allows data: images).
const qrPrefix = "data:image/png;base64,"

// totpStart asks Stytch for a new app key and shows it with the code form.
// Nothing counts until the app's first code is confirmed; a member who
// leaves half-way starts again with a new key.
func (a *app) totpStart(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).AddApp {
		return redirectTo("/")
	}
	if err := a.allow(c, "appSetups", limit{"totp_setup", s.MemberID, a.limits.AppSetups}); err != nil {
		return err
	}
	return a.newAppKey(c, s, true)
}

// newAppKey has Stytch make the key and moves on to the setup page. A
// member with a confirmed phone whose session never proved it (they
// logged in while codes were off) proves it first, when stepUp allows.
func (a *app) newAppKey(c echo.Context, s *session.State, stepUp bool) error {
	res, err := a.apps.NewApp(c.Request().Context(), caller(s))
	if stepUp && identity.Is(err, identity.FreshFactorNeeded) && hasMethod(s.Profile, methodSMS) {
		return a.proofWith(c, s, flowTOTPStepUp, []string{methodSMS}) // the table's methods for flowTOTPStepUp
	}
	if err != nil {
		return withRetry(err, "/", "common.backToSettings")
	}
	f := &session.Flow{Kind: flowTOTPEnroll, Method: methodTOTP, TOTPSecret: res.Secret}
	if strings.HasPrefix(res.QRCode, qrPrefix) {
		f.TOTPQR = res.QRCode
	}
	a.startFlow(c.Request().Context(), s, f)
	return a.saveAndRedirect(c, s, "/verify")
}

// finishTOTPEnroll: the app's first code was right, so Stytch saved it.
// Its recovery codes come next, shown once.
func (a *app) finishTOTPEnroll(c echo.Context, s *session.State, _ proof) error {
	a.audit(c, s, "totp_added")
	a.startFlow(c.Request().Context(), s, &session.Flow{Kind: flowRecoveryShow})
	s.Flash = tr(c).T("flash.appSetUp")
	return a.saveAndRedirect(c, s, "/recovery-codes")
}

// totpRemoveConfirm explains removing the app and asks how to confirm.
func (a *app) totpRemoveConfirm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	acts := allowedActions(profileState(s.Profile))
	if !acts.RemoveApp && acts.RemoveAppBlocked == "" {
		return redirectTo("/")
	}
	l := tr(c)
	v := a.stepUpPage(c, s, flowTOTPRemove, l.T("stepup.removeAppHeading"), "/totp/remove")
	if acts.RemoveAppBlocked != "" {
		v.Blocked = l.T(acts.RemoveAppBlocked)
	}
	v.Points = []string{l.T("stepup.removeAppPoint1"), l.T("stepup.confirmFirst")}
	if !hasMethod(s.Profile, methodSMS) {
		v.Points = append(v.Points, l.T("stepup.removeAppNoOther"))
	}
	return a.render(c, http.StatusOK, v.Page, views.StepUpContent(v))
}

// totpRemoveStart starts the fresh second factor the removal needs.
func (a *app) totpRemoveStart(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).RemoveApp {
		return redirectTo("/")
	}
	return a.startProof(c, s, flowTOTPRemove)
}

// removeApp runs once the fresh factor is confirmed: the app goes, with the
// member's own session (Stytch's RBAC applies), and its recovery codes
// with it.
func (a *app) removeApp(c echo.Context, s *session.State, _ proof) error {
	if err := a.save(c, s); err != nil { // keep the refreshed session even if the delete fails
		return err
	}
	ctx := c.Request().Context()
	m, err := a.apps.RemoveApp(ctx, caller(s), s.MemberID)
	if err != nil {
		pe := describe(err)
		pe.heading = "error.appNotRemoved"
		pe.retryURL, pe.retryLabel = "/totp/remove", "common.startAgain"
		return pe
	}
	a.audit(c, s, "totp_removed", a.backendRef(m.Ref))
	a.updateMember(s, m)
	s.Flash = tr(c).T("flash.appRemoved")
	// With no method left, login must not ask for one (unless the
	// organization requires it, and then it asks for a phone).
	p := s.Profile
	if p.MFAEnrolled && !hasMethod(p, methodSMS) && !p.MFARequired {
		up, err := a.idp.SetTextCodes(ctx, caller(s), s.MemberID, false)
		if err != nil {
			a.log.WarnContext(ctx, "turning MFA off after the last method went failed", "member_id", s.MemberID, "err", err)
		} else {
			a.audit(c, s, "mfa_off", a.backendRef(up.Ref))
			a.updateMember(s, up)
			s.Flash += " " + tr(c).T("flash.linkOnly")
		}
	}
	return a.saveAndRedirect(c, s, "/")
}

// setDefaultMethod makes the app, or text messages, what login asks for
// first. It changes no factor, so it needs no fresh one.
func (a *app) setDefaultMethod(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	method := c.FormValue("method")
	acts := allowedActions(profileState(s.Profile))
	if !(method == methodTOTP && acts.AppDefault || method == methodSMS && acts.SMSDefault) {
		return redirectTo("/")
	}
	m, err := a.apps.SetDefaultMethod(c.Request().Context(), caller(s), method)
	if err != nil {
		return withRetry(err, "/", "common.backToSettings")
	}
	a.audit(c, s, "default_method_set", a.backendRef(m.Ref), slogMethod(method))
	a.updateMember(s, m)
	s.Flash = tr(c).T("flash.defaultSet." + method)
	return a.saveAndRedirect(c, s, "/")
}
