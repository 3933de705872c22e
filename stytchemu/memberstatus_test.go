package stytchemu_test

import (
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestDeleteAndReactivateMember(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	path := "/v1/b2b/organizations/" + acme.ID + "/members/" + acme.Member.ID
	session := v.session(acme.ID, acme.Member.Email)
	admin := v.session(acme.ID, acme.Admin.Email)

	// A plain member may not delete another; an admin may.
	other := v.session(v.demo.Bulk.ID, v.demo.Bulk.Member.Email)
	v.req("DELETE", "/v1/b2b/organizations/"+v.demo.Bulk.ID+"/members/"+v.demo.Bulk.Enrolled.ID, nil, asSession(other)).fails(http.StatusForbidden, stytchclient.ErrSessionAuthorization)
	var out struct {
		MemberID string `json:"member_id"`
	}
	v.req("DELETE", path, nil, asSession(admin)).ok(&out)
	if out.MemberID != acme.Member.ID {
		t.Fatalf("deleted: %+v", out)
	}
	v.req("POST", "/v1/b2b/sessions/authenticate", map[string]any{"session_token": session}).fails(http.StatusNotFound, stytchclient.ErrSessionNotFound)
	v.req("GET", "/v1/b2b/organizations/"+acme.ID+"/member?member_id="+acme.Member.ID, nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	v.req("DELETE", path, nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	dg := "/v1/b2b/organizations/members/dangerously_get/" + acme.Member.ID
	v.req("GET", dg, nil).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)
	var got stytchclient.MemberResponse
	v.req("GET", dg+"?include_deleted=true", nil).ok(&got)
	if got.Member.Status != "deleted" || got.Organization.OrganizationID != acme.ID {
		t.Fatalf("dangerously_get: %+v", got.Member)
	}

	// Reactivation: only a deleted member with a verified address, and not
	// when someone else took the address meanwhile.
	react := path + "/reactivate"
	v.req("PUT", react, map[string]any{}).ok(&got)
	if got.Member.Status != "active" {
		t.Fatalf("reactivated: %+v", got.Member)
	}
	v.req("PUT", react, map[string]any{}).fails(http.StatusNotFound, "no_deleted_member_found_for_reactivation")
	v.req("DELETE", path, nil).ok(nil)
	v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": acme.Member.Email}).ok(nil)
	v.req("PUT", react, map[string]any{}).fails(http.StatusBadRequest, "reactivation_email_belongs_to_another_member")

	var fresh stytchclient.MemberResponse
	v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": "never@acme.example"}).ok(&fresh)
	v.req("DELETE", "/v1/b2b/organizations/"+acme.ID+"/members/"+fresh.MemberID, nil).ok(nil)
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID+"/members/"+fresh.MemberID+"/reactivate", map[string]any{}).fails(http.StatusBadRequest, "email_unverified_for_reactivation")
	v.req("PUT", "/v1/b2b/organizations/"+acme.ID+"/members/member-test-nope/reactivate", map[string]any{}).fails(http.StatusNotFound, stytchclient.ErrMemberNotFound)

	// A member may delete themselves (stytch.self delete).
	v.req("DELETE", "/v1/b2b/organizations/"+v.demo.Bulk.ID+"/members/"+v.demo.Bulk.Member.ID, nil, asSession(other)).ok(nil)
}
