package handlers

import (
	"github.com/mfaportal/mfaportal/internal/locale"
	"github.com/mfaportal/mfaportal/phone"
)

// phoneMessage explains a refused number in l's language: the phone
// package decides why (its codes), this says it, with countries named in
// l's language. phone.Error.Message stays the English text for logs and
// other callers.
func phoneMessage(l *locale.Localizer, e *phone.Error) string {
	country := countryName(l, e.Region, e.Country)
	example := ""
	if e.Example != "" {
		example = " " + l.T("phone.example", "Example", e.Example) + "."
	}
	switch e.Code {
	case phone.CodeEmpty:
		if country == "" {
			return l.T("phoneError.enterIntl")
		}
		return l.T("phoneError.empty", "Country", country) + example
	case phone.CodeTooLong:
		return l.T("phoneError.tooLong") + " " + enterYour(l, e, country)
	case phone.CodeInvalidCharacters:
		return l.T("phoneError.characters") + " " + enterYour(l, e, country)
	case phone.CodeInvalid:
		if country == "" {
			return l.T("phoneError.invalidIntl")
		}
		return l.T("phoneError.invalid", "Country", country) + example
	case phone.CodeUnknownRegion:
		return l.T("phoneError.chooseCountry")
	case phone.CodeRegionNotAllowed:
		return notAllowed(l, e, country, example)
	case phone.CodeNotMobile:
		return l.T("phoneError.notMobile."+e.Type) + " " + l.T("phoneError.mobileOnly") + " " + enterYour(l, e, country)
	}
	return l.T("phoneError.generic")
}

// notAllowed says a number's country is not one codes can be texted to,
// and which ones are.
func notAllowed(l *locale.Localizer, e *phone.Error, country, example string) string {
	var msg string
	switch {
	case country != "":
		msg = l.T("phoneError.notAllowedCountry", "Country", country)
	case e.CallingCode != 0:
		msg = l.T("phoneError.notAllowedCode", "Code", e.CallingCode)
	default:
		msg = l.T("phoneError.notAllowed")
	}
	if len(e.AllowedRegions) == 0 {
		return msg + " " + l.T("phoneError.useOther")
	}
	names := make([]string, len(e.AllowedRegions))
	for i, r := range e.AllowedRegions {
		names[i] = countryName(l, r, "")
	}
	return msg + " " + l.T("phoneError.useFrom", "Countries", l.OrList(names)) + example
}

// enterYour asks for the number again, naming the country when known.
func enterYour(l *locale.Localizer, e *phone.Error, country string) string {
	switch {
	case country == "":
		return l.T("phoneError.enterIntl")
	case e.Example == "":
		return l.T("phoneError.enterCountry", "Country", country)
	}
	return l.T("phoneError.enterCountryExample", "Country", country, "Example", e.Example)
}

// countryName is region's name in l's language, else the English name
// given, else the region code.
func countryName(l *locale.Localizer, region, english string) string {
	if region == "" {
		return english
	}
	if n := l.Country(region); n != "" {
		return n
	}
	if english != "" {
		return english
	}
	return region
}
