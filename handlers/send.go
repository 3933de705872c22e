package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/views"
)

// newCodeFlow records that a code was just texted: the server's clock
// decides the cooldown and the expiry, so reloads cannot cheat them.
func (a *app) newCodeFlow(kind, e164 string) *session.Flow {
	now := a.now()
	return &session.Flow{
		Kind:          kind,
		PhoneE164:     e164,
		CodeSentAt:    now,
		CodeExpiresAt: now.Add(codeLifetime),
		ResendAfter:   now.Add(a.cooldown),
	}
}

// sessionArgs puts the right credential on an SMS call: the intermediate
// session token during login, the session token afterwards, or the JWT
// when a host handed in only that.
func sessionArgs(s *session.State) (ist, token, jwt string) {
	switch {
	case s.InLogin():
		return s.IntermediateSessionToken, "", ""
	case jwtOnly(s):
		return "", "", s.SessionJWT
	}
	return "", s.SessionToken, ""
}

// sendCode texts a code to e164 (or, with e164 "", to the phone the member
// already has) and starts the flow's code step.
func (a *app) sendCode(c echo.Context, s *session.State, kind, e164 string) error {
	ist, token, jwt := sessionArgs(s)
	res, err := a.stytch.SendSMS(c.Request().Context(), stytchclient.SendSMSRequest{
		OrganizationID:           s.OrganizationID,
		MemberID:                 s.MemberID,
		MFAPhoneNumber:           e164,
		Locale:                   smsLocale(c.Request().Header.Get("Accept-Language")),
		IntermediateSessionToken: ist,
		SessionToken:             token,
		SessionJWT:               jwt,
	})
	if err != nil {
		return err
	}
	setProfile(s, res.Member, res.Organization, adminRoles(s))
	s.Flow = a.newCodeFlow(kind, res.Member.MFAPhoneNumber)
	return nil
}

// codeToCurrentPhone texts a code to the phone the member already has and
// moves on to the code page.
func (a *app) codeToCurrentPhone(c echo.Context, s *session.State, kind string) error {
	if err := a.sendCode(c, s, kind, ""); err != nil {
		return err
	}
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/verify")
}

// renderPhone shows the country and number form.
func (a *app) renderPhone(c echo.Context, s *session.State, purpose, region, number string, errs views.Errors) error {
	// A country codes can't go to is never preselected: its option is
	// disabled, so the form would send no country at all.
	if region == "" || !a.policy.Allows(region) {
		region = phone.DefaultRegion(c.Request().Header.Get("Accept-Language"), a.region, a.policy)
	}
	v := views.PhonePage{
		Page:    a.page(c, "Add a phone", s),
		Purpose: purpose,
		Region:  region,
		Number:  number,
		Errors:  errs,
	}
	for _, ct := range phone.Countries() {
		v.Countries = append(v.Countries, views.Country{
			Region: ct.Region, Name: ct.Name, DialCode: ct.DialCode, Example: ct.Example, Allowed: a.policy.Allows(ct.Region),
		})
		if ct.Region == region {
			v.Example = ct.Example
		}
	}
	switch purpose {
	case views.PurposeLogin:
		v.Title = "Set up a second step"
		v.ActionURL = v.URL("/login/phone")
		v.Notice = "Your organization requires a second step when you log in: a code we text to your phone. Add your mobile number to finish logging in."
	case views.PurposeReplace:
		v.Title = "Add your new phone"
		v.ActionURL = v.URL("/enroll")
		v.CancelURL = v.URL("/")
		v.Notice = "Your old number has been removed. Add your new number to receive sign-in codes again; until then, no codes will be sent."
	default:
		v.ActionURL = v.URL("/enroll")
		v.CancelURL = v.URL("/")
	}
	return a.render(c, http.StatusOK, v.Page, views.PhoneContent(v))
}

// sendToNewPhone validates the number typed on the phone form and texts a
// code to it. A bad number, or one Stytch refuses, re-renders the form with
// the reason; nothing is sent.
func (a *app) sendToNewPhone(c echo.Context, s *session.State, purpose, kind string) error {
	region, number := c.FormValue("region"), c.FormValue("number")
	num, err := a.policy.Parse(region, number)
	if err != nil {
		var pe *phone.Error
		if errors.As(err, &pe) {
			return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number", Message: pe.Message()}})
		}
		return err
	}
	ctx := c.Request().Context()
	// A number linked earlier but never confirmed would block a different
	// one: Stytch links a number when it texts it. Remove it first.
	if p := s.Profile; p != nil && p.Phone != "" && !p.PhoneVerified && p.Phone != num.E164 {
		if _, err := a.stytch.DeleteMFAPhoneNumber(ctx, s.OrganizationID, s.MemberID, memberAuth(s)); err != nil {
			return err
		}
		p.Phone = ""
	}
	err = a.sendCode(c, s, kind, num.E164)
	switch {
	case stytchclient.IsErrorType(err, stytchclient.ErrDuplicateMemberPhoneNumber):
		return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number",
			Message: "Another member of your organization already uses this number. Enter a number that is yours alone."}})
	case stytchclient.IsErrorType(err, stytchclient.ErrInvalidPhoneNumber, stytchclient.ErrInvalidPhoneNumberCountryCode):
		return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number",
			Message: "Our text message provider can't send codes to this number. Try another mobile number."}})
	case err != nil:
		return err
	}
	a.log.InfoContext(ctx, "code sent", "flow", kind, "member_id", s.MemberID, "phone", num.E164) // the logger masks it
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/verify")
}

// memberAuth runs a Stytch call as the member, so Stytch's RBAC applies.
// During login there is no full session yet: the call runs with the
// project's rights, on the member's own record only. A host that handed in
// only the JWT gets the JWT header.
func memberAuth(s *session.State) stytchclient.MemberAuth {
	if jwtOnly(s) {
		return stytchclient.MemberAuth{SessionJWT: s.SessionJWT}
	}
	return stytchclient.MemberAuth{SessionToken: s.SessionToken}
}
