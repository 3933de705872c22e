package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// orgMembers is every member of an organization, straight from Stytch
// with the project's own privileges: what the admin list must agree with.
func (e *env) orgMembers(orgID string) []stytchclient.Member {
	e.t.Helper()
	req := stytchclient.SearchMembersRequest{OrganizationIDs: []string{orgID}, Limit: 1000}
	var all []stytchclient.Member
	for {
		res, err := e.opts.Stytch.SearchMembers(context.Background(), req, stytchclient.MemberAuth{})
		if err != nil {
			e.t.Fatal(err)
		}
		all = append(all, res.Members...)
		if req.Cursor = res.ResultsMetadata.NextCursor; req.Cursor == "" {
			return all
		}
	}
}

// rowIDs is the member ids of the rows on a list page, from their links.
func rowIDs(t *testing.T, p *page) []string {
	t.Helper()
	var ids []string
	p.doc.Find("#mfa-members table tbody tr th[scope=row] a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		ids = append(ids, strings.TrimPrefix(href, "/admin/members/"))
	})
	return ids
}

// listAll pages through the member list from path by its "Next page"
// links, and returns the member ids in order and the number of pages.
func (b *browser) listAll(t *testing.T, path string) (ids []string, pages int) {
	t.Helper()
	for path != "" {
		p := b.get(path)
		mustStatus(t, p, http.StatusOK)
		pages++
		if pages > 50 {
			t.Fatal("the list never ends")
		}
		ids = append(ids, rowIDs(t, p)...)
		path, _ = p.doc.Find(`nav.mfa-pager a[rel=next]`).Attr("href")
	}
	return ids, pages
}

func memberIDs(ms []stytchclient.Member, keep func(stytchclient.Member) bool) []string {
	var ids []string
	for _, m := range ms {
		if keep(m) {
			ids = append(ids, m.MemberID)
		}
	}
	return ids
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("%s: %s listed twice", what, id)
		}
		seen[id] = true
	}
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	g = slices.Compact(g)
	if !slices.Equal(g, w) {
		t.Fatalf("%s: listed %d members, want %d", what, len(g), len(w))
	}
}

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// captureLog sends the app's log, as JSON lines, to the returned buffer.
func captureLog(buf *syncBuffer) func(*handlers.Options) {
	return func(o *handlers.Options) { o.Logger = slog.New(slog.NewJSONHandler(buf, nil)) }
}

// auditLines are the log records with msg "audit".
func auditLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == "audit" {
			out = append(out, rec)
		}
	}
	return out
}

// loginWithCode logs a member whose MFA is on in, code included.
func (b *browser) loginWithCode(org string, m stytchemu.DemoMember) *page {
	b.e.t.Helper()
	b.login(org, m.Email)
	p := b.follow(b.post("/verify", url.Values{"code": {b.e.lastMessage(m.Phone).Code}}))
	contains(b.e.t, p, "main", "You're logged in.")
	return p
}

func TestAdminListsMembers(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	bulk := e.demo.Bulk
	p := b.login("initech", bulk.Admin.Email)
	exists(t, p, `#mfa-header a[href="/admin"]`, true)

	p = b.get("/admin")
	mustStatus(t, p, http.StatusOK)
	all := e.orgMembers(bulk.ID)
	if len(all) != stytchemu.BulkMembers+2 {
		t.Fatalf("Initech has %d members", len(all))
	}
	on := len(memberIDs(all, func(m stytchclient.Member) bool { return m.MFAEnrolled }))
	contains(t, p, "#mfa-members .mfa-summary", strconv.Itoa(on)+" of "+strconv.Itoa(len(all))+" members have two-step verification on")
	contains(t, p, "#mfa-members table caption", "All members")
	contains(t, p, "nav.mfa-pager", "Showing 1–50 of "+strconv.Itoa(len(all)))
	if n := p.doc.Find(`#mfa-members table thead th[scope=col]`).Length(); n != 9 { // with the authenticator app
		t.Fatalf("%d column headers", n)
	}
	if ids := rowIDs(t, p); len(ids) != 50 {
		t.Fatalf("%d rows on the first page", len(ids))
	}
	exists(t, p, `nav.mfa-pager[aria-label] a[rel=prev]`, false)
	next := p.doc.Find(`nav.mfa-pager a[rel=next]`)
	if next.Text() != "Next page" || next.AttrOr("hx-target", "") != "#mfa-members" || next.AttrOr("hx-select", "") != "#mfa-members" ||
		next.AttrOr("hx-push-url", "") != "true" || next.AttrOr("hx-get", "") != next.AttrOr("href", "") {
		t.Fatalf("next page link: %s", p.body)
	}
	form := p.doc.Find(`form.mfa-admin-filter`)
	if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/admin" || form.AttrOr("hx-target", "") != "#mfa-members" {
		t.Fatal("the filter form is not a GET form that swaps the table")
	}
	exists(t, p, `label[for=f-filter]`, true)
	exists(t, p, `select#f-filter[name=filter] option[value=all][selected]`, true)
	exists(t, p, `label[for=f-q]`, true)
	exists(t, p, `input#f-q[name=q][type=search]`, true)

	// member001 is enrolled: masked phone, badges in words, a reset link.
	m1 := all[slices.IndexFunc(all, func(m stytchclient.Member) bool { return m.EmailAddress == "member001@initech.example" })]
	row := p.doc.Find(`#mfa-members tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "member001@initech.example")
	})
	got := strings.Join(strings.Fields(row.Text()), " ")
	for _, want := range []string{"Member 001", "Active", "On", "+1 •••-•••-1001", "Yes", "Text message", "Reset phone"} {
		if !strings.Contains(got, want) {
			t.Fatalf("row of member001: want %q in %q", want, got)
		}
	}
	if href := row.Find(`a:contains("Reset phone")`).AttrOr("href", ""); href != "/admin/members/"+m1.MemberID+"/reset" {
		t.Fatalf("reset link %q", href)
	}
	if strings.Contains(p.body, "2015551001") {
		t.Fatal("a whole phone number is on the page")
	}
	// A member without a phone has no reset link.
	row = p.doc.Find(`#mfa-members tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), bulk.Admin.Email)
	})
	if row.Length() != 1 || row.Find(`a:contains("Reset phone")`).Length() != 0 {
		t.Fatalf("Ian's row: %d rows, reset link present", row.Length())
	}

	// htmx asks for the table: the answer has it (htmx selects #mfa-members).
	b.htmx = true
	p = b.get("/admin?filter=mfa-on")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, "main#main #mfa-members table", true)
	exists(t, p, "html head link[rel=stylesheet]", false)
}

func TestAdminFilters(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	bulk := e.demo.Bulk
	b.login("initech", bulk.Admin.Email)
	all := e.orgMembers(bulk.ID)
	for _, tc := range []struct {
		filter, label string
		keep          func(stytchclient.Member) bool
	}{
		{"all", "All members", func(stytchclient.Member) bool { return true }},
		{"mfa-on", "Two-step verification on", func(m stytchclient.Member) bool { return m.MFAEnrolled }},
		{"mfa-off", "Two-step verification off", func(m stytchclient.Member) bool { return !m.MFAEnrolled }},
		{"phone-unverified", "Phone not verified", func(m stytchclient.Member) bool {
			return m.MFAPhoneNumber != "" && !m.MFAPhoneNumberVerified
		}},
	} {
		want := memberIDs(all, tc.keep)
		if len(want) == 0 || (tc.filter != "all" && len(want) == len(all)) {
			t.Fatalf("%s: the seed does not exercise this filter (%d members)", tc.filter, len(want))
		}
		first := b.get("/admin?filter=" + tc.filter)
		contains(t, first, "#mfa-members table caption", tc.label)
		exists(t, first, `select[name=filter] option[value=`+tc.filter+`][selected]`, true)
		// The summary counts the whole organization, whatever the filter.
		contains(t, first, ".mfa-summary", " of "+strconv.Itoa(len(all))+" members have two-step verification on")
		got, _ := b.listAll(t, "/admin?filter="+tc.filter)
		sameSet(t, tc.filter, got, want)
	}
	// An unknown filter is "all".
	contains(t, b.get("/admin?filter=bogus"), "#mfa-members table caption", "All members")
}

func TestAdminPagesThroughAllMembers(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	bulk := e.demo.Bulk
	b.login("initech", bulk.Admin.Email)
	all := e.orgMembers(bulk.ID)
	ids, pages := b.listAll(t, "/admin")
	if pages < 6 {
		t.Fatalf("%d pages for %d members", pages, len(all))
	}
	sameSet(t, "all pages", ids, memberIDs(all, func(stytchclient.Member) bool { return true }))

	// Page 2 says where it is and links both ways.
	p1 := b.get("/admin")
	next, _ := p1.doc.Find(`nav.mfa-pager a[rel=next]`).Attr("href")
	p2 := b.get(next)
	contains(t, p2, "nav.mfa-pager", "Showing 51–100 of "+strconv.Itoa(len(all)))
	prev := p2.doc.Find(`nav.mfa-pager a[rel=prev]`)
	if prev.Text() != "Previous page" {
		t.Fatalf("no previous page link on page 2")
	}
	if !slices.Equal(rowIDs(t, b.get(prev.AttrOr("href", ""))), rowIDs(t, p1)) {
		t.Fatal("previous page of page 2 is not page 1")
	}
	// The last page has no next link.
	last := b.get("/admin?cursor=" + url.QueryEscape(cursorFor(t, b, (len(all)-1)/50*50)))
	exists(t, last, `nav.mfa-pager a[rel=next]`, false)
	contains(t, last, "nav.mfa-pager", "of "+strconv.Itoa(len(all)))

	// A bad cursor is page 1, never an error.
	for _, c := range []string{"garbage", "%%%", "b2Zmc2V0Oi01MA", "b2Zmc2V0Ojk5OTk5", "b2Zmc2V0Ojc"} {
		p := b.get("/admin?cursor=" + url.QueryEscape(c))
		mustStatus(t, p, http.StatusOK)
		if !slices.Equal(rowIDs(t, p), rowIDs(t, p1)) {
			t.Fatalf("cursor %q did not give page 1", c)
		}
	}
}

// cursorFor finds, through the "Next page" links, the cursor of the page
// starting at offset.
func cursorFor(t *testing.T, b *browser, offset int) string {
	t.Helper()
	path := "/admin"
	for at := 0; at < offset; at += 50 {
		p := b.get(path)
		path, _ = p.doc.Find(`nav.mfa-pager a[rel=next]`).Attr("href")
		if path == "" {
			t.Fatalf("no page at offset %d", offset)
		}
	}
	u, _ := url.Parse(path)
	return u.Query().Get("cursor")
}

func TestAdminSearchesByEmail(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	bulk := e.demo.Bulk
	b.login("initech", bulk.Admin.Email)
	all := e.orgMembers(bulk.ID)

	matching := func(q string, keep func(stytchclient.Member) bool) []string {
		return memberIDs(all, func(m stytchclient.Member) bool { return strings.Contains(m.EmailAddress, q) && keep(m) })
	}
	any := func(stytchclient.Member) bool { return true }

	calls := e.emu.Calls()["POST /v1/b2b/organizations/members/search"]
	p := b.get("/admin?q=" + url.QueryEscape("MEMBER01"))
	mustStatus(t, p, http.StatusOK)
	want := matching("member01", any)
	if len(want) != 10 {
		t.Fatalf("seed: %d members match member01", len(want))
	}
	sameSet(t, "q=MEMBER01", rowIDs(t, p), want)
	contains(t, p, ".mfa-summary", "of 10 members whose e-mail contains “MEMBER01” have two-step verification on")
	exists(t, p, `input[name=q][value=MEMBER01]`, true)
	exists(t, p, `a[href="/admin"]:contains("Clear search")`, true)
	if got := e.emu.Calls()["POST /v1/b2b/organizations/members/search"] - calls; got != 1 {
		t.Fatalf("%d searches at Stytch for one page of ten", got)
	}

	// Search and filter together.
	p = b.get("/admin?filter=mfa-on&q=member00")
	sameSet(t, "q=member00 MFA on", rowIDs(t, p), matching("member00", func(m stytchclient.Member) bool { return m.MFAEnrolled }))

	// Fewer than three characters: a hint, no search.
	p = b.get("/admin?q=me")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "#mfa-members [role=status]", "at least 3 characters")
	contains(t, p, "nav.mfa-pager", "of "+strconv.Itoa(len(all)))

	// Nothing found.
	p = b.get("/admin?q=nobody-here")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "#mfa-members", "No members match")
	exists(t, p, "#mfa-members table", false)

	// The search travels with the paging links.
	p = b.get("/admin?q=initech")
	next, _ := p.doc.Find(`nav.mfa-pager a[rel=next]`).Attr("href")
	if u, _ := url.Parse(next); u.Query().Get("q") != "initech" {
		t.Fatalf("next page link %q forgets the search", next)
	}
}

func TestAdminResetsPhoneAndSignsOut(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, captureLog(&logs))
	acme := e.demo.Organization
	erin := acme.Enrolled
	member := e.browser()
	member.loginWithCode("acme", erin)

	admin := e.browser()
	admin.login("acme", acme.Admin.Email)
	p := admin.get("/admin")
	mustStatus(t, p, http.StatusOK)
	reset := "/admin/members/" + erin.ID + "/reset"
	exists(t, p, `#mfa-members a[href="`+reset+`"]`, true)

	// The member's page offers the reset too.
	p = admin.get("/admin/members/" + erin.ID)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main h1", erin.Name)
	contains(t, p, "main .mfa-facts", "+1 •••-•••-0123")
	exists(t, p, `main a[href="`+reset+`"]`, true)

	p = admin.get(reset)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main h1", "Reset the phone of "+erin.Name+" ("+erin.Email+")?")
	contains(t, p, "main", "phone number +1 •••-•••-0123")
	contains(t, p, "main", "won't get text message codes until they add a new number")
	contains(t, p, "main", "current sessions stay active unless you also log them out")
	exists(t, p, `form[method=post][action="`+reset+`"] input[type=hidden][name=_csrf]`, true)
	exists(t, p, `input[type=checkbox][name=revoke]#f-revoke`, true)
	contains(t, p, `label[for=f-revoke]`, "Also log this member out everywhere")
	if st := e.member(erin); st.Phone != erin.Phone {
		t.Fatalf("the confirmation page changed something: %+v", st)
	}

	p = admin.post(reset, url.Values{"revoke": {"1"}})
	mustStatus(t, p, http.StatusSeeOther)
	done := p.location
	p = admin.follow(p)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "The phone number of "+erin.Name+" ("+erin.Email+") was removed")
	contains(t, p, "main", "logged out everywhere")
	exists(t, p, `main a[href="/admin"]`, true)
	if st := e.member(erin); st.Phone != "" || st.PhoneVerified || st.ActiveSessions != 0 {
		t.Fatalf("after the reset: %+v", st)
	}
	// A reload shows the member's page; nothing is reset twice.
	p = admin.get(done)
	mustStatus(t, p, http.StatusSeeOther)
	if !strings.HasSuffix(p.location, "/admin/members/"+erin.ID) {
		t.Fatalf("reload of the result: %q", p.location)
	}

	// The audit line: who, whom, what, Stytch's reference; no phone.
	lines := auditLines(t, logs.String())
	if len(lines) != 1 {
		t.Fatalf("%d audit lines:\n%s", len(lines), logs.String())
	}
	a := lines[0]
	if a["level"] != "INFO" || a["audit"] != true || a["member_id"] != acme.Admin.ID || a["target_member_id"] != erin.ID ||
		a["organization_id"] != acme.ID || a["action"] != "delete_mfa_phone+revoke_sessions" ||
		!strings.HasPrefix(a["stytch_request_id"].(string), "request-id-test-") {
		t.Fatalf("audit line: %v", a)
	}
	if ts, err := time.Parse(time.RFC3339, a["time"].(string)); err != nil || ts.Sub(e.emu.Now()).Abs() > time.Minute {
		t.Fatalf("audit time %v: %v", a["time"], err)
	}
	raw, _ := json.Marshal(a)
	if strings.Contains(string(raw), "201555") || strings.Contains(string(raw), "•") || strings.Contains(logs.String(), "2015550123") {
		t.Fatalf("a phone number was logged: %s", raw)
	}

	// The member's next change goes to Stytch, which has ended the session.
	sent := len(e.emu.Outbox())
	p = member.post("/replace", nil)
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
		t.Fatalf("replace after the reset: %d %q\n%s", p.status, p.location, p.body)
	}
	contains(t, member.follow(p), "main", "Your session has ended")
	if len(e.emu.Outbox()) != sent {
		t.Fatal("a step-up code was texted to the removed phone")
	}
}

func TestAdminResetWithoutSignOut(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, captureLog(&logs))
	acme := e.demo.Organization
	erin := acme.Enrolled
	member := e.browser()
	member.loginWithCode("acme", erin)

	admin := e.browser()
	admin.login("acme", acme.Admin.Email)
	admin.get("/admin/members/" + erin.ID + "/reset")
	p := admin.follow(admin.post("/admin/members/"+erin.ID+"/reset", nil))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "was removed")
	contains(t, p, "main", "Their current sessions stay active")
	if st := e.member(erin); st.Phone != "" || st.ActiveSessions != 1 {
		t.Fatalf("after the reset: %+v", st)
	}
	if lines := auditLines(t, logs.String()); len(lines) != 1 || lines[0]["action"] != "delete_mfa_phone" {
		t.Fatalf("audit lines: %v", lines)
	}

	// Once the member's cached profile is older than the JWT check
	// interval, the settings page asks Stytch again and shows the truth.
	e.emu.Advance(6 * time.Minute)
	p = member.get("/")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main .mfa-facts", "No phone set")

	// A second reset finds nothing to remove and says so.
	p = admin.post("/admin/members/"+erin.ID+"/reset", nil)
	mustStatus(t, p, http.StatusConflict)
	contains(t, p, "main h1", "This member has no phone")
	p = admin.get("/admin/members/" + erin.ID + "/reset")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "nothing to reset")
	exists(t, p, "main form", false)
}

func TestAdminRoutesRefuseMembers(t *testing.T) {
	e := newEnv(t)
	acme := e.demo.Organization
	erin := acme.Enrolled
	b := e.browser()
	p := b.login("acme", acme.Member.Email)
	exists(t, p, `#mfa-header a[href="/admin"]`, false)

	paths := []string{"/admin", "/admin?filter=mfa-on&q=erin", "/admin/members/" + erin.ID, "/admin/members/" + erin.ID + "/reset"}
	for _, path := range paths {
		p := b.get(path)
		mustStatus(t, p, http.StatusForbidden)
		contains(t, p, "main h1", "You need to be an administrator")
		exists(t, p, `main a[href="/"]`, true)
	}
	b.get("/") // a page with a CSRF token
	p = b.post("/admin/members/"+erin.ID+"/reset", url.Values{"revoke": {"1"}})
	mustStatus(t, p, http.StatusForbidden)
	contains(t, p, "main h1", "You need to be an administrator")
	if st := e.member(erin); st.Phone != erin.Phone {
		t.Fatalf("a member reset a phone: %+v", st)
	}

	// Logged out: the login page, not the admin pages.
	anon := e.browser()
	for _, path := range paths {
		if p := anon.get(path); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
			t.Fatalf("%s logged out: %d %q", path, p.status, p.location)
		}
	}
}

// Behind our check, Stytch's: an admin demoted a moment ago still holds a
// JWT that says admin, and Stytch refuses the calls.
func TestAdminDemotedIsRefusedByStytch(t *testing.T) {
	e := newEnv(t)
	acme := e.demo.Organization
	erin := acme.Enrolled
	b := e.browser()
	b.login("acme", acme.Admin.Email)
	mustStatus(t, b.get("/admin"), http.StatusOK)
	if _, err := e.opts.Stytch.(*stytchclient.Client).UpdateMember(context.Background(), acme.ID, acme.Admin.ID,
		stytchclient.UpdateMemberRequest{Roles: []string{stytchclient.RoleMember}}, stytchclient.MemberAuth{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin", "/admin/members/" + erin.ID, "/admin/members/" + erin.ID + "/reset"} {
		p := b.get(path)
		mustStatus(t, p, http.StatusForbidden)
		contains(t, p, "main h1", "You don't have permission to do that")
	}
	p := b.post("/admin/members/"+erin.ID+"/reset", url.Values{"revoke": {"1"}})
	mustStatus(t, p, http.StatusForbidden)
	if st := e.member(erin); st.Phone != erin.Phone {
		t.Fatalf("a demoted admin reset a phone: %+v", st)
	}
}

func TestAdminStaysInsideTheOrganization(t *testing.T) {
	e := newEnv(t)
	acme, bulk := e.demo.Organization, e.demo.Bulk
	erin := acme.Enrolled
	b := e.browser()
	b.login("initech", bulk.Admin.Email)
	before := e.member(erin)

	for _, path := range []string{"/admin/members/" + erin.ID, "/admin/members/" + erin.ID + "/reset"} {
		p := b.get(path)
		mustStatus(t, p, http.StatusNotFound)
		contains(t, p, "main h1", "Member not found")
	}
	b.get("/admin")
	p := b.post("/admin/members/"+erin.ID+"/reset", url.Values{"revoke": {"1"}})
	mustStatus(t, p, http.StatusNotFound)
	contains(t, p, "main h1", "Member not found")
	if st := e.member(erin); st != before {
		t.Fatalf("Acme's member changed: %+v → %+v", before, st)
	}
	// Acme's members are not in Initech's list, not even by search.
	p = b.get("/admin?q=acme.example")
	exists(t, p, "#mfa-members table", false)

	// Ids of the wrong shape never reach Stytch.
	for _, id := range []string{"a.b", "x%20y", strings.Repeat("a", 129), "%3Cscript%3E"} {
		mustStatus(t, b.get("/admin/members/"+id), http.StatusNotFound)
		mustStatus(t, b.get("/admin/members/"+id+"/reset"), http.StatusNotFound)
	}
}

func TestAdminResetNeedsTheConfirmationForm(t *testing.T) {
	e := newEnv(t)
	acme := e.demo.Organization
	erin := acme.Enrolled
	b := e.browser()
	b.login("acme", acme.Admin.Email)
	reset := "/admin/members/" + erin.ID + "/reset"
	mustStatus(t, b.get(reset), http.StatusOK)
	before := e.member(erin)
	for _, tok := range []string{"", "forged"} {
		p := b.post(reset, url.Values{"_csrf": {tok}, "revoke": {"1"}})
		mustStatus(t, p, http.StatusForbidden)
		contains(t, p, "main h1", "This form has expired")
	}
	// Another site's form, posted with the admin's cookies but no token.
	req, _ := http.NewRequest(http.MethodPost, e.app.URL+reset, strings.NewReader("revoke=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	mustStatus(t, b.do(req), http.StatusForbidden)
	if st := e.member(erin); st != before || st.Phone != erin.Phone {
		t.Fatalf("a forged post changed the member: %+v → %+v", before, st)
	}
}

func TestAdminEscapesMemberNames(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	bulk, hostile := e.demo.Bulk, e.demo.Hostile
	b.login("initech", bulk.Admin.Email)
	for _, path := range []string{"/admin?q=" + url.QueryEscape("mallory"), "/admin/members/" + hostile.ID, "/admin/members/" + hostile.ID + "/reset"} {
		p := b.get(path)
		mustStatus(t, p, http.StatusOK)
		contains(t, p, "main", "<script>alert(1)</script> Mallory")
		contains(t, p, "main", hostile.Email)
		exists(t, p, "main script", false)
		if strings.Contains(p.body, "<script>alert") {
			t.Fatalf("%s: the name reached the page unescaped", path)
		}
	}
	// A hostile search is shown back as text too.
	p := b.get("/admin?q=" + url.QueryEscape(`"><script>alert(2)</script>`))
	mustStatus(t, p, http.StatusOK)
	exists(t, p, "main script", false)
	if strings.Contains(p.body, "<script>alert(2)") {
		t.Fatal("the search reached the page unescaped")
	}
}

// An admin changes their own phone like any member, with a code to it
// first: the admin pages link their own row to their change-phone flow,
// and a reset of their own, asked for by URL, goes there too and removes
// nothing.
func TestAdminOwnPhoneGoesToTheirOwnFlow(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, captureLog(&logs))
	acme := e.demo.Organization
	ada := acme.Admin
	b := e.browser()
	b.login("acme", ada.Email)
	enroll(t, e, b, "US", "(201) 555-0155")
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage("+12015550155").Code}}))
	if st := e.member(ada); st.Phone != "+12015550155" {
		t.Fatalf("the admin's phone: %+v", st)
	}

	reset := "/admin/members/" + ada.ID + "/reset"
	p := b.get("/admin")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `#mfa-members a[href="`+reset+`"]`, false)
	contains(t, p, `#mfa-members a[href="/replace"]`, "Change your phone")
	exists(t, p, `#mfa-members a[href="/admin/members/`+acme.Enrolled.ID+`/reset"]`, true)
	p = b.get("/admin/members/" + ada.ID)
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `main a[href="`+reset+`"]`, false)
	contains(t, p, `main a[href="/replace"]`, "Change your phone")

	for _, p := range []*page{b.get(reset), b.post(reset, url.Values{"revoke": {"1"}})} {
		if p.status != http.StatusSeeOther || p.location != "/replace" {
			t.Fatalf("own reset: %d %q, want 303 /replace", p.status, p.location)
		}
	}
	if st := e.member(ada); st.Phone != "+12015550155" || !st.MFAEnrolled || st.ActiveSessions == 0 {
		t.Fatalf("the admin's own reset changed something: %+v", st)
	}
	for _, l := range auditLines(t, logs.String()) {
		if strings.HasPrefix(l["action"].(string), "delete_mfa_phone") {
			t.Fatalf("a reset was audited: %v", l)
		}
	}
	// Where it leads: the code to their own phone first (once the resend
	// cooldown since the login's code has passed).
	e.emu.Advance(31 * time.Second)
	p = b.follow(b.post("/replace", nil))
	exists(t, p, `input[name=code]`, true)
	contains(t, p, "main", "+1 •••-•••-0155")
}
