package views

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

const testToken = "csrf-token-123"

func samplePage(title string) Page {
	return Page{
		Title:     title,
		BasePath:  "/settings/security",
		CSRFToken: testToken,
		Member:    &Member{Name: "Ada Lovelace", Email: "ada@acme.test", OrganizationName: "Acme Inc"},
		Now:       1_700_000_000,
		RequestID: "req-42",
	}
}

func render(t *testing.T, c templ.Component) (string, *goquery.Document) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return buf.String(), doc
}

// renderPage renders content inside the full layout and runs the checks
// every page must pass.
func renderPage(t *testing.T, p Page, content templ.Component) *goquery.Document {
	t.Helper()
	_, doc := render(t, Layout(p, content))
	checkCommon(t, doc)
	return doc
}

var (
	jargon   = regexp.MustCompile(`E\.164|\bOTP\b|\bIST\b|MFA factor`)
	htmxName = regexp.MustCompile(`^htmx-`)
)

func checkCommon(t *testing.T, doc *goquery.Document) {
	t.Helper()
	// CSP: no inline style or script.
	if n := doc.Find("[style]").Length(); n > 0 {
		t.Errorf("%d elements have a style attribute", n)
	}
	if doc.Find("style").Length() > 0 {
		t.Error("page has a <style> element")
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); src == "" || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("inline script: %s", outer(s))
		}
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("inline event handler %s on <%s>", a.Key, goquery.NodeName(s))
			}
		}
	})
	// Every class is ours.
	doc.Find("[class]").Each(func(_ int, s *goquery.Selection) {
		cls, _ := s.Attr("class")
		for _, c := range strings.Fields(cls) {
			if !strings.HasPrefix(c, "mfa-") && !htmxName.MatchString(c) {
				t.Errorf("class %q lacks the mfa- prefix", c)
			}
		}
	})
	// Every visible input has a label.
	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "hidden" || typ == "submit" {
			return
		}
		id, _ := s.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("input without a label: %s", outer(s))
		}
	})
	// aria-describedby points at elements that exist; invalid inputs are described.
	doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		ids, _ := s.Attr("aria-describedby")
		for _, id := range strings.Fields(ids) {
			if doc.Find("#"+id).Length() != 1 {
				t.Errorf("aria-describedby %q of %s names no element", id, outer(s))
			}
		}
	})
	doc.Find(`[aria-invalid="true"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		ids, _ := s.Attr("aria-describedby")
		if !strings.Contains(" "+ids+" ", " "+ErrorID(name)+" ") {
			t.Errorf("invalid input %q is not described by its error %q (describedby %q)", name, ErrorID(name), ids)
		}
	})
	// Every POST form carries the CSRF token and posts under the mount point.
	doc.Find("form").Each(func(_ int, s *goquery.Selection) {
		if m, _ := s.Attr("method"); m != "post" {
			t.Errorf("form method %q, want post", m)
		}
		if v, _ := s.Find(`input[type="hidden"][name="_csrf"]`).Attr("value"); v != testToken {
			t.Errorf("form %s lacks the CSRF field", outer(s))
		}
		if a, _ := s.Attr("action"); !strings.HasPrefix(a, "/settings/security/") {
			t.Errorf("form action %q is not under the base path", a)
		}
	})
	// Error summary links lead to fields.
	doc.Find("#error-summary a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if doc.Find(href).Length() != 1 {
			t.Errorf("error summary link %q leads nowhere", href)
		}
	})
	if n := doc.Find("[autofocus]").Length(); n > 1 {
		t.Errorf("%d elements have autofocus", n)
	}
	if m := jargon.FindString(doc.Find("body").Text()); m != "" {
		t.Errorf("jargon in front of people: %q", m)
	}
}

func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}

func attr(s *goquery.Selection, name string) string {
	v, _ := s.Attr(name)
	return v
}

func mustFind(t *testing.T, doc *goquery.Document, sel string) *goquery.Selection {
	t.Helper()
	s := doc.Find(sel)
	if s.Length() == 0 {
		t.Fatalf("nothing matches %q", sel)
	}
	return s
}

func mustNotFind(t *testing.T, doc *goquery.Document, sel string) {
	t.Helper()
	if n := doc.Find(sel).Length(); n > 0 {
		t.Errorf("%d elements match %q, want none", n, sel)
	}
}

func TestLayout(t *testing.T) {
	p := samplePage("Security settings")
	p.Flash = "Text message codes are on."
	p.Dev = &Dev{Backend: "Stytch", OutboxURL: "http://127.0.0.1:9999/outbox"}
	p.Member.IsAdmin = true
	doc := renderPage(t, p, SettingsContent(SettingsPage{Page: p}))

	if got := doc.Find("title").Text(); got != "Security settings · mfaportal" {
		t.Errorf("title %q", got)
	}
	body := mustFind(t, doc, "body > div.mfa-root") // Embedded, in our own document
	if attr(body, "hx-boost") != "true" || attr(body, "hx-select") != "#main" || attr(body, "hx-target") != "#main" {
		t.Errorf("root attributes: %s", outer(body)[:200])
	}
	var hdr map[string]string
	if err := json.Unmarshal([]byte(attr(body, "hx-headers")), &hdr); err != nil || hdr["X-CSRF-Token"] != testToken {
		t.Errorf("hx-headers %q: %v", attr(body, "hx-headers"), err)
	}
	if got := attr(doc.Find(`link[rel="stylesheet"]`), "href"); got != "/settings/security/static/app.css" {
		t.Errorf("stylesheet %q", got)
	}
	var srcs []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("defer"); !ok {
			t.Errorf("script without defer: %s", outer(s))
		}
		srcs = append(srcs, attr(s, "src"))
	})
	if strings.Join(srcs, " ") != "/settings/security/static/htmx-2.0.11.min.js /settings/security/static/app.js" {
		t.Errorf("scripts %v", srcs)
	}
	mustFind(t, doc, `a.mfa-skip[href="#main"]`)
	main := mustFind(t, doc, `main#main[tabindex="-1"]`)
	if attr(main, "data-now") != "1700000000" {
		t.Errorf("data-now %q", attr(main, "data-now"))
	}
	if got := main.Find(`[role="status"]`).First().Text(); got != p.Flash {
		t.Errorf("flash %q", got)
	}
	header := doc.Find("header")
	for _, want := range []string{"Ada Lovelace", "ada@acme.test", "Acme Inc"} {
		if !strings.Contains(header.Text(), want) {
			t.Errorf("header lacks %q", want)
		}
	}
	mustFind(t, doc, `header form[action="/settings/security/logout"] button`)
	mustFind(t, doc, `header a[href="/settings/security/admin"]`)
	out := mustFind(t, doc, `header .mfa-demo a[href="http://127.0.0.1:9999/outbox"]`)
	if attr(out, "target") != "_blank" || attr(out, "rel") != "noopener" {
		t.Errorf("outbox link %s", outer(out))
	}
	if !strings.Contains(doc.Find("header .mfa-demo").Text(), "Demo: this runs on a built-in Stytch emulator") {
		t.Error("demo banner missing")
	}

	// Not an admin, not dev, logged out.
	p = samplePage("Log in")
	p.Member.IsAdmin = false
	doc = renderPage(t, p, ErrorContent(ErrorPage{Page: p}))
	mustNotFind(t, doc, `a[href$="/admin"]`)
	mustNotFind(t, doc, ".mfa-demo")
	p.Member = nil
	doc = renderPage(t, p, ErrorContent(ErrorPage{Page: p}))
	mustNotFind(t, doc, "header form")
}

func TestPartial(t *testing.T) {
	p := samplePage("Enter your code")
	html, doc := render(t, Partial(p, ErrorContent(ErrorPage{Page: p, Heading: "Oops"})))
	// htmx only takes a <title> at the top level of a partial response.
	if !strings.HasPrefix(html, "<title>Enter your code · mfaportal</title>") {
		t.Errorf("partial does not start with the title: %.80s", html)
	}
	if strings.Contains(html, "<html") || strings.Contains(html, "<body") || strings.Contains(html, "<script") {
		t.Error("partial contains document parts")
	}
	mustFind(t, doc, "main#main h1")
	if attr(mustFind(t, doc, "header#mfa-header"), "hx-swap-oob") != "true" {
		t.Error("the header is not swapped out of band")
	}
}

func TestLogin(t *testing.T) {
	p := samplePage("Log in")
	p.Member = nil
	v := LoginPage{Page: p, AskOrg: true, Notice: "That link has expired. Ask for a new one below."}
	doc := renderPage(t, p, LoginContent(v))
	email := mustFind(t, doc, `input[name="email"][type="email"]`)
	if attr(email, "autocomplete") != "email" {
		t.Errorf("email autocomplete %q", attr(email, "autocomplete"))
	}
	if _, ok := email.Attr("autofocus"); !ok {
		t.Error("fresh form: the e-mail input should have autofocus")
	}
	mustFind(t, doc, `form[action="/settings/security/login"]`)
	org := mustFind(t, doc, `input[name="organization"]`)
	if attr(org, "aria-describedby") != "organization-hint" {
		t.Errorf("organization describedby %q", attr(org, "aria-describedby"))
	}
	mustNotFind(t, doc, "#error-summary")
	if !strings.Contains(doc.Find("main").Text(), v.Notice) {
		t.Error("notice missing")
	}

	// Errors: summary, messages, first invalid field focused.
	v.Notice = ""
	v.Errors = Errors{{Field: "organization", Message: "Enter your organization's short name."}, {Field: "email", Message: "Enter your e-mail address."}}
	doc = renderPage(t, p, LoginContent(v))
	sum := mustFind(t, doc, `#error-summary[role="alert"][tabindex="-1"]`)
	if sum.Find("a").Length() != 2 {
		t.Errorf("summary links: %d", sum.Find("a").Length())
	}
	org = doc.Find(`input[name="organization"]`)
	if _, ok := org.Attr("autofocus"); !ok {
		t.Error("the first invalid field should have autofocus")
	}
	if attr(org, "aria-invalid") != "true" || attr(org, "aria-describedby") != "organization-hint err-organization" {
		t.Errorf("organization input %s", outer(org))
	}
	if attr(doc.Find(`input[name="email"]`), "aria-invalid") != "true" {
		t.Error("email not marked invalid")
	}

	// Without AskOrg no organization field; no dev list outside dev.
	v = LoginPage{Page: p}
	doc = renderPage(t, p, LoginContent(v))
	mustNotFind(t, doc, `input[name="organization"]`)
	mustNotFind(t, doc, ".mfa-demo-list")

	// Dev mode: the demo accounts, each a one-click login.
	v.Dev = &Dev{Backend: "Stytch", OutboxURL: "/dev/outbox", Accounts: []DemoAccount{
		{Organization: "acme", OrganizationName: "Acme Inc", Email: "ada@acme.test", Name: "Ada Admin", Note: "admin"},
		{Organization: "acme", OrganizationName: "Acme Inc", Email: "bob@acme.test", Name: "Bob Member", Note: "text message codes off"},
	}}
	doc = renderPage(t, p, LoginContent(v))
	forms := doc.Find(".mfa-demo-list form")
	if forms.Length() != 2 {
		t.Fatalf("demo forms: %d", forms.Length())
	}
	first := forms.First()
	if got := strings.Join(strings.Fields(first.Find("button").Text()), " "); got != "Log in as Ada Admin (admin, Acme Inc)" {
		t.Errorf("demo button %q", got)
	}
	if attr(first.Find(`input[name="email"]`), "value") != "ada@acme.test" || attr(first.Find(`input[name="organization"]`), "value") != "acme" {
		t.Errorf("demo form fields: %s", outer(first))
	}
	if attr(first, "action") != "/settings/security/login" {
		t.Errorf("demo form action %q", attr(first, "action"))
	}
	mustFind(t, doc, `main a[href="/dev/outbox"][target="_blank"]`)
}

func TestLoginSent(t *testing.T) {
	p := samplePage("Check your e-mail")
	p.Member = nil
	p.Dev = &Dev{Backend: "Stytch", OutboxURL: "/dev/outbox"}
	doc := renderPage(t, p, LoginSentContent(LoginSentPage{Page: p, Email: "ada@acme.test"}))
	if !strings.Contains(doc.Find("main").Text(), "ada@acme.test") {
		t.Error("address missing")
	}
	if !strings.Contains(mustFind(t, doc, `main a[href="/dev/outbox"]`).Text(), "Open the dev outbox") {
		t.Error("outbox button missing")
	}
	mustFind(t, doc, `main a[href="/settings/security/login"]`)
}

func TestSettings(t *testing.T) {
	p := samplePage("Security settings")
	links := func(doc *goquery.Document) string {
		var out []string
		doc.Find("main a, main form").Each(func(_ int, s *goquery.Selection) {
			out = append(out, attr(s, "href")+attr(s, "action"))
		})
		return strings.Join(out, " ")
	}

	t.Run("enrolled, free to choose", func(t *testing.T) {
		v := SettingsPage{Page: p, MFAEnrolled: true, SMSOn: true, PhoneMasked: "+44 •••• ••••89", PhoneVerified: true, CanReplace: true, CanUnenroll: true}
		doc := renderPage(t, p, SettingsContent(v))
		if got := links(doc); got != "/settings/security/replace /settings/security/unenroll" {
			t.Errorf("actions %q", got)
		}
		main := doc.Find("main").Text()
		for _, want := range []string{"Two-step verification by text message", "+44 •••• ••••89", "verified", "lets each member choose"} {
			if !strings.Contains(main, want) {
				t.Errorf("missing %q", want)
			}
		}
		if doc.Find(".mfa-badge-on").First().Text() != "On" {
			t.Error("status badge is not On")
		}
	})
	t.Run("required by the organization", func(t *testing.T) {
		v := SettingsPage{Page: p, MFAEnrolled: true, PhoneMasked: "+1 •••-•••-0123", PhoneVerified: true, RequiredByOrg: true, CanReplace: true,
			UnenrollBlocked: "Your organization requires two-step verification for everyone, so it can't be turned off."}
		doc := renderPage(t, p, SettingsContent(v))
		mustNotFind(t, doc, `a[href$="/unenroll"]`)
		main := doc.Find("main").Text()
		if !strings.Contains(main, v.UnenrollBlocked) || !strings.Contains(main, "requires two-step verification for everyone") {
			t.Errorf("blocked note or policy missing: %s", main)
		}
	})
	t.Run("not enrolled", func(t *testing.T) {
		v := SettingsPage{Page: p, CanEnroll: true}
		doc := renderPage(t, p, SettingsContent(v))
		if got := links(doc); got != "/settings/security/enroll" {
			t.Errorf("actions %q", got)
		}
		if doc.Find(".mfa-badge-off").First().Text() != "Off" {
			t.Error("status badge is not Off")
		}
		mustNotFind(t, doc, ".mfa-pending")
	})
	t.Run("phone set, codes off", func(t *testing.T) {
		v := SettingsPage{Page: p, PhoneMasked: "+1 •••-•••-0123", PhoneVerified: true, CanTurnOn: true, CanReplace: true}
		doc := renderPage(t, p, SettingsContent(v))
		if got := links(doc); got != "/settings/security/enroll/turn-on /settings/security/replace" {
			t.Errorf("actions %q", got)
		}
	})
	t.Run("replace stopped halfway", func(t *testing.T) {
		v := SettingsPage{Page: p, MFAEnrolled: true, PendingSetup: true, CanEnroll: true}
		doc := renderPage(t, p, SettingsContent(v))
		pending := mustFind(t, doc, ".mfa-pending")
		if !strings.Contains(pending.Text(), "No phone set — finish setting up") {
			t.Error("pending warning text")
		}
		mustFind(t, doc, `.mfa-pending a.mfa-button-primary[href="/settings/security/enroll"]`)
		if got := links(doc); got != "/settings/security/enroll" {
			t.Errorf("actions %q (the set-up link should appear once)", got)
		}
		if !strings.Contains(doc.Find("main").Text(), "No phone set") {
			t.Error("phone line")
		}
	})
}

func samplePhone(p Page) PhonePage {
	return PhonePage{
		Page:    p,
		Purpose: PurposeEnroll,
		Countries: []Country{
			{Region: "DE", Name: "Germany", DialCode: "+49", Example: "01512 3456789"},
			{Region: "GB", Name: "United Kingdom", DialCode: "+44", Example: "07400 123456"},
		},
		Region:    "GB",
		Example:   "07400 123456",
		ActionURL: p.URL("/enroll"),
		CancelURL: p.URL("/"),
	}
}

func TestPhone(t *testing.T) {
	p := samplePage("Add a phone")
	v := samplePhone(p)
	doc := renderPage(t, p, PhoneContent(v))
	if got := doc.Find("h1").Text(); got != "Add a phone for text message codes" {
		t.Errorf("heading %q", got)
	}
	sel := mustFind(t, doc, `select[name="region"]`)
	if attr(sel, "autocomplete") != "tel-country-code" {
		t.Errorf("select autocomplete %q", attr(sel, "autocomplete"))
	}
	if n := sel.Find("optgroup, option[disabled]").Length(); n != 0 {
		t.Fatalf("the picker offers countries codes can't go to: %s", outer(sel))
	}
	if got := sel.Find("option").First().Text(); got != "Germany (+49)" {
		t.Errorf("first option %q", got)
	}
	// The fresh form starts at its first field, the country.
	if _, ok := sel.Attr("autofocus"); !ok {
		t.Errorf("the country select should have autofocus: %s", outer(sel))
	}
	sel.Find("option:not([disabled])").Each(func(_ int, o *goquery.Selection) {
		if attr(o, "data-example") == "" {
			t.Errorf("option without data-example: %s", outer(o))
		}
	})
	if got := attr(sel.Find("option[selected]"), "value"); got != "GB" {
		t.Errorf("selected %q", got)
	}
	num := mustFind(t, doc, `input[name="number"]`)
	for k, want := range map[string]string{"type": "tel", "autocomplete": "tel-national", "inputmode": "tel", "placeholder": "07400 123456", "aria-describedby": "number-hint"} {
		if got := attr(num, k); got != want {
			t.Errorf("number %s = %q, want %q", k, got, want)
		}
	}
	if got := doc.Find("#number-hint").Text(); !strings.Contains(got, "Example: 07400 123456") {
		t.Errorf("hint %q", got)
	}
	mustFind(t, doc, `form[action="/settings/security/enroll"]`)
	mustFind(t, doc, `main a[href="/settings/security/"]`)

	v.Errors = Errors{{Field: "number", Message: "That doesn't look like a UK mobile number."}}
	v.Number = "12"
	doc = renderPage(t, p, PhoneContent(v))
	num = doc.Find(`input[name="number"]`)
	if attr(num, "aria-invalid") != "true" || attr(num, "aria-describedby") != "number-hint err-number" || attr(num, "value") != "12" {
		t.Errorf("invalid number input: %s", outer(num))
	}
	if _, ok := num.Attr("autofocus"); !ok {
		t.Error("invalid number should have autofocus")
	}
	mustFind(t, doc, `#error-summary a[href="#f-number"]`)

	for purpose, want := range map[string]string{PurposeReplace: "Add your new phone", PurposeLogin: "Your organization requires two-step verification"} {
		v := samplePhone(p)
		v.Purpose = purpose
		v.CancelURL = ""
		doc := renderPage(t, p, PhoneContent(v))
		if got := doc.Find("h1").Text(); got != want {
			t.Errorf("%s heading %q", purpose, got)
		}
		mustNotFind(t, doc, "main a")
	}
}

func sampleCode(p Page) CodePage {
	return CodePage{
		Page:          p,
		Kind:          CodeEnroll,
		PhoneMasked:   "+44 •••• ••••56",
		ActionURL:     p.URL("/verify"),
		ResendURL:     p.URL("/verify/resend"),
		CancelURL:     p.URL("/verify/cancel"),
		ResendIn:      30,
		ExpiresAt:     time.Unix(1_700_000_120, 0),
		ExpiresAtUnix: 1_700_000_120,
		ResendAtUnix:  1_700_000_030,
		SubmitLabel:   "Turn on",
		StateNote:     "Text message codes are not on yet.",
	}
}

func TestCode(t *testing.T) {
	p := samplePage("Enter your code")
	v := sampleCode(p)
	doc := renderPage(t, p, CodeContent(v))
	code := mustFind(t, doc, `input[name="code"]`)
	for k, want := range map[string]string{"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 -]*", "maxlength": "9"} {
		if got := attr(code, k); got != want {
			t.Errorf("code %s = %q, want %q", k, got, want)
		}
	}
	for _, a := range []string{"required", "autofocus"} {
		if _, ok := code.Attr(a); !ok {
			t.Errorf("code input lacks %s", a)
		}
	}
	if got := strings.TrimSpace(doc.Find(`label[for="f-code"]`).Text()); got != "6-digit code" {
		t.Errorf("label %q", got)
	}
	main := seenText(doc.Find("main"))
	for _, want := range []string{"Confirm your phone", "We sent a 6-digit code to +44 •••• ••••56.", v.StateNote, "This code expires at 10:15 PM UTC."} {
		if !strings.Contains(main, want) {
			t.Errorf("missing %q", want)
		}
	}
	if got := attr(doc.Find("#code-expiry time[data-local-time]"), "datetime"); got != "2023-11-14T22:15:20Z" {
		t.Errorf("expiry time datetime %q", got)
	}
	if attr(doc.Find("[data-expires-at]"), "data-expires-at") != "1700000120" {
		t.Error("data-expires-at")
	}
	if got := strings.TrimSpace(doc.Find(`form[action="/settings/security/verify"] button[type="submit"]`).Text()); got != "Turn on" {
		t.Errorf("submit %q", got)
	}
	cd := mustFind(t, doc, "[data-countdown]")
	if attr(cd, "data-countdown") != "1700000030" || cd.Text() != "30" {
		t.Errorf("countdown %s", outer(cd))
	}
	resend := mustFind(t, doc, `form[action="/settings/security/verify/resend"] button`)
	// Enabled in the HTML: without JavaScript nothing would ever enable it,
	// and the server refuses an early resend with a message anyway.
	if _, ok := resend.Attr("disabled"); ok {
		t.Error("resend must not be disabled in the HTML (app.js disables it during the countdown)")
	}
	if got := strings.TrimSpace(doc.Find(`form[action="/settings/security/verify/cancel"] button`).Text()); got != "Cancel" {
		t.Errorf("cancel %q", got)
	}

	t.Run("resend allowed", func(t *testing.T) {
		v := sampleCode(p)
		v.ResendIn = 0
		doc := renderPage(t, p, CodeContent(v))
		mustNotFind(t, doc, "[data-countdown]")
		b := mustFind(t, doc, `form[action="/settings/security/verify/resend"] button`)
		if _, ok := b.Attr("disabled"); ok || strings.TrimSpace(b.Text()) != "Send a new code" {
			t.Errorf("resend %s", outer(b))
		}
	})
	t.Run("wrong code", func(t *testing.T) {
		v := sampleCode(p)
		v.Errors = Errors{{Field: "code", Message: "That code isn't right."}}
		doc := renderPage(t, p, CodeContent(v))
		c := doc.Find(`input[name="code"]`)
		if attr(c, "aria-invalid") != "true" || !strings.Contains(attr(c, "aria-describedby"), "err-code") {
			t.Errorf("code input %s", outer(c))
		}
		mustFind(t, doc, `#error-summary a[href="#f-code"]`)
	})
	t.Run("expired", func(t *testing.T) {
		v := sampleCode(p)
		v.Expired, v.ResendIn = true, 0
		doc := renderPage(t, p, CodeContent(v))
		mustNotFind(t, doc, `input[name="code"]`)
		if !strings.Contains(doc.Find("main").Text(), "This code has expired.") {
			t.Error("expired text")
		}
		mustFind(t, doc, `form[action="/settings/security/verify/resend"] button:not([disabled])`)
	})
	t.Run("locked", func(t *testing.T) {
		v := sampleCode(p)
		v.Kind, v.Locked, v.LockedUntil = CodeStepUp, true, time.Unix(1_700_003_600, 0)
		doc := renderPage(t, p, CodeContent(v))
		mustNotFind(t, doc, `input[name="code"]`)
		mustNotFind(t, doc, `form[action$="/verify/resend"]`)
		if !strings.Contains(doc.Find("main").Text(), "Too many wrong codes. For your security, codes are blocked until 11:13 PM UTC. Nothing was changed.") {
			t.Error("lock text")
		}
		if got := attr(doc.Find(`main time[data-local-time]`), "datetime"); got != "2023-11-14T23:13:20Z" {
			t.Errorf("lock time datetime %q", got)
		}
		if got := strings.TrimSpace(doc.Find(`form[action$="/verify/cancel"] button`).Text()); got != "Cancel — keep my current phone" {
			t.Errorf("cancel %q", got)
		}
		v.CancelURL = ""
		doc = renderPage(t, p, CodeContent(v))
		mustFind(t, doc, `main a[href="/settings/security/"]`)
	})
	t.Run("login code sent by Stytch", func(t *testing.T) {
		v := sampleCode(p)
		v.Kind, v.AutoSentByStytch = CodeLogin, true
		doc := renderPage(t, p, CodeContent(v))
		if !strings.Contains(seenText(doc.Find("main")), "We texted a 6-digit code to +44 •••• ••••56 when you opened the link.") {
			t.Error("auto-sent intro")
		}
	})
	for kind, want := range map[string]string{CodeLogin: "Enter the code we texted you", CodeStepUp: "First, confirm it's you", CodeUnenroll: "Confirm to turn off text message codes"} {
		v := sampleCode(p)
		v.Kind = kind
		_, doc := render(t, CodeContent(v))
		if got := doc.Find("h1").Text(); got != want {
			t.Errorf("%s heading %q", kind, got)
		}
	}
}

func TestConfirm(t *testing.T) {
	p := samplePage("Change your phone number")
	v := ConfirmPage{Page: p, Kind: CodeStepUp, PhoneMasked: "+1 •••-•••-0123", ActionURL: p.URL("/replace"), CancelURL: p.URL("/")}
	doc := renderPage(t, p, ConfirmContent(v))
	if doc.Find("h1").Text() != "Change your phone number" || doc.Find("ol li").Length() != 3 {
		t.Errorf("stepup page: %s", doc.Find("main").Text())
	}
	if !strings.Contains(doc.Find("ol").Text(), "+1 •••-•••-0123") || !strings.Contains(doc.Find("main").Text(), "you will not get text message codes") {
		t.Error("steps or halfway warning")
	}
	if got := strings.TrimSpace(mustFind(t, doc, `form[action="/settings/security/replace"] button`).Text()); got != "Text me a code" {
		t.Errorf("submit %q", got)
	}
	mustFind(t, doc, `main a[href="/settings/security/"]`)

	v = ConfirmPage{Page: p, Kind: CodeUnenroll, PhoneMasked: "+1 •••-•••-0123", ActionURL: p.URL("/unenroll"), CancelURL: p.URL("/")}
	doc = renderPage(t, p, ConfirmContent(v))
	if doc.Find("h1").Text() != "Turn off text message codes" {
		t.Error("unenroll heading")
	}
	mustFind(t, doc, `form[action="/settings/security/unenroll"]`)

	v.Blocked = "Your organization requires two-step verification for everyone."
	doc = renderPage(t, p, ConfirmContent(v))
	mustNotFind(t, doc, "main form")
	if !strings.Contains(doc.Find("main").Text(), v.Blocked) {
		t.Error("blocked reason")
	}
	mustFind(t, doc, `main a[href="/settings/security/"]`)
}

func TestError(t *testing.T) {
	p := samplePage("Stytch is unreachable")
	v := ErrorPage{Page: p, Status: 502, Heading: "Stytch is unreachable", Message: "We couldn't reach Stytch.", NothingChanged: true, RetryURL: p.URL("/verify")}
	doc := renderPage(t, p, ErrorContent(v))
	main := doc.Find("main").Text()
	for _, want := range []string{"Stytch is unreachable", "We couldn't reach Stytch.", "Nothing was changed", "Reference: req-42"} {
		if !strings.Contains(main, want) {
			t.Errorf("missing %q", want)
		}
	}
	if got := mustFind(t, doc, `main a[href="/settings/security/verify"]`).Text(); got != "Try again" {
		t.Errorf("retry label %q", got)
	}
	mustFind(t, doc, `main a[href="/settings/security/"]`)

	v.NothingChanged, v.RetryURL, v.Page.RequestID = false, "", ""
	doc = renderPage(t, v.Page, ErrorContent(v))
	main = doc.Find("main").Text()
	if strings.Contains(main, "Nothing was changed") || strings.Contains(main, "Reference") {
		t.Errorf("unexpected text: %s", main)
	}
	if doc.Find("main a").Length() != 1 {
		t.Error("only the way back to settings expected")
	}
}

func TestURLsWithoutBasePath(t *testing.T) {
	p := samplePage("Security settings")
	p.BasePath = ""
	_, doc := render(t, SettingsContent(SettingsPage{Page: p, CanEnroll: true}))
	mustFind(t, doc, `a[href="/enroll"]`)
	_, doc = render(t, ErrorContent(ErrorPage{Page: p}))
	mustFind(t, doc, `a[href="/"]`)
}
