package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func title(p *page) string { return strings.TrimSpace(p.doc.Find("title").First().Text()) }

// Each code step has a title of its own, and a page showing a mistake
// says so in its title.
func TestCodeStepsHaveTheirOwnTitles(t *testing.T) {
	e := newEnv(t)
	acme := e.demo.Organization
	b := e.browser()
	b.login("acme", acme.Enrolled.Email)
	login := title(b.get("/verify"))
	p := b.post("/verify", url.Values{"code": {"12"}})
	mustStatus(t, p, http.StatusOK)
	if got := title(p); got != "Error: "+login {
		t.Errorf("title with a wrong code %q, want the step's title after \"Error: \" (%q)", got, login)
	}
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(acme.Enrolled.Phone).Code}}))
	e.emu.Advance(31 * time.Second)
	b.get("/replace")
	change := title(b.follow(b.post("/replace", nil)))
	b.post("/verify/cancel", nil)
	e.emu.Advance(31 * time.Second)
	b.get("/unenroll")
	off := title(b.follow(b.post("/unenroll", nil)))

	m := e.browser()
	m.login("acme", acme.Member.Email)
	enroll := title(enroll(t, e, m, "US", "201 555 0177"))

	seen := map[string]string{}
	for step, got := range map[string]string{"login": login, "change phone": change, "turn off": off, "enrollment": enroll} {
		if got == "" || strings.HasPrefix(got, "Enter your code") {
			t.Errorf("%s: title %q", step, got)
		}
		if other, ok := seen[got]; ok {
			t.Errorf("%s and %s share the title %q", step, other, got)
		}
		seen[got] = step
	}
	if !strings.HasPrefix(login, "Log in") || !strings.HasPrefix(change, "Change your phone") || !strings.Contains(off, "Turn off") {
		t.Errorf("titles: login %q, change %q, turn off %q", login, change, off)
	}

	// A form with mistakes says so in its title.
	p = m.post("/login", nil)
	if got := title(p); !strings.HasPrefix(got, "Error: ") {
		t.Errorf("login form with mistakes: title %q", got)
	}
}

func TestSignInLinkProblemHasAMatchingHeading(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/authenticate?stytch_token_type=multi_tenant_magic_links&token=nope")
	mustStatus(t, p, http.StatusBadRequest)
	contains(t, p, "main h1", "Login link problem")
	if got := title(p); !strings.Contains(got, "Login link problem") {
		t.Errorf("title %q", got)
	}
}

func TestCSRFPageSaysWhatHappenedAndWhatToDo(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := b.post("/enroll", url.Values{"_csrf": {"forged"}, "region": {"US"}, "number": {"2015550177"}})
	mustStatus(t, p, http.StatusForbidden)
	contains(t, p, "main h1", "This form has expired")
	if got := title(p); !strings.HasPrefix(got, "This form has expired") {
		t.Errorf("title %q", got)
	}
	contains(t, p, "main", "opened in another tab")
	contains(t, p, "main", "reload the page, and send the form again")
	contains(t, p, "main", "Nothing was changed")
}
