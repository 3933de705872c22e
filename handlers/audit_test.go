package handlers_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/logging"
)

// auditActions are the actions of the audit lines in log, each with the
// member who acted ("action member_id").
func auditActions(t *testing.T, log string) []string {
	t.Helper()
	var out []string
	for _, l := range auditLines(t, log) {
		if l["audit"] != true || l["organization_id"] == "" || l["time"] == "" {
			t.Errorf("audit line without its mark, organization or time: %v", l)
		}
		out = append(out, l["action"].(string)+" "+l["member_id"].(string))
	}
	return out
}

// With LOG_LEVEL=warn an enrolment and an admin's reset are still audited:
// through mfaportal's own audit logger (main's), and through a host's
// logger that writes warnings only, with no audit logger given.
func TestAuditAtLogLevelWarn(t *testing.T) {
	setups := map[string]func(*syncBuffer) func(*handlers.Options){
		"logging.NewAudit": func(b *syncBuffer) func(*handlers.Options) {
			return func(o *handlers.Options) {
				o.Logger = logging.New(b, "json", slog.LevelWarn)
				o.Audit = logging.NewAudit(b, "json")
			}
		},
		"host logger at warn": func(b *syncBuffer) func(*handlers.Options) {
			return func(o *handlers.Options) {
				o.Logger = slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelWarn}))
			}
		},
	}
	for name, setup := range setups {
		t.Run(name, func(t *testing.T) {
			var logs syncBuffer
			e := newEnv(t, setup(&logs))
			acme := e.demo.Organization
			member := e.browser()
			member.login("acme", acme.Member.Email)
			enroll(t, e, member, "US", "(201) 555-0177")
			member.follow(member.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}}))

			admin := e.browser()
			admin.login("acme", acme.Admin.Email)
			reset := "/admin/members/" + acme.Enrolled.ID + "/reset"
			admin.get(reset)
			mustStatus(t, admin.post(reset, nil), http.StatusSeeOther)

			want := []string{"mfa_on " + acme.Member.ID, "delete_mfa_phone " + acme.Admin.ID}
			if got := auditActions(t, logs.String()); strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Fatalf("audit lines %q, want %q; log:\n%s", got, want, logs.String())
			}
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				if !strings.Contains(line, `"audit":true`) && !strings.Contains(line, `"level":"WARN"`) && !strings.Contains(line, `"level":"ERROR"`) {
					t.Errorf("an ordinary line below warn got through: %s", line)
				}
			}
			if strings.Contains(logs.String(), "2015550177") {
				t.Errorf("a whole number reached the log:\n%s", logs.String())
			}
		})
	}
}

// A member's own changes are audited as well as admins': codes on, codes
// off, the old phone removed when changing it, and an unconfirmed number
// removed by Cancel.
func TestAuditMemberChanges(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, captureLog(&logs))
	acme := e.demo.Organization
	max, erin := acme.Member, acme.Enrolled

	b := e.browser()
	b.login("acme", max.Email)
	enroll(t, e, b, "US", "(201) 555-0177")
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}}))
	mustStatus(t, b.get("/unenroll"), http.StatusOK)
	e.emu.Advance(31 * time.Second) // the resend cooldown for this number
	b.follow(b.post("/unenroll", nil))
	p := b.follow(b.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}}))
	contains(t, p, "main", "Text message codes are off")

	b = e.browser()
	b.loginWithCode("acme", erin)
	b.get("/replace")
	e.emu.Advance(31 * time.Second)
	b.follow(b.post("/replace", nil))
	p = b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	contains(t, p, "main", "old number has been removed")
	enroll(t, e, b, "US", "201-555-0199")
	p = b.follow(b.post("/verify/cancel", nil))
	contains(t, p, "main", "Cancelled")
	if st := e.member(erin); st.Phone != "" {
		t.Fatalf("the unconfirmed number is still set: %+v", st)
	}

	want := []string{
		"mfa_on " + max.ID,
		"mfa_off " + max.ID,
		"delete_mfa_phone_for_replace " + erin.ID,
		"delete_unconfirmed_mfa_phone " + erin.ID,
	}
	if got := auditActions(t, logs.String()); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("audit lines %q, want %q", got, want)
	}
	for _, l := range auditLines(t, logs.String()) {
		if strings.HasPrefix(l["action"].(string), "delete_") && !strings.HasPrefix(l["stytch_request_id"].(string), "request-id-test-") {
			t.Errorf("a removal without Stytch's reference: %v", l)
		}
	}
}
