package phone

import (
	"errors"
	"strconv"
	"strings"
)

// Code classifies why a phone number was refused.
type Code string

const (
	// CodeEmpty: nothing was entered.
	CodeEmpty Code = "empty"
	// CodeTooLong: the input is longer than any phone number could be.
	CodeTooLong Code = "too_long"
	// CodeInvalidCharacters: the input contains letters or other characters
	// that are not digits, spaces, dashes, dots, slashes, brackets or a
	// leading plus sign.
	CodeInvalidCharacters Code = "invalid_characters"
	// CodeInvalid: the digits do not make a valid number for the region.
	CodeInvalid Code = "invalid"
	// CodeUnknownRegion: no (or an unknown) country was chosen and the
	// number does not start with a + and a country code.
	CodeUnknownRegion Code = "unknown_region"
	// CodeRegionNotAllowed: the number belongs to a region the Policy does
	// not allow, or to no region at all (satellite and other global
	// services).
	CodeRegionNotAllowed Code = "region_not_allowed"
	// CodeNotMobile: a valid number that cannot receive texts (landline,
	// toll-free, premium-rate, VoIP, …).
	CodeNotMobile Code = "not_mobile"
)

// Error is the error returned by Policy.Parse. Error() is terse and meant
// for logs (it never contains the number); Message() is for the person who
// typed the number.
type Error struct {
	Code Code
	// Region is the region the message talks about: the number's own region
	// if it has a different country code than the chosen one, else the
	// chosen region. Empty if unknown.
	Region string
	// Country is the English name of Region, e.g. "United Kingdom".
	Country string
	// Example is an example mobile number for Region, written the way the
	// person should type it (national format, or international format when
	// Region differs from the chosen region). For CodeRegionNotAllowed it
	// is an example for the first allowed region.
	Example string
	// Kind is, for CodeNotMobile, what the number is in plain words, e.g.
	// "a toll-free number" or "a landline".
	Kind string
	// Type is, for CodeNotMobile, the kind of number as a stable name
	// ("landline", "toll-free", …, "unknown"), for messages in other languages.
	Type string
	// AllowedRegions are the regions of Allowed ("US", "CA").
	AllowedRegions []string
	// Allowed lists, for CodeRegionNotAllowed, the English names of the
	// allowed countries; nil if there are too many to list.
	Allowed []string
	// CallingCode is, for CodeRegionNotAllowed with an empty Region, the
	// non-geographic country calling code (e.g. 881 for a satellite phone).
	CallingCode int
}

// Error implements error. The text is meant for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("phone: ")
	b.WriteString(string(e.Code))
	if e.Region != "" {
		b.WriteString(" (region ")
		b.WriteString(e.Region)
		b.WriteString(")")
	} else if e.CallingCode != 0 {
		b.WriteString(" (calling code +")
		b.WriteString(strconv.Itoa(e.CallingCode))
		b.WriteString(")")
	}
	if e.Kind != "" {
		b.WriteString(": ")
		b.WriteString(e.Kind)
	}
	return b.String()
}

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// ErrorCode returns the Code of a *Error in err's chain, or "".
func ErrorCode(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return ""
}

// Message returns a plain-language explanation for the person who typed the
// number, naming the country and showing an example where possible, e.g.
// "That doesn't look like a valid United Kingdom mobile number. Example:
// 07400 123456."
func (e *Error) Message() string {
	switch e.Code {
	case CodeEmpty:
		if e.Country == "" {
			return "Enter your mobile number, starting with + and your country code."
		}
		return "Enter your " + e.Country + " mobile number." + e.example(" Example: ", ".")
	case CodeTooLong:
		return "That's too long to be a phone number. " + e.enterYour()
	case CodeInvalidCharacters:
		return "A phone number can only contain digits, spaces, dashes, dots and brackets. " + e.enterYour()
	case CodeInvalid:
		if e.Country == "" {
			return "That doesn't look like a valid mobile number. Check the number and the country code."
		}
		return "That doesn't look like a valid " + e.Country + " mobile number." + e.example(" Example: ", ".")
	case CodeUnknownRegion:
		return "Choose your country from the list, then enter your mobile number."
	case CodeRegionNotAllowed:
		var b strings.Builder
		if e.Country != "" {
			b.WriteString("We can't send text messages to " + e.Country + " numbers yet.")
		} else if e.CallingCode != 0 {
			b.WriteString("We can't send text messages to numbers starting with +" + strconv.Itoa(e.CallingCode) + ".")
		} else {
			b.WriteString("We can't send text messages to that number.")
		}
		if len(e.Allowed) > 0 {
			b.WriteString(" Please use a mobile number from " + orList(e.Allowed) + " instead.")
			b.WriteString(e.example(" Example: ", "."))
		} else {
			b.WriteString(" Please use a mobile number from another country in the list.")
		}
		return b.String()
	case CodeNotMobile:
		kind := e.Kind
		if kind == "" {
			kind = "a number that can't receive texts"
		}
		return "That looks like " + kind + ". We can only send text messages to a mobile number. " + e.enterYour()
	}
	return "That doesn't look like a mobile number we can send text messages to."
}

// enterYour returns "Enter your United Kingdom mobile number, for example
// 07400 123456." (degrading gracefully when Country or Example is unknown).
func (e *Error) enterYour() string {
	if e.Country == "" {
		return "Enter your mobile number, starting with + and your country code."
	}
	return "Enter your " + e.Country + " mobile number" + e.example(", for example ", "") + "."
}

func (e *Error) example(before, after string) string {
	if e.Example == "" {
		return ""
	}
	return before + e.Example + after
}

// orList joins names as "A", "A or B", "A, B or C".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
