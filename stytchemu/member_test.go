package stytchemu_test

import (
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestGetMemberAndOrganization(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	m := v.member("acme", acme.Enrolled.ID) // slug works where an id is expected
	if m.MFAPhoneNumber != "+12015550123" || !m.MFAPhoneNumberVerified || !m.MFAEnrolled || m.DefaultMFAMethod != "sms_otp" || m.Status != "active" {
		t.Fatalf("seeded Erin: %+v", m)
	}
	var byEmail stytchclient.MemberResponse
	v.req("GET", "/v1/b2b/organizations/"+acme.ID+"/member?email_address=ADA@acme.example", nil).ok(&byEmail)
	if byEmail.MemberID != acme.Admin.ID || !byEmail.Member.IsAdmin || !byEmail.Member.HasRole("stytch_member") || !byEmail.Member.HasRole("stytch_admin") {
		t.Fatalf("by e-mail: %+v", byEmail.Member)
	}
	v.req("GET", "/v1/b2b/organizations/"+acme.ID+"/member?member_id=member-test-nope", nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	v.req("GET", "/v1/b2b/organizations/"+acme.ID+"/member", nil).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("GET", "/v1/b2b/organizations/nope/member?member_id=x", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	// A member of another organization is not found through this one.
	v.req("GET", "/v1/b2b/organizations/"+acme.ID+"/member?member_id="+v.orgGlobex().Admin.ID, nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)

	var org stytchclient.OrganizationResponse
	v.req("GET", "/v1/b2b/organizations/globex", nil).ok(&org)
	if org.Organization.OrganizationID != v.orgGlobex().ID || org.Organization.MFAPolicy != "REQUIRED_FOR_ALL" {
		t.Fatalf("org: %+v", org.Organization)
	}
	v.req("GET", "/v1/b2b/organizations/nope", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
}

func TestCreateOrganizationAndMember(t *testing.T) {
	v := newEnv(t)
	var org stytchclient.OrganizationResponse
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Initrode", "mfa_policy": "REQUIRED_FOR_ALL"}).ok(&org)
	o := org.Organization
	if o.OrganizationSlug != "initrode" || o.MFAPolicy != "REQUIRED_FOR_ALL" || o.MFAMethods != "ALL_ALLOWED" || o.EmailAllowedDomains == nil {
		t.Fatalf("org: %+v", o)
	}
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Initrode 2", "organization_slug": "initrode"}).fails(http.StatusBadRequest, stytchclient.ErrDuplicateSlug)
	v.req("POST", "/v1/b2b/organizations", map[string]any{}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "X", "mfa_policy": "SOMETIMES"}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)

	path := "/v1/b2b/organizations/initrode/members"
	var mem stytchclient.MemberResponse
	v.req("POST", path, map[string]any{"email_address": "peter@initrode.example", "name": "Peter", "mfa_phone_number": newPhone, "roles": []string{"stytch_admin"}}).ok(&mem)
	if mem.Member.Status != "active" || !mem.Member.IsAdmin || mem.Member.MFAPhoneNumber != newPhone || mem.Member.OrganizationID != o.OrganizationID {
		t.Fatalf("member: %+v", mem.Member)
	}
	v.req("POST", path, map[string]any{"email_address": "PETER@initrode.example"}).fails(http.StatusBadRequest, stytchclient.ErrDuplicateEmail)
	v.req("POST", path, map[string]any{"email_address": "milton@initrode.example", "mfa_phone_number": newPhone}).fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneNumber)
	v.req("POST", path, map[string]any{"email_address": "bob@initrode.example", "create_member_as_pending": true}).ok(&mem)
	if mem.Member.Status != "pending" {
		t.Fatalf("pending expected: %+v", mem.Member)
	}
	v.req("POST", path, map[string]any{}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
}

func TestUpdateMember(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	path := "/v1/b2b/organizations/" + acme.ID + "/members/"
	var out stytchclient.MemberResponse
	v.req("PUT", path+acme.Enrolled.ID, map[string]any{"mfa_enrolled": false}).ok(&out)
	if out.Member.MFAEnrolled || out.Member.MFAPhoneNumber == "" {
		t.Fatalf("mfa_enrolled=false not applied: %+v", out.Member)
	}
	v.req("PUT", path+acme.Enrolled.ID, map[string]any{"name": "Erin E."}).ok(&out)
	if out.Member.MFAEnrolled || out.Member.Name != "Erin E." {
		t.Fatalf("absent fields must stay: %+v", out.Member)
	}
	v.req("PUT", path+acme.Enrolled.ID, map[string]any{"mfa_phone_number": newPhone}).fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneForMember)
	v.req("PUT", path+acme.Member.ID, map[string]any{"mfa_phone_number": acme.Enrolled.Phone}).fails(http.StatusBadRequest, stytchclient.ErrDuplicateMemberPhoneNumber)
	v.req("PUT", path+acme.Member.ID, map[string]any{"mfa_phone_number": "555"}).fails(http.StatusBadRequest, stytchclient.ErrInvalidPhoneNumber)
	v.req("PUT", path+acme.Member.ID, map[string]any{"mfa_phone_number": newPhone, "default_mfa_method": "sms_otp", "roles": []string{"stytch_admin"}}).ok(&out)
	if out.Member.MFAPhoneNumber != newPhone || out.Member.MFAPhoneNumberVerified || out.Member.DefaultMFAMethod != "sms_otp" || !out.Member.IsAdmin {
		t.Fatalf("update: %+v", out.Member)
	}
	v.req("PUT", path+acme.Member.ID, map[string]any{"default_mfa_method": "carrier_pigeon"}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("PUT", path+"member-test-nope", map[string]any{"name": "x"}).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
}

func TestSearchMembers(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	path := "/v1/b2b/organizations/members/search"
	search := func(body map[string]any) stytchclient.SearchMembersResponse {
		t.Helper()
		var out stytchclient.SearchMembersResponse
		v.req("POST", path, body).ok(&out)
		return out
	}
	q := func(operands ...map[string]any) map[string]any {
		return map[string]any{"operator": "AND", "operands": operands}
	}
	op := func(name string, val any) map[string]any {
		return map[string]any{"filter_name": name, "filter_value": val}
	}

	all := search(map[string]any{"organization_ids": []string{acme.ID}})
	if all.ResultsMetadata.Total != 3 || len(all.Members) != 3 || all.ResultsMetadata.NextCursor != "" || all.Organizations[acme.ID].OrganizationSlug != "acme" {
		t.Fatalf("all: %+v", all)
	}
	both := search(map[string]any{"organization_ids": []string{"acme", "globex"}, "limit": 4})
	if both.ResultsMetadata.Total != 6 || len(both.Members) != 4 || both.ResultsMetadata.NextCursor == "" || len(both.Organizations) != 2 {
		t.Fatalf("page 1: %+v", both.ResultsMetadata)
	}
	rest := search(map[string]any{"organization_ids": []string{"acme", "globex"}, "limit": 4, "cursor": both.ResultsMetadata.NextCursor})
	if len(rest.Members) != 2 || rest.ResultsMetadata.NextCursor != "" || rest.Members[1].MemberID != glx.Enrolled.ID {
		t.Fatalf("page 2: %+v", rest)
	}
	cases := []struct {
		query map[string]any
		want  []string
	}{
		{q(op("member_email_fuzzy", "ERIN")), []string{acme.Enrolled.ID}},
		{q(op("member_email_fuzzy", "acme.ex"), op("member_roles", []string{"stytch_admin"})), []string{acme.Admin.ID}},
		{q(op("member_ids", []string{acme.Member.ID, glx.Member.ID})), []string{acme.Member.ID}},
		{q(op("member_emails", []string{"MAX@acme.example"})), []string{acme.Member.ID}},
		{q(op("statuses", []string{"active"}), op("member_mfa_phone_numbers", []string{"+12015550123"})), []string{acme.Enrolled.ID}},
		{q(op("member_mfa_phone_number_fuzzy", "5550123")), []string{acme.Enrolled.ID}},
		{q(op("member_is_breakglass", false), op("member_email_fuzzy", "max")), []string{acme.Member.ID}},
		{q(op("statuses", []string{"pending"})), nil},
	}
	for i, c := range cases {
		got := search(map[string]any{"organization_ids": []string{acme.ID}, "query": c.query})
		var ids []string
		for _, m := range got.Members {
			ids = append(ids, m.MemberID)
		}
		if len(ids) != len(c.want) || (len(ids) > 0 && ids[0] != c.want[0]) || got.ResultsMetadata.Total != len(c.want) {
			t.Errorf("case %d: got %v, want %v", i, ids, c.want)
		}
	}
	v.req("POST", path, map[string]any{"organization_ids": []string{acme.ID}, "query": q(op("member_email_fuzzy", "er"))}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", path, map[string]any{"organization_ids": []string{acme.ID}, "query": q(op("favourite_colour", "red"))}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", path, map[string]any{"organization_ids": []string{acme.ID}, "cursor": "garbage"}).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", path, map[string]any{}, invalidRequest).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("POST", path, map[string]any{"organization_ids": []string{"nope"}}).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
}
