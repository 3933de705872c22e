package handlers

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/locale"
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
		return nil, nil, withRetry(err, "/recovery-codes", "common.tryAgain")
	}
	return s, codes, nil
}

// recoveryCodesPage shows the codes, once.
func (a *app) recoveryCodesPage(c echo.Context) error {
	s, codes, err := a.showingCodes(c)
	if err != nil {
		return err
	}
	v := views.RecoveryCodesPage{Page: a.page(c, tr(c).T("recovery.listLabel"), s), Codes: codes}
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
	l := tr(c)
	b.WriteString(l.T("recovery.fileTitle", "Email", s.Profile.Email, "Organization", s.Profile.OrganizationName) + "\n")
	b.WriteString(l.T("recovery.fileEach") + "\n\n")
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
	s.Flash = tr(c).T("flash.recoverySaved")
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
	l := tr(c)
	v := a.stepUpPage(c, s, flowRecoveryRotate, l.T("settings.recoveryNew"), "/recovery-codes/new")
	v.Points = []string{l.T("stepup.rotatePoint1"), l.T("stepup.confirmFirst")}
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
		pe.heading = "error.recoveryNotChanged"
		pe.retryURL, pe.retryLabel = "/recovery-codes/new", "common.startAgain"
		return pe
	}
	a.audit(c, s, "recovery_codes_rotated", a.backendRef(ref))
	s.Profile.RecoveryCodesLeft, s.Profile.RecoveryCodesKnown = len(codes), true
	a.startFlow(ctx, s, &session.Flow{Kind: flowRecoveryShow})
	s.Flash = tr(c).T("flash.recoveryRotated")
	return a.saveAndRedirect(c, s, "/recovery-codes")
}

// recoveryLoginNote is what a login with a recovery code says.
func recoveryLoginNote(l *locale.Localizer, left int) string {
	n := l.Plural("flash.recoveryLeft", left)
	if left == 0 {
		n = l.T("flash.recoveryLast")
	}
	return l.T("flash.recoveryLogin", "Left", n)
}

func slogMethod(method string) slog.Attr { return slog.String("method", method) }
