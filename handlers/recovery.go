package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// Recovery codes: Stytch makes ten with the authenticator app. They are
// shown once (after the app is set up, or after new ones are made), with
// a text file to download, until the member says they saved them.

// showingCodes is requireMember for the one step that shows the codes.
func (a *app) showingCodes(c echo.Context) (*session.State, []string, error) {
	s, err := a.requireMember(c)
	if err != nil {
		return nil, nil, err
	}
	if err := flowLoadError(c); err != nil {
		return nil, nil, err
	}
	if !inFlow(s, flowRecoveryShow) {
		return nil, nil, redirectTo("/")
	}
	codes, err := a.apps.RecoveryCodes(c.Request().Context(), caller(s), s.MemberID)
	if err != nil {
		return nil, nil, withRetry(err, "/recovery-codes", "Try again")
	}
	return s, codes, nil
}

// recoveryCodesPage shows the codes, once.
func (a *app) recoveryCodesPage(c echo.Context) error {
	s, codes, err := a.showingCodes(c)
	if err != nil {
		return err
	}
	v := views.RecoveryCodesPage{Page: a.page(c, "Your recovery codes", s), Codes: codes}
	if s.Flash != "" {
		v.Notice, s.Flash = s.Flash, ""
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	v.DownloadURL, v.SavedURL = v.URL("/recovery-codes/download"), v.URL("/recovery-codes/saved")
	return a.render(c, http.StatusOK, v.Page, views.RecoveryCodesContent(v))
}

// recoveryCodesDownload is the same codes as a text file.
func (a *app) recoveryCodesDownload(c echo.Context) error {
	s, codes, err := a.showingCodes(c)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Recovery codes for %s (%s)\n", s.Profile.Email, s.Profile.OrganizationName)
	b.WriteString("Each code logs you in once if you can't use your authenticator app.\n\n")
	for _, code := range codes {
		b.WriteString(code + "\n")
	}
	name := "recovery-codes.txt"
	if slug := s.Profile.OrganizationSlug; validSlug(slug) {
		name = "recovery-codes-" + slug + ".txt"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}

// recoveryCodesSaved ends the step: the codes are not shown again.
func (a *app) recoveryCodesSaved(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if err := flowLoadError(c); err != nil {
		return err
	}
	if !inFlow(s, flowRecoveryShow) {
		return errStepExpired
	}
	if err := a.takeFlow(c.Request().Context(), s); err != nil {
		return err
	}
	s.Flow = nil
	s.Flash = "Thanks. Keep your recovery codes somewhere safe, away from your phone."
	return a.saveAndRedirect(c, s, "/")
}

// recoveryRotateConfirm explains new codes and asks how to confirm.
func (a *app) recoveryRotateConfirm(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).RotateRecovery {
		return redirectTo("/")
	}
	v := a.stepUpPage(c, s, flowRecoveryRotate, "Make new recovery codes", "/recovery-codes/new")
	v.Points = []string{
		"You get ten new codes, shown once. Your old codes stop working at once.",
		"First, confirm it's you with a code.",
	}
	return a.render(c, http.StatusOK, v.Page, views.StepUpContent(v))
}

func (a *app) recoveryRotateStart(c echo.Context) error {
	s, err := a.requireMember(c)
	if err != nil {
		return err
	}
	if !allowedActions(profileState(s.Profile)).RotateRecovery {
		return redirectTo("/")
	}
	return a.startProof(c, s, flowRecoveryRotate)
}

// rotateRecoveryCodes runs once the fresh factor is confirmed.
func (a *app) rotateRecoveryCodes(c echo.Context, s *session.State, _ proof) error {
	if err := a.save(c, s); err != nil {
		return err
	}
	ctx := c.Request().Context()
	codes, ref, err := a.apps.RotateRecoveryCodes(ctx, caller(s))
	if err != nil {
		pe := describe(err)
		pe.heading = "Your recovery codes were not changed"
		pe.retryURL, pe.retryLabel = "/recovery-codes/new", "Start again"
		return pe
	}
	a.audit(c, s, "recovery_codes_rotated", a.backendRef(ref))
	s.Profile.RecoveryCodesLeft, s.Profile.RecoveryCodesKnown = len(codes), true
	a.startFlow(ctx, s, &session.Flow{Kind: flowRecoveryShow})
	s.Flash = "Here are your new recovery codes. Your old ones no longer work."
	return a.saveAndRedirect(c, s, "/recovery-codes")
}

// recoveryLoginNote is what a login with a recovery code says.
func recoveryLoginNote(left int) string {
	n := fmt.Sprintf("You have %d recovery codes left.", left)
	switch left {
	case 0:
		n = "That was your last recovery code."
	case 1:
		n = "You have 1 recovery code left."
	}
	return "You're logged in with a recovery code. " + n +
		" If you no longer have your authenticator app, remove it and set up a new one (or add a phone) in your security settings."
}

func slogMethod(method string) slog.Attr { return slog.String("method", method) }

// methodName is a method in words.
func methodName(method string) string {
	switch method {
	case methodTOTP:
		return "a code from your authenticator app"
	case methodRecovery:
		return "a recovery code"
	}
	return "a code by text message"
}
