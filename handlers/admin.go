package handlers

import (
	"cmp"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// Organization admins: the member list with its MFA columns, one member's
// details, and resetting a member's phone (optionally signing them out).
// Every Stytch call here carries the admin's own session
// (X-Stytch-Member-Session), so Stytch's RBAC and tenancy rules decide
// what is allowed; requireAdmin in front only gives a clear page early.

const (
	adminPageSize   = 50     // members per page of the list
	adminSearchPage = 1000   // Stytch's largest members/search page
	adminMaxMembers = 10_000 // the list stops here and says so
	minEmailSearch  = 3      // Stytch's fuzzy filters need 3 characters
	maxEmailSearch  = 254    // the longest e-mail address
)

// requireAdmin is requireMember for members whose session roles include
// stytch_admin.
func (a *app) requireAdmin(c echo.Context) (*session.State, error) {
	s, err := a.requireMember(c)
	if err != nil {
		return nil, err
	}
	if !s.Profile.IsAdmin {
		return nil, &pageError{
			status:         http.StatusForbidden,
			heading:        "error.notAdmin.heading",
			message:        "error.notAdmin.message",
			nothingChanged: true,
		}
	}
	return s, nil
}

func memberNotFound() *pageError {
	return &pageError{
		status:         http.StatusNotFound,
		heading:        "error.memberNotFound.heading",
		message:        "error.memberNotFound.message",
		nothingChanged: true,
		retryURL:       "/admin",
		retryLabel:     "common.backToMembers",
	}
}

// memberIDShape is loose on purpose: Stytch decides whether the member
// exists; this only keeps junk out of the Stytch URL.
var memberIDShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func adminMemberID(c echo.Context) (string, error) {
	id := c.Param("member_id")
	if !memberIDShape.MatchString(id) {
		return "", memberNotFound()
	}
	return id, nil
}

func memberPath(id string) string { return "/admin/members/" + url.PathEscape(id) }

// adminMembers is the member list.
//
// Stytch's members/search cannot filter on MFA enrolment, so the list
// fetches all of the organization's members (1000 per call, following
// next_cursor, stopping at adminMaxMembers and saying so), then filters,
// counts and pages them here. The summary and the filters then agree with
// each other, and a page is a slice of one consistent answer; the paging
// cursor is our own offset. An e-mail search is the one filter Stytch
// does (member_email_fuzzy), so only matching members are fetched.
func (a *app) adminMembers(c echo.Context) error {
	s, err := a.requireAdmin(c)
	if err != nil {
		return err
	}
	v := views.AdminMembersPage{
		Page:             a.page(c, tr(c).T("title.members"), s),
		OrganizationName: s.Profile.OrganizationName,
		Filter:           c.QueryParam("filter"),
		Query:            strings.TrimSpace(c.QueryParam("q")),
	}
	if !slices.Contains([]string{views.AdminFilterMFAOn, views.AdminFilterMFAOff, views.AdminFilterUnverified,
		views.AdminFilterApp, views.AdminFilterSMS, views.AdminFilterNoMethod}, v.Filter) {
		if v.Filter != "" && v.Filter != views.AdminFilterAll {
			v.FilterHint = tr(c).T("admin.filterUnknown", "Show", tr(c).T("admin.show"))
		}
		v.Filter = views.AdminFilterAll
	}
	v.ActionURL = v.URL("/admin")
	search := ""
	switch n := utf8.RuneCountInString(v.Query); {
	case n == 0:
	case n < minEmailSearch:
		v.QueryHint = tr(c).T("admin.queryShort", "Min", tr(c).Number(minEmailSearch))
	case n > maxEmailSearch:
		v.QueryHint = tr(c).T("admin.queryLong")
	default:
		search = v.Query
	}
	if v.Query != "" {
		v.ClearURL = adminListURL(v.Page, v.Filter, "", 0)
	}

	members, capped, err := a.searchOrgMembers(c, s, search)
	if err != nil {
		return withRetry(err, "/admin", "common.tryAgain")
	}
	slices.SortFunc(members, func(x, y identity.Member) int {
		return cmp.Or(cmp.Compare(strings.ToLower(x.Email), strings.ToLower(y.Email)), cmp.Compare(x.ID, y.ID))
	})
	v.Summary = mfaSummary(tr(c), members, search)
	if capped {
		v.Capped = tr(c).Plural("admin.capped", adminMaxMembers)
	}

	rows := slices.DeleteFunc(members, func(m identity.Member) bool { return !matchesFilter(m, v.Filter) })
	from := decodeCursor(c.QueryParam("cursor"), len(rows))
	to := min(from+adminPageSize, len(rows))
	for _, m := range rows[from:to] {
		v.Members = append(v.Members, adminMember(v.Page, m, s.MemberID))
	}
	v.Showing = tr(c).T("admin.showingNone")
	if len(rows) > 0 {
		v.Showing = tr(c).Plural("admin.showing", len(rows), "From", tr(c).Number(from+1), "To", tr(c).Number(to))
	}
	if from > 0 {
		v.PrevURL = adminListURL(v.Page, v.Filter, search, max(from-adminPageSize, 0))
	}
	if to < len(rows) {
		v.NextURL = adminListURL(v.Page, v.Filter, search, to)
	}
	return a.render(c, http.StatusOK, v.Page, views.AdminMembersContent(v))
}

// searchOrgMembers fetches the members of the admin's organization whose
// e-mail contains emailFuzzy ("" for all), at most adminMaxMembers; capped
// says there were more.
func (a *app) searchOrgMembers(c echo.Context, s *session.State, emailFuzzy string) (members []identity.Member, capped bool, err error) {
	q := identity.MemberQuery{EmailContains: emailFuzzy, Limit: adminSearchPage}
	for {
		page, err := a.idp.Members(c.Request().Context(), caller(s), q)
		if err != nil {
			return nil, false, err
		}
		members = append(members, page.Members...)
		if len(members) >= adminMaxMembers {
			return members[:adminMaxMembers], len(members) > adminMaxMembers || page.Next != "", nil
		}
		if page.Next == "" || len(page.Members) == 0 {
			return members, false, nil
		}
		q.Cursor = page.Next
	}
}

// findOrgMember looks one member up with the admin's session, within the
// admin's organization.
func (a *app) findOrgMember(c echo.Context, s *session.State, id string) (identity.Member, error) {
	m, err := a.idp.Member(c.Request().Context(), caller(s), id)
	switch {
	case identity.Is(err, identity.NotFound):
		return identity.Member{}, memberNotFound()
	case err != nil:
		return identity.Member{}, withRetry(err, "/admin", "common.backToMembers")
	}
	return m, nil
}

// adminTarget is the admin's session and the member the URL names,
// looked up within the admin's organization.
func (a *app) adminTarget(c echo.Context) (*session.State, identity.Member, error) {
	s, err := a.requireAdmin(c)
	if err != nil {
		return nil, identity.Member{}, err
	}
	id, err := adminMemberID(c)
	if err != nil {
		return nil, identity.Member{}, err
	}
	m, err := a.findOrgMember(c, s, id)
	return s, m, err
}

// adminMemberPage shows one member's details.
func (a *app) adminMemberPage(c echo.Context) error {
	s, m, err := a.adminTarget(c)
	if err != nil {
		return err
	}
	title := cmp.Or(m.Name, m.Email)
	v := views.AdminMemberPage{Page: a.page(c, title, s)}
	v.Member, v.ListURL = adminMember(v.Page, m, s.MemberID), v.URL("/admin")
	if v.Member.App && a.apps != nil {
		if codes, err := a.apps.RecoveryCodes(c.Request().Context(), caller(s), m.ID); err == nil {
			v.Member.RecoveryLeft = len(codes)
		}
	}
	if s.Flash != "" {
		v.Flash, s.Flash = s.Flash, ""
		if err := a.save(c, s); err != nil {
			return err
		}
	}
	return a.render(c, http.StatusOK, v.Page, views.AdminMemberContent(v))
}

// adminResetConfirm names the member and says what a reset does, before
// anything changes.
func (a *app) adminResetConfirm(c echo.Context) error {
	s, m, err := a.adminTarget(c)
	if err != nil {
		return err
	}
	id := m.ID
	if id == s.MemberID {
		return a.redirect(c, "/replace")
	}
	v := views.AdminResetPage{Page: a.page(c, tr(c).T("title.resetPhone"), s), Next: a.resetNext(m, s.Profile.MFARequired),
		CanTurnOff: a.canTurnOffAtReset(m, s.Profile.MFARequired)}
	v.Member = adminMember(v.Page, m, s.MemberID)
	v.ActionURL, v.CancelURL = v.URL(memberPath(id)+"/reset"), v.URL(memberPath(id))
	return a.render(c, http.StatusOK, v.Page, views.AdminResetContent(v))
}

// adminReset deletes the member's MFA phone and, when asked, ends all of
// their sessions (deleting a phone leaves them alive), then logs an
// audit line. Admins change their own phone like everyone else, with a
// code to it first: a reset of their own goes to their settings' flow.
func (a *app) adminReset(c echo.Context) error {
	s, m, err := a.adminTarget(c)
	if err != nil {
		return err
	}
	id := m.ID
	if id == s.MemberID {
		return a.redirect(c, "/replace")
	}
	noPhone := &pageError{status: http.StatusConflict, heading: "error.memberNoPhone.heading",
		message: "error.memberNoPhone.message", nothingChanged: true,
		retryURL: memberPath(id), retryLabel: "common.backToMember"}
	if !allowedActions(memberState(m, false)).Reset {
		return noPhone
	}
	signOut := c.FormValue("revoke") != ""
	turnOff := c.FormValue("then") == views.ResetTurnOff
	if turnOff && !a.canTurnOffAtReset(m, s.Profile.MFARequired) {
		return &pageError{status: http.StatusConflict, heading: "error.cannotTurnOffMember.heading",
			message:        "error.cannotTurnOffMember.message",
			nothingChanged: true, retryURL: memberPath(id) + "/reset", retryLabel: "common.backToReset"}
	}
	ctx := c.Request().Context()
	res, err := a.idp.RemovePhone(ctx, caller(s), id)
	switch {
	case identity.Is(err, identity.NoFactor):
		return noPhone
	case err != nil:
		return withRetry(err, "/admin", "common.backToMembers")
	}
	done := &session.AdminReset{MemberID: id, Name: res.Name, Email: res.Email}
	action := "delete_mfa_phone"
	attrs := []slog.Attr{slog.String("target_member_id", id), a.backendRef(res.Ref)}
	if turnOff {
		// With the admin's session, so the backend's permissions decide here too.
		up, err := a.idp.SetTextCodes(ctx, caller(s), id, false)
		if err != nil {
			done.TurnOffFail = describe(err).say(tr(c))
			a.log.InfoContext(ctx, "turning a member's two-step verification off failed", "target_member_id", id, "err", err)
		} else {
			done.TurnedOff = true
			action += "+mfa_off"
			attrs = append(attrs, a.backendRefFor("update", up.Ref))
		}
	} else {
		done.NewPhoneNeeded = res.TextCodes && !res.App
	}
	if signOut {
		ref, err := a.idp.EndSessions(ctx, caller(s), id)
		if err != nil {
			done.SignOutFail = describe(err).say(tr(c))
			a.log.InfoContext(ctx, "revoking a member's sessions failed", "target_member_id", id, "err", err)
		} else {
			done.SignedOut = true
			action += "+revoke_sessions"
			attrs = append(attrs, a.backendRefFor("revoke", ref))
		}
	}
	a.audit(c, s, action, attrs...)
	s.AdminReset = done
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, memberPath(id)+"/reset/done")
}

// adminResetDone says what the reset did, once: a reload finds nothing to
// show and goes to the member's page instead of repeating the reset.
func (a *app) adminResetDone(c echo.Context) error {
	s, err := a.requireAdmin(c)
	if err != nil {
		return err
	}
	id, err := adminMemberID(c)
	if err != nil {
		return err
	}
	done := s.AdminReset
	if done == nil || done.MemberID != id {
		return redirectTo(memberPath(id))
	}
	s.AdminReset = nil
	if err := a.save(c, s); err != nil {
		return err
	}
	v := views.AdminResetDonePage{Page: a.page(c, tr(c).T("admin.doneHeading"), s), Name: done.Name, Email: done.Email,
		SignedOut: done.SignedOut, SignOutFail: done.SignOutFail,
		TurnedOff: done.TurnedOff, TurnOffFail: done.TurnOffFail, NewPhoneNeeded: done.NewPhoneNeeded}
	v.DetailURL, v.ListURL = v.URL(memberPath(id)), v.URL("/admin")
	return a.render(c, http.StatusOK, v.Page, views.AdminResetDoneContent(v))
}

// canTurnOffAtReset says whether an admin resetting m's phone may also
// turn their two-step verification off: only where the organization's
// policy lets members go without it, and only when the phone is their one
// method (an app keeps it on, and is theirs to remove).
func (a *app) canTurnOffAtReset(m identity.Member, required bool) bool {
	return a.features.ResetKeepsSecondStep && !required && m.TextCodes && !m.App
}

// resetNext is what the member meets at their next login after a reset
// that keeps two-step verification as it is.
func (a *app) resetNext(m identity.Member, required bool) string {
	switch {
	case !a.features.ResetKeepsSecondStep && m.TextCodes:
		return views.ResetNextCodesOff
	case m.App:
		return views.ResetNextApp
	case m.TextCodes || required:
		return views.ResetNextNewPhone
	}
	return views.ResetNextNothing
}

// adminMember is what the admin pages show of a member; self is the
// admin's own member id.
func adminMember(p views.Page, m identity.Member, self string) views.AdminMember {
	v := views.AdminMember{
		ID:            m.ID,
		Name:          m.Name,
		Email:         m.Email,
		Status:        m.Status,
		MFAEnrolled:   m.TextCodes,
		PhoneVerified: m.PhoneVerified,
		DefaultMethod: m.DefaultMethod,
		App:           m.App,
		RecoveryLeft:  -1,
		DetailURL:     p.URL(memberPath(m.ID)),
	}
	switch {
	case !allowedActions(memberState(m, false)).ResetApp:
	case m.ID == self: // their own app goes after a fresh code, like anyone's
		v.RemoveAppURL = p.URL("/totp/remove")
	default:
		v.RemoveAppURL = p.URL(memberPath(m.ID) + "/remove-app")
	}
	if m.Phone != "" {
		v.PhoneMasked = phone.Mask(m.Phone)
	}
	switch {
	case !allowedActions(memberState(m, false)).Reset:
	case m.ID == self: // no reset without a code: their own change-phone flow
		v.Self, v.ResetURL = true, p.URL("/replace")
	default:
		v.ResetURL = p.URL(memberPath(m.ID) + "/reset")
	}
	return v
}

func matchesFilter(m identity.Member, filter string) bool {
	switch filter {
	case views.AdminFilterMFAOn:
		return m.TextCodes
	case views.AdminFilterMFAOff:
		return !m.TextCodes
	case views.AdminFilterUnverified:
		return m.Phone != "" && !m.PhoneVerified
	case views.AdminFilterApp:
		return m.App
	case views.AdminFilterSMS:
		return m.Phone != "" && m.PhoneVerified
	case views.AdminFilterNoMethod:
		return !m.App && !m.PhoneVerified
	}
	return true
}

// mfaSummary is "38 of 52 members have two-step verification on".
func mfaSummary(l *locale.Localizer, members []identity.Member, search string) string {
	on := 0
	for _, m := range members {
		if m.TextCodes {
			on++
		}
	}
	switch {
	case len(members) == 0 && search != "":
		return l.T("admin.summaryNoneSearch", "Query", search)
	case len(members) == 0:
		return l.T("admin.summaryNone")
	case search != "":
		return l.Plural("admin.summarySearch", len(members), "On", l.Number(on), "Query", search)
	}
	return l.Plural("admin.summary", len(members), "On", l.Number(on))
}

// The paging cursor is opaque to people: base64 of the offset into the
// filtered list. Anything that does not decode to the start of a page
// within the list means the first page.

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(cursor string, total int) int {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
	if err != nil || !strings.HasPrefix(string(raw), "offset:") || n < 0 || n >= total || n%adminPageSize != 0 {
		return 0
	}
	return n
}

// adminListURL is the member list with a filter, a search and a page.
func adminListURL(p views.Page, filter, q string, offset int) string {
	vals := url.Values{}
	if filter != views.AdminFilterAll {
		vals.Set("filter", filter)
	}
	if q != "" {
		vals.Set("q", q)
	}
	if offset > 0 {
		vals.Set("cursor", encodeCursor(offset))
	}
	if len(vals) == 0 {
		return p.URL("/admin")
	}
	return p.URL("/admin") + "?" + vals.Encode()
}

// adminRemoveAppConfirm names the member and says what removing their
// app does, before anything changes.
func (a *app) adminRemoveAppConfirm(c echo.Context) error {
	s, m, err := a.adminTarget(c)
	if err != nil {
		return err
	}
	if m.ID == s.MemberID {
		return a.redirect(c, "/totp/remove")
	}
	if !allowedActions(memberState(m, false)).ResetApp {
		return redirectTo(memberPath(m.ID))
	}
	v := views.AdminRemoveAppPage{Page: a.page(c, tr(c).T("title.removeApp"), s)}
	v.Member = adminMember(v.Page, m, s.MemberID)
	v.ActionURL, v.CancelURL = v.URL(memberPath(m.ID)+"/remove-app"), v.URL(memberPath(m.ID))
	return a.render(c, http.StatusOK, v.Page, views.AdminRemoveAppContent(v))
}

// adminRemoveApp deletes the member's authenticator app (and so their
// recovery codes) with the admin's own session, so Stytch's RBAC decides,
// and logs an audit line. An admin's own app goes through their settings'
// flow, with a code first.
func (a *app) adminRemoveApp(c echo.Context) error {
	s, m, err := a.adminTarget(c)
	if err != nil {
		return err
	}
	id := m.ID
	if id == s.MemberID {
		return a.redirect(c, "/totp/remove")
	}
	noApp := &pageError{status: http.StatusConflict, heading: "error.memberNoApp.heading",
		message: "error.memberNoApp.message", nothingChanged: true,
		retryURL: memberPath(id), retryLabel: "common.backToMember"}
	if !allowedActions(memberState(m, false)).ResetApp {
		return noApp
	}
	res, err := a.apps.RemoveApp(c.Request().Context(), caller(s), id)
	switch {
	case identity.Is(err, identity.NoFactor):
		return noApp
	case err != nil:
		return withRetry(err, memberPath(id), "common.backToMember")
	}
	a.audit(c, s, "delete_totp", slog.String("target_member_id", id), a.backendRef(res.Ref))
	s.Flash = tr(c).T("flash.adminAppRemoved", "Name", cmp.Or(res.Name, res.Email))
	return a.saveAndRedirect(c, s, memberPath(id))
}
