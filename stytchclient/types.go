package stytchclient

import "encoding/json"

// Wire types for the Stytch B2B endpoints mfaportal uses. Field names and
// JSON tags follow Stytch's OpenAPI spec (../shared/stytch-openapi/openapi.yml).
// Answer types carry every field the spec documents, none with omitempty:
// Stytch sends an unset field with its empty value ("", false, [], {} or
// null) rather than leaving it out, and the emulator (stytchemu), which
// answers with these same types, does too. Request types leave optional
// fields out when unset.

// Member is api_organization_v1_Member.
type Member struct {
	OrganizationID         string         `json:"organization_id"`
	MemberID               string         `json:"member_id"`
	EmailAddress           string         `json:"email_address"`
	Status                 string         `json:"status"`
	Name                   string         `json:"name"`
	SSORegistrations       []any          `json:"sso_registrations"`
	IsBreakglass           bool           `json:"is_breakglass"`
	MemberPasswordID       string         `json:"member_password_id"`
	OAuthRegistrations     []any          `json:"oauth_registrations"`
	EmailAddressVerified   bool           `json:"email_address_verified"`
	MFAPhoneNumberVerified bool           `json:"mfa_phone_number_verified"`
	IsAdmin                bool           `json:"is_admin"`
	TOTPRegistrationID     string         `json:"totp_registration_id"`
	RetiredEmailAddresses  []RetiredEmail `json:"retired_email_addresses"`
	IsLocked               bool           `json:"is_locked"`
	MFAEnrolled            bool           `json:"mfa_enrolled"`
	MFAPhoneNumber         string         `json:"mfa_phone_number"`
	DefaultMFAMethod       string         `json:"default_mfa_method"`
	Roles                  []MemberRole   `json:"roles"`
	TrustedMetadata        map[string]any `json:"trusted_metadata"`
	UntrustedMetadata      map[string]any `json:"untrusted_metadata"`
	CreatedAt              string         `json:"created_at"`
	UpdatedAt              string         `json:"updated_at"`
	SCIMRegistration       map[string]any `json:"scim_registration"` // null unless provisioned by SCIM
	ExternalID             string         `json:"external_id"`
	LockCreatedAt          NullString     `json:"lock_created_at"`
	LockExpiresAt          NullString     `json:"lock_expires_at"`
}

// NullString is a string Stytch sends as null while it is unset; it reads
// null as "".
type NullString string

// MarshalJSON writes "" as null.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON reads null as "".
func (s *NullString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}

// HasRole reports whether the member holds the role (for example "stytch_admin").
func (m Member) HasRole(roleID string) bool {
	for _, r := range m.Roles {
		if r.RoleID == roleID {
			return true
		}
	}
	return false
}

// RetiredEmail is api_organization_v1_RetiredEmail.
type RetiredEmail struct {
	EmailID      string `json:"email_id"`
	EmailAddress string `json:"email_address"`
}

// MemberRole is api_organization_v1_MemberRole.
type MemberRole struct {
	RoleID  string             `json:"role_id"`
	Sources []MemberRoleSource `json:"sources"`
}

// MemberRoleSource is api_organization_v1_MemberRoleSource.
type MemberRoleSource struct {
	Type    string         `json:"type"`
	Details map[string]any `json:"details"`
}

// Organization MFA policies and methods.
const (
	MFAPolicyOptional       = "OPTIONAL"
	MFAPolicyRequiredForAll = "REQUIRED_FOR_ALL"
	MFAMethodsAllAllowed    = "ALL_ALLOWED"
	MFAMethodsRestricted    = "RESTRICTED"
)

// Default RBAC roles.
const (
	RoleMember = "stytch_member"
	RoleAdmin  = "stytch_admin"
)

// Organization is api_organization_v1_Organization.
type Organization struct {
	OrganizationID                       string         `json:"organization_id"`
	OrganizationName                     string         `json:"organization_name"`
	OrganizationLogoURL                  string         `json:"organization_logo_url"`
	OrganizationSlug                     string         `json:"organization_slug"`
	SSOJITProvisioning                   string         `json:"sso_jit_provisioning"`
	SSOJITProvisioningAllowedConnections []string       `json:"sso_jit_provisioning_allowed_connections"`
	SSOActiveConnections                 []any          `json:"sso_active_connections"`
	EmailAllowedDomains                  []string       `json:"email_allowed_domains"`
	EmailJITProvisioning                 string         `json:"email_jit_provisioning"`
	EmailInvites                         string         `json:"email_invites"`
	AuthMethods                          string         `json:"auth_methods"`
	AllowedAuthMethods                   []string       `json:"allowed_auth_methods"`
	MFAPolicy                            string         `json:"mfa_policy"`
	RBACEmailImplicitRoleAssignments     []any          `json:"rbac_email_implicit_role_assignments"`
	MFAMethods                           string         `json:"mfa_methods"`
	AllowedMFAMethods                    []string       `json:"allowed_mfa_methods"`
	OAuthTenantJITProvisioning           string         `json:"oauth_tenant_jit_provisioning"`
	ClaimedEmailDomains                  []string       `json:"claimed_email_domains"`
	FirstPartyConnectedAppsAllowedType   string         `json:"first_party_connected_apps_allowed_type"`
	AllowedFirstPartyConnectedApps       []string       `json:"allowed_first_party_connected_apps"`
	ThirdPartyConnectedAppsAllowedType   string         `json:"third_party_connected_apps_allowed_type"`
	AllowedThirdPartyConnectedApps       []string       `json:"allowed_third_party_connected_apps"`
	CustomRoles                          []any          `json:"custom_roles"`
	TrustedMetadata                      map[string]any `json:"trusted_metadata"`
	CreatedAt                            string         `json:"created_at"`
	UpdatedAt                            string         `json:"updated_at"`
	OrganizationExternalID               string         `json:"organization_external_id"`
	SSODefaultConnectionID               NullString     `json:"sso_default_connection_id"`
	SCIMActiveConnection                 map[string]any `json:"scim_active_connection"` // null without SCIM
	AllowedOAuthTenants                  map[string]any `json:"allowed_oauth_tenants"`
}

// MemberSession is api_b2b_session_v1_MemberSession.
type MemberSession struct {
	MemberSessionID       string                 `json:"member_session_id"`
	MemberID              string                 `json:"member_id"`
	StartedAt             string                 `json:"started_at"`
	LastAccessedAt        string                 `json:"last_accessed_at"`
	ExpiresAt             string                 `json:"expires_at"`
	AuthenticationFactors []AuthenticationFactor `json:"authentication_factors"`
	OrganizationID        string                 `json:"organization_id"`
	Roles                 []string               `json:"roles"`
	OrganizationSlug      string                 `json:"organization_slug"`
	CustomClaims          map[string]any         `json:"custom_claims"`
}

// AuthenticationFactor is api_session_v1_AuthenticationFactor, limited to
// the factor kinds mfaportal deals with.
type AuthenticationFactor struct {
	Type                string             `json:"type"`
	DeliveryMethod      string             `json:"delivery_method"`
	LastAuthenticatedAt string             `json:"last_authenticated_at,omitempty"`
	CreatedAt           string             `json:"created_at,omitempty"`
	UpdatedAt           string             `json:"updated_at,omitempty"`
	EmailFactor         *EmailFactor       `json:"email_factor,omitempty"`
	PhoneNumberFactor   *PhoneNumberFactor `json:"phone_number_factor,omitempty"`
	// AuthenticatorAppFactor is set on a totp factor, RecoveryCodeFactor on a recovery_codes one.
	AuthenticatorAppFactor *AuthenticatorAppFactor `json:"authenticator_app_factor,omitempty"`
	RecoveryCodeFactor     *RecoveryCodeFactor     `json:"recovery_code_factor,omitempty"`
}

// EmailFactor is api_session_v1_EmailFactor.
type EmailFactor struct {
	EmailID      string `json:"email_id"`
	EmailAddress string `json:"email_address"`
}

// PhoneNumberFactor is api_session_v1_PhoneNumberFactor.
type PhoneNumberFactor struct {
	PhoneID     string `json:"phone_id"`
	PhoneNumber string `json:"phone_number"`
}

// MFARequired is api_b2b_mfa_v1_MfaRequired. SecondaryAuthInitiated is
// "sms_otp" when Stytch already sent a code, "" (null on the wire) otherwise.
type MFARequired struct {
	MemberOptions          *MemberOptions `json:"member_options"`
	SecondaryAuthInitiated NullString     `json:"secondary_auth_initiated"`
}

// MemberOptions is api_b2b_mfa_v1_MemberOptions.
type MemberOptions struct {
	MFAPhoneNumber     string `json:"mfa_phone_number"`
	TOTPRegistrationID string `json:"totp_registration_id"`
}

// PrimaryRequired is api_b2b_session_v1_PrimaryRequired.
type PrimaryRequired struct {
	AllowedAuthMethods []string `json:"allowed_auth_methods"`
}

// JWK is api_session_v1_JWK.
type JWK struct {
	Kty     string   `json:"kty"`
	Use     string   `json:"use"`
	KeyOps  []string `json:"key_ops"`
	Alg     string   `json:"alg"`
	Kid     string   `json:"kid"`
	X5c     []string `json:"x5c"`
	X5tS256 string   `json:"x5tS256"`
	N       string   `json:"n"`
	E       string   `json:"e"`
}

// Response is the pair of fields every Stytch success body carries.
type Response struct {
	RequestID  string `json:"request_id"`
	StatusCode int    `json:"status_code"`
}

// Values for set_mfa_enrollment.
const (
	MFAEnroll   = "enroll"
	MFAUnenroll = "unenroll"
)

// SendSMSRequest is the body of POST /v1/b2b/otps/sms/send.
type SendSMSRequest struct {
	OrganizationID           string `json:"organization_id"`
	MemberID                 string `json:"member_id"`
	MFAPhoneNumber           string `json:"mfa_phone_number,omitempty"`
	Locale                   string `json:"locale,omitempty"`
	IntermediateSessionToken string `json:"intermediate_session_token,omitempty"`
	SessionToken             string `json:"session_token,omitempty"`
	SessionJWT               string `json:"session_jwt,omitempty"`
}

// SendSMSResponse answers POST /v1/b2b/otps/sms/send.
type SendSMSResponse struct {
	Response
	MemberID     string       `json:"member_id"`
	Member       Member       `json:"member"`
	Organization Organization `json:"organization"`
}

// AuthenticateSMSRequest is the body of POST /v1/b2b/otps/sms/authenticate.
type AuthenticateSMSRequest struct {
	OrganizationID           string         `json:"organization_id"`
	MemberID                 string         `json:"member_id"`
	Code                     string         `json:"code"`
	IntermediateSessionToken string         `json:"intermediate_session_token,omitempty"`
	SessionToken             string         `json:"session_token,omitempty"`
	SessionJWT               string         `json:"session_jwt,omitempty"`
	SessionDurationMinutes   int            `json:"session_duration_minutes,omitempty"`
	SessionCustomClaims      map[string]any `json:"session_custom_claims,omitempty"`
	SetMFAEnrollment         string         `json:"set_mfa_enrollment,omitempty"`
	SetDefaultMFA            bool           `json:"set_default_mfa,omitempty"`
}

// AuthenticateSMSResponse answers POST /v1/b2b/otps/sms/authenticate.
type AuthenticateSMSResponse struct {
	Response
	MemberID      string         `json:"member_id"`
	Member        Member         `json:"member"`
	Organization  Organization   `json:"organization"`
	SessionToken  string         `json:"session_token"`
	SessionJWT    string         `json:"session_jwt"`
	MemberSession *MemberSession `json:"member_session"`
	MemberDevice  map[string]any `json:"member_device"` // null: no device fingerprinting
}

// MemberResponse answers the member endpoints: get, create, update and
// delete MFA phone number.
type MemberResponse struct {
	Response
	MemberID     string       `json:"member_id"`
	Member       Member       `json:"member"`
	Organization Organization `json:"organization"`
}

// CreateMemberRequest is the body of POST /v1/b2b/organizations/{organization_id}/members.
type CreateMemberRequest struct {
	EmailAddress          string         `json:"email_address"`
	Name                  string         `json:"name,omitempty"`
	MFAPhoneNumber        string         `json:"mfa_phone_number,omitempty"`
	MFAEnrolled           bool           `json:"mfa_enrolled,omitempty"`
	Roles                 []string       `json:"roles,omitempty"`
	CreateMemberAsPending bool           `json:"create_member_as_pending,omitempty"`
	IsBreakglass          bool           `json:"is_breakglass,omitempty"`
	TrustedMetadata       map[string]any `json:"trusted_metadata,omitempty"`
	UntrustedMetadata     map[string]any `json:"untrusted_metadata,omitempty"`
	ExternalID            string         `json:"external_id,omitempty"`
}

// UpdateMemberRequest is the body of PUT /v1/b2b/organizations/{organization_id}/members/{member_id}.
// Pointers distinguish "leave alone" (nil) from "set to the zero value".
type UpdateMemberRequest struct {
	Name              *string        `json:"name,omitempty"`
	UntrustedMetadata map[string]any `json:"untrusted_metadata,omitempty"`
	MFAPhoneNumber    *string        `json:"mfa_phone_number,omitempty"`
	MFAEnrolled       *bool          `json:"mfa_enrolled,omitempty"`
	DefaultMFAMethod  *string        `json:"default_mfa_method,omitempty"`
	Roles             []string       `json:"roles,omitempty"`
	IsBreakglass      *bool          `json:"is_breakglass,omitempty"`
}

// SearchQuery is the query object of members/search.
type SearchQuery struct {
	Operator string          `json:"operator"`
	Operands []SearchOperand `json:"operands"`
}

// SearchOperand is one filter of a SearchQuery, for example
// {"filter_name":"member_email_fuzzy","filter_value":"ali"}.
type SearchOperand struct {
	FilterName  string `json:"filter_name"`
	FilterValue any    `json:"filter_value"`
}

// SearchMembersRequest is the body of POST /v1/b2b/organizations/members/search.
type SearchMembersRequest struct {
	OrganizationIDs []string     `json:"organization_ids"`
	Cursor          string       `json:"cursor,omitempty"`
	Limit           int          `json:"limit,omitempty"`
	Query           *SearchQuery `json:"query,omitempty"`
}

// ResultsMetadata is api_organization_v1_ResultsMetadata.
type ResultsMetadata struct {
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor"` // "" on the last page, where Stytch sends null
}

// MarshalJSON sends next_cursor as null on the last page, as Stytch does.
func (m ResultsMetadata) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Total      int        `json:"total"`
		NextCursor NullString `json:"next_cursor"`
	}{m.Total, NullString(m.NextCursor)})
}

// SearchMembersResponse answers members/search.
type SearchMembersResponse struct {
	Response
	Members         []Member                `json:"members"`
	ResultsMetadata ResultsMetadata         `json:"results_metadata"`
	Organizations   map[string]Organization `json:"organizations"`
}

// CreateOrganizationRequest is the body of POST /v1/b2b/organizations.
type CreateOrganizationRequest struct {
	OrganizationName     string   `json:"organization_name"`
	OrganizationSlug     string   `json:"organization_slug,omitempty"`
	MFAPolicy            string   `json:"mfa_policy,omitempty"`
	MFAMethods           string   `json:"mfa_methods,omitempty"`
	AllowedMFAMethods    []string `json:"allowed_mfa_methods,omitempty"`
	EmailAllowedDomains  []string `json:"email_allowed_domains,omitempty"`
	EmailJITProvisioning string   `json:"email_jit_provisioning,omitempty"`
}

// OrganizationResponse answers organization get and create.
type OrganizationResponse struct {
	Response
	Organization Organization `json:"organization"`
}

// LoginOrSignupRequest is the body of POST /v1/b2b/magic_links/email/login_or_signup.
type LoginOrSignupRequest struct {
	OrganizationID          string `json:"organization_id"`
	EmailAddress            string `json:"email_address"`
	LoginRedirectURL        string `json:"login_redirect_url,omitempty"`
	SignupRedirectURL       string `json:"signup_redirect_url,omitempty"`
	Locale                  string `json:"locale,omitempty"`
	LoginExpirationMinutes  int    `json:"login_expiration_minutes,omitempty"`
	SignupExpirationMinutes int    `json:"signup_expiration_minutes,omitempty"`
	// PKCECodeChallenge binds the link to the browser that asked for it:
	// base64url (no padding) of the SHA-256 of the verifier (PKCEChallenge).
	PKCECodeChallenge string `json:"pkce_code_challenge,omitempty"`
}

// LoginOrSignupResponse answers login_or_signup.
type LoginOrSignupResponse struct {
	Response
	MemberID      string       `json:"member_id"`
	MemberCreated bool         `json:"member_created"`
	Member        Member       `json:"member"`
	Organization  Organization `json:"organization"`
}

// AuthenticateMagicLinkRequest is the body of POST /v1/b2b/magic_links/authenticate.
type AuthenticateMagicLinkRequest struct {
	MagicLinksToken          string `json:"magic_links_token"`
	SessionToken             string `json:"session_token,omitempty"`
	SessionJWT               string `json:"session_jwt,omitempty"`
	SessionDurationMinutes   int    `json:"session_duration_minutes,omitempty"`
	Locale                   string `json:"locale,omitempty"`
	IntermediateSessionToken string `json:"intermediate_session_token,omitempty"`
	// PKCECodeVerifier is the secret whose challenge was sent with the
	// link; required when one was.
	PKCECodeVerifier string `json:"pkce_code_verifier,omitempty"`
}

// AuthenticateMagicLinkResponse answers magic_links/authenticate. When
// MemberAuthenticated is false, SessionToken and SessionJWT are "" and
// IntermediateSessionToken plus MFARequired say how to finish.
type AuthenticateMagicLinkResponse struct {
	Response
	MemberID                 string           `json:"member_id"`
	MethodID                 string           `json:"method_id"`
	ResetSessions            bool             `json:"reset_sessions"`
	OrganizationID           string           `json:"organization_id"`
	Member                   Member           `json:"member"`
	SessionToken             string           `json:"session_token"`
	SessionJWT               string           `json:"session_jwt"`
	Organization             Organization     `json:"organization"`
	IntermediateSessionToken string           `json:"intermediate_session_token"`
	MemberAuthenticated      bool             `json:"member_authenticated"`
	MemberSession            *MemberSession   `json:"member_session"`
	MFARequired              *MFARequired     `json:"mfa_required"`
	PrimaryRequired          *PrimaryRequired `json:"primary_required"`
	MemberDevice             map[string]any   `json:"member_device"`
}

// AuthenticateSessionRequest is the body of POST /v1/b2b/sessions/authenticate.
type AuthenticateSessionRequest struct {
	SessionToken           string `json:"session_token,omitempty"`
	SessionJWT             string `json:"session_jwt,omitempty"`
	SessionDurationMinutes int    `json:"session_duration_minutes,omitempty"`
}

// AuthenticateSessionResponse answers sessions/authenticate.
type AuthenticateSessionResponse struct {
	Response
	MemberSession MemberSession `json:"member_session"`
	SessionToken  string        `json:"session_token"`
	SessionJWT    string        `json:"session_jwt"`
	Member        Member        `json:"member"`
	Organization  Organization  `json:"organization"`
	Verdict       *Verdict      `json:"verdict"` // null without an authorization_check
}

// Verdict is api_b2b_session_v1_AuthorizationVerdict.
type Verdict struct {
	Authorized    bool     `json:"authorized"`
	GrantingRoles []string `json:"granting_roles"`
}

// RevokeSessionRequest is the body of POST /v1/b2b/sessions/revoke: exactly one field.
type RevokeSessionRequest struct {
	MemberSessionID string `json:"member_session_id,omitempty"`
	SessionToken    string `json:"session_token,omitempty"`
	SessionJWT      string `json:"session_jwt,omitempty"`
	MemberID        string `json:"member_id,omitempty"`
}

// JWKSResponse answers GET /v1/b2b/sessions/jwks/{project_id}.
type JWKSResponse struct {
	Response
	Keys []JWK `json:"keys"`
}
