package stytchemu

import (
	"net/http"
	"strconv"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// A member's life after creation: deletion, reactivation, and reading one
// regardless of status.

const (
	statusDeleted        = "deleted"
	errNoDeletedMember   = "no_deleted_member_found_for_reactivation"
	errEmailUnverified   = "email_unverified_for_reactivation"
	errReactivationEmail = "reactivation_email_belongs_to_another_member"
)

func (e *Emulator) deleteMember(r *http.Request, _ *struct{}) (any, *apiError) {
	o, m, err := e.st.findMember(r.PathValue("org"), r.PathValue("member"))
	if err != nil {
		return nil, err
	}
	if err := e.authorize(r, o.OrganizationID, m.m.MemberID, actDelete); err != nil {
		return nil, err
	}
	m.m.Status = statusDeleted
	m.m.UpdatedAt = ts(e.Now())
	e.retireMember(m)
	return struct {
		stytchclient.Response
		MemberID string `json:"member_id"`
	}{ok(), m.m.MemberID}, nil
}

// retireMember ends everything a deleted member had going: sessions,
// intermediate sessions, the pending SMS code and unused magic links
// (invites included).
func (e *Emulator) retireMember(m *member) {
	id := m.m.MemberID
	for _, s := range e.st.sessions {
		if s.memberID == id {
			s.revoked = true
		}
	}
	for _, i := range e.st.ists {
		if i.memberID == id {
			i.consumed = true
		}
	}
	for _, l := range e.st.magic {
		if l.memberID == id {
			l.used = true
		}
	}
	delete(e.st.otps, id)
}

func (e *Emulator) reactivateMember(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	if err := e.authorizeOn(r, o.OrganizationID, resourceMember, actCreate); err != nil {
		return nil, err
	}
	m := e.st.memberByID(r.PathValue("member")) // by member_id only, deleted or not
	switch {
	case m == nil || m.m.OrganizationID != o.OrganizationID:
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	case m.m.Status != statusDeleted:
		return nil, errf(http.StatusNotFound, errNoDeletedMember, "No deleted member with this member_id was found to reactivate.")
	case !m.m.EmailAddressVerified:
		return nil, errf(http.StatusBadRequest, errEmailUnverified, "Only a member whose email address is verified can be reactivated.")
	case e.st.memberByEmail(o.OrganizationID, m.m.EmailAddress) != nil:
		return nil, errf(http.StatusBadRequest, errReactivationEmail, "Another member of the organization has this member's email address.")
	}
	m.m.Status = "active"
	m.m.UpdatedAt = ts(e.Now())
	return e.memberResponse(o, m), nil
}

// dangerouslyGetMember answers GET
// /v1/b2b/organizations/members/dangerously_get/{member_id}: a member of any
// organization, the deleted too with include_deleted=true.
func (e *Emulator) dangerouslyGetMember(r *http.Request, _ *struct{}) (any, *apiError) {
	includeDeleted, _ := strconv.ParseBool(r.URL.Query().Get("include_deleted"))
	m := e.st.memberByID(r.PathValue("member"))
	if m == nil || (m.m.Status == statusDeleted && !includeDeleted) {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	}
	o := e.st.orgByID(m.m.OrganizationID)
	if o == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	}
	return e.memberResponse(o, m), nil
}
