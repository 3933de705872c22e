package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/views"
)

// unenrollConfirm explains turning MFA off, or why it isn't possible.
func (a *app) unenrollConfirm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	acts := allowedActions(profileState(s.Profile))
	if !acts.Unenroll && acts.UnenrollBlocked == "" {
		return redirectTo("/")
	}
	v := views.ConfirmPage{
		Page:        a.page(c, tr(c).T("confirm.unenrollHeading"), s),
		Kind:        views.CodeUnenroll,
		PhoneMasked: phone.Mask(s.Profile.Phone),
	}
	v.ActionURL, v.CancelURL = v.URL("/unenroll"), v.URL("/")
	if acts.UnenrollBlocked != "" {
		v.Blocked = tr(c).T(acts.UnenrollBlocked)
	}
	return a.render(c, http.StatusOK, v.Page, views.ConfirmContent(v))
}

// unenrollStart texts a code to the current phone; the code page then
// confirms it with set_mfa_enrollment "unenroll".
func (a *app) unenrollStart(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	acts := allowedActions(profileState(s.Profile))
	if acts.UnenrollBlocked != "" {
		return &pageError{status: http.StatusForbidden, heading: "error.cannotTurnOff.heading",
			message: acts.UnenrollBlocked, nothingChanged: true, retryURL: "/", retryLabel: "common.backToSettings"}
	}
	if !acts.Unenroll {
		return redirectTo("/")
	}
	if a.noCodeNeeded() {
		return a.setTextCodesNow(c, false)
	}
	return a.codeToCurrentPhone(c, s, flowUnenroll)
}
