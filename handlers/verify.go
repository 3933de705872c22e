package handlers

import (
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// codeSession is the session of a member who has a code to enter: a login
// in progress, or a signed-in member part-way through a change.
func (a *app) codeSession(c echo.Context) (*session.State, flow, error) {
	s, err := a.flowSession(c)
	if err != nil {
		return nil, flow{}, err
	}
	if err := flowLoadError(c); err != nil {
		return nil, flow{}, err
	}
	f, ok := currentFlow(s)
	switch {
	case !ok && s.FlowID != "" && s.InLogin():
		return nil, flow{}, a.endSession(c, tr(c).T("flash.loginTooLong"))
	case !ok && s.FlowID != "" && c.Request().Method == http.MethodPost:
		return nil, flow{}, errStepExpired
	case !ok:
		return nil, flow{}, redirectTo("/")
	case f.page != "":
		return nil, flow{}, redirectTo(f.page)
	case flowMethod(s, f) != methodSMS:
	case s.Flow.PhoneE164 == "" && f.phoneForm != "":
		return nil, flow{}, redirectTo(f.phoneForm)
	case s.Flow.PhoneE164 == "":
		return nil, flow{}, redirectTo("/")
	}
	switch {
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
		Page:             a.page(c, views.CodeTitle(c.Request().Context(), f.code, flowMethod(s, f)), s),
		Kind:             f.code,
		Method:           flowMethod(s, f),
		SubmitLabel:      tr(c).T(f.submit),
		AutoSentByStytch: fs.AutoSent,
	}
	if f.stateNote != "" {
		v.StateNote = tr(c).T(f.stateNote)
	}
	if v.Method == methodSMS {
		v.PhoneMasked = phone.Mask(fs.PhoneE164)
		v.ExpiresAt = fs.CodeExpiresAt
		v.ExpiresAtUnix, v.ResendAtUnix = fs.CodeExpiresAt.Unix(), fs.ResendAfter.Unix()
		v.Expired = !now.Before(fs.CodeExpiresAt)
		if wait := fs.ResendAfter.Sub(now); wait > 0 {
			v.ResendIn = int(math.Ceil(wait.Seconds()))
		}
	}
	if fs.TOTPSecret != "" {
		v.Setup = &views.TOTPSetup{Secret: fs.TOTPSecret, QR: fs.TOTPQR}
	}
	v.Alternatives = alternatives(s, f, v.Method)
	for i := range v.Alternatives {
		v.Alternatives[i].Label = tr(c).T(v.Alternatives[i].Label)
	}
	v.ActionURL = v.URL("/verify")
	v.ResendURL = v.URL("/verify/resend")
	v.MethodURL = v.URL("/verify/method")
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
	code, ok := normalizeCode(v.Method, c.FormValue("code"), a.features.LetterCodes)
	if !ok {
		v.Errors, v.Problem = views.Errors{{Field: "code", Message: tr(c).T(badShape(v.Method, a.features.LetterCodes))}}, true
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	if v.Expired {
		v.Errors, v.Problem = views.Errors{{Field: "code", Message: tr(c).T("codeError.expired")}}, true
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	// This step may run once: a replayed cookie, or another tab that got
	// here first, finds the record gone.
	ctx := c.Request().Context()
	if err := a.takeFlow(ctx, s); err != nil {
		return err
	}
	// Past the limit the flow is over: the member starts again, with a
	// new code.
	if err := a.allow(c, "codes", limit{"code_attempts", s.Flow.Chain, a.limits.CodeAttempts}); err != nil {
		if pe, ok := err.(*pageError); ok && pe.status == http.StatusTooManyRequests {
			return errTooManyTries
		}
		return err
	}
	res, err := a.proveCode(ctx, s, f, v.Method, code)
	if err != nil {
		return a.codeRefused(c, s, v, err)
	}
	a.setTokens(s, res.Session)
	setProfile(s, res.Member, res.Organization)
	a.log.InfoContext(ctx, "code confirmed", "flow", s.Flow.Kind, "method", v.Method, "member_id", s.MemberID)
	s.Flow = nil
	return f.done(a, c, s, proof{method: v.Method, member: res.Member, recoveryLeft: res.RecoveryCodesLeft})
}

var errTooManyTries = &pageError{
	status:         http.StatusTooManyRequests,
	heading:        "error.tooManyTries.heading",
	message:        "error.tooManyTries.message",
	nothingChanged: true,
	retryURL:       "/",
	retryLabel:     "common.backToSettings",
}

// codeRefused answers a code Stytch did not accept. The flow goes on (a
// new record, so the member can try again) unless the login or session
// behind it has ended.
func (a *app) codeRefused(c echo.Context, s *session.State, v views.CodePage, err error) error {
	status := http.StatusOK
	switch {
	case identity.Is(err, identity.LoginExpired):
		return a.endSession(c, tr(c).T("flash.loginTooLong"))
	case identity.Is(err, identity.SessionEnded):
		return a.endSession(c, tr(c).T("flash.sessionEnded"))
	case identity.Is(err, identity.CodeWrong, identity.CodeOtherKind) && v.Method == methodRecovery:
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.wrongRecovery")}}
	case identity.Is(err, identity.CodeOtherKind):
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.isRecovery", "Choice", tr(c).T("method.switch.recovery_code"))}}
	case identity.Is(err, identity.CodeWrong) && v.Method == methodTOTP:
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.wrongApp")}}
	case identity.Is(err, identity.CodeWrong):
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.wrongSMS")}}
	case identity.Is(err, identity.CodeExpired):
		v.Expired = true
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.expiredOrUsed")}}
	case identity.Is(err, identity.CodeReused):
		v.Errors = views.Errors{{Field: "code", Message: tr(c).T("codeError.appUsed")}}
	case identity.Is(err, identity.NoFactor):
		return &pageError{status: http.StatusConflict, heading: "error.stepExpired.heading",
			message:        "error.appStepExpired",
			nothingChanged: true, retryURL: "/", retryLabel: "common.backToSettings"}
	case identity.Is(err, identity.Locked):
		v.Locked, status = true, http.StatusTooManyRequests
		v.LockedUntil = a.now().Add(time.Hour)
	}
	if serr := a.save(c, s); serr != nil {
		return serr
	}
	if v.Errors == nil && !v.Locked {
		return withRetry(err, "/verify", "common.backToCode")
	}
	v.Problem = true
	return a.render(c, status, v.Page, views.CodeContent(v))
}

// verifyResend texts a new code once the cooldown has passed.
func (a *app) verifyResend(c echo.Context) error {
	s, f, err := a.codeSession(c)
	if err != nil {
		return err
	}
	if flowMethod(s, f) != methodSMS {
		return redirectTo("/verify")
	}
	if wait := s.Flow.ResendAfter.Sub(a.now()); wait > 0 {
		// Not a mistake with the code: a plain notice, and the code form as it was.
		v := a.codePage(c, s, f)
		v.Notice = tr(c).Plural("code.tooSoon", v.ResendIn)
		return a.render(c, http.StatusOK, v.Page, views.CodeContent(v))
	}
	if err := a.takeFlow(c.Request().Context(), s); err != nil {
		return err
	}
	number := ""
	if f.newPhone {
		number = s.Flow.PhoneE164
	}
	if err := a.sendCode(c, s, number); err != nil {
		if serr := a.save(c, s); serr != nil { // the flow goes on: the member may try again
			return serr
		}
		return withRetry(err, "/verify", "common.backToCode")
	}
	s.Flash = tr(c).T("flash.codeResent", "Phone", phone.Mask(s.Flow.PhoneE164))
	return a.saveAndRedirect(c, s, "/verify")
}

// verifyMethod switches the step to another of the flow's methods the
// member has: a text message (sent now), the app, or a recovery code.
func (a *app) verifyMethod(c echo.Context) error {
	s, f, err := a.codeSession(c)
	if err != nil {
		return err
	}
	method := c.FormValue("method")
	if !slices.Contains(flowMethods(f), method) || !hasMethod(s.Profile, method) {
		return redirectTo("/verify")
	}
	if err := a.takeFlow(c.Request().Context(), s); err != nil {
		return err
	}
	was := flowMethod(s, f)
	s.Flow.Method = method
	if method == methodSMS {
		if err := a.sendCode(c, s, ""); err != nil {
			s.Flow.Method = was // nothing was sent: the step stays as it was
			if serr := a.save(c, s); serr != nil {
				return serr
			}
			return withRetry(err, "/verify", "common.backToCode")
		}
	}
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
	switch {
	case !ok && s.FlowID != "" && !s.InLogin():
		return errStepExpired
	case !ok && !s.InLogin():
		return a.redirect(c, "/")
	case !ok || f.inLogin:
		if err := a.startOver(c, tr(c).T("flash.loginCancelled")); err != nil {
			return err
		}
		return a.redirect(c, "/login")
	}
	if s, err = a.requireMember(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := a.takeFlow(ctx, s); err != nil {
		return err
	}
	if f.newPhone && a.features.ReplaceByDeleting {
		// The number texted but never confirmed goes too, if Stytch still
		// has it so. (Where a number changes in place, removing it would
		// take the confirmed number's codes with it: it stays, unconfirmed.)
		texted := s.Flow.PhoneE164
		if err := a.dropUnconfirmedPhone(c, s, func(p string) bool { return p == texted }); err != nil {
			return withRetry(err, "/", "common.backToSettings")
		}
	}
	s.Flash = tr(c).T("flash.cancelled")
	if inFlow(s, flowChange) { // the new number stays, unconfirmed; codes still go to the old one
		s.Flash = tr(c).T("flash.changeCancelled")
	}
	s.Flow = nil
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
