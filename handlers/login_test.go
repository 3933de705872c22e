package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// askForLink submits the login form in b and returns the magic link's path.
func (b *browser) askForLink(org, email string) string {
	b.e.t.Helper()
	b.get("/login")
	mustStatus(b.e.t, b.post("/login", url.Values{"email": {email}, "organization": {org}}), http.StatusSeeOther)
	link, err := url.Parse(b.e.lastMessage(email).Link)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return link.RequestURI()
}

// A magic link is bound to the browser that asked for it (PKCE): opened
// anywhere else it logs nobody in, and it still works where it was asked for.
func TestMagicLinkOpenedElsewhereDoesNotLogIn(t *testing.T) {
	e := newEnv(t)
	max := e.demo.Organization.Member
	asker := e.browser()
	link := asker.askForLink("acme", max.Email)

	for name, other := range map[string]*browser{
		"fresh browser":                   e.browser(),
		"browser with a link of its own": func() *browser { b := e.browser(); b.askForLink("acme", e.demo.Organization.Admin.Email); return b }(),
	} {
		p := other.get(link)
		mustStatus(t, p, http.StatusBadRequest)
		contains(t, p, "main", "Open the link in the browser where you asked for it, or ask for a new link here")
		exists(t, p, `form input[name=email]`, true)
		if p := other.get("/"); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/login") {
			t.Fatalf("%s is logged in after opening someone else's link: %d %q", name, p.status, p.location)
		}
		if n := e.member(max).ActiveSessions; n != 0 {
			t.Fatalf("%s: %d sessions for the member", name, n)
		}
	}

	// The emulator refuses a wrong verifier without using up the link (as
	// Stytch does not document it otherwise), so the asker still logs in.
	p := asker.follow(asker.get(link))
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "You're logged in.")
	// The verifier went with the login: the link does not work twice.
	p = asker.get(link)
	mustStatus(t, p, http.StatusBadRequest)
	contains(t, p, "main", "expired or was already used")
}
