package handlers

import (
	"cmp"
	"errors"
	"html"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/middleware"
	"github.com/mfaportal/mfaportal/views"
)

// pageError is an error a person should read: a status, a heading and a
// plain-language message. The words are catalog keys, put into the
// request's language when the page is rendered.
type pageError struct {
	status         int
	heading        string // key
	message        string // key
	args           []any  // the message's arguments, as pairs; a value may be a text
	extra          string // key of a sentence after the message, "" when none
	nothingChanged bool
	retryURL       string        // under the mount point
	retryLabel     string        // key
	retryAfter     time.Duration // sent as Retry-After when set
	err            error         // the cause, for the log
}

// text is a catalog message with its arguments, to be put into words
// later, in the language of the page that shows it.
type text struct {
	id     string
	count  int
	plural bool
	args   []any
}

// in writes t in l's language, its text arguments too.
func (t text) in(l *locale.Localizer) string {
	args := make([]any, len(t.args))
	for i, v := range t.args {
		if nested, ok := v.(text); ok {
			v = nested.in(l)
		}
		args[i] = v
	}
	if t.plural {
		return l.Plural(t.id, t.count, args...)
	}
	return l.T(t.id, args...)
}

func (e *pageError) Error() string {
	if e.err != nil {
		return e.heading + ": " + e.err.Error()
	}
	return e.heading
}

func (e *pageError) Unwrap() error { return e.err }

// say is the error's message in l's language.
func (e *pageError) say(l *locale.Localizer) string {
	msg := text{id: e.message, args: e.args}.in(l)
	if e.extra != "" {
		msg += " " + l.T(e.extra)
	}
	return msg
}

var errCSRF = &pageError{
	status:         http.StatusForbidden,
	heading:        "error.csrf.heading",
	message:        "error.csrf.message",
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
		a.handleError(a.endSession(c, tr(c).T("flash.sessionEnded")), c)
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
	l := tr(c)
	heading := l.T(pe.heading)
	p := a.page(c, heading, a.session(c))
	v := views.ErrorPage{
		Page:           p,
		Status:         pe.status,
		Heading:        heading,
		Message:        pe.say(l),
		NothingChanged: pe.nothingChanged,
	}
	if pe.retryLabel != "" {
		v.RetryLabel = l.T(pe.retryLabel)
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
		_ = c.HTML(http.StatusInternalServerError, `<main id="main"><h1>`+html.EscapeString(l.T("error.internal.heading"))+`</h1><p>`+html.EscapeString(l.T("common.nothingChanged"))+`</p></main>`)
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
		return &pageError{status: http.StatusRequestEntityTooLarge, heading: "error.tooLarge.heading",
			message: "error.tooLarge.message", nothingChanged: true, err: err}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return &pageError{status: http.StatusNotFound, heading: "error.notFound.heading",
				message: "error.notFound.message", err: err}
		case http.StatusMethodNotAllowed:
			return &pageError{status: http.StatusMethodNotAllowed, heading: "error.method.heading",
				message: "error.method.message", nothingChanged: true, err: err}
		case http.StatusRequestEntityTooLarge:
			return &pageError{status: he.Code, heading: "error.tooLarge.heading",
				message: "error.tooLarge.message", nothingChanged: true, err: err}
		}
		if he.Code >= 400 && he.Code < 500 {
			return &pageError{status: he.Code, heading: "error.badRequest.heading",
				message: "error.badRequest.message", nothingChanged: true, err: err}
		}
	}
	return &pageError{status: http.StatusInternalServerError, heading: "error.internal.heading",
		message: "error.internal.message", nothingChanged: true, err: err}
}

// describeBackend maps a backend's failure that the feature handler did
// not handle itself (a wrong code, say, is shown next to the code field).
func describeBackend(ie *identity.Error) *pageError {
	name := cmp.Or(ie.Backend, "?")
	pe := &pageError{nothingChanged: true, err: ie}
	switch ie.Kind {
	case identity.Unavailable:
		pe.status = http.StatusServiceUnavailable
		pe.heading, pe.message = "error.unreachable.heading", "error.unreachable.message"
		pe.args = []any{"Backend", name}
	case identity.Locked:
		pe.status = http.StatusTooManyRequests
		pe.heading, pe.message = "error.lockout.heading", "error.lockout.message"
	case identity.RateLimited:
		pe.status = http.StatusTooManyRequests
		pe.heading, pe.message = "error.tooManyAttempts.heading", "error.tooManyAttempts.message"
		pe.args = []any{"Wait", retryHint(ie.RetryAfter)}
	case identity.Forbidden:
		pe.status = http.StatusForbidden
		pe.heading, pe.message = "error.forbidden.heading", "error.forbidden.message"
	case identity.NotFound:
		pe.status = http.StatusNotFound
		pe.heading, pe.message = "error.memberNotFound.heading", "error.memberNotFound.message"
	case identity.SessionEnded:
		pe.status = http.StatusUnauthorized
		pe.heading, pe.message = "error.sessionEnded.heading", "error.sessionEnded.message"
		pe.retryURL, pe.retryLabel = "/login", "common.logIn"
	default:
		pe.status = http.StatusBadGateway
		pe.heading, pe.message = "error.refused.heading", "error.refused.message"
		pe.args = []any{"Backend", name, "Type", cmp.Or(ie.Reason, "?")}
	}
	return pe
}

// retryHint turns a backend's Retry-After into words.
func retryHint(retryAfter time.Duration) text {
	if n := int(retryAfter.Seconds()); n > 0 {
		if n < 90 {
			return text{id: "error.waitSeconds", count: n, plural: true}
		}
		return text{id: "error.waitMinutes", count: (n + 59) / 60, plural: true}
	}
	return text{id: "error.waitAMinute"}
}
