package identity

import (
	"errors"
	"time"
)

// Kind is what went wrong, in terms a page can explain. Each backend maps
// its own errors to these (identity/stytch: error_type; identity/zitadel:
// ZITADEL's error ids); anything it does not know is Refused.
type Kind int

const (
	// Refused: the backend said no for a reason not listed here.
	Refused Kind = iota
	// Unavailable: the backend did not answer, or not properly.
	Unavailable
	// RateLimited: the backend asks us to slow down (Error.RetryAfter).
	RateLimited
	// Locked: too many wrong codes; the member is locked out for a while.
	Locked
	// Forbidden: the caller may not do this.
	Forbidden
	// NotFound: no such member in the caller's organization.
	NotFound
	// SessionEnded: the member's session is over (revoked or expired).
	SessionEnded
	// LoginExpired: a login waiting for its second step took too long.
	LoginExpired

	// CodeWrong: the code is not right.
	CodeWrong
	// CodeExpired: no code is pending any more (expired, or used).
	CodeExpired
	// CodeReused: an app code that was already used.
	CodeReused
	// CodeOtherKind: a recovery code where an app code was asked, or the
	// other way round.
	CodeOtherKind
	// NoFactor: the factor to check or remove is not there (no phone, no
	// app, no recovery codes).
	NoFactor

	// PhoneInvalid: not a phone number the backend can text.
	PhoneInvalid
	// PhoneTaken: another member of the organization has this number.
	PhoneTaken
	// PhoneUnchanged: the number is the one already set.
	PhoneUnchanged

	// LinkInvalid: a login link that is wrong, used or expired.
	LinkInvalid
	// LinkOtherBrowser: a login link opened in a browser other than the
	// one that asked for it (PKCE).
	LinkOtherBrowser
	// FreshFactorNeeded: the change needs a second factor proved in this
	// session first.
	FreshFactorNeeded
	// NoAccount: a login link was refused for something about the address
	// or the organization (unknown, or not allowed to join). Pages answer
	// it exactly as a sent link, so nobody can probe for accounts.
	NoAccount
)

// Error is a backend's failure.
type Error struct {
	Kind       Kind
	Backend    string        // the backend's name ("Stytch"), for pages that say who failed
	Reason     string        // the backend's own name for it (Stytch's error_type, ZITADEL's id), for the log; a Refused page shows it as a reference, so it is an identifier, never words
	RetryAfter time.Duration // with RateLimited, when the backend says
	// Unforeseen: the backend gave a reason the adapter does not know,
	// worth a warning in the log (it may be our configuration).
	Unforeseen bool
	Err        error // the backend's own error, for the log
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "identity backend refused the request"
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether err is an *Error of one of kinds.
func Is(err error, kinds ...Kind) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, k := range kinds {
		if e.Kind == k {
			return true
		}
	}
	return false
}
