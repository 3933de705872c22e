package stytchemu_test

import (
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestUpdateOrganization(t *testing.T) {
	v := newEnv(t)
	acme, glx := v.orgAcme(), v.orgGlobex()
	path := "/v1/b2b/organizations/" + acme.ID
	var out stytchclient.OrganizationResponse
	v.clock.Advance(60e9)
	v.req("PUT", path, map[string]any{"organization_name": "Acme Corp", "organization_slug": "acme-corp", "mfa_policy": "REQUIRED_FOR_ALL",
		"email_allowed_domains": []string{"Acme.example", "acme.test"}, "trusted_metadata": map[string]any{"tier": 2}, "organization_external_id": "crm|42",
		"auth_methods": "RESTRICTED", "allowed_auth_methods": []string{"magic_link", "sso"}}).ok(&out)
	o := out.Organization
	if o.OrganizationName != "Acme Corp" || o.OrganizationSlug != "acme-corp" || o.MFAPolicy != "REQUIRED_FOR_ALL" || o.EmailAllowedDomains[0] != "acme.example" ||
		o.TrustedMetadata["tier"] != float64(2) || o.OrganizationExternalID != "crm|42" || o.UpdatedAt == o.CreatedAt || o.SSODefaultConnectionID != "" {
		t.Fatalf("updated: %+v", o)
	}
	// The external id and the new slug find it; the old slug does not.
	v.req("GET", "/v1/b2b/organizations/crm|42", nil).ok(nil)
	v.req("GET", "/v1/b2b/organizations/acme-corp", nil).ok(nil)
	v.req("GET", "/v1/b2b/organizations/acme", nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)

	// Refusals change nothing.
	for _, c := range []struct {
		body   map[string]any
		status int
		typ    string
	}{
		{map[string]any{"organization_slug": "globex"}, 400, stytchclient.ErrDuplicateSlug},
		{map[string]any{"organization_slug": "A B"}, 400, stytchclient.ErrBadRequest},
		{map[string]any{"mfa_policy": "SOMETIMES"}, 400, stytchclient.ErrBadRequest},
		{map[string]any{"mfa_methods": "RESTRICTED"}, 400, "allowed_mfa_methods_required_for_restricted"},
		{map[string]any{"allowed_auth_methods": []string{"carrier_pigeon"}}, 400, "invalid_organization_allowed_auth_methods"},
		{map[string]any{"email_allowed_domains": []string{"gmail.com"}}, 400, "organization_settings_domain_too_common"},
		{map[string]any{"email_allowed_domains": []string{"not a domain"}}, 400, "organization_settings_invalid_domain"},
		{map[string]any{"sso_default_connection_id": "saml-connection-test-1"}, 400, "invalid_sso_default_connection_id"},
		{map[string]any{"organization_name": ""}, 400, stytchclient.ErrBadRequest},
	} {
		v.req("PUT", path, c.body).fails(c.status, c.typ)
	}
	if got := v.member(acme.ID, acme.Member.ID); got.OrganizationID != acme.ID {
		t.Fatal("member lost its organization")
	}
	v.req("GET", "/v1/b2b/organizations/acme-corp", nil).ok(&out)
	if out.Organization.MFAPolicy != "REQUIRED_FOR_ALL" || out.Organization.MFAMethods != "ALL_ALLOWED" {
		t.Fatalf("a refused update changed the organization: %+v", out.Organization)
	}

	// RBAC: an admin may, a plain member may not, another organization's admin may not.
	initech := "/v1/b2b/organizations/" + v.demo.Bulk.ID
	admin := v.session(v.demo.Bulk.ID, v.demo.Bulk.Admin.Email)
	v.req("PUT", initech, map[string]any{"organization_logo_url": "https://initech.example/logo.png"}, asSession(admin)).ok(nil)
	v.req("PUT", initech, map[string]any{"trusted_metadata": map[string]any{}}, asSession(admin)).fails(http.StatusBadRequest, stytchclient.ErrBadRequest)
	v.req("PUT", "/v1/b2b/organizations/"+glx.ID, map[string]any{"organization_name": "Hijacked"}, asSession(admin)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy)
	member := v.session(v.demo.Bulk.ID, v.demo.Bulk.Member.Email)
	v.req("PUT", initech, map[string]any{"organization_external_id": "x"}, asSession(member)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", initech, map[string]any{"mfa_policy": "OPTIONAL"}, asSession(member)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	v.req("PUT", "/v1/b2b/organizations/nope", map[string]any{}).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
}

func TestDeleteOrganization(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	session := v.session(acme.ID, acme.Member.Email)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID, nil, asSession(session)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	admin := v.session(acme.ID, acme.Admin.Email)
	var out struct {
		OrganizationID string `json:"organization_id"`
	}
	v.req("DELETE", "/v1/b2b/organizations/acme", nil, asSession(admin)).ok(&out)
	if out.OrganizationID != acme.ID {
		t.Fatalf("deleted: %+v", out)
	}
	v.req("GET", "/v1/b2b/organizations/"+acme.ID, nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID, nil).fails(http.StatusNotFound, stytchclient.ErrOrganizationNotFound)
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": session}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
	if st, found := v.emu.MemberState(acme.Member.ID); found && st.ActiveSessions != 0 {
		t.Fatalf("a deleted organization's member kept sessions: %+v", st)
	}
	// The slug is free again.
	v.req("POST", "/v1/b2b/organizations", map[string]any{"organization_name": "Acme again", "organization_slug": "acme"}).ok(nil)
}

func TestSearchOrganizations(t *testing.T) {
	v := newEnv(t)
	search := func(body map[string]any) (out struct {
		Organizations   []stytchclient.Organization  `json:"organizations"`
		ResultsMetadata stytchclient.ResultsMetadata `json:"results_metadata"`
	}) {
		t.Helper()
		v.req("POST", "/v1/b2b/organizations/search", body).ok(&out)
		return out
	}
	q := func(op string, operands ...map[string]any) map[string]any {
		if operands == nil {
			operands = []map[string]any{}
		}
		return map[string]any{"query": map[string]any{"operator": op, "operands": operands}}
	}
	f := func(name string, value any) map[string]any {
		return map[string]any{"filter_name": name, "filter_value": value}
	}

	all := search(map[string]any{})
	if all.ResultsMetadata.Total != 3 || len(all.Organizations) != 3 || all.ResultsMetadata.NextCursor != "" || all.Organizations[0].OrganizationSlug != "acme" {
		t.Fatalf("all: %+v", all.ResultsMetadata)
	}
	page := search(map[string]any{"limit": 2})
	rest := search(map[string]any{"limit": 2, "cursor": page.ResultsMetadata.NextCursor})
	if len(page.Organizations) != 2 || len(rest.Organizations) != 1 || rest.Organizations[0].OrganizationSlug != "initech" || rest.ResultsMetadata.NextCursor != "" {
		t.Fatalf("pages: %+v then %+v", page, rest)
	}
	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{q("AND", f("organization_slugs", []string{"GLOBEX"})), []string{"globex"}},
		{q("AND", f("organization_name_fuzzy", "corp")), []string{"globex"}},
		{q("AND", f("member_emails", []string{"ian@initech.example"})), []string{"initech"}},
		{q("AND", f("member_email_fuzzy", "ada@")), []string{"acme"}},
		{q("AND", f("allowed_domains", []string{"acme.example"})), []string{"acme"}},
		{q("AND", f("allowed_domain_fuzzy", ".example")), []string{"acme", "globex", "initech"}},
		{q("OR", f("organization_ids", []string{v.orgAcme().ID}), f("organization_slug_fuzzy", "nitec")), []string{"acme", "initech"}},
		{q("AND", f("organization_ids", []string{v.orgAcme().ID}), f("organization_slug_fuzzy", "nitec")), nil},
		{q("AND", f("has_active_sso_connection", true)), nil},
		{q("AND"), []string{"acme", "globex", "initech"}},
	} {
		var got []string
		for _, o := range search(c.body).Organizations {
			got = append(got, o.OrganizationSlug)
		}
		if len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) || (len(got) > 1 && got[len(got)-1] != c.want[len(c.want)-1]) {
			t.Errorf("%v: got %v, want %v", c.body, got, c.want)
		}
	}
	for _, c := range []struct {
		body map[string]any
		typ  string
		opts []opt
	}{
		{q("AND", f("organization_name_fuzzy", "ac")), "organization_search_organization_name_fuzzy_too_short", nil},
		{q("AND", f("organization_slugs", "acme")), "organization_search_expected_array_of_strings", nil},
		{q("AND", f("organization_slug_fuzzy", []string{"acme"})), "organization_search_expected_string", nil},
		{q("AND", f("favourite_colour", []string{"red"})), "organization_search_filter_name_not_recognized", nil},
		{q("AND", map[string]any{"filter_value": []string{"x"}}), "organization_search_missing_filter_name", nil},
		{q("AND", map[string]any{"filter_name": "organization_ids"}), "organization_search_missing_filter_value", nil},
		{q("XOR", f("organization_ids", []string{"x"})), "user_search_invalid_operator", []opt{invalidRequest}},
		{map[string]any{"cursor": "bogus"}, "user_search_invalid_cursor", nil},
		{map[string]any{"limit": -1}, "user_search_invalid_limit", []opt{invalidRequest}},
	} {
		v.req("POST", "/v1/b2b/organizations/search", c.body, c.opts...).fails(http.StatusBadRequest, c.typ)
	}
}
