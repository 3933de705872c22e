package stytchclient

import (
	"errors"
	"fmt"
)

// Error is a failure reported by Stytch (or by the transport on the way to
// it). Stytch's error body carries status_code, request_id, error_type,
// error_message and error_url; StatusCode is always the HTTP status.
//
// A response that is not Stytch's JSON still yields an *Error, with
// ErrorType ErrTypeInvalidResponse and the start of the body in
// ErrorMessage. A request that never got an answer (refused connection,
// timeout, cancelled context) yields ErrorType ErrTypeUnreachable and
// StatusCode 0, and wraps the transport error.
type Error struct {
	StatusCode   int    `json:"status_code"`
	RequestID    string `json:"request_id"`
	ErrorType    string `json:"error_type"`
	ErrorMessage string `json:"error_message"`
	ErrorURL     string `json:"error_url"`
	// RetryAfter is the Retry-After header of a 429/503 answer, verbatim ("" when absent).
	RetryAfter string `json:"-"`
	// Method and Path name the call, for logs.
	Method string `json:"-"`
	Path   string `json:"-"`
	err    error
}

// Error types of our own, for failures that carry no Stytch body.
const (
	ErrTypeUnreachable     = "stytch_unreachable"
	ErrTypeInvalidResponse = "invalid_response"
)

func (e *Error) Error() string {
	s := fmt.Sprintf("stytch %s %s: %d %s", e.Method, e.Path, e.StatusCode, e.ErrorType)
	if e.ErrorMessage != "" {
		s += ": " + e.ErrorMessage
	}
	if e.RequestID != "" {
		s += " (request_id " + e.RequestID + ")"
	}
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

// Unwrap gives the transport error behind an unreachable Stytch, if any.
func (e *Error) Unwrap() error { return e.err }

// IsErrorType reports whether err is (or wraps) a Stytch *Error of one of
// the given error types.
func IsErrorType(err error, types ...string) bool {
	var se *Error
	if !errors.As(err, &se) {
		return false
	}
	for _, t := range types {
		if se.ErrorType == t {
			return true
		}
	}
	return false
}

// Stytch error types that mfaportal and the emulator deal with
// (see ../shared/stytch-api.md §7.2).
const (
	ErrUnauthorizedCredentials       = "unauthorized_credentials"
	ErrTooManyRequests               = "too_many_requests"
	ErrUserLockLimitReached          = "user_lock_limit_reached"
	ErrInternalServerError           = "internal_server_error"
	ErrOTPCodeNotFound               = "otp_code_not_found"
	ErrUnableToAuthOTPCode           = "unable_to_auth_otp_code"
	ErrInvalidPhoneNumber            = "invalid_phone_number"
	ErrInvalidPhoneNumberCountryCode = "invalid_phone_number_country_code"
	ErrDuplicateMemberPhoneNumber    = "duplicate_member_phone_number"
	ErrDuplicateMemberPhoneForMember = "duplicate_member_phone_number_for_member"
	ErrMemberPhoneNumberNotFound     = "member_phone_number_not_found"
	ErrSessionNotFound               = "session_not_found"
	ErrIntermediateSessionNotFound   = "intermediate_session_not_found"
	ErrInvalidISTForOrganization     = "invalid_intermediate_session_token_for_organization"
	ErrTooManySessionArguments       = "too_many_session_arguments"
	ErrNoSessionArguments            = "no_session_arguments"
	ErrSessionMemberMismatch         = "member_session_member_id_mismatch"
	ErrSessionEnforcedFactorRequired = "session_enforced_factor_matching_session_required"
	ErrPrimaryAuthRequired           = "action_available_only_once_primary_authentication_is_met"
	ErrInactiveMember                = "action_available_only_for_active_members"
	ErrInsufficientFactors           = "insufficient_factors"
	ErrSessionAuthorization          = "session_authorization_error"
	ErrSessionAuthorizationTenancy   = "session_authorization_tenancy_error"
	ErrMemberNotFound                = "member_not_found"
	ErrOrganizationNotFound          = "organization_not_found"
	ErrUnableToAuthMagicLink         = "unable_to_auth_magic_link"
	ErrMagicLinkNotFound             = "magic_link_not_found"
	ErrPKCEMismatch                  = "pkce_mismatch"
	ErrPKCEExpectedCodeVerifier      = "pkce_expected_code_verifier"
	ErrPKCEDidNotExpectCodeVerifier  = "pkce_did_not_expect_code_verifier"
	ErrBadRequest                    = "bad_request"
	ErrInvalidLocale                 = "invalid_locale"
	ErrNoSessionRevokeArguments      = "no_session_revoke_arguments"
	ErrTooManySessionRevokeArguments = "too_many_session_revoke_arguments"
	ErrDuplicateEmail                = "duplicate_email"
	ErrDuplicateSlug                 = "organization_slug_already_used"
)
