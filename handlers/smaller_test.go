package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFaviconIsNotA404(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/favicon.ico")
	mustStatus(t, p, http.StatusNoContent)
	if c := p.header.Get("Set-Cookie"); c != "" {
		t.Errorf("the favicon request set a cookie: %q", c)
	}
}

func TestAdminListSaysWhatItShowsOnce(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("initech", e.demo.Bulk.Admin.Email)

	p := b.get("/admin?filter=nonsense")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "#mfa-members [role=status]", "There is no such filter")
	if n := strings.Count(text(p, "main"), "Showing 1–50 of"); n != 1 {
		t.Errorf("“Showing 1–50 of” %d times", n)
	}
	p = b.get("/admin")
	exists(t, p, "#mfa-members [role=status]", false)
	contains(t, p, "thead", "Two-step verification")
	if strings.Contains(text(p, "main"), "MFA") {
		t.Errorf("the admin list still says MFA: %q", text(p, "main"))
	}
}

func TestLoggedOutIsAStatus(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	p := b.follow(b.post("/logout", nil))
	contains(t, p, "main [role=status]", "You're logged out")
	exists(t, p, "main [role=alert], main .mfa-alert-warn", false)
}

func TestCheckYourEmailOffersANewLink(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	email := e.demo.Organization.Member.Email
	b.get("/login")
	p := b.follow(b.post("/login", url.Values{"email": {email}, "organization": {"acme"}}))
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `form[method=post][action="/login"] input[type=hidden][name=email][value="`+email+`"]`, true)
	exists(t, p, `form[method=post][action="/login"] input[type=hidden][name=organization][value=acme]`, true)
	first := e.lastMessage(email).Link
	p = b.post("/login", url.Values{"email": {email}, "organization": {"acme"}})
	mustStatus(t, p, http.StatusSeeOther)
	if e.lastMessage(email).Link == first {
		t.Fatal("no new link was sent")
	}
}
