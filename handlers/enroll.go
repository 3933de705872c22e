package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// enrollPurpose tells a first phone from the new phone of a replacement.
func enrollPurpose(s *session.State) string {
	if s.Flow != nil && s.Flow.Kind == flowReplace {
		return views.PurposeReplace
	}
	return views.PurposeEnroll
}

// hasConfirmedPhone: nothing to enroll; changing it goes through /replace.
func hasConfirmedPhone(s *session.State) bool {
	return s.Profile != nil && s.Profile.Phone != "" && s.Profile.PhoneVerified
}

// enrollForm asks for the phone to text codes to.
func (a *app) enrollForm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if hasConfirmedPhone(s) {
		return redirectTo("/")
	}
	return a.renderPhone(c, s, enrollPurpose(s), "", "", nil)
}

// enrollSend validates the number and texts it a code.
func (a *app) enrollSend(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if hasConfirmedPhone(s) {
		return redirectTo("/")
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
	if !hasConfirmedPhone(s) || s.Profile.MFAEnrolled {
		return redirectTo("/")
	}
	return a.codeToCurrentPhone(c, s, flowTurnOn)
}
