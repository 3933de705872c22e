package stytchemu

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Discovery: a person proves an e-mail address first (a discovery magic
// link), sees the organizations it can enter, then enters one or creates
// one. The intermediate session carries the address in between.

const defaultDiscoveryMinutes = 60

// discoveryLink is an e-mailed discovery token.
type discoveryLink struct {
	email         string
	expires       time.Time
	used          bool
	pkceChallenge string
}

// discoverySendBody is the body of POST /v1/b2b/magic_links/email/discovery/send.
type discoverySendBody struct {
	EmailAddress               string `json:"email_address"`
	DiscoveryRedirectURL       string `json:"discovery_redirect_url"`
	PKCECodeChallenge          string `json:"pkce_code_challenge"`
	LoginTemplateID            string `json:"login_template_id"`
	Locale                     string `json:"locale"`
	DiscoveryExpirationMinutes int    `json:"discovery_expiration_minutes"`
}

func (e *Emulator) sendDiscoveryLink(r *http.Request, req *discoverySendBody) (any, *apiError) {
	if err := requireFields("email_address", req.EmailAddress); err != nil {
		return nil, err
	}
	if !validEmail(req.EmailAddress) {
		return nil, errf(http.StatusBadRequest, errInvalidEmail, "Email format is invalid.")
	}
	if !slices.Contains(magicLinkLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	link := linkRequest{param: "discovery_redirect_url", redirect: req.DiscoveryRedirectURL, minutes: req.DiscoveryExpirationMinutes, defaultMinutes: defaultDiscoveryMinutes}
	if err := e.checkLink(&link); err != nil {
		return nil, err
	}
	email := strings.ToLower(req.EmailAddress)
	token := newToken()
	e.st.discovery[token] = &discoveryLink{email: email, expires: e.Now().Add(time.Duration(link.minutes) * time.Minute), pkceChallenge: req.PKCECodeChallenge}
	e.mailLink(email, "", "", link, token, wordsFor(req.Locale).discovery, req.Locale)
	return ok(), nil
}

// discoveryAuthenticateBody is the body of POST /v1/b2b/magic_links/discovery/authenticate.
type discoveryAuthenticateBody struct {
	DiscoveryMagicLinksToken string `json:"discovery_magic_links_token"`
	PKCECodeVerifier         string `json:"pkce_code_verifier"`
}

// discoveryAuthenticateResponse answers it.
type discoveryAuthenticateResponse struct {
	stytchclient.Response
	IntermediateSessionToken string                   `json:"intermediate_session_token"`
	EmailAddress             string                   `json:"email_address"`
	DiscoveredOrganizations  []discoveredOrganization `json:"discovered_organizations"`
}

func (e *Emulator) authenticateDiscoveryLink(r *http.Request, req *discoveryAuthenticateBody) (any, *apiError) {
	if err := requireFields("discovery_magic_links_token", req.DiscoveryMagicLinksToken); err != nil {
		return nil, err
	}
	now := e.Now()
	dl := e.st.discovery[req.DiscoveryMagicLinksToken]
	switch {
	case dl == nil:
		return nil, errf(http.StatusNotFound, stytchclient.ErrMagicLinkNotFound, "The magic link could not be found.")
	case dl.used || !now.Before(dl.expires):
		return nil, errf(http.StatusUnauthorized, stytchclient.ErrUnableToAuthMagicLink, "The magic link could not be authenticated because it was either already used or expired. Send another magic link to this user.")
	}
	if err := checkPKCE(dl.pkceChallenge, req.PKCECodeVerifier); err != nil {
		return nil, err
	}
	dl.used = true
	factor := stytchclient.AuthenticationFactor{
		Type: "magic_link", DeliveryMethod: "email",
		LastAuthenticatedAt: ts(now), CreatedAt: ts(now), UpdatedAt: ts(now),
		EmailFactor: &stytchclient.EmailFactor{EmailID: newID("email"), EmailAddress: dl.email},
	}
	ist := e.newIntermediate(dl.email, []stytchclient.AuthenticationFactor{factor})
	return discoveryAuthenticateResponse{Response: ok(), IntermediateSessionToken: ist.token, EmailAddress: dl.email,
		DiscoveredOrganizations: e.discover(dl.email, true)}, nil
}

// discoveredOrganization is api_discovery_v1_DiscoveredOrganization.
type discoveredOrganization struct {
	MemberAuthenticated bool                          `json:"member_authenticated"`
	Organization        *stytchclient.Organization    `json:"organization"`
	Membership          *membership                   `json:"membership"`
	PrimaryRequired     *stytchclient.PrimaryRequired `json:"primary_required"`
	MFARequired         *stytchclient.MFARequired     `json:"mfa_required"`
}

// membership is api_discovery_v1_Membership; details stays null, as Stytch
// does not document what it holds for these membership types.
type membership struct {
	Type    string               `json:"type"`
	Details map[string]any       `json:"details"`
	Member  *stytchclient.Member `json:"member"`
}

// discover lists the organizations email can enter, in order of creation:
// those where it is an active, pending or invited member and, with
// eligible, those it may join by its e-mail domain.
func (e *Emulator) discover(email string, eligible bool) []discoveredOrganization {
	now := e.Now()
	out := []discoveredOrganization{}
	for _, o := range e.st.orgs {
		m := e.st.memberByEmail(o.OrganizationID, email)
		var d discoveredOrganization
		switch {
		case m != nil:
			w := m.wire(now)
			d.Membership = &membership{Type: m.m.Status + "_member", Member: &w}
			if mfaDue(o, m) {
				d.MFARequired = mfaRequired(m)
			}
		case eligible && e.joinableByDomain(o, email):
			d.Membership = &membership{Type: "eligible_to_join_by_email_domain"}
			if o.MFAPolicy == stytchclient.MFAPolicyRequiredForAll {
				d.MFARequired = &stytchclient.MFARequired{MemberOptions: &stytchclient.MemberOptions{}}
			}
		default:
			continue
		}
		d.PrimaryRequired = primaryRequired(o, m)
		d.MemberAuthenticated = d.MFARequired == nil && d.PrimaryRequired == nil
		w := orgWire(o)
		d.Organization = &w
		out = append(out, d)
	}
	return out
}

// joinableByDomain is Stytch's rule for "eligible to join by e-mail
// domain": JIT provisioning by e-mail is on, the domain is on the
// organization's allowed list, and a member with a verified address at that
// domain is already in (so a look-alike organization cannot harvest people).
func (e *Emulator) joinableByDomain(o *stytchclient.Organization, email string) bool {
	domain := emailDomain(email)
	if o.EmailJITProvisioning != "RESTRICTED" || !slices.ContainsFunc(o.EmailAllowedDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
		return false
	}
	return slices.ContainsFunc(e.st.members, func(m *member) bool {
		return m.m.OrganizationID == o.OrganizationID && m.m.Status == "active" && m.m.EmailAddressVerified && emailDomain(m.m.EmailAddress) == domain
	})
}

// primaryRequired is set when the organization restricts primary
// authentication to methods the e-mail magic link is not one of (break-glass
// members are exempt).
func primaryRequired(o *stytchclient.Organization, m *member) *stytchclient.PrimaryRequired {
	if o.AuthMethods != "RESTRICTED" || slices.Contains(o.AllowedAuthMethods, "magic_link") || (m != nil && m.m.IsBreakglass) {
		return nil
	}
	return &stytchclient.PrimaryRequired{AllowedAuthMethods: slices.Clone(o.AllowedAuthMethods)}
}

// listDiscoveredBody is the body of POST /v1/b2b/discovery/organizations.
type listDiscoveredBody struct {
	IntermediateSessionToken string `json:"intermediate_session_token"`
	SessionToken             string `json:"session_token"`
	SessionJWT               string `json:"session_jwt"`
}

// listDiscoveredResponse answers it.
type listDiscoveredResponse struct {
	stytchclient.Response
	EmailAddress            string                   `json:"email_address"`
	DiscoveredOrganizations []discoveredOrganization `json:"discovered_organizations"`
	OrganizationIDHint      stytchclient.NullString  `json:"organization_id_hint"`
}

func (e *Emulator) listDiscovered(r *http.Request, req *listDiscoveredBody) (any, *apiError) {
	switch countSessionArgs(req.IntermediateSessionToken, req.SessionToken, req.SessionJWT) {
	case 0:
		return nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionArguments, "Pass one of intermediate_session_token, session_token or session_jwt.")
	case 1:
	default:
		return nil, tooManySessionArgs()
	}
	if req.IntermediateSessionToken != "" {
		ist, err := e.liveIntermediate(req.IntermediateSessionToken)
		if err != nil {
			return nil, err
		}
		return listDiscoveredResponse{Response: ok(), EmailAddress: ist.email, DiscoveredOrganizations: e.discover(ist.email, true),
			OrganizationIDHint: stytchclient.NullString(ist.orgID)}, nil
	}
	s, err := e.liveSession(req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	m := e.st.member(s.orgID, s.memberID)
	if m == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	return listDiscoveredResponse{Response: ok(), EmailAddress: m.m.EmailAddress, DiscoveredOrganizations: e.discover(m.m.EmailAddress, false)}, nil
}

// exchangeISTBody is the body of POST /v1/b2b/discovery/intermediate_sessions/exchange.
type exchangeISTBody struct {
	IntermediateSessionToken string         `json:"intermediate_session_token"`
	OrganizationID           string         `json:"organization_id"`
	SessionDurationMinutes   int            `json:"session_duration_minutes"`
	SessionCustomClaims      map[string]any `json:"session_custom_claims"`
	Locale                   string         `json:"locale"`
	TelemetryID              string         `json:"telemetry_id"`
}

// memberLoginResponse is the answer of the exchanges: the member, the
// organization and how the login went.
type memberLoginResponse struct {
	stytchclient.Response
	MemberID     string                    `json:"member_id"`
	Member       stytchclient.Member       `json:"member"`
	Organization stytchclient.Organization `json:"organization"`
	loginResult
}

func (e *Emulator) exchangeIntermediate(r *http.Request, req *exchangeISTBody) (any, *apiError) {
	if err := requireFields("intermediate_session_token", req.IntermediateSessionToken, "organization_id", req.OrganizationID); err != nil {
		return nil, err
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	if !slices.Contains(smsLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	ist, err := e.liveIntermediate(req.IntermediateSessionToken)
	if err != nil {
		return nil, err
	}
	o, err := e.st.findOrg(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	m := e.st.memberByEmail(o.OrganizationID, ist.email)
	if m == nil && !e.joinableByDomain(o, ist.email) {
		return nil, errf(http.StatusBadRequest, errJITNotAllowed, "This email address may not join the organization by itself.")
	}
	if p := primaryRequired(o, m); p != nil {
		return nil, errf(http.StatusBadRequest, "operation_restricted_by_organization_auth_methods",
			"The organization allows only %s; an e-mail magic link is not one of them.", strings.Join(p.AllowedAuthMethods, ", "))
	}
	now := e.Now()
	if m != nil && m.locked(now) {
		return nil, lockedError()
	}
	if m == nil {
		m = e.addMember(o.OrganizationID, ist.email, "", "active", nil) // JIT provisioning by e-mail domain
	}
	e.verifiedByEmail(m, now)
	login := e.finishLogin(o, m, e.memberFactors(m, ist.factors, now), ist, req.SessionDurationMinutes, req.SessionCustomClaims, req.Locale, r)
	return memberLoginResponse{Response: ok(), MemberID: m.m.MemberID, Member: m.wire(now), Organization: orgWire(o), loginResult: login}, nil
}

// verifiedByEmail is what logging in with a verified address does to a
// member: pending or invited becomes active, the address is verified and
// failed attempts are forgotten.
func (e *Emulator) verifiedByEmail(m *member, now time.Time) {
	if m.m.Status == "pending" || m.m.Status == "invited" {
		m.m.Status = "active"
	}
	m.m.EmailAddressVerified = true
	m.failures = 0
	m.m.UpdatedAt = ts(now)
}

// memberFactors re-issues the e-mail factors of an intermediate session or
// another organization's session for member m (the e-mail id is the
// member's own); other factors belong to another member and stay behind.
func (e *Emulator) memberFactors(m *member, factors []stytchclient.AuthenticationFactor, now time.Time) []stytchclient.AuthenticationFactor {
	var out []stytchclient.AuthenticationFactor
	for _, f := range factors {
		if f.EmailFactor != nil && strings.EqualFold(f.EmailFactor.EmailAddress, m.m.EmailAddress) {
			g := e.emailFactor(m, now)
			g.Type, g.DeliveryMethod = f.Type, f.DeliveryMethod
			g.CreatedAt = f.CreatedAt
			out = addFactor(out, g)
		}
	}
	return out
}

// createViaDiscoveryBody is the body of POST /v1/b2b/discovery/organizations/create.
type createViaDiscoveryBody struct {
	orgSettings
	IntermediateSessionToken string         `json:"intermediate_session_token"`
	SessionDurationMinutes   int            `json:"session_duration_minutes"`
	SessionCustomClaims      map[string]any `json:"session_custom_claims"`
	TelemetryID              string         `json:"telemetry_id"`
}

func (e *Emulator) createViaDiscovery(r *http.Request, req *createViaDiscoveryBody) (any, *apiError) {
	if err := requireFields("intermediate_session_token", req.IntermediateSessionToken); err != nil {
		return nil, err
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	ist, err := e.liveIntermediate(req.IntermediateSessionToken)
	if err != nil {
		return nil, err
	}
	s := req.orgSettings
	if s.OrganizationName == nil || *s.OrganizationName == "" {
		name := defaultOrgName(ist.email)
		s.OrganizationName = &name
	}
	if s.OrganizationSlug == nil || *s.OrganizationSlug == "" {
		slug := e.freeSlug(slugify(*s.OrganizationName))
		s.OrganizationSlug = &slug
	}
	o, err := e.newOrg(s)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	m := e.addMember(o.OrganizationID, ist.email, "", "active", []string{stytchclient.RoleAdmin}) // the creator is its admin
	e.verifiedByEmail(m, now)
	login := e.finishLogin(o, m, e.memberFactors(m, ist.factors, now), ist, req.SessionDurationMinutes, req.SessionCustomClaims, "", r)
	return memberLoginResponse{Response: ok(), MemberID: m.m.MemberID, Member: m.wire(now), Organization: orgWire(o), loginResult: login}, nil
}

// defaultOrgName names an organization after the creator's e-mail: the
// domain's first label, or the name before the @ for a common provider.
func defaultOrgName(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	base := strings.Split(domain, ".")[0]
	if slices.Contains(commonDomains, domain) || strings.HasSuffix(domain, ".edu") {
		base = local
	}
	if base == "" {
		return "Organization"
	}
	return strings.ToUpper(base[:1]) + base[1:]
}

// freeSlug is slug, or slug with a suffix when another organization has it.
func (e *Emulator) freeSlug(slug string) string {
	if len(slug) < 2 {
		slug += "-org"
	}
	for candidate := slug; ; candidate = slug + "-" + newUUID()[:4] {
		if e.st.org(candidate) == nil {
			return candidate
		}
	}
}
