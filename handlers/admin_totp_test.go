package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/logging"
)

// Admins see who has an app, filter by method, and can remove a member's
// app with their own session; the member's recovery codes go with it.
func TestAdminSeesAndRemovesAnApp(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *handlers.Options) { o.Audit = logging.NewAudit(&logs, "json") })
	acme := e.demo.Organization
	member := e.browser()
	member.login("acme", acme.Member.Email)
	setUpApp(t, e, member, acme.Member)
	member.follow(member.post("/recovery-codes/saved", nil))

	admin := e.browser()
	admin.login("acme", acme.Admin.Email)
	p := admin.get("/admin?filter=app")
	mustStatus(t, p, http.StatusOK)
	rows := p.doc.Find("main tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), acme.Member.Email) {
		t.Fatalf("filter app: %d rows: %s", rows.Length(), rows.Text())
	}
	contains(t, p, "main tbody tr .mfa-app", "yes")
	exists(t, p, `select[name=filter] option[value=app][selected]`, true)
	p = admin.get("/admin?filter=sms")
	if got := text(p, "main tbody"); strings.Contains(got, acme.Member.Email) || !strings.Contains(got, acme.Enrolled.Email) {
		t.Fatalf("filter sms: %s", got)
	}
	p = admin.get("/admin?filter=no-method")
	if got := text(p, "main tbody"); strings.Contains(got, acme.Member.Email) || strings.Contains(got, acme.Enrolled.Email) {
		t.Fatalf("filter no-method: %s", got)
	}

	detail := "/admin/members/" + acme.Member.ID
	p = admin.get(detail)
	contains(t, p, "main .mfa-recovery-left", "10 recovery codes left")
	exists(t, p, `main a[href="`+detail+`/remove-app"]`, true)
	p = admin.get(detail + "/remove-app")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main h1", acme.Member.Email)
	p = admin.post(detail+"/remove-app", nil)
	mustStatus(t, p, http.StatusSeeOther)
	p = admin.follow(p)
	contains(t, p, ".mfa-flash", "authenticator app of")
	contains(t, p, "main", "Not set up")
	if st := e.member(acme.Member); st.TOTPRegistrationID != "" || st.RecoveryCodes != 0 {
		t.Fatalf("after the admin removed the app: %+v", st)
	}
	// Again: nothing to remove, nothing changes.
	p = admin.post(detail+"/remove-app", nil)
	mustStatus(t, p, http.StatusConflict)
	contains(t, p, "main", "Nothing was changed")
	if !strings.Contains(strings.Join(auditActions(t, logs.String()), ","), "delete_totp "+acme.Admin.ID) {
		t.Fatalf("no audit line for the removal:\n%s", logs.String())
	}

	// A plain member cannot.
	mustStatus(t, member.post(detail+"/remove-app", nil), http.StatusForbidden)
}
