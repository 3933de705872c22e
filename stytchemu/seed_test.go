package stytchemu_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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

func TestSeedFile(t *testing.T) {
	seed := []byte(`{
	  "redirect_urls": ["https://app.example.com/authenticate"],
	  "default_redirect_url": "https://app.example.com/authenticate",
	  "organizations": [{
	    "organization_id": "organization-test-00000000-0000-4000-8000-000000000001",
	    "organization_name": "Hooli", "organization_slug": "hooli", "mfa_policy": "REQUIRED_FOR_ALL",
	    "email_allowed_domains": ["hooli.example"], "trusted_metadata": {"plan": "enterprise"},
	    "members": [
	      {"member_id": "member-test-00000000-0000-4000-8000-000000000001", "email_address": "gavin@hooli.example", "name": "Gavin", "roles": ["stytch_admin"],
	       "mfa_phone_number": "+12015550100", "mfa_enrolled": true, "default_mfa_method": "sms_otp", "external_id": "emp-1"},
	      {"email_address": "richard@hooli.example", "status": "invited"},
	      {"email_address": "dinesh@hooli.example", "mfa_phone_number": "+12015550101", "mfa_phone_number_verified": false, "is_breakglass": true}
	    ]
	  }]
	}`)
	emu, err := stytchemu.New(stytchemu.Options{SeedJSON: seed})
	if err != nil {
		t.Fatal(err)
	}
	if emu.Demo() != (stytchemu.Demo{}) {
		t.Fatal("a seed file alone loaded the demo")
	}
	if got := emu.RedirectURLs(); len(got) != 1 || got[0] != "https://app.example.com/authenticate" {
		t.Fatalf("redirect URLs: %v", got)
	}
	gavin, found := emu.Member("member-test-00000000-0000-4000-8000-000000000001")
	if !found || !gavin.IsAdmin || gavin.MFAPhoneNumber != "+12015550100" || !gavin.MFAPhoneNumberVerified || !gavin.MFAEnrolled ||
		gavin.DefaultMFAMethod != "sms_otp" || gavin.ExternalID != "emp-1" || !gavin.EmailAddressVerified || gavin.Status != "active" ||
		gavin.OrganizationID != "organization-test-00000000-0000-4000-8000-000000000001" {
		t.Fatalf("Gavin: %+v", gavin)
	}

	// The same file through the API: fixed ids, statuses, the default redirect.
	srv := httptest.NewServer(emu.Handler())
	defer srv.Close()
	v := &env{t: t, emu: emu, srv: srv}
	var org stytchclient.OrganizationResponse
	v.req("GET", "/v1/b2b/organizations/hooli", nil).ok(&org)
	if org.Organization.OrganizationID != "organization-test-00000000-0000-4000-8000-000000000001" || org.Organization.TrustedMetadata["plan"] != "enterprise" {
		t.Fatalf("Hooli: %+v", org.Organization)
	}
	var m stytchclient.MemberResponse
	v.req("GET", "/v1/b2b/organizations/hooli/member?email_address=richard@hooli.example", nil).ok(&m)
	if m.Member.Status != "invited" || m.Member.EmailAddressVerified {
		t.Fatalf("Richard: %+v", m.Member)
	}
	v.req("GET", "/v1/b2b/organizations/hooli/member?email_address=dinesh@hooli.example", nil).ok(&m)
	if m.Member.MFAPhoneNumberVerified || !m.Member.IsBreakglass {
		t.Fatalf("Dinesh: %+v", m.Member)
	}
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": "hooli", "email_address": "gavin@hooli.example"}).ok(nil)
	if msg, _ := emu.LastMessage("gavin@hooli.example"); !strings.HasPrefix(msg.Link, "https://app.example.com/authenticate?") {
		t.Fatalf("link: %s", msg.Link)
	}

	// Options override the file; the demo and a file together.
	emu, err = stytchemu.New(stytchemu.Options{Seed: true, SeedJSON: seed, RedirectURLs: []string{"http://localhost:*"}, DefaultRedirectURL: "http://localhost:3000/cb"})
	if err != nil || emu.Demo().Organization.Slug != "acme" || emu.RedirectURLs()[0] != "http://localhost:*" {
		t.Fatalf("demo and file: %v %+v %v", err, emu.Demo().Organization, emu.RedirectURLs())
	}

	// Mistakes are reported with where they are.
	for _, c := range []struct{ seed, want string }{
		{`{"organisations": []}`, "unknown field"},
		{`{"redirect_urls": ["nope"]}`, "redirect_urls"},
		{`{"organizations": [{"organization_name": "Alpha", "organization_slug": "a b"}]}`, "organizations[0]"},
		{`{"organizations": [{"organization_name": "Alpha", "mfa_policy": "SOMETIMES"}]}`, "mfa_policy"},
		{`{"organizations": [{"organization_name": "Alpha", "members": [{"email_address": "x"}]}]}`, "organizations[0].members[0]"},
		{`{"organizations": [{"organization_name": "Alpha", "members": [{"email_address": "a@a.example"}, {"email_address": "A@a.example"}]}]}`, "members[1]"},
		{`{"organizations": [{"organization_name": "Alpha", "members": [{"email_address": "a@a.example", "roles": ["wizard"]}]}]}`, "wizard"},
		{`{"organizations": [{"organization_name": "Alpha", "members": [{"email_address": "a@a.example", "mfa_phone_number": "12"}]}]}`, "E.164"},
		{`{"organizations": [{"organization_name": "Alpha", "members": [{"email_address": "a@a.example", "status": "deleted"}]}]}`, "status"},
		{`{"organizations": [{"organization_name": "Alpha"}, {"organization_name": "B", "organization_slug": "alpha"}]}`, "organizations[1]"},
	} {
		if _, err := stytchemu.New(stytchemu.Options{SeedJSON: []byte(c.seed)}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", c.seed, err, c.want)
		}
	}
}
