package handlers

import (
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/views"
)

// langCookie keeps the language a member chose with the switcher. It is
// a preference, not a secret: plain, but HttpOnly like every cookie of ours.
const langCookie = "mfaportal_lang"

// langCookieAge: a choice of language outlives any session.
const langCookieAge = 365 * 24 * time.Hour

// chooseLanguage puts the request's Localizer in its context, for the
// templates and handlers: the host's fixed language, else the switcher's
// cookie, else Accept-Language, else English.
func (a *app) chooseLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(locale.With(r.Context(), a.languageOf(r))))
	})
}

func (a *app) languageOf(r *http.Request) *locale.Localizer {
	if a.language != nil {
		return a.language
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if l, ok := locale.Lookup(ck.Value); ok {
			return l
		}
	}
	return locale.Match(r.Header.Get("Accept-Language"))
}

// tr is the request's Localizer.
func tr(c echo.Context) *locale.Localizer { return locale.From(c.Request().Context()) }

// setLanguage keeps the switcher's choice in a cookie and goes back to
// the page it was made on. It is a POST with the CSRF token, like every
// form: otherwise any site could switch a member's language.
func (a *app) setLanguage(c echo.Context) error {
	if l, ok := locale.Lookup(c.FormValue("lang")); ok {
		c.SetCookie(&http.Cookie{
			Name: langCookie, Value: l.Lang(), Path: a.cookiePath(),
			MaxAge: int(langCookieAge.Seconds()), HttpOnly: true,
			Secure: a.secureCookies, SameSite: a.sameSite,
		})
	}
	back := c.FormValue("return_to")
	if !a.ownPath(back) {
		back = a.base + "/"
	}
	// A full page load, also under htmx: lang, dir and the header change.
	return c.Redirect(http.StatusSeeOther, back)
}

// ownPath reports whether p is a path of this app (under the mount
// point, one leading slash), so return_to leads nowhere else.
func (a *app) ownPath(p string) bool {
	// Browsers drop tabs and newlines from a URL, so "/\t/evil.com" would
	// become "//evil.com": no control character, and no backslash.
	if !strings.HasPrefix(p, a.base+"/") || strings.HasPrefix(p, "//") || strings.ContainsFunc(p, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return false
	}
	return true
}

// languageSwitch is the switcher for the page of c; nil when the host
// fixed the language.
func (a *app) languageSwitch(c echo.Context) *views.LanguageSwitch {
	if a.language != nil {
		return nil
	}
	r := c.Request()
	back := r.URL.Path
	if r.Method == http.MethodGet {
		back = r.URL.RequestURI()
	}
	return &views.LanguageSwitch{Current: tr(c).Lang(), ActionURL: a.base + "/language", ReturnTo: back, Choices: languageChoices()}
}

// languageChoices are the switcher's languages, each in its own name:
// the same on every page, so made once.
var languageChoices = sync.OnceValue(func() []views.LanguageChoice {
	var choices []views.LanguageChoice
	for _, l := range locale.Languages() {
		choices = append(choices, views.LanguageChoice{Lang: l.Lang(), Name: l.Name()})
	}
	return choices
})
