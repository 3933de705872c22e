package phone

import (
	"strings"

	"golang.org/x/text/language"
)

// maxAcceptLanguage bounds the Accept-Language header DefaultRegion parses.
const maxAcceptLanguage = 1024

// DefaultRegion picks the country to preselect in the picker:
//
//  1. configured (e.g. from the app's config), if it is a supported region
//     the policy allows — a configured region the policy forbids would make
//     every submission fail, so it is ignored;
//  2. else the first region named explicitly in the browser's
//     Accept-Language header that the policy allows ("en-GB,en;q=0.9" → GB;
//     a bare language such as "fr" names no region and is skipped);
//  3. else the policy's first allowed region ("US" by default).
func DefaultRegion(acceptLanguage, configured string, p Policy) string {
	if c := strings.ToUpper(strings.TrimSpace(configured)); c != "" && p.Allows(c) {
		return c
	}
	if acceptLanguage != "" && len(acceptLanguage) <= maxAcceptLanguage {
		// Tags come back sorted by quality; on a parse error tags is nil.
		tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
		for _, t := range tags {
			r, conf := t.Region()
			if conf != language.Exact || !r.IsCountry() {
				continue
			}
			if code := r.String(); p.Allows(code) {
				return code
			}
		}
	}
	return p.First()
}
