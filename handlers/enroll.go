package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// enrollPurpose tells a first phone from the new phone of a replacement.
func enrollPurpose(s *session.State) string {
	if inFlow(s, flowReplace) {
		return views.PurposeReplace
	}
	return views.PurposeEnroll
}

// enrollMember is requireMember for a member who may add a phone; any
// other is sent back to the settings page.
func (a *app) enrollMember(c echo.Context) (*session.State, error) {
	s, err := a.requireMember(c)
	if err != nil {
		return nil, err
	}
	if !allowedActions(profileState(s.Profile)).Enroll {
		return nil, redirectTo("/")
	}
	return s, nil
}

// enrollForm asks for the phone to text codes to.
func (a *app) enrollForm(c echo.Context) error {
	s, err := a.enrollMember(c)
	if err != nil {
		return err
	}
	return a.renderPhone(c, s, enrollPurpose(s), "", "", nil)
}

// enrollSend validates the number and texts it a code.
func (a *app) enrollSend(c echo.Context) error {
	s, err := a.enrollMember(c)
	if err != nil {
		return err
	}
	return a.sendToNewPhone(c, s, enrollPurpose(s), flowEnroll)
}

// turnOnSend turns MFA back on for a member whose phone is still set:
// a code to that phone, confirmed with set_mfa_enrollment "enroll".
func (a *app) turnOnSend(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).TurnOn {
		return redirectTo("/")
	}
	if a.noCodeNeeded() {
		return a.setTextCodesNow(c, true)
	}
	return a.codeToCurrentPhone(c, s, flowTurnOn)
}
