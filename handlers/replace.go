package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// Replacing the phone: Stytch cannot change a number in place, so the
// member first proves the current phone (a step-up code), then we delete
// it, then the member enrolls the new one.

func (a *app) replaceConfirm(c echo.Context) error {
	if a.noCodeNeeded() {
		return a.changeForm(c)
	}
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).Replace {
		return redirectTo("/enroll")
	}
	v := views.ConfirmPage{
		Page:        a.page(c, tr(c).T("confirm.replaceHeading"), s),
		Kind:        views.CodeStepUp,
		PhoneMasked: phone.Mask(s.Profile.Phone),
	}
	v.ActionURL, v.CancelURL = v.URL("/replace"), v.URL("/")
	return a.render(c, http.StatusOK, v.Page, views.ConfirmContent(v))
}

func (a *app) replaceStart(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).Replace {
		return redirectTo("/enroll")
	}
	return a.codeToCurrentPhone(c, s, flowStepUp)
}

// removeOldPhone runs once the step-up code is confirmed: it deletes the
// current number with the member's own session (Stytch's RBAC applies)
// and moves on to adding the new one.
func (a *app) removeOldPhone(c echo.Context, s *session.State) error {
	// The step-up already refreshed the session; keep it even if the delete fails.
	if err := a.save(c, s); err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := a.idp.RemovePhone(ctx, caller(s), s.MemberID)
	if err != nil {
		pe := describe(err)
		pe.heading, pe.extra = "error.phoneNotChanged", "error.phoneStillWorks"
		pe.retryURL, pe.retryLabel = "/replace", "common.startAgain"
		return pe
	}
	a.log.InfoContext(ctx, "mfa phone removed", "member_id", s.MemberID, "backend_ref", m.Ref)
	a.audit(c, s, "delete_mfa_phone_for_replace", a.backendRef(m.Ref))
	a.updateMember(s, m)
	a.startFlow(ctx, s, &session.Flow{Kind: flowReplace})
	return a.saveAndRedirect(c, s, "/enroll")
}
