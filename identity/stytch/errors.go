package stytch

import (
	"errors"
	"net/http"
	"slices"

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

// accountRefusals are Stytch's answers to login_or_signup that say the
// organization does not exist or the address has no account and may not
// get one.
var accountRefusals = []string{
	sc.ErrOrganizationNotFound, "invalid_organization_id", "invalid_organization_slug",
	sc.ErrMemberNotFound, "invalid_email", "invalid_email_for_jit_provisioning",
	"email_jit_provisioning_not_allowed", "unauthorized_action",
}

// loginRefusal makes a login link's refusal for something about this
// address or organization NoAccount: any 4xx but bad credentials and rate
// limits, which are the same for everyone. A reason not in
// accountRefusals is Unforeseen.
func loginRefusal(err error) error {
	var se *sc.Error
	if !errors.As(err, &se) || se.StatusCode < 400 || se.StatusCode >= 500 ||
		se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusTooManyRequests {
		return err
	}
	return &identity.Error{Kind: identity.NoAccount, Backend: name, Reason: se.ErrorType, Unforeseen: !slices.Contains(accountRefusals, se.ErrorType), Err: se}
}

// wrap turns a stytchclient error into an *identity.Error that keeps it.
func wrap(err error) error {
	var se *sc.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	e := &identity.Error{Kind: identity.Refused, Backend: name, Reason: se.ErrorType, Err: err}
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
