package stytchemu_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mfaportal/mfaportal/stytchemu"
)

func TestRedirectURLAllowList(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	send := func(redirect string) *resp {
		return v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{
			"organization_id": acme.ID, "email_address": acme.Member.Email, "login_redirect_url": redirect})
	}
	const refused = "no_match_for_provided_magic_link_url"

	// The default list: loopback on any port, path and query; the default redirect.
	for _, ok := range []string{"http://localhost:3000/api/callback?next=%2F", "http://127.0.0.1:8080/authenticate", "http://[::1]:5173/", "http://localhost/x", stytchemu.DefaultRedirectURL} {
		send(ok).ok(nil)
	}
	for _, bad := range []string{"https://evil.example/authenticate", "http://localhost.evil.example:3000/", "http://localhost:3000@evil.example/", "https://localhost:3000/", "javascript:alert(1)", "/relative"} {
		send(bad).fails(http.StatusBadRequest, refused)
	}

	// The Go API: wildcards for subdomains, ports and the end of the path; exact otherwise.
	if err := v.emu.SetRedirectURLs([]string{"https://*.example.com/auth/*", "https://app.example.org/authenticate", "https://any.example.net"}); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{"https://eu.example.com/auth/cb?x=1", "https://a.b.example.com/auth/", "https://app.example.org/authenticate", "https://any.example.net/some/path?q=1", stytchemu.DefaultRedirectURL} {
		send(ok).ok(nil)
	}
	for _, bad := range []string{"https://example.com/auth/cb", "https://eu.example.com/other", "https://app.example.org/authenticate?x=1", "https://app.example.org/authenticate/", "http://localhost:3000/", "https://app.example.org:8443/authenticate"} {
		send(bad).fails(http.StatusBadRequest, refused)
	}
	for _, malformed := range []string{"example.com/cb", "https://ex*ample.com/", "https://example.com/a*b", "https://user@example.com/"} {
		if err := v.emu.SetRedirectURLs([]string{malformed}); err == nil {
			t.Errorf("SetRedirectURLs accepted %q", malformed)
		}
	}

	// The dev endpoint: read, replace, add one.
	var got struct {
		RedirectURLs       []string `json:"redirect_urls"`
		DefaultRedirectURL string   `json:"default_redirect_url"`
	}
	dev := func(method string, body any) {
		t.Helper()
		r := v.req(method, "/dev/redirect_urls", body, noAuth)
		if r.status != http.StatusOK {
			t.Fatalf("%s /dev/redirect_urls: %d %s", method, r.status, r.body)
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
	}
	dev("PUT", map[string]any{"redirect_urls": []string{"https://app.example.org/authenticate"}})
	dev("POST", map[string]any{"url": "https://admin.example.org/cb"})
	dev("GET", nil)
	if len(got.RedirectURLs) != 2 || got.RedirectURLs[1] != "https://admin.example.org/cb" || got.DefaultRedirectURL != stytchemu.DefaultRedirectURL {
		t.Fatalf("GET /dev/redirect_urls: %+v", got)
	}
	send("https://admin.example.org/cb").ok(nil)
	v.req("PUT", "/dev/redirect_urls", map[string]any{"redirect_urls": []string{"nope"}}, noAuth).fails(http.StatusBadRequest, "bad_request")
	v.req("POST", "/dev/redirect_urls", map[string]any{}, noAuth).fails(http.StatusBadRequest, "bad_request")
	if urls := v.emu.RedirectURLs(); len(urls) != 2 {
		t.Fatalf("a refused change changed the list: %v", urls)
	}

	// Options.RedirectURLs replaces the default list; a malformed one is refused.
	emu, err := stytchemu.New(stytchemu.Options{RedirectURLs: []string{"https://app.example.org/authenticate"}})
	if err != nil || len(emu.RedirectURLs()) != 1 {
		t.Fatalf("Options.RedirectURLs: %v %v", emu.RedirectURLs(), err)
	}
	if _, err := stytchemu.New(stytchemu.Options{RedirectURLs: []string{"no scheme"}}); err == nil {
		t.Fatal("New accepted a malformed redirect URL")
	}
}

func TestRefusedRedirectChangesNothing(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	v.req("POST", "/v1/b2b/magic_links/email/login_or_signup", map[string]any{"organization_id": acme.ID, "email_address": "newcomer@acme.example",
		"signup_redirect_url": "https://evil.example/"}).fails(http.StatusBadRequest, "no_match_for_provided_magic_link_url")
	var out struct {
		Members []map[string]any `json:"members"`
	}
	v.req("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{acme.ID},
		"query": map[string]any{"operator": "AND", "operands": []any{map[string]any{"filter_name": "member_emails", "filter_value": []string{"newcomer@acme.example"}}}}}).ok(&out)
	if len(out.Members) != 0 || len(v.emu.Outbox()) != 0 {
		t.Fatalf("a refused signup created a member or sent mail: %v %v", out.Members, v.emu.Outbox())
	}
}
