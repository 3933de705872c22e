package stytchemu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Magic-link limits from stytch-api.md 4.8.
const (
	defaultLinkMinutes = 60
	minLinkMinutes     = 5
	maxLinkMinutes     = 10080
	errInvalidEmail    = "invalid_email"
	errJITNotAllowed   = "invalid_email_for_jit_provisioning"
)

// magicLinkLocales are the locales OPENAPI lists for magic-link e-mails.
var magicLinkLocales = []string{"", "en", "es", "pt-br", "fr"}

// mayJoin decides e-mail JIT provisioning for an address that has no member yet.
func mayJoin(o *stytchclient.Organization, email string) bool {
	if o.EmailJITProvisioning == "NOT_ALLOWED" {
		return false
	}
	if len(o.EmailAllowedDomains) == 0 {
		return true
	}
	return slices.ContainsFunc(o.EmailAllowedDomains, func(d string) bool { return strings.EqualFold(d, emailDomain(email)) })
}

func (e *Emulator) loginOrSignup(r *http.Request, req *stytchclient.LoginOrSignupRequest) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "email_address", req.EmailAddress); err != nil {
		return nil, err
	}
	o, err := e.st.findOrg(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	if !validEmail(req.EmailAddress) {
		return nil, errf(http.StatusBadRequest, errInvalidEmail, "Email format is invalid.")
	}
	if !slices.Contains(magicLinkLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	m := e.st.memberByEmail(o.OrganizationID, req.EmailAddress)
	if m == nil && !mayJoin(o, req.EmailAddress) {
		return nil, errf(http.StatusBadRequest, errJITNotAllowed, "This email address may not join the organization by itself.")
	}
	// New, pending and invited members get the signup link; active ones the login link.
	signup := m == nil || m.m.Status != "active"
	link := linkRequest{param: "login_redirect_url", redirect: req.LoginRedirectURL, minutes: req.LoginExpirationMinutes, defaultMinutes: defaultLinkMinutes}
	if signup {
		link = linkRequest{param: "signup_redirect_url", redirect: orDefault(req.SignupRedirectURL, req.LoginRedirectURL), minutes: req.SignupExpirationMinutes, defaultMinutes: defaultLinkMinutes}
	}
	if err := e.checkLink(&link); err != nil {
		return nil, err
	}
	created := m == nil
	if created {
		m = e.addMember(o.OrganizationID, req.EmailAddress, "", "pending", nil)
	}
	subject := wordsFor(req.Locale).login
	if signup {
		subject = wordsFor(req.Locale).signup
	}
	e.mailMemberLink(o, m, link, fmt.Sprintf(subject, o.OrganizationName), req.Locale, req.PKCECodeChallenge)
	return stytchclient.LoginOrSignupResponse{Response: ok(), MemberID: m.m.MemberID, MemberCreated: created, Member: m.wire(e.Now()), Organization: orgWire(o)}, nil
}

// linkRequest is the redirect and expiry a magic-link request asks for.
type linkRequest struct {
	param, redirect         string // the request field naming the redirect, and its value ("" = the default)
	minutes, defaultMinutes int    // 0 = the default
	url                     string // set by checkLink: the redirect with stytch_token_type, before the token
}

// checkLink validates a link's expiry and redirect before anything is
// stored, so a refused request changes nothing.
func (e *Emulator) checkLink(l *linkRequest) *apiError {
	if l.minutes == 0 {
		l.minutes = l.defaultMinutes
	}
	if l.minutes < minLinkMinutes || l.minutes > maxLinkMinutes {
		return badRequest("The expiration minutes must be between %d and %d.", minLinkMinutes, maxLinkMinutes)
	}
	redirect, err := e.redirectFor(l.param, l.redirect)
	if err != nil {
		return err
	}
	tokenType := "multi_tenant_magic_links"
	if l.param == "discovery_redirect_url" {
		tokenType = "discovery"
	}
	l.url, err = linkWithToken(redirect, tokenType)
	return err
}

// mailMemberLink stores a magic link for member m and e-mails it.
func (e *Emulator) mailMemberLink(o *stytchclient.Organization, m *member, l linkRequest, subject, locale, pkceChallenge string) {
	token := newToken()
	e.st.magic[token] = &magicLink{memberID: m.m.MemberID, orgID: o.OrganizationID,
		expires: e.Now().Add(time.Duration(l.minutes) * time.Minute), pkceChallenge: pkceChallenge}
	e.mailLink(m.m.EmailAddress, o.OrganizationID, m.m.MemberID, l, token, subject, locale)
}

// mailLink puts a magic-link e-mail, in locale, in the outbox.
func (e *Emulator) mailLink(to, orgID, memberID string, l linkRequest, token, subject, locale string) {
	link := l.url + "&token=" + url.QueryEscape(token)
	e.deliver(Message{
		Channel:        "email",
		To:             to,
		OrganizationID: orgID,
		MemberID:       memberID,
		Subject:        subject,
		Body:           linkBody(locale, subject, link, l.minutes),
		Link:           link,
		SentAt:         e.Now(),
	})
}

// checkPKCE compares a verifier with the S256 challenge stored with a link
// (Stytch accepts no plain verifiers).
func checkPKCE(challenge, verifier string) *apiError {
	switch {
	case challenge == "" && verifier == "":
		return nil
	case challenge == "":
		return errf(http.StatusBadRequest, stytchclient.ErrPKCEDidNotExpectCodeVerifier, "This flow was started without a code_challenge, but the authentication call has a code_verifier.")
	case verifier == "":
		return errf(http.StatusBadRequest, stytchclient.ErrPKCEExpectedCodeVerifier, "This flow was started using a code_challenge but the authentication call is missing the corresponding code_verifier.")
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) != 1 {
		return errf(http.StatusBadRequest, stytchclient.ErrPKCEMismatch, "The submitted code_verifier does not match the code_challenge sent at the start of the flow.")
	}
	return nil
}

// linkWithToken appends the token type to a redirect URL; the caller appends the token.
func linkWithToken(redirect, tokenType string) (string, *apiError) {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", badRequest("The redirect URL %q is not an absolute URL.", redirect)
	}
	q := u.Query()
	q.Del("token")
	q.Set("stytch_token_type", tokenType)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (e *Emulator) authenticateMagicLink(r *http.Request, req *stytchclient.AuthenticateMagicLinkRequest) (any, *apiError) {
	if err := requireFields("magic_links_token", req.MagicLinksToken); err != nil {
		return nil, err
	}
	if req.SessionToken != "" && req.SessionJWT != "" {
		return nil, tooManySessionArgs()
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	now := e.Now()
	ml := e.st.magic[req.MagicLinksToken]
	if ml == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMagicLinkNotFound, "The magic link could not be found.")
	}
	if ml.used || !now.Before(ml.expires) {
		return nil, errf(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink, "The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.")
	}
	if err := checkPKCE(ml.pkceChallenge, req.PKCECodeVerifier); err != nil {
		return nil, err // the link stays usable by the browser that holds the verifier
	}
	o := e.st.orgByID(ml.orgID)
	m := e.st.member(ml.orgID, ml.memberID)
	if o == nil || m == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	}
	if m.locked(now) {
		return nil, lockedError()
	}
	var existing *session
	if req.SessionToken != "" || req.SessionJWT != "" {
		s, err := e.liveSession(req.SessionToken, req.SessionJWT)
		if err != nil {
			return nil, err
		}
		if s.memberID != m.m.MemberID || s.orgID != o.OrganizationID {
			return nil, errf(http.StatusBadRequest, stytchclient.ErrSessionMemberMismatch, "The session passed does not belong to the member of this magic link.")
		}
		existing = s
	}

	ml.used = true
	if m.m.Status == "pending" || m.m.Status == "invited" {
		m.m.Status = "active"
	}
	m.m.EmailAddressVerified = true
	m.failures = 0
	m.m.UpdatedAt = ts(now)
	factor := e.emailFactor(m, now)
	out := stytchclient.AuthenticateMagicLinkResponse{
		Response:       ok(),
		MemberID:       m.m.MemberID,
		MethodID:       m.emailID,
		OrganizationID: o.OrganizationID,
		Organization:   orgWire(o),
	}
	var login loginResult
	if existing != nil {
		// A session given: the link adds its factor to it, and MFA is not asked again.
		existing.factors = addFactor(existing.factors, factor)
		existing.lastAccessed = now
		if req.SessionDurationMinutes > 0 {
			existing.expires = now.Add(time.Duration(req.SessionDurationMinutes) * time.Minute)
		}
		ms := e.sessionWire(existing)
		login = loginResult{MemberAuthenticated: true, SessionToken: existing.token, SessionJWT: e.signJWT(existing), MemberSession: &ms}
	} else {
		login = e.finishLogin(o, m, []stytchclient.AuthenticationFactor{factor}, nil, req.SessionDurationMinutes, nil, req.Locale, r)
	}
	out.MemberAuthenticated = login.MemberAuthenticated
	out.IntermediateSessionToken = login.IntermediateSessionToken
	out.SessionToken, out.SessionJWT = login.SessionToken, login.SessionJWT
	out.MemberSession, out.MFARequired = login.MemberSession, login.MFARequired
	out.Member = m.wire(e.Now())
	return out, nil
}
