package stytchemu_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// searchAll pages through members/search for orgID as the session tok.
func (v *env) searchAll(orgID, tok string) []stytchclient.Member {
	v.t.Helper()
	var all []stytchclient.Member
	cursor := ""
	for range 100 {
		body := map[string]any{"organization_ids": []string{orgID}, "limit": 100}
		if cursor != "" {
			body["cursor"] = cursor
		}
		var out stytchclient.SearchMembersResponse
		v.req("POST", "/v1/b2b/organizations/members/search", body, asSession(tok)).ok(&out)
		all = append(all, out.Members...)
		if cursor = out.ResultsMetadata.NextCursor; cursor == "" {
			return all
		}
	}
	v.t.Fatal("search never ended")
	return nil
}

func TestSeedBulkOrganization(t *testing.T) {
	v := newEnv(t)
	bulk := v.demo.Bulk
	if bulk.Slug != "initech" || bulk.Name != "Initech" || bulk.Admin.Email != "ian@initech.example" || bulk.Admin.Name != "Ian Admin" {
		t.Fatalf("Initech demo: %+v", bulk)
	}
	if bulk.Member.Phone != "" || bulk.Enrolled.Phone == "" || bulk.Member.ID == "" || bulk.Enrolled.ID == "" {
		t.Fatalf("Initech's plain and enrolled members: %+v %+v", bulk.Member, bulk.Enrolled)
	}
	var org stytchclient.OrganizationResponse
	v.req("GET", "/v1/b2b/organizations/"+bulk.ID, nil).ok(&org)
	if org.Organization.MFAPolicy != stytchclient.MFAPolicyOptional {
		t.Fatalf("Initech's MFA policy: %s", org.Organization.MFAPolicy)
	}

	members := v.searchAll(bulk.ID, v.session(bulk.ID, bulk.Admin.Email))
	if len(members) != stytchemu.BulkMembers+2 {
		t.Fatalf("%d members in Initech, want %d", len(members), stytchemu.BulkMembers+2)
	}
	byEmail := map[string]stytchclient.Member{}
	phones := map[string]bool{}
	enrolled, unverified, none := 0, 0, 0
	for _, m := range members {
		byEmail[m.EmailAddress] = m
		switch {
		case m.MFAPhoneNumber == "":
			none++
		case m.MFAPhoneNumberVerified && m.MFAEnrolled:
			enrolled++
		case !m.MFAPhoneNumberVerified && !m.MFAEnrolled:
			unverified++
		default:
			t.Errorf("unexpected MFA state of %s: %+v", m.EmailAddress, m)
		}
		if m.MFAPhoneNumber != "" {
			if phones[m.MFAPhoneNumber] {
				t.Errorf("phone %s seeded twice", m.MFAPhoneNumber)
			}
			phones[m.MFAPhoneNumber] = true
		}
	}
	if enrolled != 100 || unverified != 25 || none != 127 {
		t.Fatalf("enrolled %d, unverified %d, none %d; want 100, 25, 127", enrolled, unverified, none)
	}
	for i := 1; i <= stytchemu.BulkMembers; i++ {
		m, ok := byEmail[fmt.Sprintf("member%03d@initech.example", i)]
		if !ok || m.Name != fmt.Sprintf("Member %03d", i) || m.Status != "active" {
			t.Fatalf("member %d: %+v", i, m)
		}
	}
	if m := byEmail[v.demo.Hostile.Email]; m.Name != "<script>alert(1)</script> Mallory" || m.MemberID != v.demo.Hostile.ID {
		t.Fatalf("hostile member: %+v (demo %+v)", m, v.demo.Hostile)
	}
}

// The emulator enforces RBAC for the calls the admin pages make, with the
// admin's session in the header: a plain member is refused, and an admin
// stays inside its own organization.
func TestAdminCallsRBAC(t *testing.T) {
	v := newEnv(t)
	bulk, acme := v.demo.Bulk, v.orgAcme()
	plain := v.session(bulk.ID, bulk.Member.Email)
	ian := v.session(bulk.ID, bulk.Admin.Email)
	search := "/v1/b2b/organizations/members/search"
	delPhone := func(orgID, memberID string) string {
		return "/v1/b2b/organizations/" + orgID + "/members/mfa_phone_numbers/" + memberID
	}
	revoke := "/v1/b2b/sessions/revoke"
	target := bulk.Enrolled

	// A plain member: no search, no reset, no sign-out of someone else.
	v.req("POST", search, map[string]any{"organization_ids": []string{bulk.ID}}, asSession(plain)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("POST", search, map[string]any{"organization_ids": []string{bulk.ID}, "query": map[string]any{
		"operator": "AND", "operands": []any{map[string]any{"filter_name": "member_ids", "filter_value": []string{target.ID}}},
	}}, asSession(plain)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("DELETE", delPhone(bulk.ID, target.ID), nil, asSession(plain)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("POST", revoke, map[string]any{"member_id": target.ID}, asSession(plain)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	if m := v.member(bulk.ID, target.ID); m.MFAPhoneNumber != target.Phone {
		t.Fatalf("a refused delete changed the member: %+v", m)
	}

	// Initech's admin on Acme: the tenancy error, Acme untouched.
	v.req("POST", search, map[string]any{"organization_ids": []string{acme.ID}}, asSession(ian)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("DELETE", delPhone(acme.ID, acme.Enrolled.ID), nil, asSession(ian)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	maxTok := v.session(acme.ID, acme.Member.Email) // a live Acme session to protect
	v.req("POST", revoke, map[string]any{"member_id": acme.Member.ID}, asSession(ian)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": maxTok}).ok(nil)
	// Naming Acme's member under Initech's path finds no such member.
	v.req("DELETE", delPhone(bulk.ID, acme.Enrolled.ID), nil, asSession(ian)).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	var found stytchclient.SearchMembersResponse
	v.req("POST", search, map[string]any{"organization_ids": []string{bulk.ID}, "query": map[string]any{
		"operator": "AND", "operands": []any{map[string]any{"filter_name": "member_ids", "filter_value": []string{acme.Enrolled.ID}}},
	}}, asSession(ian)).ok(&found)
	if len(found.Members) != 0 {
		t.Fatalf("Initech's search found an Acme member: %+v", found.Members)
	}
	if m := v.member(acme.ID, acme.Enrolled.ID); m.MFAPhoneNumber != acme.Enrolled.Phone {
		t.Fatalf("Acme's member changed: %+v", m)
	}

	// The admin in its own organization: allowed.
	v.req("DELETE", delPhone(bulk.ID, target.ID), nil, asSession(ian)).ok(nil)
	v.req("POST", revoke, map[string]any{"member_id": target.ID}, asSession(ian)).ok(nil)
}
