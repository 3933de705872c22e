package stytchemu

import (
	"net/http"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// addMember stores a member with Stytch's defaults; roles beyond stytch_member
// are direct assignments.
func (e *Emulator) addMember(orgID, email, name, status string, roles []string) *member {
	now := ts(e.Now())
	m := &member{
		emailID: newID("email"),
		m: stytchclient.Member{
			OrganizationID: orgID,
			MemberID:       newID("member"),
			EmailAddress:   strings.ToLower(email),
			Status:         status,
			Name:           name,
			CreatedAt:      now,
			UpdatedAt:      now,
		},
	}
	m.setRoles(roles)
	e.st.members = append(e.st.members, m)
	return m
}

// setRoles replaces the explicit roles; stytch_member is implicit for everyone.
func (m *member) setRoles(roles []string) {
	m.m.Roles = []stytchclient.MemberRole{{RoleID: stytchclient.RoleMember, Sources: []stytchclient.MemberRoleSource{{Type: "direct_assignment"}}}}
	for _, r := range roles {
		if r != stytchclient.RoleMember {
			m.m.Roles = append(m.m.Roles, stytchclient.MemberRole{RoleID: r, Sources: []stytchclient.MemberRoleSource{{Type: "direct_assignment"}}})
		}
	}
	m.m.IsAdmin = m.m.HasRole(stytchclient.RoleAdmin)
}

func validRoles(roles []string) *apiError {
	for _, r := range roles {
		if r != stytchclient.RoleMember && r != stytchclient.RoleAdmin {
			return badRequest("Unknown role %q: the emulator knows stytch_member and stytch_admin.", r)
		}
	}
	return nil
}

// setPhone links a number, unverified until an SMS code for it is authenticated.
func (e *Emulator) setPhone(m *member, phone string) {
	m.m.MFAPhoneNumber = phone
	m.m.MFAPhoneNumberVerified = false
	m.phoneID = newID("phone-number")
	m.m.UpdatedAt = ts(e.Now())
}

// checkNewPhone validates a number about to be linked to m.
func (e *Emulator) checkNewPhone(m *member, phone string) *apiError {
	if !validPhone(phone) {
		return invalidPhone()
	}
	if e.st.phoneOwner(m.m.OrganizationID, phone, m.m.MemberID) != nil {
		return errf(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneNumber, "A member with the specified phone number already exists for this organization.")
	}
	return nil
}

func phoneAlreadySet() *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneForMember,
		"The member already has an MFA phone number; delete it before setting another one.")
}

func (e *Emulator) memberResponse(o *stytchclient.Organization, m *member) stytchclient.MemberResponse {
	return stytchclient.MemberResponse{Response: ok(), MemberID: m.m.MemberID, Member: m.wire(e.Now()), Organization: orgWire(o)}
}

func (e *Emulator) getMember(r *http.Request, _ *struct{}) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	id, email := r.URL.Query().Get("member_id"), r.URL.Query().Get("email_address")
	var m *member
	switch {
	case id != "":
		m = e.st.member(o.OrganizationID, id)
	case email != "":
		m = e.st.memberByEmail(o.OrganizationID, email)
	default:
		return nil, badRequest("Pass member_id or email_address as a query parameter.")
	}
	if m == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	}
	return e.memberResponse(o, m), nil
}

func (e *Emulator) deleteMFAPhone(r *http.Request, _ *struct{}) (any, *apiError) {
	o, m, err := e.st.findMember(r.PathValue("org"), r.PathValue("member"))
	if err != nil {
		return nil, err
	}
	if err := e.authorize(r, o.OrganizationID, m.m.MemberID, actDeleteMFAPhone); err != nil {
		return nil, err
	}
	if m.m.MFAPhoneNumber == "" {
		return nil, errf(http.StatusNotFound, stytchclient.ErrMemberPhoneNumberNotFound, "The member has no MFA phone number.")
	}
	// Sessions and mfa_enrolled stay: Stytch enforces MFA again only at the next login.
	m.m.MFAPhoneNumber, m.m.MFAPhoneNumberVerified, m.phoneID = "", false, ""
	if m.m.DefaultMFAMethod == smsOTP {
		m.m.DefaultMFAMethod = ""
	}
	m.m.UpdatedAt = ts(e.Now())
	delete(e.st.otps, m.m.MemberID) // a code sent to the old number must not verify the next one
	return e.memberResponse(o, m), nil
}

// updateMemberBody adds to the client's request the fields the emulator checks but mfaportal never sends.
type updateMemberBody struct {
	stytchclient.UpdateMemberRequest
	TrustedMetadata map[string]any `json:"trusted_metadata"`
	EmailAddress    *string        `json:"email_address"`
}

func (e *Emulator) updateMember(r *http.Request, req *updateMemberBody) (any, *apiError) {
	o, m, err := e.st.findMember(r.PathValue("org"), r.PathValue("member"))
	if err != nil {
		return nil, err
	}
	var acts []string
	add := func(set bool, a string) {
		if set {
			acts = append(acts, a)
		}
	}
	add(req.Name != nil, actUpdateName)
	add(req.UntrustedMetadata != nil, actUpdateUntrusted)
	add(req.MFAPhoneNumber != nil, actUpdateMFAPhone)
	add(req.MFAEnrolled != nil, actUpdateMFAEnrolled)
	add(req.DefaultMFAMethod != nil, actUpdateDefaultMFA)
	add(req.IsBreakglass != nil, actUpdateBreakglass)
	add(req.Roles != nil, actUpdateRoles)
	add(req.EmailAddress != nil, actUpdateEmail)
	if req.TrustedMetadata != nil && hasSessionHeader(r) {
		return nil, badRequest("trusted_metadata may not be updated with a Member Session header.")
	}
	if err := e.authorize(r, o.OrganizationID, m.m.MemberID, acts...); err != nil {
		return nil, err
	}
	// Validate everything before changing anything, so a refused update changes nothing.
	if p := req.MFAPhoneNumber; p != nil && *p != "" {
		if err := e.checkNewPhone(m, *p); err != nil {
			return nil, err
		}
		if m.m.MFAPhoneNumber != "" {
			return nil, phoneAlreadySet()
		}
	}
	if d := req.DefaultMFAMethod; d != nil && *d != "sms_otp" && *d != "totp" {
		return nil, badRequest("default_mfa_method must be sms_otp or totp.")
	}
	if err := validRoles(req.Roles); err != nil {
		return nil, err
	}
	if a := req.EmailAddress; a != nil {
		if !validEmail(*a) {
			return nil, errf(http.StatusBadRequest, "invalid_email", "Email format is invalid.")
		}
		if other := e.st.memberByEmail(o.OrganizationID, *a); other != nil && other != m {
			return nil, errf(http.StatusBadRequest, stytchclient.ErrDuplicateEmail, "A member with this email already exists in the organization.")
		}
	}

	if req.Name != nil {
		m.m.Name = *req.Name
	}
	if req.UntrustedMetadata != nil {
		m.m.UntrustedMetadata = cloneMap(req.UntrustedMetadata)
	}
	if req.TrustedMetadata != nil {
		m.m.TrustedMetadata = cloneMap(req.TrustedMetadata)
	}
	if p := req.MFAPhoneNumber; p != nil && *p != "" {
		e.setPhone(m, *p)
	}
	if req.MFAEnrolled != nil {
		m.m.MFAEnrolled = *req.MFAEnrolled
	}
	if req.DefaultMFAMethod != nil {
		m.m.DefaultMFAMethod = *req.DefaultMFAMethod
	}
	if req.IsBreakglass != nil {
		m.m.IsBreakglass = *req.IsBreakglass
	}
	if req.Roles != nil {
		m.setRoles(req.Roles)
	}
	if req.EmailAddress != nil {
		m.m.EmailAddress = strings.ToLower(*req.EmailAddress)
	}
	m.m.UpdatedAt = ts(e.Now())
	return e.memberResponse(o, m), nil
}

func (e *Emulator) createMember(r *http.Request, req *stytchclient.CreateMemberRequest) (any, *apiError) {
	o, err := e.st.findOrg(r.PathValue("org"))
	if err != nil {
		return nil, err
	}
	if err := e.authorize(r, o.OrganizationID, "", actCreate); err != nil {
		return nil, err
	}
	if err := requireFields("email_address", req.EmailAddress); err != nil {
		return nil, err
	}
	if !validEmail(req.EmailAddress) {
		return nil, errf(http.StatusBadRequest, "invalid_email", "Email format is invalid.")
	}
	if e.st.memberByEmail(o.OrganizationID, req.EmailAddress) != nil {
		return nil, errf(http.StatusBadRequest, stytchclient.ErrDuplicateEmail, "A member with this email already exists in the organization.")
	}
	if err := validRoles(req.Roles); err != nil {
		return nil, err
	}
	if req.MFAPhoneNumber != "" {
		if !validPhone(req.MFAPhoneNumber) {
			return nil, invalidPhone()
		}
		if e.st.phoneOwner(o.OrganizationID, req.MFAPhoneNumber, "") != nil {
			return nil, errf(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneNumber, "A member with the specified phone number already exists for this organization.")
		}
	}
	status := "active"
	if req.CreateMemberAsPending {
		status = "pending"
	}
	m := e.addMember(o.OrganizationID, req.EmailAddress, req.Name, status, req.Roles)
	if req.MFAPhoneNumber != "" {
		e.setPhone(m, req.MFAPhoneNumber)
	}
	m.m.MFAEnrolled = req.MFAEnrolled
	m.m.IsBreakglass = req.IsBreakglass
	m.m.TrustedMetadata = cloneMap(req.TrustedMetadata)
	m.m.UntrustedMetadata = cloneMap(req.UntrustedMetadata)
	m.m.ExternalID = req.ExternalID
	return e.memberResponse(o, m), nil
}

// Search limits from stytch-api.md 4.6.
const (
	defaultSearchLimit = 100
	maxSearchLimit     = 1000
	minFuzzyLen        = 3
)

func (e *Emulator) searchMembers(r *http.Request, req *stytchclient.SearchMembersRequest) (any, *apiError) {
	if len(req.OrganizationIDs) == 0 {
		return nil, badRequest("organization_ids is a required field with at least one organization.")
	}
	orgs := map[string]stytchclient.Organization{}
	var orgIDs []string
	for _, id := range req.OrganizationIDs {
		o, err := e.st.findOrg(id)
		if err != nil {
			return nil, err
		}
		orgs[o.OrganizationID] = orgWire(o)
		orgIDs = append(orgIDs, o.OrganizationID)
	}
	// With a session header, the search may only cover the session's own organization.
	for _, id := range orgIDs {
		if err := e.authorize(r, id, "", actSearch); err != nil {
			return nil, err
		}
	}
	match, err := searchFilter(req.Query)
	if err != nil {
		return nil, err
	}
	if req.Limit < 0 {
		return nil, badRequest("limit must not be negative.")
	}
	offset, valid := parseCursor(req.Cursor)
	if !valid {
		return nil, badRequest("cursor is invalid; pass the next_cursor of a previous answer.")
	}
	now := e.Now()
	var hits []stytchclient.Member
	for _, m := range e.st.members {
		if m.m.Status != "deleted" && slices.Contains(orgIDs, m.m.OrganizationID) && match(m) {
			hits = append(hits, m.wire(now))
		}
	}
	page, next := pageOf(hits, offset, req.Limit)
	return stytchclient.SearchMembersResponse{
		Response:        ok(),
		Members:         page,
		ResultsMetadata: stytchclient.ResultsMetadata{Total: len(hits), NextCursor: next},
		Organizations:   orgs,
	}, nil
}

// searchFilter turns the query into a predicate; AND unless the (deprecated) OR is asked.
func searchFilter(q *stytchclient.SearchQuery) (func(*member) bool, *apiError) {
	if q == nil || len(q.Operands) == 0 {
		return func(*member) bool { return true }, nil
	}
	op := strings.ToUpper(orDefault(q.Operator, "AND"))
	if op != "AND" && op != "OR" {
		return nil, badRequest("query.operator must be AND or OR.")
	}
	var preds []func(*member) bool
	for _, o := range q.Operands {
		p, err := operandFilter(o)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return func(m *member) bool {
		for _, p := range preds {
			if p(m) != (op == "AND") {
				return op == "OR"
			}
		}
		return op == "AND"
	}, nil
}

func operandFilter(o stytchclient.SearchOperand) (func(*member) bool, *apiError) {
	strs := func() ([]string, *apiError) {
		list, ok := o.FilterValue.([]any)
		if !ok || len(list) == 0 {
			return nil, badRequest("filter_value of %s must be a non-empty array of strings.", o.FilterName)
		}
		out := make([]string, 0, len(list))
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, badRequest("filter_value of %s must be a non-empty array of strings.", o.FilterName)
			}
			out = append(out, s)
		}
		return out, nil
	}
	fuzzy := func() (string, *apiError) {
		s, ok := o.FilterValue.(string)
		if !ok || len([]rune(s)) < minFuzzyLen {
			return "", badRequest("filter_value of %s must be a string of at least %d characters.", o.FilterName, minFuzzyLen)
		}
		return strings.ToLower(s), nil
	}
	inList := func(get func(*member) string, fold bool) (func(*member) bool, *apiError) {
		vals, err := strs()
		if err != nil {
			return nil, err
		}
		return func(m *member) bool {
			return slices.ContainsFunc(vals, func(v string) bool {
				if fold {
					return strings.EqualFold(v, get(m))
				}
				return v == get(m)
			})
		}, nil
	}
	switch o.FilterName {
	case "member_ids":
		return inList(func(m *member) string { return m.m.MemberID }, false)
	case "member_emails":
		return inList(func(m *member) string { return m.m.EmailAddress }, true)
	case "statuses":
		return inList(func(m *member) string { return m.m.Status }, false)
	case "member_mfa_phone_numbers":
		return inList(func(m *member) string { return m.m.MFAPhoneNumber }, false)
	case "member_roles":
		vals, err := strs()
		if err != nil {
			return nil, err
		}
		return func(m *member) bool { return slices.ContainsFunc(vals, m.m.HasRole) }, nil
	case "member_email_fuzzy":
		s, err := fuzzy()
		if err != nil {
			return nil, err
		}
		return func(m *member) bool { return strings.Contains(strings.ToLower(m.m.EmailAddress), s) }, nil
	case "member_mfa_phone_number_fuzzy":
		s, err := fuzzy()
		if err != nil {
			return nil, err
		}
		return func(m *member) bool { return m.m.MFAPhoneNumber != "" && strings.Contains(m.m.MFAPhoneNumber, s) }, nil
	case "member_is_breakglass", "member_password_exists":
		b, ok := o.FilterValue.(bool)
		if !ok {
			return nil, badRequest("filter_value of %s must be a boolean.", o.FilterName)
		}
		if o.FilterName == "member_password_exists" {
			return func(m *member) bool { return (m.m.MemberPasswordID != "") == b }, nil
		}
		return func(m *member) bool { return m.m.IsBreakglass == b }, nil
	}
	return nil, badRequest("Unknown filter_name %q.", o.FilterName)
}
