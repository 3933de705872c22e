package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// rowFor is the member list's row of one member.
func rowFor(p *page, memberID string) *goquery.Selection {
	return p.doc.Find(`#mfa-members tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`th a[href="/admin/members/`+memberID+`"]`).Length() > 0
	})
}

func TestAdminResetAsksForANewPhoneAtNextLogin(t *testing.T) {
	e := newEnv(t)
	acme := e.demo.Organization // OPTIONAL
	erin := acme.Enrolled
	admin := e.browser()
	admin.login("acme", acme.Admin.Email)

	reset := "/admin/members/" + erin.ID + "/reset"
	p := admin.get(reset)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `form input[type=radio][name=then][value=new-phone][checked]`, true)
	exists(t, p, `form input[type=radio][name=then][value=turn-off]:not([checked])`, true)
	contains(t, p, `label[for=f-then-new-phone]`, "Ask for a new phone at their next login")
	contains(t, p, `label[for=f-then-turn-off]`, "Turn two-step verification off for them")
	contains(t, p, "main form", "An administrator reset your phone")

	p = admin.follow(admin.post(reset, url.Values{"then": {"new-phone"}}))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "must add a new mobile number")
	if st := e.member(erin); st.Phone != "" || !st.MFAEnrolled {
		t.Fatalf("after the reset: %+v", st)
	}

	// The list and the member's page say the state in words, not "On"
	// beside no phone.
	p = admin.get("/admin?q=" + url.QueryEscape(erin.Email))
	row := rowFor(p, erin.ID)
	if got := strings.Join(strings.Fields(row.Text()), " "); !strings.Contains(got, "New phone needed") || strings.Contains(got, " On ") {
		t.Fatalf("row after the reset: %q", got)
	}
	contains(t, admin.get("/admin/members/"+erin.ID), "main .mfa-facts", "New phone needed")

	// The member's next login names the reason and offers log out.
	member := e.browser()
	p = member.login("acme", erin.Email)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main h1", "An administrator reset your phone")
	if got := text(p, "title"); !strings.Contains(got, "An administrator reset your phone") {
		t.Fatalf("title %q", got)
	}
	exists(t, p, `input[name=number]`, true)
	exists(t, p, `form[method=post][action="/logout"] button`, true)
	p = member.post("/logout", nil)
	mustStatus(t, p, http.StatusSeeOther)
	contains(t, member.follow(p), "main", "You're logged out")
}

func TestAdminResetCanTurnTwoStepVerificationOff(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, captureLog(&logs))
	acme := e.demo.Organization
	erin := acme.Enrolled
	admin := e.browser()
	admin.login("acme", acme.Admin.Email)
	reset := "/admin/members/" + erin.ID + "/reset"
	admin.get(reset)
	p := admin.follow(admin.post(reset, url.Values{"then": {"turn-off"}}))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "Two-step verification is off for them")
	if st := e.member(erin); st.Phone != "" || st.MFAEnrolled {
		t.Fatalf("after the reset: %+v", st)
	}
	if lines := auditLines(t, logs.String()); len(lines) != 1 || lines[0]["action"] != "delete_mfa_phone+mfa_off" {
		t.Fatalf("audit lines: %v", lines)
	}
	p = admin.get("/admin?q=" + url.QueryEscape(erin.Email))
	contains(t, p, "#mfa-members tbody", "Off")

	p = e.browser().login("acme", erin.Email)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "You're logged in.")
}

func TestAdminResetUnderRequiredPolicyOffersNoTurnOff(t *testing.T) {
	e := newEnv(t)
	globex := e.demo.Required // REQUIRED_FOR_ALL
	admin := e.browser()
	admin.login("globex", globex.Admin.Email)
	admin.post("/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0188"}})
	contains(t, admin.follow(admin.post("/verify", url.Values{"code": {e.lastMessage("+12015550188").Code}})), "main", "You're logged in")
	reset := "/admin/members/" + globex.Enrolled.ID + "/reset"
	p := admin.get(reset)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=then]`, false)
	contains(t, p, "main form", "An administrator reset your phone")

	p = admin.post(reset, url.Values{"then": {"turn-off"}})
	mustStatus(t, p, http.StatusConflict)
	if st := e.member(globex.Enrolled); st.Phone == "" || !st.MFAEnrolled {
		t.Fatalf("a refused reset changed something: %+v", st)
	}
}
