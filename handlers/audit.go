package handlers

import (
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
)

// audit writes one audit line for a change to MFA that s's member made:
// what they did (action), who they are, in which organization, and when,
// with attrs for the rest (whom an admin's change was for, Stytch's request
// id). It goes to the audit logger, which no log level silences. Phone
// numbers stay out of it, masked or not.
func (a *app) audit(c echo.Context, s *session.State, action string, attrs ...slog.Attr) {
	line := append([]slog.Attr{
		slog.String("action", action),
		slog.String("member_id", s.MemberID),
		slog.String("organization_id", s.OrganizationID),
		slog.String("time", a.now().UTC().Format(time.RFC3339)),
	}, attrs...)
	a.auditLog.LogAttrs(c.Request().Context(), slog.LevelInfo, "audit", line...)
}

// backendRef is the backend's reference for the call that made a change
// (stytch_request_id on Stytch), so support can find it there.
func (a *app) backendRef(ref string) slog.Attr { return a.backendRefFor("", ref) }

// backendRefFor is backendRef for one of several calls of one change
// (stytch_revoke_request_id).
func (a *app) backendRefFor(call, ref string) slog.Attr {
	key := strings.ToLower(a.idp.Name()) + "_"
	if call != "" {
		key += call + "_"
	}
	return slog.String(key+"request_id", ref)
}
