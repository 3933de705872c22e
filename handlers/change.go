package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/views"
)

// Where the backend cannot text the phone already set (ZITADEL:
// Features.ProveCurrentPhone is off), changes to a confirmed phone need
// no code to it. A new number replaces the old in place and is confirmed
// by a code texted to it, while the old one keeps receiving sign-in codes
// (flowChange); turning codes on or off is a confirmed form post.

// changeForm asks for the new number.
func (a *app) changeForm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).Replace {
		return redirectTo("/enroll")
	}
	return a.renderPhone(c, s, views.PurposeChange, "", "", nil)
}

// changeSend texts a code to the new number.
func (a *app) changeSend(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if a.features.ProveCurrentPhone || !allowedActions(profileState(s.Profile)).Replace {
		return redirectTo("/")
	}
	return a.sendToNewPhone(c, s, views.PurposeChange, flowChange)
}

// setTextCodesNow turns codes on or off for the member's confirmed phone
// without a code, where the backend has no code to the current phone.
func (a *app) setTextCodesNow(c echo.Context, on bool) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	m, err := a.idp.SetTextCodes(c.Request().Context(), caller(s), s.MemberID, on)
	if err != nil {
		return withRetry(err, "/", "common.backToSettings")
	}
	a.updateMember(s, m)
	if on {
		a.audit(c, s, "mfa_on", a.backendRef(m.Ref))
		s.Flash = tr(c).T("flash.smsOn", "Phone", phone.Mask(m.Phone))
	} else {
		a.audit(c, s, "mfa_off", a.backendRef(m.Ref))
		s.Flash = tr(c).T("flash.smsOff")
	}
	return a.saveAndRedirect(c, s, "/")
}

// noCodeNeeded reports whether changes to the confirmed phone go without
// a code to it.
func (a *app) noCodeNeeded() bool { return !a.features.ProveCurrentPhone }
