package stytchclient

import (
	"context"
	"net/http"
)

// Authenticator-app (TOTP) and recovery-code endpoints. A member has at most
// one TOTP registration; creating it also mints the member's recovery codes,
// which stay usable for as long as the registration does.

// The values of default_mfa_method.
const (
	MFAMethodSMS  = "sms_otp"
	MFAMethodTOTP = "totp"
)

// Error types of the TOTP and recovery-code endpoints (the names are
// Stytch's, from its SDKs' error enums; see stytchemu's doc for the
// statuses the emulator answers with).
const (
	ErrActiveTOTPExists                 = "active_totp_exists"
	ErrTOTPNotFound                     = "totp_not_found"
	ErrExpiredTOTP                      = "expired_totp"
	ErrInvalidTOTPCode                  = "invalid_totp_code"
	ErrUnableToAuthenticateTOTP         = "unable_to_authenticate_totp"
	ErrTOTPCodeAlreadyAuthenticated     = "totp_code_already_authenticated"
	ErrRecoveryCodeUsedAsTOTPCode       = "recovery_code_used_as_totp_code"
	ErrTOTPCodeUsedAsRecoveryCode       = "totp_code_used_as_recovery_code"
	ErrUnableToAuthenticateRecoveryCode = "unable_to_authenticate_recovery_code"
	ErrNoActiveRecoveryCodeBackedFactor = "no_active_recovery_code_backed_factor"
	ErrRestrictedByMFAMethods           = "operation_restricted_by_organization_mfa_methods"
	ErrInvalidExpiration                = "invalid_expiration"
)

// AuthenticatorAppFactor is api_session_v1_AuthenticatorAppFactor: the TOTP
// registration a session's totp factor was proven with.
type AuthenticatorAppFactor struct {
	TOTPID string `json:"totp_id"`
}

// RecoveryCodeFactor is api_session_v1_RecoveryCodeFactor.
type RecoveryCodeFactor struct {
	TOTPRecoveryCodeID string `json:"totp_recovery_code_id"`
}

// CreateTOTPRequest is the body of POST /v1/b2b/totp. When the member
// already has an active MFA factor, one of the session fields must carry it.
type CreateTOTPRequest struct {
	OrganizationID string `json:"organization_id"`
	MemberID       string `json:"member_id"`
	// ExpirationMinutes bounds how long the new registration waits for its
	// first code (5 to 1440; Stytch's default is 60).
	ExpirationMinutes        int    `json:"expiration_minutes,omitempty"`
	IntermediateSessionToken string `json:"intermediate_session_token,omitempty"`
	SessionToken             string `json:"session_token,omitempty"`
	SessionJWT               string `json:"session_jwt,omitempty"`
}

// CreateTOTPResponse answers POST /v1/b2b/totp. QRCode is a data URL of a
// PNG image; Secret is the same key in base32, for typing in by hand.
type CreateTOTPResponse struct {
	Response
	MemberID           string       `json:"member_id"`
	TOTPRegistrationID string       `json:"totp_registration_id"`
	Secret             string       `json:"secret"`
	QRCode             string       `json:"qr_code"`
	RecoveryCodes      []string     `json:"recovery_codes"`
	Member             Member       `json:"member"`
	Organization       Organization `json:"organization"`
}

// AuthenticateTOTPRequest is the body of POST /v1/b2b/totp/authenticate.
// Exactly one of IntermediateSessionToken (finishes a login), SessionToken
// or SessionJWT (adds the factor to a session) is needed.
type AuthenticateTOTPRequest struct {
	OrganizationID           string         `json:"organization_id"`
	MemberID                 string         `json:"member_id"`
	Code                     string         `json:"code"`
	IntermediateSessionToken string         `json:"intermediate_session_token,omitempty"`
	SessionToken             string         `json:"session_token,omitempty"`
	SessionJWT               string         `json:"session_jwt,omitempty"`
	SessionDurationMinutes   int            `json:"session_duration_minutes,omitempty"`
	SessionCustomClaims      map[string]any `json:"session_custom_claims,omitempty"`
	SetMFAEnrollment         string         `json:"set_mfa_enrollment,omitempty"`
	// SetDefaultMFA makes the authenticator app the member's default_mfa_method.
	SetDefaultMFA bool `json:"set_default_mfa,omitempty"`
}

// AuthenticateTOTPResponse answers POST /v1/b2b/totp/authenticate.
type AuthenticateTOTPResponse struct {
	Response
	MemberID      string         `json:"member_id"`
	Member        Member         `json:"member"`
	Organization  Organization   `json:"organization"`
	SessionToken  string         `json:"session_token"`
	SessionJWT    string         `json:"session_jwt"`
	MemberSession *MemberSession `json:"member_session"`
	MemberDevice  map[string]any `json:"member_device"` // null: no device fingerprinting
}

// RecoverRequest is the body of POST /v1/b2b/recovery_codes/recover; like
// AuthenticateTOTPRequest it needs exactly one of the session fields.
type RecoverRequest struct {
	OrganizationID           string         `json:"organization_id"`
	MemberID                 string         `json:"member_id"`
	RecoveryCode             string         `json:"recovery_code"`
	IntermediateSessionToken string         `json:"intermediate_session_token,omitempty"`
	SessionToken             string         `json:"session_token,omitempty"`
	SessionJWT               string         `json:"session_jwt,omitempty"`
	SessionDurationMinutes   int            `json:"session_duration_minutes,omitempty"`
	SessionCustomClaims      map[string]any `json:"session_custom_claims,omitempty"`
}

// RecoverResponse answers POST /v1/b2b/recovery_codes/recover.
type RecoverResponse struct {
	Response
	MemberID               string         `json:"member_id"`
	Member                 Member         `json:"member"`
	Organization           Organization   `json:"organization"`
	SessionToken           string         `json:"session_token"`
	SessionJWT             string         `json:"session_jwt"`
	RecoveryCodesRemaining int            `json:"recovery_codes_remaining"`
	MemberSession          *MemberSession `json:"member_session"`
	MemberDevice           map[string]any `json:"member_device"` // null: no device fingerprinting
}

// RotateRecoveryCodesRequest is the body of POST /v1/b2b/recovery_codes/rotate.
type RotateRecoveryCodesRequest struct {
	OrganizationID string `json:"organization_id"`
	MemberID       string `json:"member_id"`
}

// RecoveryCodesResponse answers the get and rotate recovery-code endpoints:
// the member's unused codes.
type RecoveryCodesResponse struct {
	Response
	MemberID      string       `json:"member_id"`
	Member        Member       `json:"member"`
	Organization  Organization `json:"organization"`
	RecoveryCodes []string     `json:"recovery_codes"`
}

// CreateTOTP starts an authenticator-app registration (POST /v1/b2b/totp).
// It stays pending until a first code from the app is authenticated.
func (c *Client) CreateTOTP(ctx context.Context, req CreateTOTPRequest) (*CreateTOTPResponse, error) {
	var out CreateTOTPResponse
	return &out, c.do(ctx, "totp.create", http.MethodPost, "/v1/b2b/totp", req, MemberAuth{}, &out)
}

// AuthenticateTOTP checks a code from the authenticator app
// (POST /v1/b2b/totp/authenticate).
func (c *Client) AuthenticateTOTP(ctx context.Context, req AuthenticateTOTPRequest) (*AuthenticateTOTPResponse, error) {
	var out AuthenticateTOTPResponse
	return &out, c.do(ctx, "totp.authenticate", http.MethodPost, "/v1/b2b/totp/authenticate", req, MemberAuth{}, &out)
}

// DeleteTOTP removes a member's authenticator app, and with it the recovery
// codes (DELETE /v1/b2b/organizations/{org}/members/{member}/totp).
func (c *Client) DeleteTOTP(ctx context.Context, organizationID, memberID string, as MemberAuth) (*MemberResponse, error) {
	var out MemberResponse
	path := "/v1/b2b/organizations/" + esc(organizationID) + "/members/" + esc(memberID) + "/totp"
	return &out, c.do(ctx, "members.delete_totp", http.MethodDelete, path, nil, as, &out)
}

// Recover finishes an MFA step with a single-use recovery code
// (POST /v1/b2b/recovery_codes/recover).
func (c *Client) Recover(ctx context.Context, req RecoverRequest) (*RecoverResponse, error) {
	var out RecoverResponse
	return &out, c.do(ctx, "recovery_codes.recover", http.MethodPost, "/v1/b2b/recovery_codes/recover", req, MemberAuth{}, &out)
}

// GetRecoveryCodes lists a member's unused recovery codes
// (GET /v1/b2b/recovery_codes/{org}/{member}).
func (c *Client) GetRecoveryCodes(ctx context.Context, organizationID, memberID string) (*RecoveryCodesResponse, error) {
	var out RecoveryCodesResponse
	path := "/v1/b2b/recovery_codes/" + esc(organizationID) + "/" + esc(memberID)
	return &out, c.do(ctx, "recovery_codes.get", http.MethodGet, path, nil, MemberAuth{}, &out)
}

// RotateRecoveryCodes replaces all of a member's recovery codes with a new
// set (POST /v1/b2b/recovery_codes/rotate).
func (c *Client) RotateRecoveryCodes(ctx context.Context, req RotateRecoveryCodesRequest) (*RecoveryCodesResponse, error) {
	var out RecoveryCodesResponse
	return &out, c.do(ctx, "recovery_codes.rotate", http.MethodPost, "/v1/b2b/recovery_codes/rotate", req, MemberAuth{}, &out)
}
