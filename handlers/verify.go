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
func (a *app) codeSession(c echo.Context) (*session.State, flow, error) {
	s, err := a.flowSession(c)
	if err != nil {
		return nil, flow{}, err
	}
	f, ok := currentFlow(s)
	switch {
	case !ok:
		return nil, flow{}, redirectTo("/")
	case s.Flow.PhoneE164 == "" && f.phoneForm != "":
		return nil, flow{}, redirectTo(f.phoneForm)
	case s.Flow.PhoneE164 == "":
		return nil, flow{}, redirectTo("/")
	case f.inLogin && !s.InLogin():
		return nil, flow{}, redirectTo("/login")
	case f.inLogin:
		return s, f, nil
	}
	s, err = a.requireMember(c)
	return s, f, err
}

func (a *app) codePage(c echo.Context, s *session.State, f flow) views.CodePage {
	fs := s.Flow
	now := a.now()
	v := views.CodePage{
		Page:             a.page(c, "Enter your code", s),
		Kind:             f.code,
		SubmitLabel:      f.submit,
		StateNote:        f.stateNote,
		PhoneMasked:      phone.Mask(fs.PhoneE164),
		ExpiresAt:        fs.CodeExpiresAt.UTC().Format("15:04 UTC"),
		ExpiresAtUnix:    fs.CodeExpiresAt.Unix(),
		ResendAtUnix:     fs.ResendAfter.Unix(),
		Expired:          !now.Before(fs.CodeExpiresAt),
		AutoSentByStytch: fs.AutoSent,
	}
	if wait := fs.ResendAfter.Sub(now); wait > 0 {
		v.ResendIn = int(math.Ceil(wait.Seconds()))
	}
	v.ActionURL = v.URL("/verify")
	v.ResendURL = v.URL("/verify/resend")
	v.CancelURL = v.URL("/verify/cancel")
	if s.Flash != "" {
		v.Notice, s.Flash = s.Flash, ""
	}
	return v
}

func (a *app) verifyForm(c echo.Context) error {
	s, f, err := a.codeSession(c)
	if err != nil {
		return err
	}
	v := a.codePage(c, s, f)
	if v.Notice != "" {
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
}

// verifyCode checks the code with Stytch and finishes the flow.
func (a *app) verifyCode(c echo.Context) error {
	s, f, err := a.codeSession(c)
	if err != nil {
		return err
	}
	v := a.codePage(c, s, f)
	code, ok := phone.NormalizeCode(c.FormValue("code"))
	if !ok {
		v.Errors = views.Errors{{Field: "code", Message: "Enter the 6 digits from the text message."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	if v.Expired {
		v.Errors = views.Errors{{Field: "code", Message: "This code has expired. Ask for a new one below."}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	req := stytchclient.AuthenticateSMSRequest{OrganizationID: s.OrganizationID, MemberID: s.MemberID, Code: code, SetMFAEnrollment: f.enrollment}
	req.IntermediateSessionToken, req.SessionToken, req.SessionJWT = sessionArgs(s)
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
	a.log.InfoContext(ctx, "code confirmed", "flow", s.Flow.Kind, "member_id", s.MemberID)
	s.Flow = nil
	return f.done(a, c, s, res.Member)
}

// verifyResend texts a new code once the cooldown has passed.
func (a *app) verifyResend(c echo.Context) error {
	s, f, err := a.codeSession(c)
	if err != nil {
		return err
	}
	if wait := s.Flow.ResendAfter.Sub(a.now()); wait > 0 {
		v := a.codePage(c, s, f)
		v.Errors = views.Errors{{Field: "code", Message: fmt.Sprintf("You can ask for a new code in %d s.", v.ResendIn)}}
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	number := ""
	if f.newPhone {
		number = s.Flow.PhoneE164
	}
	if err := a.sendCode(c, s, s.Flow.Kind, number); err != nil {
		return withRetry(err, "/verify", "Back to the code")
	}
	s.Flash = "We sent a new code to " + phone.Mask(s.Flow.PhoneE164) + ". Earlier codes no longer work."
	return a.saveAndRedirect(c, s, "/verify")
}

// verifyCancel stops the flow, leaving the account as it was: during login
// that means logged out; a number texted but never confirmed is removed.
func (a *app) verifyCancel(c echo.Context) error {
	s, err := a.flowSession(c)
	if err != nil {
		return err
	}
	f, ok := currentFlow(s)
	if !ok {
		return a.redirect(c, "/")
	}
	if f.inLogin {
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
	if f.newPhone && s.Profile != nil && !s.Profile.PhoneVerified && s.Profile.Phone == s.Flow.PhoneE164 {
		res, err := a.stytch.DeleteMFAPhoneNumber(c.Request().Context(), s.OrganizationID, s.MemberID, memberAuth(s))
		if err != nil {
			return withRetry(err, "/verify", "Back to the code")
		}
		setProfile(s, res.Member, res.Organization, adminRoles(s))
		a.audit(c, s, "delete_unconfirmed_mfa_phone", stytchRequestID(res.RequestID))
	}
	s.Flow = nil
	s.Flash = "Cancelled. Nothing was changed."
	return a.saveAndRedirect(c, s, "/")
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
