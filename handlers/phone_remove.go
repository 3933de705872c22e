package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/views"
)

// Removing a phone that text message codes are not on for: a member who
// turned codes off (or has them only through the app) keeps the number on
// their account until they remove it here. The phone is not protecting
// their logins, so no code is asked for.

// phoneRemoveConfirm asks before the phone is removed.
func (a *app) phoneRemoveConfirm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).RemovePhone {
		return redirectTo("/")
	}
	v := views.ConfirmPage{
		Page:        a.page(c, tr(c).T("confirm.removeHeading"), s),
		Kind:        views.ConfirmRemovePhone,
		PhoneMasked: phone.Mask(s.Profile.Phone),
	}
	v.ActionURL, v.CancelURL = v.URL("/phone/remove"), v.URL("/")
	return a.render(c, http.StatusOK, v.Page, views.ConfirmContent(v))
}

// phoneRemove deletes the phone with the member's own session (Stytch's
// RBAC applies). What decides is Stytch's record now, never the cookie's
// copy: codes turned back on elsewhere keep the phone.
func (a *app) phoneRemove(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).RemovePhone {
		return redirectTo("/")
	}
	ctx := c.Request().Context()
	cur, err := a.idp.Member(ctx, caller(s), s.MemberID)
	if err != nil {
		return withRetry(err, "/phone/remove", "common.tryAgain")
	}
	if !allowedActions(memberState(cur, s.Profile.MFARequired)).RemovePhone {
		a.updateMember(s, cur)
		if cur.Phone != "" {
			s.Flash = tr(c).T("flash.phoneInUse")
		}
		return a.saveAndRedirect(c, s, "/")
	}
	m, err := a.idp.RemovePhone(ctx, caller(s), s.MemberID)
	if err != nil {
		return withRetry(err, "/phone/remove", "common.tryAgain")
	}
	a.audit(c, s, "delete_mfa_phone", a.backendRef(m.Ref))
	a.updateMember(s, m)
	s.Flash = tr(c).T("flash.phoneRemoved")
	return a.saveAndRedirect(c, s, "/")
}
