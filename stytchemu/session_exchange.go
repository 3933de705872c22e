package stytchemu

import (
	"net/http"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// A member's sessions across organizations: moving a session into another
// organization where the same address is a member, and listing a member's
// sessions.

const (
	errInsufficientFactorsForExchange = "insufficient_factors_for_session_exchange"
	errMemberNotInOrganization        = "member_does_not_exist_in_organization"
)

// exchangeSessionBody is the body of POST /v1/b2b/sessions/exchange.
type exchangeSessionBody struct {
	OrganizationID         string         `json:"organization_id"`
	SessionToken           string         `json:"session_token"`
	SessionJWT             string         `json:"session_jwt"`
	SessionDurationMinutes int            `json:"session_duration_minutes"`
	SessionCustomClaims    map[string]any `json:"session_custom_claims"`
	Locale                 string         `json:"locale"`
	TelemetryID            string         `json:"telemetry_id"`
}

func (e *Emulator) exchangeSession(r *http.Request, req *exchangeSessionBody) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID); err != nil {
		return nil, err
	}
	switch countSessionArgs(req.SessionToken, req.SessionJWT) {
	case 0:
		return nil, errf(http.StatusBadRequest, stytchclient.ErrNoSessionArguments, "Pass session_token or session_jwt.")
	case 2:
		return nil, tooManySessionArgs()
	}
	if err := sessionMinutes(req.SessionDurationMinutes); err != nil {
		return nil, err
	}
	if !slices.Contains(smsLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	s, err := e.liveSession(req.SessionToken, req.SessionJWT)
	if err != nil {
		return nil, err
	}
	from := e.st.member(s.orgID, s.memberID)
	if from == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	o, err := e.st.findOrg(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	// Only an existing membership (an invite included) can be entered this
	// way; joining by e-mail domain goes through the discovery exchange.
	m := e.st.memberByEmail(o.OrganizationID, from.m.EmailAddress)
	if m == nil {
		return nil, errf(http.StatusNotFound, errMemberNotInOrganization, "%s is not a member of this organization.", from.m.EmailAddress)
	}
	now := e.Now()
	factors := e.memberFactors(m, s.factors, now)
	if len(factors) == 0 {
		return nil, errf(http.StatusBadRequest, errInsufficientFactorsForExchange, "The session has no factor that verifies the member's e-mail address.")
	}
	if p := primaryRequired(o, m); p != nil {
		return nil, errf(http.StatusBadRequest, "operation_restricted_by_organization_auth_methods",
			"The organization allows only %s; an e-mail magic link is not one of them.", strings.Join(p.AllowedAuthMethods, ", "))
	}
	if m.locked(now) {
		return nil, lockedError()
	}
	e.verifiedByEmail(m, now)
	login := e.finishLogin(o, m, factors, nil, req.SessionDurationMinutes, req.SessionCustomClaims, req.Locale, r)
	return memberLoginResponse{Response: ok(), MemberID: m.m.MemberID, Member: m.wire(now), Organization: orgWire(o), loginResult: login}, nil
}

// memberSessionsResponse answers GET /v1/b2b/sessions.
type memberSessionsResponse struct {
	stytchclient.Response
	MemberSessions []stytchclient.MemberSession `json:"member_sessions"`
}

// getSessions lists a member's live sessions, oldest first.
func (e *Emulator) getSessions(r *http.Request, _ *struct{}) (any, *apiError) {
	q := r.URL.Query()
	if err := requireFields("organization_id", q.Get("organization_id"), "member_id", q.Get("member_id")); err != nil {
		return nil, err
	}
	_, m, err := e.st.findMember(q.Get("organization_id"), q.Get("member_id"))
	if err != nil {
		return nil, err
	}
	now := e.Now()
	var live []*session
	for _, s := range e.st.sessions {
		if s.memberID == m.m.MemberID && s.live(now) {
			live = append(live, s)
		}
	}
	slices.SortFunc(live, func(a, b *session) int {
		if c := a.started.Compare(b.started); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := memberSessionsResponse{Response: ok(), MemberSessions: []stytchclient.MemberSession{}}
	for _, s := range live {
		out.MemberSessions = append(out.MemberSessions, e.sessionWire(s))
	}
	return out, nil
}
