package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

func (a *app) loginPage(c echo.Context, s *session.State) views.LoginPage {
	v := views.LoginPage{Page: a.page(c, tr(c).T("common.logIn"), s), AskOrg: a.org == ""}
	if a.dev != nil {
		v.Dev = &views.Dev{Backend: a.idp.Name(), OutboxURL: a.dev.OutboxURL}
		for _, d := range a.dev.Accounts {
			if a.org != "" && d.Organization != a.org {
				continue
			}
			note := tr(c).T("login.demoCodesOff")
			switch {
			case d.Admin:
				note = tr(c).T("login.demoAdmin")
			case d.Phone != "":
				note = tr(c).T("login.demoCodesTo", "Phone", phone.Mask(d.Phone))
			}
			v.Dev.Accounts = append(v.Dev.Accounts, views.DemoAccount{
				Organization: d.Organization, OrganizationName: d.OrganizationName, Email: d.Email, Name: d.Name, Note: note,
			})
		}
	}
	return v
}

// loginForm asks for the e-mail address the magic link goes to.
func (a *app) loginForm(c echo.Context) error {
	s := a.session(c)
	if s.IsLoggedIn() {
		return a.redirect(c, "/")
	}
	v := a.loginPage(c, s)
	if s.Flash != "" {
		v.Status, s.Flash = s.Flash, ""
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.LoginContent(v))
}

// loginSend e-mails a magic link (Stytch login_or_signup).
func (a *app) loginSend(c echo.Context) error {
	s := a.session(c)
	v := a.loginPage(c, s)
	v.Email = strings.TrimSpace(c.FormValue("email"))
	org := a.org
	if org == "" {
		v.Organization = strings.ToLower(strings.TrimSpace(c.FormValue("organization")))
		org = v.Organization
	}
	if addr, err := mail.ParseAddress(v.Email); err != nil || addr.Address != v.Email || !strings.Contains(v.Email, ".") {
		v.Errors = append(v.Errors, views.FieldError{Field: "email", Message: tr(c).T("loginError.email", "Example", "name@example.com")})
	}
	if a.org == "" && !validSlug(v.Organization) {
		v.Errors = append(v.Errors, views.FieldError{Field: "organization", Message: tr(c).T("loginError.organization", "Example", "acme")})
	}
	if len(v.Errors) > 0 {
		v.Problem = true
		return a.render(c, http.StatusOK, v.Page, views.LoginContent(v))
	}
	if err := a.allow(c, "emails",
		limit{"login_email", strings.ToLower(v.Email), a.limits.LoginPerEmail},
		limit{"login_ip", c.RealIP(), a.limits.LoginPerIP}); err != nil {
		return err
	}
	// PKCE binds the link to this browser: only the cookie that asked for
	// it holds the verifier, so a link opened anywhere else logs nobody in.
	verifier := oauth2.GenerateVerifier()
	ctx := c.Request().Context()
	err := a.mail.SendLoginLink(ctx, identity.LoginLink{
		OrganizationID: org,
		Email:          v.Email,
		RedirectURL:    a.publicURL + a.base + "/authenticate",
		Locale:         tr(c).Lang(),
		PKCEChallenge:  oauth2.S256ChallengeFromVerifier(verifier),
	})
	// A refusal that would tell whether the address has an account or the
	// organization exists gets the same answer as a sent link; only the log
	// knows, without the address.
	var ie *identity.Error
	if errors.As(err, &ie) && ie.Kind == identity.NoAccount {
		level := slog.LevelInfo
		if ie.Unforeseen {
			level = slog.LevelWarn // maybe our configuration
		}
		a.log.Log(ctx, level, "login link not sent", "request_id", logging.RequestID(ctx), "organization", org, "error_type", ie.Reason, "err", ie.Err)
	} else if err != nil {
		return err
	}
	s.Email = v.Email
	s.LoginOrganization = v.Organization
	s.PKCEVerifier = verifier
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, "/login/sent")
}

func validSlug(s string) bool {
	if len(s) < 2 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '~') {
			return false
		}
	}
	return true
}

func (a *app) loginSent(c echo.Context) error {
	s := a.session(c)
	v := views.LoginSentPage{Page: a.page(c, tr(c).T("loginSent.heading"), s), Email: s.Email, Organization: s.LoginOrganization}
	return a.render(c, http.StatusOK, v.Page, views.LoginSentContent(v))
}

// authenticate is where the magic link lands.
func (a *app) authenticate(c echo.Context) error {
	token := c.QueryParam("token")
	if c.QueryParam("stytch_token_type") != "multi_tenant_magic_links" || token == "" {
		return a.linkProblem(c, "linkProblem.incomplete")
	}
	ctx := c.Request().Context()
	res, err := a.mail.OpenLoginLink(ctx, token, a.session(c).PKCEVerifier, tr(c).Lang())
	switch {
	case identity.Is(err, identity.LinkInvalid):
		return a.linkProblem(c, "linkProblem.expired")
	case identity.Is(err, identity.LinkOtherBrowser):
		// Another browser (or an older link): the link stays usable where it was asked for.
		a.log.InfoContext(ctx, "magic link opened in another browser", "request_id", logging.RequestID(ctx), "err", err)
		return a.linkProblem(c, "linkProblem.otherBrowser")
	}
	if err != nil {
		return err
	}
	// A new cookie at login: nothing from before survives, the used
	// PKCE verifier included.
	s := &session.State{}
	c.Set(sessionKey, s)
	setProfile(s, res.Member, res.Organization)
	if res.Intermediate == "" {
		a.setTokens(s, res)
		s.Flash = tr(c).T("flash.loggedIn")
		return a.saveAndRedirect(c, s, "/")
	}
	// MFA applies: keep the intermediate session token, only in the cookie.
	s.IntermediateSessionToken = res.Intermediate
	until := a.now().Add(loginTTL)
	switch {
	case res.LoginCodeSent:
		a.startFlow(ctx, s, &session.Flow{Kind: flowLogin, Until: until, AutoSent: true})
		a.codeSent(s.Flow, res.Member.Phone)
	case loginAsksFirst(s.Profile) == methodTOTP:
		// The app is the member's default (or their only method): nothing
		// is texted unless they choose a text message instead.
		a.startFlow(ctx, s, &session.Flow{Kind: flowLogin, Until: until, Method: methodTOTP})
	case res.Member.Phone != "":
		// Stytch did not text a code on its own (the member's default
		// method is another one): text it now.
		a.startFlow(ctx, s, &session.Flow{Kind: flowLogin, Until: until})
		if err := a.sendCode(c, s, ""); err != nil {
			return err
		}
	default:
		a.startFlow(ctx, s, &session.Flow{Kind: flowLoginEnroll, Until: until})
		return a.saveAndRedirect(c, s, "/login/phone")
	}
	return a.saveAndRedirect(c, s, "/verify")
}

// linkProblem shows the login form with what went wrong with the link:
// notice is a catalog key.
func (a *app) linkProblem(c echo.Context, notice string) error {
	s := a.session(c)
	v := a.loginPage(c, s)
	v.Notice = tr(c).T(notice)
	v.Title, v.Heading, v.Problem = tr(c).T("linkProblem.title"), tr(c).T("linkProblem.title"), true
	return a.render(c, http.StatusBadRequest, v.Page, views.LoginContent(v))
}

// loginPhoneForm: the organization requires MFA and the member has no
// phone yet, so they set one up as part of logging in.
func (a *app) loginPhoneForm(c echo.Context) error {
	s := a.session(c)
	if !s.InLogin() || !inFlow(s, flowLoginEnroll) {
		return redirectTo("/login")
	}
	return a.renderPhone(c, s, views.PurposeLogin, "", "", nil)
}

func (a *app) loginPhoneSend(c echo.Context) error {
	s := a.session(c)
	if !s.InLogin() || !inFlow(s, flowLoginEnroll) {
		return redirectTo("/login")
	}
	return a.sendToNewPhone(c, s, views.PurposeLogin, flowLoginEnroll)
}

// logout revokes the Stytch session and forgets the cookie. A session
// Stytch no longer knows is already gone, which is what we want.
func (a *app) logout(c echo.Context) error {
	s := a.session(c)
	if s.SessionToken != "" {
		if err := a.idp.Logout(c.Request().Context(), caller(s)); err != nil {
			return err
		}
	}
	if err := a.startOver(c, tr(c).T("flash.loggedOut")); err != nil {
		return err
	}
	return a.redirect(c, "/login")
}
