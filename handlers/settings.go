package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// settings is the member's security settings page: what is set up, in
// words, and only the actions that make sense now.
func (a *app) settings(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	p := s.Profile
	v := views.SettingsPage{
		Page:             a.page(c, tr(c).T("common.securitySettings"), s),
		Name:             p.Name,
		Email:            p.Email,
		OrganizationName: p.OrganizationName,
		MFAEnrolled:      p.MFAEnrolled,
		PhoneVerified:    p.PhoneVerified,
		RequiredByOrg:    p.MFARequired,
	}
	if p.Phone != "" {
		v.PhoneMasked = phone.Mask(p.Phone)
	}
	if s.ReturnTo != "" {
		v.BackURL, v.BackLabel = s.ReturnTo, a.backLabel(tr(c), s.ReturnTo)
	}
	acts := allowedActions(profileState(p))
	v.CanEnroll, v.CanReplace, v.CanTurnOn, v.CanUnenroll = acts.Enroll, acts.Replace, acts.TurnOn, acts.Unenroll
	v.CanRemovePhone = acts.RemovePhone
	v.PendingSetup = acts.Enroll && !p.TOTP && (p.MFAEnrolled || inFlow(s, flowReplace) || v.RequiredByOrg)
	switch acts.UnenrollBlocked {
	case "":
	case requiredByOrg:
		v.UnenrollBlocked = tr(c).T(acts.UnenrollBlocked) + " " + tr(c).T("blocked.changeInstead")
	default:
		v.UnenrollBlocked = tr(c).T(acts.UnenrollBlocked)
	}
	v.SMSOn = p.MFAEnrolled && (p.Phone != "" || !p.TOTP)
	v.HasApp, v.AppIsDefault = p.TOTP, loginAsksFirst(p) == methodTOTP
	v.CanAddApp, v.CanRemoveApp = acts.AddApp, acts.RemoveApp
	if acts.RemoveAppBlocked != "" {
		v.RemoveAppBlocked = tr(c).T(acts.RemoveAppBlocked)
	}
	v.CanAppDefault, v.CanSMSDefault, v.CanRotate = acts.AppDefault, acts.SMSDefault, acts.RotateRecovery
	v.Methods = methodsInWords(tr(c), p)
	changed := a.countRecoveryCodes(c, s)
	v.RecoveryLeft = -1
	if p.RecoveryCodesKnown {
		v.RecoveryLeft = p.RecoveryCodesLeft
	}
	if s.Flash != "" {
		v.Flash, s.Flash, changed = s.Flash, "", true
	}
	if changed {
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.SettingsContent(v))
}

// loginAsksFirst is the method a login asks for first ("" when login
// needs only the e-mail link): the member's default when they have it,
// else a text message, else the app. authenticate follows the same rule.
func loginAsksFirst(p *session.Profile) string {
	if !p.MFAEnrolled && !p.MFARequired {
		return ""
	}
	if p.DefaultMethod == methodTOTP && p.TOTP {
		return methodTOTP
	}
	if p.Phone != "" {
		return methodSMS
	}
	if p.TOTP {
		return methodTOTP
	}
	return ""
}

// methodsInWords says which methods the member has and which one login
// asks for first, in one sentence of l's language per combination.
func methodsInWords(l *locale.Localizer, p *session.Profile) string {
	var have string
	switch app, sms := p.TOTP, hasMethod(p, methodSMS); {
	case app && sms:
		have = "both"
	case app:
		have = "app"
	case sms:
		have = "sms"
	default:
		return l.T("methods.none")
	}
	first := loginAsksFirst(p)
	if first == "" {
		first = "off"
	}
	return l.T("methods."+have+"."+first, "Phone", phone.Mask(p.Phone))
}

// countRecoveryCodes asks Stytch how many recovery codes a member with an
// app has left, once per profile: the profile is rebuilt whenever Stytch
// describes the member again (a code, a refresh), so the count follows
// without a Stytch call on every view. It reports whether it learned it.
func (a *app) countRecoveryCodes(c echo.Context, s *session.State) bool {
	p := s.Profile
	if !p.TOTP || p.RecoveryCodesKnown {
		return false
	}
	codes, err := a.apps.RecoveryCodes(c.Request().Context(), caller(s), s.MemberID)
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "counting recovery codes failed", "member_id", s.MemberID, "err", err)
		return false
	}
	p.RecoveryCodesLeft, p.RecoveryCodesKnown = len(codes), true
	return true
}
