package stytchemu

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func (e *Emulator) getOrganization(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	return stytchclient.OrganizationResponse{Response: ok(), Organization: orgWire(o)}, nil
}

// createOrganizationBody is the body of POST /v1/b2b/organizations.
type createOrganizationBody struct {
	orgSettings
}

func (e *Emulator) createOrganization(r *http.Request, req *createOrganizationBody) (any, *apiError) {
	o, err := e.newOrg(req.orgSettings)
	if err != nil {
		return nil, err
	}
	return stytchclient.OrganizationResponse{Response: ok(), Organization: orgWire(o)}, nil
}

// newOrg validates settings and stores a new organization with them; create
// and create-via-discovery share it.
func (e *Emulator) newOrg(s orgSettings) (*stytchclient.Organization, *apiError) {
	name := deref(s.OrganizationName)
	if err := requireFields("organization_name", name); err != nil {
		return nil, err
	}
	if s.OrganizationSlug == nil || *s.OrganizationSlug == "" {
		slug := slugify(name)
		s.OrganizationSlug = &slug
	}
	if err := s.check(e.st, nil); err != nil {
		return nil, err
	}
	o := e.orgRecord(name, *s.OrganizationSlug, stytchclient.MFAPolicyOptional)
	s.apply(o)
	if err := checkRestricted(o); err != nil {
		return nil, err
	}
	e.st.orgs = append(e.st.orgs, o)
	return o, nil
}

// orgRecord is a new organization with Stytch's defaults, not stored yet.
func (e *Emulator) orgRecord(name, slug, policy string) *stytchclient.Organization {
	now := ts(e.Now())
	return &stytchclient.Organization{
		OrganizationID:                     newID("organization"),
		OrganizationName:                   name,
		OrganizationSlug:                   slug,
		SSOJITProvisioning:                 "ALL_ALLOWED",
		EmailJITProvisioning:               "RESTRICTED",
		EmailInvites:                       "ALL_ALLOWED",
		AuthMethods:                        "ALL_ALLOWED",
		MFAPolicy:                          policy,
		MFAMethods:                         stytchclient.MFAMethodsAllAllowed,
		OAuthTenantJITProvisioning:         "NOT_ALLOWED",
		FirstPartyConnectedAppsAllowedType: "ALL_ALLOWED",
		ThirdPartyConnectedAppsAllowedType: "ALL_ALLOWED",
		CreatedAt:                          now,
		UpdatedAt:                          now,
	}
}

// updateOrganizationBody is the body of PUT /v1/b2b/organizations/{organization_id}.
type updateOrganizationBody struct {
	orgSettings
}

func (e *Emulator) updateOrganization(r *http.Request, req *updateOrganizationBody) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	if req.TrustedMetadata != nil && hasSessionHeader(r) {
		return nil, badRequest("trusted_metadata may not be updated with a Member Session header.")
	}
	if err := e.authorizeOn(r, o.OrganizationID, resourceOrganization, req.actions()...); err != nil {
		return nil, err
	}
	if req.OrganizationName != nil && *req.OrganizationName == "" {
		return nil, badRequest("organization_name must be between 1 and 128 characters.")
	}
	if err := req.check(e.st, o); err != nil {
		return nil, err
	}
	next := *o
	req.apply(&next)
	if err := checkRestricted(&next); err != nil {
		return nil, err
	}
	next.UpdatedAt = ts(e.Now())
	*o = next
	return stytchclient.OrganizationResponse{Response: ok(), Organization: orgWire(o)}, nil
}

func (e *Emulator) deleteOrganization(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	if err := e.authorizeOn(r, o.OrganizationID, resourceOrganization, actDelete); err != nil {
		return nil, err
	}
	// All of its members go with it, and so do their sessions and pending steps.
	e.st.orgs = slices.DeleteFunc(e.st.orgs, func(x *stytchclient.Organization) bool { return x == o })
	for _, m := range e.st.members {
		if m.m.OrganizationID == o.OrganizationID {
			e.retireMember(m)
		}
	}
	e.st.members = slices.DeleteFunc(e.st.members, func(m *member) bool { return m.m.OrganizationID == o.OrganizationID })
	return struct {
		stytchclient.Response
		OrganizationID string `json:"organization_id"`
	}{ok(), o.OrganizationID}, nil
}

// orgSettings are the organization fields that create, update and create
// via discovery accept; nil means "not given".
type orgSettings struct {
	OrganizationName                     *string         `json:"organization_name"`
	OrganizationSlug                     *string         `json:"organization_slug"`
	OrganizationLogoURL                  *string         `json:"organization_logo_url"`
	TrustedMetadata                      map[string]any  `json:"trusted_metadata"`
	OrganizationExternalID               *string         `json:"organization_external_id"`
	SSODefaultConnectionID               *string         `json:"sso_default_connection_id"`
	SSOJITProvisioning                   *string         `json:"sso_jit_provisioning"`
	SSOJITProvisioningAllowedConnections *[]string       `json:"sso_jit_provisioning_allowed_connections"`
	EmailAllowedDomains                  *[]string       `json:"email_allowed_domains"`
	EmailJITProvisioning                 *string         `json:"email_jit_provisioning"`
	EmailInvites                         *string         `json:"email_invites"`
	AuthMethods                          *string         `json:"auth_methods"`
	AllowedAuthMethods                   *[]string       `json:"allowed_auth_methods"`
	MFAPolicy                            *string         `json:"mfa_policy"`
	RBACEmailImplicitRoleAssignments     *[]implicitRole `json:"rbac_email_implicit_role_assignments"`
	MFAMethods                           *string         `json:"mfa_methods"`
	AllowedMFAMethods                    *[]string       `json:"allowed_mfa_methods"`
	OAuthTenantJITProvisioning           *string         `json:"oauth_tenant_jit_provisioning"`
	AllowedOAuthTenants                  map[string]any  `json:"allowed_oauth_tenants"`
	ClaimedEmailDomains                  *[]string       `json:"claimed_email_domains"`
	FirstPartyConnectedAppsAllowedType   *string         `json:"first_party_connected_apps_allowed_type"`
	AllowedFirstPartyConnectedApps       *[]string       `json:"allowed_first_party_connected_apps"`
	ThirdPartyConnectedAppsAllowedType   *string         `json:"third_party_connected_apps_allowed_type"`
	AllowedThirdPartyConnectedApps       *[]string       `json:"allowed_third_party_connected_apps"`
}

// implicitRole is api_organization_v1_EmailImplicitRoleAssignment.
type implicitRole struct {
	Domain string `json:"domain"`
	RoleID string `json:"role_id"`
}

// errDuplicateOrganization refuses an external id another organization has.
const errDuplicateOrganization = "duplicate_organization"

// Accepted values of the organization settings (Stytch's organization object).
var (
	ssoJITValues       = []string{"ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"}
	emailJITValues     = []string{"RESTRICTED", "NOT_ALLOWED"}
	emailInviteValues  = []string{"ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"}
	authMethodsValues  = []string{"ALL_ALLOWED", "RESTRICTED"}
	mfaPolicyValues    = []string{stytchclient.MFAPolicyOptional, stytchclient.MFAPolicyRequiredForAll}
	mfaMethodsValues   = []string{stytchclient.MFAMethodsAllAllowed, stytchclient.MFAMethodsRestricted}
	connectedAppValues = []string{"ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"}
	primaryAuthMethods = []string{"sso", "magic_link", "email_otp", "password", "google_oauth", "microsoft_oauth", "slack_oauth", "github_oauth", "hubspot_oauth"}
	mfaMethodNames     = []string{smsOTP, "totp"}
	oauthTenantKeys    = []string{"slack", "hubspot", "github"}
	// commonDomains may not be an organization's allowed domain (a few of Stytch's list).
	commonDomains = []string{"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "icloud.com", "aol.com", "proton.me", "protonmail.com"}
)

var (
	slugRE       = regexp.MustCompile(`^[a-z0-9._~-]{2,128}$`)
	externalIDRE = regexp.MustCompile(`^[A-Za-z0-9._|-]{1,128}$`)
	domainRE     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

// check validates the settings given against the store; self is the
// organization being updated (nil on create), which may keep its own slug
// and external id.
func (s *orgSettings) check(st *store, self *stytchclient.Organization) *apiError {
	if n := s.OrganizationName; n != nil && len([]rune(*n)) > 128 {
		return badRequest("organization_name must be between 1 and 128 characters.")
	}
	if slug := s.OrganizationSlug; slug != nil {
		if !slugRE.MatchString(*slug) {
			return badRequest("organization_slug must be 2 to 128 characters of a-z, 0-9, '.', '_', '~' or '-'.")
		}
		if o := st.org(*slug); o != nil && o != self {
			return errf(http.StatusBadRequest, stytchclient.ErrDuplicateSlug, "An organization with this slug already exists.")
		}
	}
	if id := s.OrganizationExternalID; id != nil && *id != "" {
		if !externalIDRE.MatchString(*id) {
			return badRequest("organization_external_id must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', '-' or '|'.")
		}
		if o := st.org(*id); o != nil && o != self {
			return errf(http.StatusBadRequest, errDuplicateOrganization, "An organization with this external id or slug already exists.")
		}
	}
	if c := s.SSODefaultConnectionID; c != nil && *c != "" {
		return errf(http.StatusBadRequest, "invalid_sso_default_connection_id", "The organization has no SSO connection %q (the emulator has no identity providers).", *c)
	}
	if c := s.SSOJITProvisioningAllowedConnections; c != nil && len(*c) > 0 {
		return errf(http.StatusNotFound, "sso_connection_not_found", "SSO connection %q could not be found (the emulator has no identity providers).", (*c)[0])
	}
	for _, f := range []struct {
		name   string
		value  *string
		values []string
	}{
		{"sso_jit_provisioning", s.SSOJITProvisioning, ssoJITValues},
		{"email_jit_provisioning", s.EmailJITProvisioning, emailJITValues},
		{"email_invites", s.EmailInvites, emailInviteValues},
		{"auth_methods", s.AuthMethods, authMethodsValues},
		{"mfa_policy", s.MFAPolicy, mfaPolicyValues},
		{"mfa_methods", s.MFAMethods, mfaMethodsValues},
		{"oauth_tenant_jit_provisioning", s.OAuthTenantJITProvisioning, emailJITValues},
		{"first_party_connected_apps_allowed_type", s.FirstPartyConnectedAppsAllowedType, connectedAppValues},
		{"third_party_connected_apps_allowed_type", s.ThirdPartyConnectedAppsAllowedType, connectedAppValues},
	} {
		if f.value != nil && *f.value != "" && !slices.Contains(f.values, *f.value) {
			return badRequest("%s must be one of %s.", f.name, strings.Join(f.values, ", "))
		}
	}
	if l := s.AllowedAuthMethods; l != nil && !subset(*l, primaryAuthMethods) {
		return errf(http.StatusBadRequest, "invalid_organization_allowed_auth_methods", "allowed_auth_methods may contain only %s.", strings.Join(primaryAuthMethods, ", "))
	}
	if l := s.AllowedMFAMethods; l != nil && !subset(*l, mfaMethodNames) {
		return errf(http.StatusBadRequest, "invalid_organization_allowed_mfa_methods", "allowed_mfa_methods may contain only sms_otp and totp.")
	}
	for _, l := range []*[]string{s.EmailAllowedDomains, s.ClaimedEmailDomains} {
		if err := checkDomains(l); err != nil {
			return err
		}
	}
	if l := s.RBACEmailImplicitRoleAssignments; l != nil {
		for _, a := range *l {
			if err := checkDomains(&[]string{a.Domain}); err != nil {
				return err
			}
			if err := validRoles([]string{a.RoleID}); err != nil {
				return err
			}
		}
	}
	for k := range s.AllowedOAuthTenants {
		if !slices.Contains(oauthTenantKeys, k) {
			return errf(http.StatusBadRequest, "invalid_oauth_allowed_tenants_format", "allowed_oauth_tenants may have the keys slack, hubspot and github.")
		}
	}
	return nil
}

func checkDomains(l *[]string) *apiError {
	if l == nil {
		return nil
	}
	for _, d := range *l {
		d = strings.ToLower(d)
		switch {
		case !domainRE.MatchString(d):
			return errf(http.StatusBadRequest, "organization_settings_invalid_domain", "%q is not a domain name.", d)
		case slices.Contains(commonDomains, d):
			return errf(http.StatusBadRequest, "organization_settings_domain_too_common", "%q is a common e-mail domain and may not be used.", d)
		}
	}
	return nil
}

// checkRestricted refuses RESTRICTED auth or MFA methods without a list,
// once settings are applied.
func checkRestricted(o *stytchclient.Organization) *apiError {
	if o.AuthMethods == "RESTRICTED" && len(o.AllowedAuthMethods) == 0 {
		return errf(http.StatusBadRequest, "allowed_auth_methods_required_for_restricted", "Allowed auth methods must be set for 'RESTRICTED' auth methods")
	}
	if o.MFAMethods == stytchclient.MFAMethodsRestricted && len(o.AllowedMFAMethods) == 0 {
		return errf(http.StatusBadRequest, "allowed_mfa_methods_required_for_restricted", "Allowed mfa methods must be set for 'RESTRICTED' auth methods")
	}
	return nil
}

func subset(l, allowed []string) bool {
	for _, v := range l {
		if !slices.Contains(allowed, v) {
			return false
		}
	}
	return true
}

// apply writes the settings given onto o.
func (s *orgSettings) apply(o *stytchclient.Organization) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setEnum := func(dst *string, v *string) { // "" leaves a setting as it is
		if v != nil && *v != "" {
			*dst = *v
		}
	}
	setList := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = lowerAll(*v)
		}
	}
	set(&o.OrganizationName, s.OrganizationName)
	set(&o.OrganizationSlug, s.OrganizationSlug)
	set(&o.OrganizationLogoURL, s.OrganizationLogoURL)
	set(&o.OrganizationExternalID, s.OrganizationExternalID)
	setEnum(&o.SSOJITProvisioning, s.SSOJITProvisioning)
	setEnum(&o.EmailJITProvisioning, s.EmailJITProvisioning)
	setEnum(&o.EmailInvites, s.EmailInvites)
	setEnum(&o.AuthMethods, s.AuthMethods)
	setEnum(&o.MFAPolicy, s.MFAPolicy)
	setEnum(&o.MFAMethods, s.MFAMethods)
	setEnum(&o.OAuthTenantJITProvisioning, s.OAuthTenantJITProvisioning)
	setEnum(&o.FirstPartyConnectedAppsAllowedType, s.FirstPartyConnectedAppsAllowedType)
	setEnum(&o.ThirdPartyConnectedAppsAllowedType, s.ThirdPartyConnectedAppsAllowedType)
	setList(&o.EmailAllowedDomains, s.EmailAllowedDomains)
	setList(&o.ClaimedEmailDomains, s.ClaimedEmailDomains)
	if s.AllowedAuthMethods != nil {
		o.AllowedAuthMethods = slices.Clone(*s.AllowedAuthMethods)
	}
	if s.AllowedMFAMethods != nil {
		o.AllowedMFAMethods = slices.Clone(*s.AllowedMFAMethods)
	}
	if s.AllowedFirstPartyConnectedApps != nil {
		o.AllowedFirstPartyConnectedApps = slices.Clone(*s.AllowedFirstPartyConnectedApps)
	}
	if s.AllowedThirdPartyConnectedApps != nil {
		o.AllowedThirdPartyConnectedApps = slices.Clone(*s.AllowedThirdPartyConnectedApps)
	}
	if s.RBACEmailImplicitRoleAssignments != nil {
		o.RBACEmailImplicitRoleAssignments = make([]any, 0, len(*s.RBACEmailImplicitRoleAssignments))
		for _, a := range *s.RBACEmailImplicitRoleAssignments {
			o.RBACEmailImplicitRoleAssignments = append(o.RBACEmailImplicitRoleAssignments, map[string]any{"domain": strings.ToLower(a.Domain), "role_id": a.RoleID})
		}
	}
	if s.TrustedMetadata != nil {
		o.TrustedMetadata = cloneMap(s.TrustedMetadata)
	}
	if s.AllowedOAuthTenants != nil {
		o.AllowedOAuthTenants = cloneMap(s.AllowedOAuthTenants)
	}
}

// actions are the RBAC actions on stytch.organization that updating these
// fields needs with a member session. Fields Stytch names no action for
// (external id, claimed domains, connected apps) need the admin's "*".
func (s *orgSettings) actions() []string {
	var acts []string
	add := func(given bool, a string) {
		if given && !slices.Contains(acts, a) {
			acts = append(acts, a)
		}
	}
	add(s.OrganizationName != nil, actUpdateName)
	add(s.OrganizationSlug != nil, "update.info.slug")
	add(s.OrganizationLogoURL != nil, "update.info.logo-url")
	add(s.SSODefaultConnectionID != nil, "update.settings.default-sso-connection")
	add(s.SSOJITProvisioning != nil || s.SSOJITProvisioningAllowedConnections != nil, "update.settings.sso-jit-provisioning")
	add(s.EmailAllowedDomains != nil, "update.settings.allowed-domains")
	add(s.EmailJITProvisioning != nil, "update.settings.email-jit-provisioning")
	add(s.EmailInvites != nil, "update.settings.email-invites")
	add(s.AuthMethods != nil || s.AllowedAuthMethods != nil, "update.settings.allowed-auth-methods")
	add(s.MFAPolicy != nil, "update.settings.mfa-policy")
	add(s.RBACEmailImplicitRoleAssignments != nil, "update.settings.implicit-roles")
	add(s.MFAMethods != nil || s.AllowedMFAMethods != nil, "update.settings.allowed-mfa-methods")
	add(s.OAuthTenantJITProvisioning != nil, "update.settings.oauth-tenant-jit-provisioning")
	add(s.AllowedOAuthTenants != nil, "update.settings.allowed-oauth-tenants")
	add(s.OrganizationExternalID != nil || s.ClaimedEmailDomains != nil || s.FirstPartyConnectedAppsAllowedType != nil ||
		s.AllowedFirstPartyConnectedApps != nil || s.ThirdPartyConnectedAppsAllowedType != nil || s.AllowedThirdPartyConnectedApps != nil, actAny)
	return acts
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func lowerAll(l []string) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = strings.ToLower(v)
	}
	return out
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slugify(name string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
}
