package phone

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is one entry of the country picker.
type Country struct {
	Region   string // ISO 3166-1 alpha-2 region code, e.g. "GB"
	Name     string // English display name, e.g. "United Kingdom"
	DialCode string // international dialling code, e.g. "+44"
	// Example is an example mobile number in national format, for use as a
	// placeholder, e.g. "07400 123456". It is empty for the few regions
	// that have no example mobile number in the phone number metadata.
	Example string
}

type countryTable struct {
	list     []Country               // sorted by Name
	byRegion map[string]countryEntry // keyed by Region
}

type countryEntry struct {
	Country
	intlExample string // Example in international format, e.g. "+44 7400 123456"
}

var countries = sync.OnceValue(buildCountries)

// Countries returns every region supported by the phone number metadata,
// sorted by English name. The table is computed once; each call returns a
// fresh copy of the slice, which the caller may modify.
func Countries() []Country {
	return slices.Clone(countries().list)
}

// LookupCountry returns the picker entry for region (case-insensitive).
func LookupCountry(region string) (Country, bool) {
	c, ok := countries().byRegion[strings.ToUpper(strings.TrimSpace(region))]
	return c.Country, ok
}

// IsSupportedRegion reports whether region (an upper-case ISO 3166-1
// alpha-2 code) is one the phone number metadata knows about.
func IsSupportedRegion(region string) bool {
	_, ok := countries().byRegion[region]
	return ok
}

// countryName returns the English display name of a region, or "" if the
// region is unknown.
func countryName(region string) string {
	return countries().byRegion[region].Name
}

func buildCountries() countryTable {
	names := display.English.Regions()
	regions := phonenumbers.GetSupportedRegions() // shared map: read only
	t := countryTable{
		list:     make([]Country, 0, len(regions)),
		byRegion: make(map[string]countryEntry, len(regions)),
	}
	for region := range regions {
		c := Country{
			Region:   region,
			Name:     regionName(names, region),
			DialCode: "+" + strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region)),
		}
		var intl string
		if ex := phonenumbers.GetExampleNumberForType(region, phonenumbers.MOBILE); ex != nil {
			intl = phonenumbers.Format(ex, phonenumbers.INTERNATIONAL)
			c.Example = phonenumbers.Format(ex, phonenumbers.NATIONAL)
			// The national format must read back as the same number, or the
			// placeholder would mislead: Argentina's "09 15-2345-6789" does
			// not, so it gets the international format instead.
			if back, err := phonenumbers.Parse(c.Example, region); err != nil ||
				phonenumbers.Format(back, phonenumbers.E164) != phonenumbers.Format(ex, phonenumbers.E164) {
				c.Example = intl
			}
		}
		// Only Tristan da Cunha has no example mobile number; its
		// FIXED_LINE_OR_MOBILE "example" is really a landline, so there is
		// deliberately no fallback and its Example is empty.
		t.list = append(t.list, c)
		t.byRegion[region] = countryEntry{Country: c, intlExample: intl}
	}
	// Collate so that "Åland Islands" sorts with the A's and "Côte d’Ivoire"
	// next to "Costa Rica", as people expect.
	col := collate.New(language.English, collate.Loose)
	slices.SortFunc(t.list, func(a, b Country) int {
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Region, b.Region)
	})
	return t
}

// regionName returns CLDR's English name for region (from
// golang.org/x/text/language/display), falling back to the code itself.
func regionName(names display.Namer, region string) string {
	if r, err := language.ParseRegion(region); err == nil {
		if n := names.Name(r); n != "" {
			return n
		}
	}
	return region
}
