package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/PuerkitoBio/goquery"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// englishSentences are the fixed parts of every English message, between
// its placeholders, of four words or more: none may show on a page in
// another language.
func englishSentences(t *testing.T) []string {
	t.Helper()
	b, err := locale.CatalogBytes(language.English)
	if err != nil {
		t.Fatal(err)
	}
	f, err := i18n.ParseMessageFileBytes(b, locale.CatalogFile(language.English), map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		t.Fatal(err)
	}
	hole := regexp.MustCompile(`{{[^}]*}}`)
	var out []string
	for _, m := range f.Messages {
		for _, form := range []string{m.One, m.Other} {
			for _, part := range hole.Split(form, -1) {
				part = strings.Join(strings.Fields(part), " ")
				if len(strings.Fields(part)) >= 4 {
					out = append(out, part)
				}
			}
		}
	}
	return out
}

// visible is what a person meets on a page: its title and text, and the
// words of labels that are attributes.
func visible(p *page) string {
	parts := []string{p.doc.Find("title").Text(), p.doc.Find("body").Text()}
	for _, attr := range []string{"aria-label", "alt", "placeholder", "data-label"} {
		p.doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr(attr)
			parts = append(parts, v)
		})
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// speak makes b's next pages be in lang, as the switcher's cookie does.
func (b *browser) speak(lang string) {
	u, _ := url.Parse(b.e.app.URL + "/")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "mfaportal_lang", Value: lang, Path: "/"}})
}

// pageStates walks the page states the handler tests reach, in b's
// language, and hands each to check with a name.
func pageStates(t *testing.T, e *env, lang string, check func(name string, p *page)) {
	t.Helper()
	b := e.browser()
	b.speak(lang)
	check("login", b.get("/login"))
	check("login form errors", b.post("/login", url.Values{"email": {"nope"}, "organization": {"-"}}))
	check("login sent", b.follow(b.post("/login", url.Values{"email": {"nobody@acme.example"}, "organization": {"acme"}})))
	check("link problem", b.get("/authenticate?stytch_token_type=multi_tenant_magic_links&token=nope"))
	check("403 CSRF", b.post("/login", url.Values{"_csrf": {"forged"}, "email": {"a@b.example"}}))
	check("404", b.get("/no-such-page"))

	max := e.demo.Organization.Member
	check("settings, no method", b.login("acme", max.Email))
	check("enroll phone form", b.get("/enroll"))
	check("phone form errors", b.post("/enroll", url.Values{"region": {"US"}, "number": {"12"}}))
	check("code entry", b.follow(b.post("/enroll", url.Values{"region": {"US"}, "number": {"201 555 0177"}})))
	check("resend too early", b.post("/verify/resend", nil))
	check("wrong code", b.post("/verify", url.Values{"code": {"000000"}}))
	code := e.lastMessage("+12015550177").Code
	check("settings, text messages on", b.follow(b.post("/verify", url.Values{"code": {code}})))
	check("confirm replace", b.get("/replace"))
	check("confirm unenroll", b.get("/unenroll"))
	check("TOTP setup", b.follow(b.post("/totp", nil)))
	check("recovery codes", b.follow(b.post("/verify", url.Values{"code": {e.appCode(max)}})))
	check("settings, app and text messages", b.follow(b.post("/recovery-codes/saved", nil)))
	check("409 step expired", b.post("/recovery-codes/saved", nil))
	check("remove app step-up", b.get("/totp/remove"))
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 503, ErrorType: "internal_server_error", Count: 1})
	check("503 Stytch down", b.post("/replace", nil))

	admin := e.browser()
	admin.speak(lang)
	admin.login("acme", e.demo.Organization.Admin.Email)
	check("admin list", admin.get("/admin"))
	erin := e.demo.Organization.Enrolled
	check("admin member", admin.get("/admin/members/"+erin.ID))
	check("admin reset", admin.get("/admin/members/"+erin.ID+"/reset"))
	check("admin reset done", admin.follow(admin.post("/admin/members/"+erin.ID+"/reset", url.Values{"revoke": {"1"}})))

	limited := e.browser()
	limited.speak(lang)
	limited.get("/login")
	var p *page
	for i := 0; i < 3; i++ {
		p = limited.post("/login", url.Values{"email": {"flood@acme.example"}, "organization": {"acme"}})
	}
	check("429 too many e-mails", p)
}

// inLanguage checks a page for <html lang=lang> and no English sentence.
func inLanguage(t *testing.T, lang string, english []string) func(name string, p *page) {
	return func(name string, p *page) {
		t.Helper()
		if got, _ := p.doc.Find("html").Attr("lang"); got != lang {
			t.Errorf("%s: <html lang=%q>", name, got)
		}
		seen := visible(p)
		for _, s := range english {
			if strings.Contains(seen, s) {
				t.Errorf("%s (%d): English %q on the %s page", name, p.status, s, lang)
			}
		}
	}
}

// TestPagesHaveNoEnglishInOtherLanguages renders every page state above
// in each language but English and looks for English sentences.
func TestPagesHaveNoEnglishInOtherLanguages(t *testing.T) {
	english := englishSentences(t)
	for _, l := range locale.Languages()[1:] {
		t.Run(l.Lang(), func(t *testing.T) {
			e := newEnv(t, func(o *handlers.Options) { o.Limits.LoginPerEmail = handlers.Rate{N: 2, Per: time.Hour} })
			pageStates(t, e, l.Lang(), inLanguage(t, l.Lang(), english))
		})
	}
}

// TestZITADELPagesHaveNoEnglishInOtherLanguages walks the page states
// only ZITADEL has (a number changed in place, codes on and off without
// a code, its admin pages) in each language but English.
func TestZITADELPagesHaveNoEnglishInOtherLanguages(t *testing.T) {
	english := englishSentences(t)
	for _, l := range locale.Languages()[1:] {
		t.Run(l.Lang(), func(t *testing.T) {
			be := zitadelBackend(t)
			check := inLanguage(t, l.Lang(), english)
			b := be.e.browser()
			b.speak(l.Lang())
			check("settings, no method", be.login(b, be.member))
			check("enroll phone form", b.get("/enroll"))
			check("code entry", b.follow(b.post("/enroll", url.Values{"region": {"US"}, "number": {"201 555 0177"}})))
			check("wrong code", b.post("/verify", url.Values{"code": {"WRONG1"}}))
			check("settings, codes on", b.follow(b.post("/verify", url.Values{"code": {be.code("+12015550177")}})))
			check("replace", b.get("/replace"))
			check("new number's code", b.follow(b.post("/replace/phone", url.Values{"region": {"US"}, "number": {"201 555 0188"}})))
			check("settings, new number confirmed", b.follow(b.post("/verify", url.Values{"code": {be.code("+12015550188")}})))
			check("confirm unenroll", b.get("/unenroll"))
			check("settings, codes off", b.follow(b.post("/unenroll", nil)))

			admin := be.e.browser()
			admin.speak(l.Lang())
			be.login(admin, be.admin)
			check("admin list", admin.get("/admin"))
			check("admin member", admin.get("/admin/members/"+be.enrolled.id))
			check("admin reset", admin.get("/admin/members/"+be.enrolled.id+"/reset"))
			check("admin reset done", admin.follow(admin.post("/admin/members/"+be.enrolled.id+"/reset", url.Values{})))
		})
	}
}

// getWith fetches path with an Accept-Language header.
func (b *browser) getWith(path, acceptLanguage string) *page {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.app.URL+path, nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	return b.do(req)
}

func htmlLangDir(p *page) (string, string) {
	lang, _ := p.doc.Find("html").Attr("lang")
	dir, _ := p.doc.Find("html").Attr("dir")
	return lang, dir
}

func TestLanguageFromAcceptLanguageThenSwitcher(t *testing.T) {
	e := newEnv(t)
	for header, want := range map[string][2]string{
		"":                  {"en", "ltr"},
		"de-DE,de;q=0.9":    {"de", "ltr"},
		"ar-EG,ar;q=0.9":    {"ar", "rtl"},
		"pt-BR":             {"pt-BR", "ltr"},
		"es-419":            {"es", "ltr"},
		"fr-CA,en;q=0.5":    {"fr", "ltr"},
		"ja,zh;q=0.9":       {"en", "ltr"},
		"nl;q=0.9,fr;q=0.8": {"fr", "ltr"},
	} {
		p := e.browser().getWith("/login", header)
		if lang, dir := htmlLangDir(p); lang != want[0] || dir != want[1] {
			t.Errorf("Accept-Language %q: <html lang=%q dir=%q>, want %v", header, lang, dir, want)
		}
		if root, _ := p.doc.Find(".mfa-root").Attr("lang"); root != want[0] {
			t.Errorf("Accept-Language %q: .mfa-root lang=%q", header, root)
		}
	}

	// The switcher, in every page's header: one button per language,
	// the current one marked; choosing one keeps it in a cookie and
	// comes back to the same page, now in that language, whatever the
	// browser's Accept-Language says.
	b := e.browser()
	p := b.getWith("/login?organization=acme", "de")
	exists(t, p, `form.mfa-lang[action="/language"][method=post] input[name=_csrf]`, true)
	exists(t, p, `form.mfa-lang [aria-current=true][lang=de]`, true)
	if n := p.doc.Find(`form.mfa-lang button[name=lang]`).Length(); n != 5 {
		t.Fatalf("%d language buttons, want 5 (six languages, one current)", n)
	}
	back, _ := p.doc.Find(`form.mfa-lang input[name=return_to]`).Attr("value")
	p = b.post("/language", url.Values{"lang": {"ar"}, "return_to": {back}})
	mustStatus(t, p, http.StatusSeeOther)
	if p.location != "/login?organization=acme" {
		t.Fatalf("switcher went to %q", p.location)
	}
	p = b.getWith(p.location, "de")
	if lang, dir := htmlLangDir(p); lang != "ar" || dir != "rtl" {
		t.Fatalf("after choosing Arabic: lang=%q dir=%q", lang, dir)
	}
	contains(t, p, "main h1", "تسجيل الدخول")
	// An unknown language or a return_to elsewhere changes nothing and
	// leads home, never off the site.
	p = b.post("/language", url.Values{"lang": {"xx"}, "return_to": {"//evil.example/"}})
	if p.status != http.StatusSeeOther || p.location != "/" {
		t.Fatalf("bad switch: %d %q", p.status, p.location)
	}
	// Browsers drop a tab from a URL: "/\t/evil.example" would lead off the site.
	for _, away := range []string{"/\t/evil.example/", "/\\evil.example/", "/\n/evil.example/"} {
		if p = b.post("/language", url.Values{"lang": {"de"}, "return_to": {away}}); p.status != http.StatusSeeOther || p.location != "/" {
			t.Fatalf("return_to %q: %d %q", away, p.status, p.location)
		}
	}
	b.post("/language", url.Values{"lang": {"ar"}, "return_to": {"/"}})
	if lang, _ := htmlLangDir(b.getWith("/login", "de")); lang != "ar" {
		t.Fatalf("an unknown language replaced the choice: %q", lang)
	}
	// Without the CSRF token the switch is refused like any form.
	mustStatus(t, b.post("/language", url.Values{"_csrf": {"forged"}, "lang": {"de"}}), http.StatusForbidden)
}

// TestStytchWritesInThePageLanguage: the login e-mail and the texted code
// come in the page's language where Stytch has it, English otherwise.
func TestStytchWritesInThePageLanguage(t *testing.T) {
	for lang, want := range map[string][2]string{
		"fr":    {"Connectez-vous à Acme Inc", "Votre code de vérification Acme Inc est"},
		"pt-BR": {"Entre em Acme Inc", "Seu código de verificação de Acme Inc é"},
		"de":    {"Log in to Acme Inc", "Your Acme Inc verification code is"},
	} {
		e := newEnv(t)
		b := e.browser()
		b.speak(lang)
		max := e.demo.Organization.Member
		b.login("acme", max.Email)
		if got := e.lastMessage(max.Email); got.Subject != want[0] {
			t.Errorf("%s: e-mail subject %q, want %q", lang, got.Subject, want[0])
		}
		enroll(t, e, b, "US", "201 555 0166")
		if got := e.lastMessage("+12015550166").Body; !strings.HasPrefix(got, want[1]) {
			t.Errorf("%s: text message %q, want it to start %q", lang, got, want[1])
		}
	}
}

// TestHostFixesTheLanguage: Options.Language wins over the cookie and
// Accept-Language, and there is no switcher to contradict it.
func TestHostFixesTheLanguage(t *testing.T) {
	e := newEnv(t, func(o *handlers.Options) { o.Language = "es" })
	b := e.browser()
	b.speak("fr")
	p := b.getWith("/login", "de")
	if lang, dir := htmlLangDir(p); lang != "es" || dir != "ltr" {
		t.Fatalf("fixed Spanish: lang=%q dir=%q", lang, dir)
	}
	exists(t, p, `form.mfa-lang`, false)
	contains(t, p, "main h1", "Iniciar sesión")
	if p := b.post("/language", url.Values{"lang": {"de"}}); p.status == http.StatusSeeOther {
		t.Fatal("the switcher's route answers though the host fixed the language")
	}
	if _, err := handlers.New(handlers.Options{Stytch: e.opts.Stytch, Verifier: e.opts.Verifier, SessionKeys: e.opts.SessionKeys, Language: "tlh"}); err == nil {
		t.Fatal("New accepted a language without a catalog")
	}
}
