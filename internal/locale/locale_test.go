package locale

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// catalog is one language's messages by id.
func catalog(t *testing.T, tag language.Tag) map[string]*i18n.Message {
	t.Helper()
	b, err := CatalogBytes(tag)
	if err != nil {
		t.Fatal(err)
	}
	f, err := i18n.ParseMessageFileBytes(b, CatalogFile(tag), map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		t.Fatalf("%s: %v", CatalogFile(tag), err)
	}
	m := map[string]*i18n.Message{}
	for _, msg := range f.Messages {
		m[msg.ID] = msg
	}
	return m
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// placeholders are the placeholders of every form of msg, sorted.
func placeholders(msg *i18n.Message) []string {
	var out []string
	for _, s := range []string{msg.Zero, msg.One, msg.Two, msg.Few, msg.Many, msg.Other} {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

func plural(msg *i18n.Message) bool { return msg.One != "" || msg.Few != "" || msg.Many != "" }

// TestCatalogsHaveTheSameKeys: every language has every English key, and
// none of its own; each keeps the English message's placeholders (a
// translation may drop Count where its words say the number, as Arabic's
// "two" forms do) and is plural exactly where English is.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en := catalog(t, language.English)
	if len(en) < 100 {
		t.Fatalf("English catalog has %d messages", len(en))
	}
	for _, tag := range Supported[1:] {
		other := catalog(t, tag)
		for id, msg := range en {
			tr, ok := other[id]
			if !ok {
				t.Errorf("%s: missing %q", tag, id)
				continue
			}
			if plural(tr) != plural(msg) {
				t.Errorf("%s: %q plural %v, English plural %v", tag, id, plural(tr), plural(msg))
			}
			want := slices.DeleteFunc(placeholders(msg), func(n string) bool { return n == "Count" })
			got := slices.DeleteFunc(placeholders(tr), func(n string) bool { return n == "Count" })
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q has placeholders %v, English %v", tag, id, got, want)
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s: %q is not in the English catalog", tag, id)
			}
		}
	}
}

// counts reach every CLDR plural category of our languages: Arabic's zero,
// one, two, few (3–10), many (11–99) and other (100–102), and the "many"
// of French, Spanish and Portuguese for round millions.
var counts = []int{0, 1, 2, 3, 10, 11, 99, 100, 101, 1_000_000}

// TestEveryMessageRenders renders every message of every language from its
// own catalog with sample arguments, at every count for plurals.
func TestEveryMessageRenders(t *testing.T) {
	en := catalog(t, language.English)
	for _, l := range Languages() {
		for id, msg := range en {
			var args []any
			for _, n := range placeholders(msg) {
				if n != "Count" {
					args = append(args, n, "«"+n+"»")
				}
			}
			ns := []int{1}
			if plural(msg) {
				ns = counts
			}
			for _, n := range ns {
				s, err := l.Try(id, plural(msg), n, args...)
				switch {
				case err != nil:
					t.Errorf("%s %q n=%d: %v", l.Lang(), id, n, err)
				case strings.Contains(s, "<no value>") || strings.Contains(s, "{{"):
					t.Errorf("%s %q n=%d: %q", l.Lang(), id, n, s)
				case strings.TrimSpace(s) == "":
					t.Errorf("%s %q n=%d: empty", l.Lang(), id, n)
				}
			}
		}
	}
}

// TestMessagesOnlyPrintArguments: every template action in every catalog
// is a plain {{.Name}}, so a message's text never depends on an
// argument's value and T may cache its shape.
func TestMessagesOnlyPrintArguments(t *testing.T) {
	action := regexp.MustCompile(`{{.*?}}`)
	for _, tag := range Supported {
		for id, msg := range catalog(t, tag) {
			for _, form := range []string{msg.Zero, msg.One, msg.Two, msg.Few, msg.Many, msg.Other} {
				for _, a := range action.FindAllString(form, -1) {
					if !placeholder.MatchString(a) {
						t.Errorf("%s %q: %s does more than print an argument", tag, id, a)
					}
				}
			}
		}
	}
}

// TestShapesMatchGoI18n: T from a cached shape writes exactly what
// go-i18n's own template run writes, for every message of every language,
// with values that hold marks, template syntax and markup; and no catalog
// holds a mark.
func TestShapesMatchGoI18n(t *testing.T) {
	values := []string{argOpen + "0" + argClose, "{{.Title}}", "<b>&amp;</b>", "", "Zoë " + argOpen}
	for _, tag := range Supported {
		b, _ := CatalogBytes(tag)
		if strings.ContainsAny(string(b), argOpen+argClose) {
			t.Errorf("%s: the catalog holds an argument mark", tag)
		}
	}
	en := catalog(t, language.English)
	for _, l := range Languages() {
		for id, msg := range en {
			if plural(msg) {
				continue
			}
			var args []any
			for i, n := range placeholders(msg) {
				args = append(args, n, values[i%len(values)])
			}
			for range 2 { // the first call makes the shape, the second reads it
				want := l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(args)})
				got, ok := l.fromShape(id, args)
				if !ok || got != want || l.T(id, args...) != want {
					t.Errorf("%s %q: from its shape %q (%v), go-i18n %q", l.Lang(), id, got, ok, want)
				}
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "en",
		"de-DE,de;q=0.9,en;q=0.8":   "de",
		"pt-BR":                     "pt-BR",
		"pt-PT,pt;q=0.9":            "pt-BR",
		"es-MX,es;q=0.9":            "es",
		"fr-CA":                     "fr",
		"ar-EG,ar;q=0.9":            "ar",
		"ja-JP,ja;q=0.9":            "en",
		"nl;q=0.9,fr;q=0.5":         "fr",
		"garbage;;;q=x":             "en",
		"en-GB,en;q=0.9,de;q=0.8":   "en",
		"zh-Hans,es;q=0.7,de;q=0.6": "es",
	} {
		for range 2 { // parsed, then from the cache
			if got := Match(header).Lang(); got != want {
				t.Errorf("Match(%q) = %s, want %s", header, got, want)
			}
			if !matched.Contains(header) {
				t.Errorf("Match(%q) was not cached", header)
			}
		}
	}
	long := "de," + strings.Repeat("fr;q=0.5,", maxCachedHeader/8)
	if got := Match(long).Lang(); got != "de" {
		t.Errorf("Match(long header) = %s, want de", got)
	}
	if matched.Contains(long) {
		t.Error("a header longer than maxCachedHeader was cached")
	}
}

func TestNumbersTimesCountries(t *testing.T) {
	at := time.Date(2026, 1, 2, 16, 22, 0, 0, time.UTC)
	for lang, want := range map[string][3]string{
		"en":    {"1,234", "4:22 PM", "Germany"},
		"de":    {"1.234", "16:22", "Deutschland"},
		"fr":    {"1\u00a0234", "16:22", "Allemagne"},
		"es":    {"1.234", "16:22", "Alemania"},
		"pt-BR": {"1.234", "16:22", "Alemanha"},
		"ar":    {"1,234", "4:22 م", "ألمانيا"},
	} {
		l := For(lang)
		got := [3]string{l.Number(1234), l.Clock(at), l.Country("DE")}
		if got != want {
			t.Errorf("%s: number, clock, country = %q, want %q", lang, got, want)
		}
	}
	if For("ar").Dir() != "rtl" || For("de").Dir() != "ltr" {
		t.Error("writing direction")
	}
}
