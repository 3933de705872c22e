package zitadelemu

import (
	"encoding/json"
	"net/http"
)

// gRPC status codes ZITADEL's errors map to (internal/api/grpc/gerrors).
const (
	codeInvalidArgument    = 3
	codeDeadlineExceeded   = 4
	codeNotFound           = 5
	codeAlreadyExists      = 6
	codePermissionDenied   = 7
	codeResourceExhausted  = 8
	codeFailedPrecondition = 9
	codeUnimplemented      = 12
	codeInternal           = 13
	codeUnavailable        = 14
	codeUnauthenticated    = 16
)

// httpStatus is grpc-gateway's standard code → HTTP status table.
func httpStatus(code int) int {
	switch code {
	case codeInvalidArgument, codeFailedPrecondition:
		return http.StatusBadRequest
	case codeNotFound:
		return http.StatusNotFound
	case codeAlreadyExists:
		return http.StatusConflict
	case codePermissionDenied:
		return http.StatusForbidden
	case codeUnauthenticated:
		return http.StatusUnauthorized
	case codeResourceExhausted:
		return http.StatusTooManyRequests
	case codeUnimplemented:
		return http.StatusNotImplemented
	case codeUnavailable:
		return http.StatusServiceUnavailable
	case codeDeadlineExceeded:
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// apiError is one ZITADEL error: a gRPC code, an error id and its (English)
// text. An empty ID stands for a proto-validation failure, which carries no
// ZITADEL ErrorDetail.
type apiError struct {
	Code    int
	ID      string
	Message string
}

func zerr(code int, id, msg string) *apiError { return &apiError{Code: code, ID: id, Message: msg} }

// The errors the emulator answers, by situation; texts from ZITADEL's en.yaml
// where the note has them (zitadel-api.md §0, §1).
var (
	errTokenInvalid      = zerr(codeUnauthenticated, "AUTH-7fs1e", "Errors.Token.Invalid") // untranslated, as ZITADEL sends it
	errNoMembership      = zerr(codeNotFound, "AUTHZ-cdgFk", "membership not found")
	errNoPermission      = zerr(codePermissionDenied, "AUTH-AWfge", "No matching permissions found")
	errPhoneInvalid      = zerr(codeInvalidArgument, "PHONE-so0wa", "Phone is invalid")
	errPhoneEmpty        = zerr(codeInvalidArgument, "PHONE-Zt0NV", "Phone is empty")
	errOTPNotReady       = zerr(codeFailedPrecondition, "COMMAND-Q54j2", "Multifactor OTP (OneTimePassword) isn't ready")
	errOTPAlreadyReady   = zerr(codeAlreadyExists, "COMMAND-Ad3g2", "Multifactor OTP (OneTimePassword) is already set up")
	errOTPNotExisting    = zerr(codeNotFound, "COMMAND-Sr3h3", "Multifactor OTP (OneTimePassword) doesn't exist")
	errPhoneNotChanged   = zerr(codeFailedPrecondition, "COMMAND-Uch5e", "Phone not changed")
	errPhoneNotChangedV1 = zerr(codeFailedPrecondition, "COMMAND-wF94r", "Phone not changed")
	errPhoneUserGone     = zerr(codeNotFound, "COMMAND-ieJ2e", "Phone not found")
	errCodeInvalid       = zerr(codeInvalidArgument, "COMMAND-eis9R", "Code is invalid")
	errCodeInvalidV1     = zerr(codeInvalidArgument, "COMMAND-sM0cs", "Code is invalid")
	errCodeNotFound      = zerr(codeNotFound, "COMMAND-Rsj8c", "Code not found")
	errResendNoCode      = zerr(codeFailedPrecondition, "PHONE-5xrra88eq8", "Code is empty")
	errResendNoPhoneV1   = zerr(codeNotFound, "COMMAND-2b7Hf", "Phone not found")
	errResendVerifiedV1  = zerr(codeFailedPrecondition, "COMMAND-2M9sf", "Phone already verified")
	errRemoveNoPhoneV1   = zerr(codeNotFound, "COMMAND-p6rsc", "Phone not found")
	errUserGoneV1        = zerr(codeNotFound, "COMMAND-3M0fs", "User could not be found")
	errUserNotFound      = zerr(codeNotFound, "QUERY-Dfbg2", "User could not be found") // id a guess
	errRouteNotFound     = zerr(codeNotFound, "", "Not Found")
)

// validation is a proto-validation failure: code 3 and the validator's text,
// no ErrorDetail (ZITADEL's validation interceptor adds none).
func validation(msg string) *apiError { return zerr(codeInvalidArgument, "", msg) }

// errorBody is grpc-gateway's rpcStatus with ZITADEL's ErrorDetail.
type errorBody struct {
	Code    int           `json:"code"`
	Message string        `json:"message"`
	Details []errorDetail `json:"details,omitempty"`
}

type errorDetail struct {
	Type    string `json:"@type"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

func errorBodyOf(e *apiError) errorBody {
	body := errorBody{Code: e.Code, Message: e.Message}
	if e.ID != "" {
		body.Message += " (" + e.ID + ")"
		body.Details = []errorDetail{{Type: "type.googleapis.com/zitadel.v1.ErrorDetail", ID: e.ID, Message: e.Message}}
	}
	return body
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, httpStatus(e.Code), errorBodyOf(e))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
