package stytch

import (
	"errors"
	"net/http"

	"github.com/mfaportal/mfaportal/identity"
	sc "github.com/mfaportal/mfaportal/stytchclient"
)

// kinds maps Stytch's error types to what the pages say. Types not here
// are identity.Refused, unless the status says Stytch failed (5xx) or
// asks us to slow down (429).
var kinds = map[string]identity.Kind{
	sc.ErrTypeUnreachable:      identity.Unavailable,
	sc.ErrTypeInvalidResponse:  identity.Unavailable,
	sc.ErrUserLockLimitReached: identity.Locked,

	sc.ErrSessionAuthorization:        identity.Forbidden,
	sc.ErrSessionAuthorizationTenancy: identity.NotFound,
	sc.ErrMemberNotFound:              identity.NotFound,
	sc.ErrSessionNotFound:             identity.SessionEnded,
	sc.ErrIntermediateSessionNotFound: identity.LoginExpired,

	sc.ErrOTPCodeNotFound:                  identity.CodeWrong, // Stytch's name for a wrong code
	sc.ErrUnableToAuthenticateTOTP:         identity.CodeWrong,
	sc.ErrInvalidTOTPCode:                  identity.CodeWrong,
	sc.ErrUnableToAuthenticateRecoveryCode: identity.CodeWrong,
	sc.ErrUnableToAuthOTPCode:              identity.CodeExpired, // expired or used
	sc.ErrTOTPCodeAlreadyAuthenticated:     identity.CodeReused,
	sc.ErrRecoveryCodeUsedAsTOTPCode:       identity.CodeOtherKind,
	sc.ErrTOTPCodeUsedAsRecoveryCode:       identity.CodeOtherKind,
	sc.ErrExpiredTOTP:                      identity.NoFactor,
	sc.ErrTOTPNotFound:                     identity.NoFactor,
	sc.ErrNoActiveRecoveryCodeBackedFactor: identity.NoFactor,
	sc.ErrMemberPhoneNumberNotFound:        identity.NoFactor,

	sc.ErrInvalidPhoneNumber:            identity.PhoneInvalid,
	sc.ErrInvalidPhoneNumberCountryCode: identity.PhoneInvalid,
	sc.ErrDuplicateMemberPhoneNumber:    identity.PhoneTaken,

	sc.ErrUnableToAuthMagicLink:         identity.LinkInvalid,
	sc.ErrMagicLinkNotFound:             identity.LinkInvalid,
	sc.ErrPKCEMismatch:                  identity.LinkOtherBrowser,
	sc.ErrPKCEExpectedCodeVerifier:      identity.LinkOtherBrowser,
	sc.ErrPKCEDidNotExpectCodeVerifier:  identity.LinkOtherBrowser,
	sc.ErrSessionEnforcedFactorRequired: identity.FreshFactorNeeded,
}

// wrap turns a stytchclient error into an *identity.Error that keeps it.
func wrap(err error) error {
	var se *sc.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	e := &identity.Error{Kind: identity.Refused, Err: err}
	if k, ok := kinds[se.ErrorType]; ok {
		e.Kind = k
	} else if se.StatusCode >= 500 {
		e.Kind = identity.Unavailable
	}
	if se.StatusCode == http.StatusTooManyRequests && e.Kind == identity.Refused {
		e.Kind = identity.RateLimited
		e.RetryAfter = retryAfter(se.RetryAfter)
	}
	return e
}
