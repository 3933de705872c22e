package zitadelclient

import (
	"errors"
	"fmt"
)

// Error is a failure reported by ZITADEL (or by the transport on the way to
// it). ZITADEL's REST error body is grpc-gateway's rpcStatus:
// {"code":<gRPC code>,"message":"<text> (<ID>)","details":[{"@type":
// "type.googleapis.com/zitadel.v1.ErrorDetail","id":"<ID>","message":"<text>"}]}.
// Branch on ID and Code, never on Message: ZITADEL translates the text.
//
// A proto-validation failure has Code 3 and no ID. An answer that is not
// that JSON yields ID IDInvalidResponse; a request that got no answer
// (refused connection, timeout, cancelled context) yields ID IDUnreachable
// and StatusCode 0, and wraps the transport error.
type Error struct {
	StatusCode int    // HTTP status
	Code       int    // gRPC status code
	ID         string // ZITADEL error id, such as COMMAND-Ad3g2
	Message    string // text without the trailing " (ID)"
	// Method and Path name the call, for logs.
	Method, Path string
	err          error
}

// Error ids of our own, for failures that carry no ZITADEL body.
const (
	IDUnreachable     = "CLIENT-unreachable"
	IDInvalidResponse = "CLIENT-invalid-response"
)

func (e *Error) Error() string {
	s := fmt.Sprintf("zitadel %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.ID != "" {
		s += " " + e.ID
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

// Unwrap gives the transport or decoding error behind e, if any.
func (e *Error) Unwrap() error { return e.err }

// IsErrorID reports whether err is (or wraps) a ZITADEL *Error with one of
// the given ids.
func IsErrorID(err error, ids ...string) bool {
	var ze *Error
	if !errors.As(err, &ze) {
		return false
	}
	for _, id := range ids {
		if ze.ID == id {
			return true
		}
	}
	return false
}

// ZITADEL error ids the app deals with (../shared/zitadel-api.md §0, §1).
const (
	// Adding OTP SMS twice (409): treat as "already enrolled".
	ErrOTPSMSAlreadyReady = "COMMAND-Ad3g2"
	// Adding OTP SMS before the phone is verified (400, code 9).
	ErrOTPSMSNotReady = "COMMAND-Q54j2"
	// Removing OTP SMS that is not there (404): "nothing to remove".
	ErrOTPSMSNotExisting = "COMMAND-Sr3h3"
	// Wrong or expired phone code (v2 verify, 400 code 3).
	ErrCodeInvalid = "COMMAND-eis9R"
	// Wrong or expired phone code (v1 _verify).
	ErrCodeInvalidV1 = "COMMAND-sM0cs"
	// No pending code to verify.
	ErrCodeNotFound = "COMMAND-Rsj8c"
	// Resend with no pending code, e.g. already verified (v2).
	ErrResendNoCode = "PHONE-5xrra88eq8"
	// Setting the number the user already has: v2 and v1.
	ErrPhoneNotChanged   = "COMMAND-Uch5e"
	ErrPhoneNotChangedV1 = "COMMAND-wF94r"
	// A number libphonenumber refuses (default region CH), or an empty one.
	ErrPhoneInvalid = "PHONE-so0wa"
	ErrPhoneEmpty   = "PHONE-Zt0NV"
	// Phone commands on a user that does not exist (or has no phone, v2 remove).
	ErrPhoneNotFound = "COMMAND-ieJ2e"
	// v1: remove or resend with no phone; resend when already verified.
	ErrRemoveNoPhoneV1  = "COMMAND-p6rsc"
	ErrResendNoPhoneV1  = "COMMAND-2b7Hf"
	ErrResendVerifiedV1 = "COMMAND-2M9sf"
	// Token missing, invalid, expired or without ZITADEL's API audience (401).
	ErrTokenInvalid = "AUTH-7fs1e"
	// Caller without any membership where the call needs a permission (404).
	ErrMembershipNotFound = "AUTHZ-cdgFk"
	// Caller with a membership that lacks the permission (403).
	ErrNoPermission = "AUTH-AWfge"
)
