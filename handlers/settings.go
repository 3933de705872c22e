package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/stytchclient"
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
		Page:             a.page(c, "Security settings", s),
		Name:             p.Name,
		Email:            p.Email,
		OrganizationName: p.OrganizationName,
		MFAEnrolled:      p.MFAEnrolled,
		PhoneVerified:    p.PhoneVerified,
		RequiredByOrg:    p.MFAPolicy == stytchclient.MFAPolicyRequiredForAll,
	}
	if p.Phone != "" {
		v.PhoneMasked = phone.Mask(p.Phone)
	}
	if s.ReturnTo != "" {
		v.BackURL, v.BackLabel = s.ReturnTo, a.backLabel(s.ReturnTo)
	}
	acts := allowedActions(profileState(p))
	v.CanEnroll, v.CanReplace, v.CanTurnOn, v.CanUnenroll = acts.Enroll, acts.Replace, acts.TurnOn, acts.Unenroll
	v.PendingSetup = acts.Enroll && (p.MFAEnrolled || inFlow(s, flowReplace) || v.RequiredByOrg)
	if acts.UnenrollBlocked != "" {
		v.UnenrollBlocked = acts.UnenrollBlocked + " You can change your phone number instead."
	}
	if s.Flash != "" {
		v.Flash, s.Flash = s.Flash, ""
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.SettingsContent(v))
}
