package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func sampleAdminMember(p Page) AdminMember {
	return AdminMember{
		ID: "member-1", Name: "<script>alert(1)</script> Mallory", Email: "mallory.o'brien@acme.test", Status: "active",
		MFAEnrolled: true, PhoneMasked: "+1 •••-•••-0123", PhoneVerified: true, DefaultMethod: "sms_otp",
		DetailURL: p.URL("/admin/members/member-1"), ResetURL: p.URL("/admin/members/member-1/reset"),
	}
}

// The admin pages pass the checks every page passes (the list's GET form
// aside, which checkCommon would take for a POST form without a token).
func TestAdminPagesAreAccessibleAndEscaped(t *testing.T) {
	p := samplePage("Admin")
	m := sampleAdminMember(p)

	doc := renderPage(t, p, AdminMemberContent(AdminMemberPage{Page: p, Member: m, ListURL: p.URL("/admin")}))
	if doc.Find("main script").Length() != 0 || !strings.Contains(doc.Find("main h1").Text(), "<script>") {
		t.Fatal("the member's name is not escaped on the detail page")
	}

	doc = renderPage(t, p, AdminResetContent(AdminResetPage{Page: p, Member: m, ActionURL: m.ResetURL, CancelURL: m.DetailURL}))
	if doc.Find(`main form[method=post] input[type=checkbox][name=revoke]`).Length() != 1 {
		t.Fatal("no sign-out checkbox on the confirmation")
	}
	noPhone := m
	noPhone.PhoneMasked, noPhone.ResetURL = "", ""
	doc = renderPage(t, p, AdminResetContent(AdminResetPage{Page: p, Member: noPhone, CancelURL: m.DetailURL}))
	if doc.Find("main form").Length() != 0 {
		t.Fatal("a reset form for a member without a phone")
	}

	renderPage(t, p, AdminResetDoneContent(AdminResetDonePage{Page: p, Name: m.Name, Email: m.Email, SignOutFail: "Stytch did not answer.", DetailURL: m.DetailURL, ListURL: p.URL("/admin")}))
}

func TestAdminMembersPage(t *testing.T) {
	p := samplePage("Members")
	m := sampleAdminMember(p)
	v := AdminMembersPage{
		Page: p, OrganizationName: "Acme Inc", ActionURL: p.URL("/admin"), Filter: AdminFilterMFAOn,
		Query: "ma", QueryHint: "Type at least 3 characters.", Summary: "1 of 2 members have MFA on",
		Members: []AdminMember{m}, Showing: "Showing 51–51 of 51", PrevURL: p.URL("/admin?cursor=x"),
	}
	_, doc := render(t, Layout(p, AdminMembersContent(v)))
	form := doc.Find("main form.mfa-admin-filter")
	if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/settings/security/admin" {
		t.Fatal("the filter form is not a GET under the mount point")
	}
	for _, id := range []string{"f-filter", "f-q"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 || doc.Find("#"+id).Length() != 1 {
			t.Errorf("%s has no label", id)
		}
	}
	if doc.Find(`option[value="mfa-on"][selected]`).Length() != 1 {
		t.Error("the chosen filter is not selected")
	}
	if n := doc.Find(`table caption`).Length(); n != 1 {
		t.Error("no caption")
	}
	if n := doc.Find(`thead th[scope=col]`).Length(); n != 9 { // with the authenticator app
		t.Errorf("%d column headers", n)
	}
	if doc.Find("main script").Length() != 0 || !strings.Contains(doc.Find("tbody").Text(), "<script>alert(1)</script> Mallory") {
		t.Error("the name is not escaped in the table")
	}
	nav := doc.Find(`nav.mfa-pager[aria-label]`)
	if nav.Find(`a[rel=prev]`).Text() != "Previous page" || nav.Find(`a[rel=next]`).Length() != 0 {
		t.Error("paging links")
	}
	if doc.Find(`#mfa-members [role=status]`).Text() != "Type at least 3 characters." {
		t.Error("the search hint is not inside the swapped region")
	}
	doc.Find("[class]").Each(func(_ int, s *goquery.Selection) {
		for _, c := range strings.Fields(s.AttrOr("class", "")) {
			if !strings.HasPrefix(c, "mfa-") {
				t.Errorf("class %q lacks the mfa- prefix", c)
			}
		}
	})
	if doc.Find("[style]").Length() != 0 {
		t.Error("inline style")
	}
	if m := jargon.FindString(doc.Find("body").Text()); m != "" {
		t.Errorf("jargon: %q", m)
	}
}
