package handlers

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/views"
)

// codeSession is the session of a member who has a code to enter: a login
// in progress, or a signed-in member part-way through a change.
func (a *app) codeSession(c echo.Context) (*session.State, error) {
	s, err := a.flowSession(c)
	if err != nil {
		return nil, err
	}
	if s.Flow == nil || s.Flow.PhoneE164 == "" {
		if s.InLogin() && s.Flow != nil && s.Flow.Kind == flowLoginEnroll {
			return nil, redirectTo("/login/phone")
		}
		return nil, redirectTo("/")
	}
	if usesIST(s.Flow.Kind) {
		if !s.InLogin() {
			return nil, redirectTo("/login")
		}
		return s, nil
	}
	return a.requireMember(c)
}

func (a *app) codePage(c echo.Context, s *session.State) views.CodePage {
	f := s.Flow
	now := a.now()
	v := views.CodePage{
		Page:             a.page(c, "Enter your code", s),
		PhoneMasked:      phone.Mask(f.PhoneE164),
		ExpiresAt:        f.CodeExpiresAt.UTC().Format("15:04 UTC"),
		ExpiresAtUnix:    f.CodeExpiresAt.Unix(),
		ResendAtUnix:     f.ResendAfter.Unix(),
		Expired:          !now.Before(f.CodeExpiresAt),
		AutoSentByStytch: f.AutoSent,
		SubmitLabel:      "Confirm",
	}
	if wait := f.ResendAfter.Sub(now); wait > 0 {
		v.ResendIn = int(math.Ceil(wait.Seconds()))
	}
	v.ActionURL = v.URL("/verify")
	v.ResendURL = v.URL("/verify/resend")
	v.CancelURL = v.URL("/verify/cancel")
	switch f.Kind {
	case flowLogin:
		v.Kind, v.SubmitLabel = views.CodeLogin, "Log in"
	case flowLoginEnroll:
		v.Kind, v.SubmitLabel = views.CodeEnroll, "Confirm and log in"
		v.StateNote = "Your number is saved but not confirmed yet. Enter the code to finish."
	case flowEnroll, flowTurnOn:
		v.Kind, v.SubmitLabel = views.CodeEnroll, "Turn on"
		v.StateNote = "Text message codes are not on yet. They will be once you enter the code."
	case flowStepUp:
		v.Kind, v.SubmitLabel = views.CodeStepUp, "Confirm and remove this number"
		v.StateNote = "Nothing has changed yet: your current phone still receives your sign-in codes."
	case flowUnenroll:
		v.Kind, v.SubmitLabel = views.CodeUnenroll, "Turn off"
		v.StateNote = "Text message codes are still on. They will be turned off once you enter the code."
	}
	if s.Flash != "" {
		v.Notice, s.Flash = s.Flash, ""
	}
	return v
}

func (a *app) verifyForm(c echo.Context) error {
	s, err := a.codeSession(c)
	if err != nil {
		return err
	}
	v := a.codePage(c, s)
	if v.Notice != "" {
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
}

// verifyCode checks the code with Stytch and finishes the flow.
func (a *app) verifyCode(c echo.Context) error {
	s, err := a.codeSession(c)
	if err != nil {
		return err
	}
	v := a.codePage(c, s)
	code, ok := phone.NormalizeCode(c.FormValue("code"))
	if !ok {
		v.Errors = views.Errors{{Field: "code", Message: "Enter the 6 digits from the text message."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	if v.Expired {
		v.Errors = views.Errors{{Field: "code", Message: "This code has expired. Ask for a new one below."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	f := s.Flow
	req := stytchclient.AuthenticateSMSRequest{OrganizationID: s.OrganizationID, MemberID: s.MemberID, Code: code}
	req.IntermediateSessionToken, req.SessionToken, req.SessionJWT = sessionArgs(s)
	switch f.Kind {
	case flowLoginEnroll, flowEnroll, flowTurnOn:
		req.SetMFAEnrollment = stytchclient.MFAEnroll
	case flowUnenroll:
		req.SetMFAEnrollment = stytchclient.MFAUnenroll
	}
	ctx := c.Request().Context()
	res, err := a.stytch.AuthenticateSMS(ctx, req)
	switch {
	case stytchclient.IsErrorType(err, stytchclient.ErrOTPCodeNotFound):
		v.Errors = views.Errors{{Field: "code", Message: "That code isn't right. Check the latest text message and try again."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	case stytchclient.IsErrorType(err, stytchclient.ErrUnableToAuthOTPCode):
		v.Expired = true
		v.Errors = views.Errors{{Field: "code", Message: "That code has expired or was already used. Ask for a new one below."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	case stytchclient.IsErrorType(err, stytchclient.ErrUserLockLimitReached):
		v.Locked = true
		v.LockedUntil = a.now().Add(time.Hour).UTC().Format("15:04 UTC")
		return a.render(c, http.StatusTooManyRequests, v.Page, views.CodeContent(v))
	case stytchclient.IsErrorType(err, stytchclient.ErrIntermediateSessionNotFound):
		return a.endSession(c, "Logging in took too long, so we stopped it for your security. Please log in again.")
	case stytchclient.IsErrorType(err, stytchclient.ErrSessionNotFound):
		return a.endSession(c, "Your session has ended. Please log in again.")
	case err != nil:
		return withRetry(err, "/verify", "Back to the code")
	}
	a.setTokens(s, res.SessionToken, res.SessionJWT, res.MemberSession)
	var roles []string
	if res.MemberSession != nil {
		roles = res.MemberSession.Roles
	}
	setProfile(s, res.Member, res.Organization, roles)
	kind := f.Kind
	s.Flow = nil
	a.log.InfoContext(ctx, "code confirmed", "flow", kind, "member_id", s.MemberID)
	switch kind {
	case flowLogin, flowLoginEnroll:
		s.Flash = "You're logged in."
		if kind == flowLoginEnroll {
			s.Flash = "You're logged in, and text message codes are set up."
		}
		if err := a.sessions.Save(c.Response(), c.Request(), s); err != nil {
			return err
		}
		return a.redirect(c, "/")
	case flowStepUp:
		return a.removeOldPhone(c, s)
	case flowUnenroll:
		s.Flash = "Text message codes are off. You can turn them back on at any time."
	default:
		s.Flash = fmt.Sprintf("Text message codes are on. We'll text %s when you log in.", phone.Mask(res.Member.MFAPhoneNumber))
		// Enrolled (or the replacement finished): back to the host's
		// page the member came from, if any.
		if left, err := a.leaveForReturnTo(c, s); left || err != nil {
			return err
		}
	}
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/")
}

// verifyResend texts a new code once the cooldown has passed.
func (a *app) verifyResend(c echo.Context) error {
	s, err := a.codeSession(c)
	if err != nil {
		return err
	}
	f := s.Flow
	if wait := f.ResendAfter.Sub(a.now()); wait > 0 {
		v := a.codePage(c, s)
		v.Errors = views.Errors{{Field: "code", Message: fmt.Sprintf("You can ask for a new code in %d s.", v.ResendIn)}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	number := ""
	if f.Kind == flowEnroll || f.Kind == flowLoginEnroll {
		number = f.PhoneE164
	}
	kind, autoSent := f.Kind, false
	if err := a.sendCode(c, s, kind, number); err != nil {
		return withRetry(err, "/verify", "Back to the code")
	}
	s.Flow.AutoSent = autoSent
	s.Flash = "We sent a new code to " + phone.Mask(s.Flow.PhoneE164) + ". Earlier codes no longer work."
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/verify")
}

// verifyCancel stops the flow, leaving the account as it was: during login
// that means logged out; a number texted but never confirmed is removed.
func (a *app) verifyCancel(c echo.Context) error {
	s, err := a.flowSession(c)
	if err != nil {
		return err
	}
	if s.Flow == nil {
		return a.redirect(c, "/")
	}
	if usesIST(s.Flow.Kind) {
		if err := a.startOver(c, "Logging in was cancelled."); err != nil {
			return err
		}
		return a.redirect(c, "/login")
	}
	if s, err = a.requireMember(c); err != nil {
		return err
	}
	if s.Flow == nil {
		return a.redirect(c, "/")
	}
	if s.Flow.Kind == flowEnroll && s.Profile != nil && !s.Profile.PhoneVerified && s.Profile.Phone == s.Flow.PhoneE164 {
		res, err := a.stytch.DeleteMFAPhoneNumber(c.Request().Context(), s.OrganizationID, s.MemberID, memberAuth(s))
		if err != nil {
			return withRetry(err, "/verify", "Back to the code")
		}
		setProfile(s, res.Member, res.Organization, adminRoles(s))
	}
	s.Flow = nil
	s.Flash = "Cancelled. Nothing was changed."
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/")
}

// withRetry keeps the mapped message of a failure but points the page's
// button back to where the member was.
func withRetry(err error, path, label string) error {
	pe := describe(err)
	if pe.retryURL == "" {
		pe.retryURL, pe.retryLabel = path, label
	}
	return pe
}

// adminRoles keeps the admin flag across answers that carry no session roles.
func adminRoles(s *session.State) []string {
	if s.Profile != nil && s.Profile.IsAdmin {
		return []string{stytchclient.RoleMember, stytchclient.RoleAdmin}
	}
	return nil
}
