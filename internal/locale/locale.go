// Package locale is mfaportal's languages: one catalog file per language
// (active.<lang>.toml, embedded), the choice of a language for a request,
// and a Localizer that writes messages (with CLDR plurals), numbers, times
// of day and country names in it. The terms each language uses are in
// GLOSSARY.md beside the catalogs.
package locale

import (
	"context"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
)

//go:embed active.*.toml
var catalogs embed.FS

// Supported are the languages with a catalog, English (the default) first.
var Supported = []language.Tag{
	language.English,
	language.Spanish,
	language.French,
	language.BrazilianPortuguese,
	language.German,
	language.Arabic,
}

// names are the languages as their speakers write them, for the switcher.
var names = map[string]string{
	"en": "English", "es": "Español", "fr": "Français", "pt-BR": "Português (Brasil)",
	"de": "Deutsch", "ar": "العربية",
}

var matcher = language.NewMatcher(Supported)

// Localizer writes in one language.
type Localizer struct {
	tag     language.Tag
	lang    string // tag.String(), asked for on every page
	loc     *i18n.Localizer
	printer *message.Printer
	regions display.Namer
	// plain caches messages without arguments, most of a page's words:
	// go-i18n matches the language and runs a template on every call.
	plain sync.Map // id → string
	// shapes caches messages whose arguments are all strings, as the text
	// with each argument's place marked; T fills the marks. Titles, the
	// demo banner and every tx slot are such calls, and go-i18n's template
	// run for each (1–1.5 µs) was the larger part of rendering a header.
	// The keys are message ids and argument names, both from our code.
	shapes sync.Map // shapeKey → string
}

var localizers = sync.OnceValue(func() map[string]*Localizer {
	bundle, err := loadBundle()
	if err != nil {
		panic(err) // the catalogs are embedded: the package's tests see this first
	}
	m := make(map[string]*Localizer, len(Supported))
	for _, t := range Supported {
		// Arabic pages keep Western digits: codes and phone numbers are
		// typed with them, and one page should not mix two sets.
		pt := t
		if t == language.Arabic {
			pt = language.MustParse("ar-u-nu-latn")
		}
		m[t.String()] = &Localizer{tag: t, lang: t.String(), loc: i18n.NewLocalizer(bundle, t.String()),
			printer: message.NewPrinter(pt), regions: display.Regions(t)}
	}
	return m
})

// loadBundle parses every embedded catalog.
func loadBundle() (*i18n.Bundle, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, t := range Supported {
		if _, err := bundle.LoadMessageFileFS(catalogs, CatalogFile(t)); err != nil {
			return nil, fmt.Errorf("locale: %w", err)
		}
	}
	return bundle, nil
}

// CatalogFile is the embedded catalog of t, "active.pt-BR.toml".
func CatalogFile(t language.Tag) string { return "active." + t.String() + ".toml" }

// CatalogBytes is the text of t's catalog, for tests that check them.
func CatalogBytes(t language.Tag) ([]byte, error) { return catalogs.ReadFile(CatalogFile(t)) }

// For is the Localizer of a supported language ("pt-BR"); English for
// anything else.
func For(lang string) *Localizer {
	if l, ok := localizers()[lang]; ok {
		return l
	}
	return localizers()["en"]
}

// Lookup is For for a language we have, and reports whether we have it.
func Lookup(lang string) (*Localizer, bool) {
	l, ok := localizers()[lang]
	return l, ok
}

// matched remembers Match's answer per header. Browsers send a handful of
// distinct headers, and parsing one costs 14 allocations (2.6 µs, 4% of
// the settings page's CPU under the load check); a bounded LRU keeps a
// stream of made-up headers from growing it.
var matched = must(lru.New[string, *Localizer](1024))

// maxCachedHeader skips caching headers no browser sends, so one entry
// stays small.
const maxCachedHeader = 256

// Match picks the supported language closest to an Accept-Language
// header; English when none is close enough.
func Match(acceptLanguage string) *Localizer {
	if l, ok := matched.Get(acceptLanguage); ok {
		return l
	}
	l := match(acceptLanguage)
	if len(acceptLanguage) <= maxCachedHeader {
		matched.Add(acceptLanguage, l)
	}
	return l
}

func match(acceptLanguage string) *Localizer {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return For("en")
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return For("en")
	}
	return For(Supported[i].String())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

type ctxKey struct{}

// With is ctx carrying l, for the templates and handlers of one request.
func With(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From is the Localizer of the request; English when none was chosen.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return For("en")
}

// Lang is the language's BCP 47 tag, for <html lang>: "pt-BR".
func (l *Localizer) Lang() string { return l.lang }

// Name is the language in its own words: "Deutsch".
func (l *Localizer) Name() string { return names[l.Lang()] }

// Dir is the writing direction, for <html dir>.
func (l *Localizer) Dir() string {
	if l.tag == language.Arabic {
		return "rtl"
	}
	return "ltr"
}

// T is the message id with its {{.Name}} arguments given as pairs:
// T("code.sentTo", "Phone", masked). A message missing from this
// language's catalog falls back to English, then to the id itself.
func (l *Localizer) T(id string, kv ...any) string {
	if len(kv) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
		s := l.localize(&i18n.LocalizeConfig{MessageID: id})
		l.plain.Store(id, s)
		return s
	}
	if s, ok := l.fromShape(id, kv); ok {
		return s
	}
	return l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(kv)})
}

// Argument marks: private-use characters no catalog contains
// (TestShapesMatchGoI18n checks).
const argOpen, argClose = "\uE002", "\uE003"

// shapeKey names a shape: the message and its arguments' names.
type shapeKey struct {
	id    string
	names [4]string
}

// fromShape is T from the cached shape of the message, when kv is string
// names with string values; ok is false otherwise. A shape is right only
// while messages use their arguments as {{.Name}} alone, never in {{if}}
// or a function: TestMessagesOnlyPrintArguments keeps the catalogs so.
func (l *Localizer) fromShape(id string, kv []any) (string, bool) {
	if len(kv)%2 != 0 || len(kv) > 8 {
		return "", false
	}
	var vals [4]string
	key := shapeKey{id: id}
	for i := 0; i < len(kv); i += 2 {
		name, ok1 := kv[i].(string)
		val, ok2 := kv[i+1].(string)
		if !ok1 || !ok2 {
			return "", false
		}
		key.names[i/2], vals[i/2] = name, val
	}
	shape, ok := l.shapes.Load(key)
	if !ok {
		marks := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			marks[kv[i].(string)] = argOpen + strconv.Itoa(i/2) + argClose
		}
		shape = l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: marks})
		l.shapes.Store(key, shape)
	}
	return fill(shape.(string), vals[:len(kv)/2]), true
}

// fill writes vals into the marks of shape in one pass, so a value that
// holds a mark is written as it is, never filled again.
func fill(shape string, vals []string) string {
	var b strings.Builder
	for {
		before, rest, found := strings.Cut(shape, argOpen)
		b.WriteString(before)
		if !found {
			return b.String()
		}
		num, after, _ := strings.Cut(rest, argClose)
		if n, err := strconv.Atoi(num); err == nil && n < len(vals) {
			b.WriteString(vals[n])
		}
		shape = after
	}
}

// Plural is T for a message with CLDR plural forms, chosen by n; the
// message writes n as {{.Count}}, in this language's digits.
func (l *Localizer) Plural(id string, n int, kv ...any) string {
	data := pairs(kv)
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = l.Number(n)
	return l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
}

func (l *Localizer) localize(lc *i18n.LocalizeConfig) string {
	s, err := l.loc.Localize(lc)
	if err == nil {
		return s
	}
	if l.tag != language.English {
		return For("en").localize(lc)
	}
	return lc.MessageID
}

// Try is T (plural: Plural for n) that reports a message missing or
// failing in this language's own catalog, for tests.
func (l *Localizer) Try(id string, plural bool, n int, kv ...any) (string, error) {
	lc := &i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(kv)}
	if plural {
		data := pairs(kv)
		if data == nil {
			data = map[string]any{}
		}
		data["Count"] = l.Number(n)
		lc.TemplateData, lc.PluralCount = data, n
	}
	s, tag, err := l.loc.LocalizeWithTag(lc)
	if err == nil && tag != l.tag {
		err = fmt.Errorf("%s: %q came from %s", l.tag, id, tag)
	}
	return s, err
}

func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			k = fmt.Sprint(kv[i])
		}
		m[k] = kv[i+1]
	}
	return m
}

// Number is n with this language's grouping: 1,234 or 1.234.
func (l *Localizer) Number(n int) string { return l.printer.Sprint(n) }

// Clock is a time of day on this language's usual clock: "4:22 PM" in
// English, "4:22 م" in Arabic, "16:22" elsewhere.
func (l *Localizer) Clock(t time.Time) string {
	switch l.Lang() {
	case "en":
		return t.Format("3:04 PM")
	case "ar":
		if t.Hour() < 12 {
			return t.Format("3:04") + " ص"
		}
		return t.Format("3:04") + " م"
	}
	return t.Format("15:04")
}

// Country is the name of a region ("GB") in this language; "" when
// x/text has none.
func (l *Localizer) Country(region string) string {
	r, err := language.ParseRegion(region)
	if err != nil || l.regions == nil {
		return ""
	}
	return l.regions.Name(r)
}

// Collator sorts names the way this language's readers expect.
func (l *Localizer) Collator() *collate.Collator { return collate.New(l.tag, collate.Loose) }

// OrList joins names as "A", "A or B", "A, B or C" in this language.
func (l *Localizer) OrList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return l.T("list.or", "Head", strings.Join(names[:len(names)-1], l.T("list.separator")), "Last", names[len(names)-1])
}

// Languages are every supported language's Localizer, English first, for
// the switcher and for tests.
func Languages() []*Localizer {
	out := make([]*Localizer, 0, len(Supported))
	for _, t := range Supported {
		out = append(out, For(t.String()))
	}
	return out
}
