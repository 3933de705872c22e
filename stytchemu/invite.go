package stytchemu

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Invite limits from Stytch's invite endpoint: a week by default, and at most.
const (
	defaultInviteMinutes = 10080
	errInvalidForInvites = "invalid_email_for_invites"
	errDuplicateMember   = "duplicate_member_email"
)

// inviteBody is the body of POST /v1/b2b/magic_links/email/invite.
type inviteBody struct {
	OrganizationID          string         `json:"organization_id"`
	EmailAddress            string         `json:"email_address"`
	InviteRedirectURL       string         `json:"invite_redirect_url"`
	InvitedByMemberID       string         `json:"invited_by_member_id"`
	Name                    string         `json:"name"`
	TrustedMetadata         map[string]any `json:"trusted_metadata"`
	UntrustedMetadata       map[string]any `json:"untrusted_metadata"`
	InviteTemplateID        string         `json:"invite_template_id"`
	Locale                  string         `json:"locale"`
	Roles                   []string       `json:"roles"`
	InviteExpirationMinutes int            `json:"invite_expiration_minutes"`
}

func (e *Emulator) inviteMember(r *http.Request, req *inviteBody) (any, *apiError) {
	if err := requireFields("organization_id", req.OrganizationID, "email_address", req.EmailAddress); err != nil {
		return nil, err
	}
	o, err := e.st.findOrg(req.OrganizationID)
	if err != nil {
		return nil, err
	}
	if req.TrustedMetadata != nil && hasSessionHeader(r) {
		return nil, badRequest("trusted_metadata may not be set with a Member Session header.")
	}
	if err := e.authorize(r, o.OrganizationID, "", actCreate); err != nil {
		return nil, err
	}
	if !validEmail(req.EmailAddress) {
		return nil, errf(http.StatusBadRequest, errInvalidEmail, "Email format is invalid.")
	}
	if !slices.Contains(magicLinkLocales, req.Locale) {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrInvalidLocale, "locale is invalid.")
	}
	if err := validRoles(req.Roles); err != nil {
		return nil, err
	}
	if id := req.InvitedByMemberID; id != "" && e.st.member(o.OrganizationID, id) == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "invited_by_member_id: member could not be found.")
	}
	m := e.st.memberByEmail(o.OrganizationID, req.EmailAddress)
	switch {
	case m != nil && m.m.Status == "active":
		return nil, errf(http.StatusBadRequest, errDuplicateMember, "The member is already active in this organization; invites are for new, pending or invited members.")
	case !mayInvite(o, req.EmailAddress):
		return nil, errf(http.StatusBadRequest, errInvalidForInvites, "The organization's email_invites setting does not allow inviting this address.")
	}
	link := linkRequest{param: "invite_redirect_url", redirect: req.InviteRedirectURL, minutes: req.InviteExpirationMinutes, defaultMinutes: defaultInviteMinutes}
	if err := e.checkLink(&link); err != nil {
		return nil, err
	}

	if m == nil {
		m = e.addMember(o.OrganizationID, req.EmailAddress, req.Name, "invited", req.Roles)
		m.m.TrustedMetadata = cloneMap(req.TrustedMetadata)
		m.m.UntrustedMetadata = cloneMap(req.UntrustedMetadata)
	} else {
		m.m.Status = "invited" // a pending member becomes invited
		m.m.UpdatedAt = ts(e.Now())
	}
	e.mailMemberLink(o, m, link, fmt.Sprintf(wordsFor(req.Locale).invite, o.OrganizationName), req.Locale, "")
	return e.memberResponse(o, m), nil
}

// mayInvite applies the organization's email_invites setting to an address.
func mayInvite(o *stytchclient.Organization, email string) bool {
	switch o.EmailInvites {
	case "NOT_ALLOWED":
		return false
	case "RESTRICTED":
		return slices.ContainsFunc(o.EmailAllowedDomains, func(d string) bool { return strings.EqualFold(d, emailDomain(email)) })
	}
	return true
}
