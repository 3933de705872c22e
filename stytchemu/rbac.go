package stytchemu

import (
	"net/http"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// RBAC actions the emulated endpoints check (stytch-api.md §6, hyphen spelling).
const (
	actDeleteMFAPhone    = "update.info.delete.mfa-phone"
	actDeleteMFATOTP     = "update.info.delete.mfa-totp"
	actUpdateMFAPhone    = "update.info.mfa-phone"
	actUpdateName        = "update.info.name"
	actUpdateUntrusted   = "update.info.untrusted-metadata"
	actUpdateEmail       = "update.info.email"
	actUpdateMFAEnrolled = "update.settings.mfa-enrolled"
	actUpdateDefaultMFA  = "update.settings.default-mfa-method"
	actUpdateBreakglass  = "update.settings.is-breakglass"
	actUpdateRoles       = "update.settings.roles"
	actRevokeSessions    = "revoke-sessions"
	actCreate            = "create"
	actSearch            = "search"
)

// selfActions are the stytch.self permissions every stytch_member holds.
var selfActions = map[string]bool{
	actDeleteMFAPhone:    true,
	actDeleteMFATOTP:     true,
	actUpdateMFAPhone:    true,
	actUpdateName:        true,
	actUpdateUntrusted:   true,
	actUpdateMFAEnrolled: true,
	actUpdateDefaultMFA:  true,
	actRevokeSessions:    true,
	actDelete:            true,
}

// headerSession is the session named by X-Stytch-Member-Session(JWT), or nil
// when neither header is present (then the project secret alone decides).
func (e *Emulator) headerSession(r *http.Request) (*session, *apiError) {
	tok, raw := r.Header.Get(headerMemberSession), r.Header.Get(headerMemberSessionJWT)
	switch countSessionArgs(tok, raw) {
	case 0:
		return nil, nil
	case 2:
		return nil, badRequest("Pass only one of the X-Stytch-Member-Session and X-Stytch-Member-SessionJWT headers.")
	}
	return e.liveSession(tok, raw)
}

func hasSessionHeader(r *http.Request) bool {
	return r.Header.Get(headerMemberSession) != "" || r.Header.Get(headerMemberSessionJWT) != ""
}

// authorize enforces RBAC for a call acting on member targetID of orgID
// (targetID "" = no particular member, as for create and search).
func (e *Emulator) authorize(r *http.Request, orgID, targetID string, actions ...string) *apiError {
	s, err := e.headerSession(r)
	if err != nil || s == nil {
		return err
	}
	if s.orgID != orgID {
		return errf(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy, "The Member Session does not belong to the Organization of this request.")
	}
	actor := e.st.member(s.orgID, s.memberID)
	if actor == nil {
		return errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	for _, a := range actions {
		if actor.m.HasRole(stytchclient.RoleAdmin) {
			continue // stytch_admin holds every stytch.member action used here
		}
		if targetID != "" && targetID == actor.m.MemberID && selfActions[a] {
			continue
		}
		return errf(http.StatusForbidden, stytchclient.ErrSessionAuthorization, "The Member is not authorized to perform the requested action on that resource.")
	}
	return nil
}
