package handlers

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// codeSent stamps the flow with a code just texted to e164: the server's
// clock decides the cooldown and the expiry, so reloads cannot cheat them.
func (a *app) codeSent(f *session.Flow, e164 string) {
	now := a.now()
	f.PhoneE164 = e164
	f.CodeSentAt, f.CodeExpiresAt, f.ResendAfter = now, now.Add(codeLifetime), now.Add(a.cooldown)
}

// sendCode texts a code for s.Flow to e164 (or, with e164 "", to the
// phone the member already has) and starts the flow's code step.
func (a *app) sendCode(c echo.Context, s *session.State, e164 string) error {
	to := e164
	if to == "" && s.Profile != nil {
		to = s.Profile.Phone
	}
	if err := a.coolingDown(c, s.MemberID, to); err != nil {
		return err
	}
	if err := a.allow(c, "sms", a.smsLimits(c, s.MemberID, s.OrganizationID, to)...); err != nil {
		return err
	}
	m, err := a.idp.SendCode(c.Request().Context(), caller(s), identity.SendCode{
		Phone: e164, Locale: tr(c).Lang(),
	})
	if err != nil {
		return err
	}
	a.updateMember(s, m)
	a.codeSent(s.Flow, m.Phone)
	return a.codeSentTo(c.Request().Context(), s.MemberID, m.Phone)
}

// codeToCurrentPhone texts a code to the phone the member already has and
// moves on to the code page.
func (a *app) codeToCurrentPhone(c echo.Context, s *session.State, kind string) error {
	a.startFlow(c.Request().Context(), s, &session.Flow{Kind: kind})
	if err := a.sendCode(c, s, ""); err != nil {
		return err
	}
	return a.saveAndRedirect(c, s, "/verify")
}

// renderPhone shows the country and number form.
func (a *app) renderPhone(c echo.Context, s *session.State, purpose, region, number string, errs views.Errors) error {
	// Only the countries codes can go to are offered, so one that can't
	// is never preselected.
	if region == "" || !a.policy.Allows(region) {
		region = phone.DefaultRegion(c.Request().Header.Get("Accept-Language"), a.region, a.policy)
	}
	v := views.PhonePage{
		Page:    a.page(c, tr(c).T("settings.addPhone"), s),
		Purpose: purpose,
		Region:  region,
		Number:  number,
		Errors:  errs,
	}
	v.Problem = len(errs) > 0
	for _, ct := range phone.Countries() {
		if !a.policy.Allows(ct.Region) {
			continue
		}
		v.Countries = append(v.Countries, views.Country{
			Region: ct.Region, Name: countryName(tr(c), ct.Region, ct.Name), DialCode: ct.DialCode, Example: ct.Example,
		})
		if ct.Region == region {
			v.Example = ct.Example
		}
	}
	// In the page's language, in the order its readers look for them.
	col := tr(c).Collator()
	slices.SortStableFunc(v.Countries, func(x, y views.Country) int { return col.CompareString(x.Name, y.Name) })
	switch purpose {
	case views.PurposeLogin:
		v.ActionURL = v.URL("/login/phone")
		v.LogoutURL = v.URL("/logout")
		v.Title = tr(c).T("phone.titleLogin")
		v.Notice = tr(c).T("phone.noticeLogin")
		if s.Profile.MFAEnrolled {
			// Two-step verification is on for them, yet they have no method
			// left: an administrator reset their phone.
			v.Purpose, v.Title = views.PurposeLoginReset, tr(c).T("phone.headingLoginReset")
			v.Notice = tr(c).T("phone.noticeLoginReset")
		}
	case views.PurposeChange:
		v.Title = tr(c).T("confirm.replaceHeading")
		v.ActionURL = v.URL("/replace/phone")
		v.CancelURL = v.URL("/")
		v.Notice = tr(c).T("phone.noticeChange")
	case views.PurposeReplace:
		v.Title = tr(c).T("phone.headingReplace")
		v.ActionURL = v.URL("/enroll")
		v.CancelURL = v.URL("/")
		v.Notice = tr(c).T("phone.noticeReplace")
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
			return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number", Message: phoneMessage(tr(c), pe)}})
		}
		return err
	}
	ctx := c.Request().Context()
	if err := a.newPhoneFlow(c, s, kind); err != nil {
		return err
	}
	// A number linked earlier but never confirmed would block this one
	// where a phone is replaced by deleting it; elsewhere the new number
	// simply takes its place.
	if a.features.ReplaceByDeleting {
		err = a.dropUnconfirmedPhone(c, s, func(p string) bool { return p != num.E164 })
	}
	if err == nil {
		err = a.sendCode(c, s, num.E164)
	}
	// Whatever happened, the flow goes on (at its phone form if nothing
	// was sent): a login in particular must not end over one number. The
	// first failure is the one to tell.
	if serr := a.save(c, s); serr != nil && err == nil {
		return serr
	}
	switch {
	case identity.Is(err, identity.PhoneTaken):
		return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number",
			Message: tr(c).T("phoneError.duplicate")}})
	case identity.Is(err, identity.PhoneInvalid):
		return a.renderPhone(c, s, purpose, region, number, views.Errors{{Field: "number",
			Message: tr(c).T("phoneError.providerRefused")}})
	case err != nil:
		return err
	}
	a.log.InfoContext(ctx, "code sent", "flow", kind, "member_id", s.MemberID, "phone", num.E164) // the logger masks it
	return a.redirect(c, "/verify")
}

// newPhoneFlow starts the flow for a number typed on the phone form. A
// login's flow must still hold its record, which lives no longer than the
// intermediate session: an old cookie replayed later changes nothing.
func (a *app) newPhoneFlow(c echo.Context, s *session.State, kind string) error {
	ctx := c.Request().Context()
	if !flows[kind].inLogin {
		a.startFlow(ctx, s, &session.Flow{Kind: kind})
		return nil
	}
	var until time.Time
	if s.Flow != nil {
		until = s.Flow.Until
	}
	if err := a.takeFlow(ctx, s); err != nil {
		if err == errStepExpired {
			return a.endSession(c, tr(c).T("flash.loginTooLong"))
		}
		return err
	}
	a.startFlow(ctx, s, &session.Flow{Kind: kind, Until: until})
	return nil
}

// dropUnconfirmedPhone removes the number Stytch linked when it was
// texted but that was never confirmed, when drop says so of it. What
// counts is Stytch's record now, never the cookie's copy.
func (a *app) dropUnconfirmedPhone(c echo.Context, s *session.State, drop func(e164 string) bool) error {
	ctx := c.Request().Context()
	m, err := a.idp.Member(ctx, caller(s), s.MemberID)
	if err != nil {
		return err
	}
	if m.Phone == "" || m.PhoneVerified || !drop(m.Phone) {
		return nil
	}
	del, err := a.idp.RemovePhone(ctx, caller(s), s.MemberID)
	if err != nil {
		return err
	}
	a.audit(c, s, "delete_unconfirmed_mfa_phone", a.backendRef(del.Ref))
	if s.Profile != nil {
		s.Profile.Phone, s.Profile.PhoneVerified = "", false
	}
	return nil
}
