package zitadel

import (
	"errors"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/mfaportal/mfaportal/identity"
	zc "github.com/mfaportal/mfaportal/zitadelclient"
)

// kinds maps ZITADEL's error ids (zitadelclient's constants, from
// ../shared/zitadel-api.md) to what the pages say. Other ids are
// identity.Refused, unless the status says ZITADEL failed (5xx) or asks
// us to slow down (429).
var kinds = map[string]identity.Kind{
	zc.IDUnreachable:     identity.Unavailable,
	zc.IDInvalidResponse: identity.Unavailable,

	zc.ErrTokenInvalid:       identity.SessionEnded,
	zc.ErrMembershipNotFound: identity.Forbidden, // ZITADEL's answer to a member without any role
	zc.ErrNoPermission:       identity.Forbidden,

	zc.ErrCodeInvalid:       identity.CodeWrong,
	zc.ErrCodeInvalidV1:     identity.CodeWrong,
	zc.ErrCodeNotFound:      identity.CodeExpired,
	zc.ErrResendNoCode:      identity.CodeExpired,
	zc.ErrOTPSMSNotExisting: identity.NoFactor,
	zc.ErrOTPSMSNotReady:    identity.NoFactor,
	zc.ErrPhoneNotFound:     identity.NoFactor,
	zc.ErrRemoveNoPhoneV1:   identity.NoFactor,

	zc.ErrPhoneInvalid:      identity.PhoneInvalid,
	zc.ErrPhoneEmpty:        identity.PhoneInvalid,
	zc.ErrPhoneNotChanged:   identity.PhoneUnchanged,
	zc.ErrPhoneNotChangedV1: identity.PhoneUnchanged,
}

// wrap turns a zitadelclient error into an *identity.Error that keeps it.
func wrap(err error) error {
	var ze *zc.Error
	if err == nil || !errors.As(err, &ze) {
		if err != nil {
			return &identity.Error{Kind: identity.Unavailable, Backend: name, Err: err}
		}
		return nil
	}
	e := &identity.Error{Kind: identity.Refused, Backend: name, Reason: ze.ID, Err: err}
	switch k, ok := kinds[ze.ID]; {
	case ok:
		e.Kind = k
	case ze.StatusCode == http.StatusTooManyRequests:
		e.Kind = identity.RateLimited
	case ze.StatusCode >= 500:
		e.Kind = identity.Unavailable
	case ze.StatusCode == http.StatusNotFound:
		e.Kind = identity.NotFound
	}
	return e
}

// exchangeError sorts a failed code exchange: a code ZITADEL refuses
// (used, expired, another browser's verifier: OAuth's invalid_grant) is
// a login to start again; anything else is ZITADEL not answering as it
// should, which the member cannot mend by logging in again.
func exchangeError(err error) error {
	e := &identity.Error{Kind: identity.Unavailable, Backend: name, Reason: "code exchange", Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_request") {
		e.Kind = identity.LinkInvalid
	}
	return e
}
