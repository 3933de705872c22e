package phone

import "unicode"

// asciiDigit converts any Unicode decimal digit (general category Nd: ASCII,
// Arabic-Indic ٠١٢, Devanagari ०१२, full-width ０１２ …) to its ASCII
// equivalent.
//
// Unicode guarantees that every decimal digit set is encoded as a contiguous
// run of ten code points in ascending order of value 0–9, so the value is the
// offset from the start of the Nd range modulo 10 (TestNdRangesAreWholeDigitSets
// checks that the tables keep this shape).
func asciiDigit(r rune) (byte, bool) {
	if r >= '0' && r <= '9' {
		return byte(r), true
	}
	if r < 0x80 {
		return 0, false
	}
	if r <= 0xFFFF {
		for _, rg := range unicode.Nd.R16 {
			if r < rune(rg.Lo) {
				return 0, false
			}
			if r <= rune(rg.Hi) {
				return '0' + byte((r-rune(rg.Lo))%10), true
			}
		}
		return 0, false
	}
	for _, rg := range unicode.Nd.R32 {
		if r < rune(rg.Lo) {
			return 0, false
		}
		if r <= rune(rg.Hi) {
			return '0' + byte((r-rune(rg.Lo))%10), true
		}
	}
	return 0, false
}

// isSpace reports spaces people put inside numbers, including no-break and
// thin spaces and the ideographic space.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// isDash reports hyphens, dashes and minus signs, including full-width forms.
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015',
		'\u2212', '\uFE58', '\uFE63', '\uFF0D':
		return true
	}
	return false
}

// isDot reports full stops, including the full-width form.
func isDot(r rune) bool { return r == '.' || r == '\uFF0E' }

// isBracket reports round brackets, including full-width forms.
func isBracket(r rune) bool {
	return r == '(' || r == ')' || r == '\uFF08' || r == '\uFF09'
}

// isSlash reports slashes, as in the German style "0171/1234567".
func isSlash(r rune) bool { return r == '/' || r == '\uFF0F' }

// isPlus reports plus signs, including the full-width form.
func isPlus(r rune) bool { return r == '+' || r == '\uFF0B' }

// CodeLength is the number of digits in an SMS one-time code.
const CodeLength = 6

// maxCodeInput bounds the input NormalizeCode looks at.
const maxCodeInput = 64

// NormalizeCode cleans up a one-time code typed by a person: it removes
// spaces, dashes and dots and converts non-ASCII digits (e.g. "１２３４５６")
// to ASCII. It returns the 6 ASCII digits and true, or "" and false if the
// input is anything other than exactly 6 digits once cleaned.
func NormalizeCode(input string) (string, bool) {
	if len(input) > maxCodeInput {
		return "", false
	}
	var buf [CodeLength]byte
	n := 0
	for _, r := range input {
		if d, ok := asciiDigit(r); ok {
			if n == CodeLength {
				return "", false
			}
			buf[n] = d
			n++
			continue
		}
		if isSpace(r) || isDash(r) || isDot(r) {
			continue
		}
		return "", false
	}
	if n != CodeLength {
		return "", false
	}
	return string(buf[:]), true
}
