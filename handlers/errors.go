package handlers

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/middleware"
	"github.com/mfaportal/mfaportal/views"
)

// pageError is an error a person should read: a status, a heading and a
// plain-language message.
type pageError struct {
	status         int
	heading        string
	message        string
	nothingChanged bool
	retryURL       string // under the mount point
	retryLabel     string
	retryAfter     time.Duration // sent as Retry-After when set
	err            error         // the cause, for the log
}

func (e *pageError) Error() string {
	if e.err != nil {
		return e.heading + ": " + e.err.Error()
	}
	return e.heading
}

func (e *pageError) Unwrap() error { return e.err }

var errCSRF = &pageError{
	status:         http.StatusForbidden,
	heading:        "This form has expired",
	message:        "We couldn't accept what you sent: the page it came from was open too long, was opened in another tab, or was from before you logged in or out. For your security, forms only work for a while. Go back, reload the page, and send the form again.",
	nothingChanged: true,
}

// handleError is the one place that turns an error into an answer:
// redirects, pages people read, and the log line for what we did not expect.
func (a *app) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if r, ok := isRedirect(err); ok {
		redirect := a.redirect
		if r.away {
			redirect = a.redirectAway
		}
		if rerr := redirect(c, r.path); rerr != nil {
			a.log.Error("redirect failed", "err", rerr)
		}
		return
	}
	// Stytch no longer knows the session (revoked, expired): log in again,
	// whichever action found out.
	if identity.Is(err, identity.SessionEnded) && a.session(c).IsLoggedIn() {
		a.handleError(a.endSession(c, "Your session has ended. Please log in again."), c)
		return
	}
	pe := describe(err)
	ctx := c.Request().Context()
	switch {
	case pe.status >= 500:
		a.log.ErrorContext(ctx, "request failed", "request_id", logging.RequestID(ctx), "path", c.Request().URL.Path, "status", pe.status, "err", err)
	case pe.status != http.StatusNotFound:
		a.log.InfoContext(ctx, "request refused", "request_id", logging.RequestID(ctx), "path", c.Request().URL.Path, "status", pe.status, "err", err)
	}
	p := a.page(c, pe.heading, a.session(c))
	v := views.ErrorPage{
		Page:           p,
		Status:         pe.status,
		Heading:        pe.heading,
		Message:        pe.message,
		NothingChanged: pe.nothingChanged,
		RetryLabel:     pe.retryLabel,
	}
	if pe.retryURL != "" {
		v.RetryURL = p.URL(pe.retryURL)
	}
	if pe.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(pe.retryAfter.Seconds()))))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(pe.status)
		return
	}
	if rerr := a.render(c, pe.status, p, views.ErrorContent(v)); rerr != nil {
		a.log.Error("rendering the error page failed", "err", rerr)
		_ = c.HTML(http.StatusInternalServerError, `<main id="main"><h1>Something went wrong on our side</h1><p>Nothing was changed.</p></main>`)
	}
}

// describe maps any error to what the person sees.
func describe(err error) *pageError {
	var pe *pageError
	if errors.As(err, &pe) {
		cp := *pe // callers adjust it (withRetry); the shared pages stay as declared
		return &cp
	}
	var ie *identity.Error
	if errors.As(err, &ie) {
		return describeBackend(ie)
	}
	if middleware.IsTooLarge(err) {
		return &pageError{status: http.StatusRequestEntityTooLarge, heading: "That was too much to send",
			message: "The form sent more data than we accept.", nothingChanged: true, err: err}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return &pageError{status: http.StatusNotFound, heading: "Page not found",
				message: "There is no page at this address. It may have moved, or the link may be mistyped.", err: err}
		case http.StatusMethodNotAllowed:
			return &pageError{status: http.StatusMethodNotAllowed, heading: "That doesn't work here",
				message: "This address can't be used that way. Go back and use the buttons on the page.", nothingChanged: true, err: err}
		case http.StatusRequestEntityTooLarge:
			return &pageError{status: he.Code, heading: "That was too much to send",
				message: "The form sent more data than we accept.", nothingChanged: true, err: err}
		}
		if he.Code >= 400 && he.Code < 500 {
			return &pageError{status: he.Code, heading: "We couldn't use that request",
				message: "Something about the request was not right. Go back and try again.", nothingChanged: true, err: err}
		}
	}
	return &pageError{status: http.StatusInternalServerError, heading: "Something went wrong on our side",
		message: "We couldn't finish that. Please try again in a moment.", nothingChanged: true, err: err}
}

// describeBackend maps a backend's failure that the feature handler did
// not handle itself (a wrong code, say, is shown next to the code field).
func describeBackend(ie *identity.Error) *pageError {
	name := cmp.Or(ie.Backend, "Our sign-in provider")
	pe := &pageError{nothingChanged: true, err: ie}
	switch ie.Kind {
	case identity.Unavailable:
		pe.status = http.StatusServiceUnavailable
		pe.heading = "We couldn't reach our sign-in provider"
		pe.message = name + ", the service that checks sign-ins and sends our text messages, did not answer properly. Please try again in a minute."
	case identity.Locked:
		pe.status = http.StatusTooManyRequests
		pe.heading = "Too many wrong codes"
		pe.message = "For your security, sign-in codes are blocked for this account for a while (usually an hour). Try again later, or ask an administrator of your organization for help."
	case identity.RateLimited:
		pe.status = http.StatusTooManyRequests
		pe.heading = "Too many attempts"
		pe.message = "There have been too many attempts in a short time. " + retryHint(ie.RetryAfter)
	case identity.Forbidden:
		pe.status = http.StatusForbidden
		pe.heading = "You don't have permission to do that"
		pe.message = "Your account is not allowed to do this in your organization. Ask an administrator if you think it should be."
	case identity.NotFound:
		pe.status = http.StatusNotFound
		pe.heading = "Member not found"
		pe.message = "There is no such member in your organization."
	case identity.SessionEnded:
		pe.status = http.StatusUnauthorized
		pe.heading = "Your session has ended"
		pe.message = "Please log in again."
		pe.retryURL, pe.retryLabel = "/login", "Log in"
	default:
		pe.status = http.StatusBadGateway
		pe.heading = "Our sign-in provider refused that"
		pe.message = name + " refused the request."
	}
	return pe
}

// retryHint turns a backend's Retry-After into words.
func retryHint(retryAfter time.Duration) string {
	if n := int(retryAfter.Seconds()); n > 0 {
		if n < 90 {
			return fmt.Sprintf("Please wait %d seconds and try again.", n)
		}
		return fmt.Sprintf("Please wait about %d minutes and try again.", (n+59)/60)
	}
	return "Please wait a minute and try again."
}
