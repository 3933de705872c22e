// Package phone is the phone number logic for SMS multi-factor enrollment:
// the country picker data, parsing and validating what a person typed for a
// chosen country, the policy of which countries and number types may receive
// texts, and masking numbers for display and logs.
//
// It has no HTTP dependencies. Phone number metadata comes from
// github.com/nyaruka/phonenumbers (a port of Google's libphonenumber);
// country names come from CLDR via golang.org/x/text/language/display.
package phone

import (
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// MaxInputLength is the longest input, in characters, Parse looks at.
const MaxInputLength = 40

// Number is a validated phone number that can receive texts.
type Number struct {
	E164          string // "+447400123456"
	Region        string // the number's own region, e.g. "GB"
	National      string // national format, e.g. "07400 123456"
	International string // international format, e.g. "+44 7400 123456"
}

// String returns the E.164 form.
func (n Number) String() string { return n.E164 }

// Parse parses and validates what a person typed as their mobile number.
//
// region is the country chosen in the picker (ISO 3166-1 alpha-2, case-
// insensitive); input is the number as typed, in national form ("07400
// 123456") or international form ("+44 7400 123456"). Spaces, dashes, dots,
// slashes and brackets are ignored and non-ASCII digits are converted to
// ASCII; letters and other characters are refused.
//
// If the number's country code is not the chosen region's (someone typed
// +44… with United States chosen), the number's own region is used for the
// policy check and in messages.
//
// Only numbers that are MOBILE or FIXED_LINE_OR_MOBILE (as in the US and
// Canada, where the two cannot be told apart) are accepted.
//
// Errors are always *Error; show err.(*Error).Message() to the person.
func (p Policy) Parse(region, input string) (Number, error) {
	chosen := strings.ToUpper(strings.TrimSpace(region))
	if !IsSupportedRegion(chosen) {
		chosen = ""
	}

	// Early, cheap length check before looking at the characters.
	if len(input) > MaxInputLength*utf8.UTFMax {
		return Number{}, p.errorFor(CodeTooLong, chosen, chosen)
	}
	input = strings.TrimSpace(input)
	if input == "" {
		return Number{}, p.errorFor(CodeEmpty, chosen, chosen)
	}
	if utf8.RuneCountInString(input) > MaxInputLength {
		return Number{}, p.errorFor(CodeTooLong, chosen, chosen)
	}

	cleaned, ok := clean(input)
	if !ok {
		return Number{}, p.errorFor(CodeInvalidCharacters, chosen, chosen)
	}
	international := strings.HasPrefix(cleaned, "+")
	if len(cleaned) == 0 || cleaned == "+" {
		return Number{}, p.errorFor(CodeInvalid, chosen, chosen)
	}
	if chosen == "" && !international {
		return Number{}, p.errorFor(CodeUnknownRegion, "", "")
	}

	num, err := phonenumbers.Parse(cleaned, chosen)
	if err != nil {
		// If a country code was typed and it names another region, talk
		// about that region.
		about := chosen
		if international {
			about = regionForCallingCode(callingCodePrefix(cleaned[1:]), chosen)
		}
		if about != "" && !p.Allows(about) {
			return Number{}, p.errorFor(CodeRegionNotAllowed, about, chosen)
		}
		return Number{}, p.errorFor(CodeInvalid, about, chosen)
	}

	cc := int(num.GetCountryCode())
	valid := phonenumbers.IsValidNumber(num)
	var numRegion string
	if valid {
		// Regions can share a calling code and even number ranges (the
		// Åland Islands and Finland, say): prefer the chosen one if the
		// number is valid there.
		numRegion = phonenumbers.GetRegionCodeForNumber(num)
		if chosen != "" && numRegion != chosen && phonenumbers.IsValidNumberForRegion(num, chosen) {
			numRegion = chosen
		}
		if numRegion == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
			numRegion = ""
		}
	} else {
		numRegion = regionForCallingCode(cc, chosen)
	}
	if numRegion == "" {
		// Global services (+800 freephone, +881 satellite, …) or an unknown
		// calling code: there is no country to send to.
		e := p.errorFor(CodeRegionNotAllowed, "", chosen)
		e.CallingCode = cc
		return Number{}, e
	}
	if !p.Allows(numRegion) {
		return Number{}, p.errorFor(CodeRegionNotAllowed, numRegion, chosen)
	}
	if !valid {
		return Number{}, p.errorFor(CodeInvalid, numRegion, chosen)
	}
	switch t := phonenumbers.GetNumberType(num); t {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		e := p.errorFor(CodeNotMobile, numRegion, chosen)
		e.Kind, e.Type = kindOf(t), typeOf(t)
		return Number{}, e
	}

	return Number{
		E164:          phonenumbers.Format(num, phonenumbers.E164),
		Region:        numRegion,
		National:      phonenumbers.Format(num, phonenumbers.NATIONAL),
		International: phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
	}, nil
}

// clean keeps the digits (converted to ASCII) and a leading plus sign, drops
// the separators people type, and reports false for anything else.
func clean(input string) (string, bool) {
	buf := make([]byte, 0, MaxInputLength+1)
	digits := false
	for _, r := range input {
		switch d, ok := asciiDigit(r); {
		case ok:
			buf = append(buf, d)
			digits = true
		case isPlus(r):
			if digits || (len(buf) > 0 && buf[0] == '+') {
				return "", false
			}
			buf = append(buf, '+')
		case isSpace(r), isDash(r), isDot(r), isBracket(r), isSlash(r):
		default:
			return "", false
		}
	}
	return string(buf), true
}

// callingCodePrefix returns the country calling code digits start with, or 0.
// Calling codes are prefix-free and 1 to 3 digits long.
func callingCodePrefix(digits string) int {
	cc := 0
	for i := 0; i < len(digits) && i < 3; i++ {
		cc = cc*10 + int(digits[i]-'0')
		if phonenumbers.GetSupportedCallingCodes()[cc] {
			return cc
		}
	}
	return 0
}

// regionForCallingCode returns the region to talk about for a number with
// calling code cc that is not (known to be) valid: chosen if it shares the
// calling code, else the main region for cc, or "" if cc is not a
// geographic calling code.
func regionForCallingCode(cc int, chosen string) string {
	if cc == 0 {
		return chosen
	}
	if chosen != "" && phonenumbers.GetCountryCodeForRegion(chosen) == cc {
		return chosen
	}
	r := phonenumbers.GetRegionCodeForCountryCode(cc)
	if !IsSupportedRegion(r) {
		return ""
	}
	return r
}

// errorFor builds an *Error about region (may be ""), for a person who
// chose the region chosen (may be "").
func (p Policy) errorFor(code Code, region, chosen string) *Error {
	e := &Error{Code: code, Region: region, Country: countryName(region)}
	exRegion := region
	if code == CodeRegionNotAllowed {
		exRegion = p.First()
		if !p.all && len(p.list()) <= 4 {
			for _, r := range p.list() {
				e.Allowed = append(e.Allowed, countryName(r))
				e.AllowedRegions = append(e.AllowedRegions, r)
			}
		}
	}
	if c, ok := countries().byRegion[exRegion]; ok {
		if exRegion == chosen || code == CodeRegionNotAllowed {
			e.Example = c.Example
		} else {
			e.Example = c.intlExample
		}
	}
	return e
}

// typeOf names a non-mobile number type for a program: the key a
// translated message is chosen by.
func typeOf(t phonenumbers.PhoneNumberType) string {
	switch t {
	case phonenumbers.FIXED_LINE:
		return "landline"
	case phonenumbers.TOLL_FREE:
		return "toll-free"
	case phonenumbers.PREMIUM_RATE:
		return "premium-rate"
	case phonenumbers.SHARED_COST:
		return "shared-cost"
	case phonenumbers.VOIP:
		return "voip"
	case phonenumbers.PERSONAL_NUMBER:
		return "personal"
	case phonenumbers.PAGER:
		return "pager"
	case phonenumbers.UAN:
		return "switchboard"
	case phonenumbers.VOICEMAIL:
		return "voicemail"
	}
	return "unknown"
}

// kindOf names a non-mobile number type in plain words.
func kindOf(t phonenumbers.PhoneNumberType) string {
	switch t {
	case phonenumbers.FIXED_LINE:
		return "a landline"
	case phonenumbers.TOLL_FREE:
		return "a toll-free number"
	case phonenumbers.PREMIUM_RATE:
		return "a premium-rate number"
	case phonenumbers.SHARED_COST:
		return "a shared-cost number"
	case phonenumbers.VOIP:
		return "an internet calling (VoIP) number"
	case phonenumbers.PERSONAL_NUMBER:
		return "a personal forwarding number"
	case phonenumbers.PAGER:
		return "a pager number"
	case phonenumbers.UAN:
		return "a company switchboard number"
	case phonenumbers.VOICEMAIL:
		return "a voicemail access number"
	}
	return "a number that can't receive texts"
}
