package handlers_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/stytchemu"
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
		"fresh browser":                  e.browser(),
		"browser with a link of its own": func() *browser { b := e.browser(); b.askForLink("acme", e.demo.Organization.Admin.Email); return b }(),
	} {
		p := other.get(link)
		mustStatus(t, p, http.StatusBadRequest)
		contains(t, p, "main", "Open the link in the browser where you asked for it, or send a new link here")
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

// answer is what a browser sees for one login form submission: the POST's
// answer and the page it leads to.
type answer struct {
	post, sent *page
}

func (b *browser) submitLogin(org, email string) answer {
	b.e.t.Helper()
	b.get("/login")
	form := url.Values{"email": {email}}
	if org != "" {
		form.Set("organization", org)
	}
	post := b.post("/login", form)
	return answer{post: post, sent: b.follow(post)}
}

// csrfValue finds the per-browser CSRF token, in a form field or in htmx's headers.
var csrfValue = regexp.MustCompile(`(name="_csrf" value="|X-CSRF-Token&#34;:&#34;)[^"&]*`)

// sameAnswers checks every answer is the first one's, byte for byte, once
// the address and organization shown are taken out: same status, same
// headers (but the cookie, the Date and the request id), same body but the
// per-browser CSRF token. Tests stop the app's clock, so pages show one time.
func sameAnswers(t *testing.T, answers map[string]answer, shown map[string][]string) {
	t.Helper()
	norm := func(name string, p *page) (string, http.Header) {
		body := csrfValue.ReplaceAllString(p.body, `${1}TOKEN`)
		for i, s := range shown[name] {
			body = strings.ReplaceAll(body, ">"+s+"<", fmt.Sprintf(">SHOWN%d<", i))
			body = strings.ReplaceAll(body, `value="`+s+`"`, fmt.Sprintf(`value="SHOWN%d"`, i)) // "Send a new link" sends them again
		}
		h := p.header.Clone()
		for _, k := range []string{"Set-Cookie", "Date", "X-Request-Id"} {
			h.Del(k)
		}
		return body, h
	}
	var first string
	for name := range answers {
		if first == "" || name < first {
			first = name
		}
	}
	for name, a := range answers {
		for i, pair := range [][2]*page{{answers[first].post, a.post}, {answers[first].sent, a.sent}} {
			wantBody, wantHeader := norm(first, pair[0])
			gotBody, gotHeader := norm(name, pair[1])
			if pair[0].status != pair[1].status || pair[0].location != pair[1].location {
				t.Errorf("%s vs %s, step %d: %d %q vs %d %q", name, first, i, pair[1].status, pair[1].location, pair[0].status, pair[0].location)
			}
			if a, b := cookieShapes(pair[0]), cookieShapes(pair[1]); a != b {
				t.Errorf("%s vs %s, step %d: cookies differ in name or size: %s vs %s", name, first, i, b, a)
			}
			if !reflect.DeepEqual(wantHeader, gotHeader) {
				t.Errorf("%s vs %s, step %d: headers differ:\n%v\n%v", name, first, i, gotHeader, wantHeader)
			}
			if gotBody != wantBody {
				t.Errorf("%s vs %s, step %d: bodies differ:\n%s\n---\n%s", name, first, i, gotBody, wantBody)
			}
		}
	}
}

func stoppedClock(o *handlers.Options) {
	now := time.Now()
	o.Now = func() time.Time { return now }
}

// cookieShapes lists the cookies a page sets by name and value length: the
// values differ (fresh keys, nonces), their sizes must not.
func cookieShapes(p *page) string {
	var out []string
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		out = append(out, fmt.Sprintf("%s:%d", c.Name, len(c.Value)))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// The login form must not tell who has an account or which organizations
// exist: a known address, an unknown one and an unknown organization get
// the same answer, and only the known address gets an e-mail.
func TestLoginAnswersAlikeForEveryAddressAndOrganization(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, stoppedClock, func(o *handlers.Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	known := e.demo.Organization.Member.Email // max@acme.example
	stranger := strings.Replace(known, "acme", "acne", 1)
	if len(stranger) != len(known) || stranger == known {
		t.Fatalf("the test wants addresses of one length: %q %q", known, stranger)
	}
	answers := map[string]answer{
		"known":        e.browser().submitLogin("acme", known),
		"unknown":      e.browser().submitLogin("acme", stranger),
		"no-such-org":  e.browser().submitLogin("acne", known),
		"joins-by-jit": e.browser().submitLogin("acme", "zed@acme.example"),
	}
	mustStatus(t, answers["known"].post, http.StatusSeeOther)
	if cookieShapes(answers["known"].post) == "" {
		t.Fatal("the login form set no cookie")
	}
	if !strings.HasSuffix(answers["known"].post.location, "/login/sent") {
		t.Fatalf("location %q", answers["known"].post.location)
	}
	contains(t, answers["unknown"].sent, "main", "Check your e-mail")
	contains(t, answers["unknown"].sent, "main", "If "+stranger+" can log in to acme, a link is on its way.")
	sameAnswers(t, answers, map[string][]string{
		"known": {known, "acme"}, "unknown": {stranger, "acme"}, "no-such-org": {known, "acne"}, "joins-by-jit": {"zed@acme.example", "acme"},
	})

	if _, ok := e.emu.LastMessage(stranger); ok {
		t.Error("an e-mail went to an address that may not join")
	}
	if n := len(e.emu.Outbox()); n != 2 {
		t.Errorf("%d e-mails sent, want 2 (the member and the address that may join)", n)
	}
	for _, want := range []string{"error_type=invalid_email_for_jit_provisioning", "organization=acne", "error_type=organization_not_found"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), stranger) {
		t.Errorf("the log has the address in full:\n%s", logs.String())
	}
}

// With one organization configured, the form has no organization field and
// answers alike for every address too.
func TestLoginAnswersAlikeWithOneOrganization(t *testing.T) {
	e := newEnv(t, stoppedClock, func(o *handlers.Options) { o.Organization = "acme" })
	exists(t, e.browser().get("/login"), `input[name=organization]`, false)
	known := e.demo.Organization.Member.Email
	stranger := strings.Replace(known, "acme", "acne", 1)
	answers := map[string]answer{
		"known":   e.browser().submitLogin("", known),
		"unknown": e.browser().submitLogin("", stranger),
	}
	mustStatus(t, answers["known"].post, http.StatusSeeOther)
	contains(t, answers["known"].sent, "main", "If "+known+" can log in here, a link is on its way.")
	sameAnswers(t, answers, map[string][]string{"known": {known}, "unknown": {stranger}})
}

// Malformed input still gets its field error: that tells nothing about
// accounts. Stytch being down still gets the page that says so.
func TestLoginFieldErrorsAndStytchDown(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.get("/login")
	p := b.post("/login", url.Values{"email": {"not-an-address"}, "organization": {"Bad Slug!"}})
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `input[name=email][aria-invalid=true]`, true)
	exists(t, p, `input[name=organization][aria-invalid=true]`, true)

	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/magic_links/email/login_or_signup", Status: 503, ErrorType: "internal_server_error", Count: 1})
	p = b.post("/login", url.Values{"email": {e.demo.Organization.Member.Email}, "organization": {"acme"}})
	mustStatus(t, p, http.StatusServiceUnavailable)
	contains(t, p, "main", "We couldn't reach")
}
