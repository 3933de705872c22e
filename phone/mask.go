package phone

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

const (
	bullet      = "•"
	maxVisible  = 4  // trailing digits a mask may show
	maxE164Len  = 21 // "+", up to 3 calling code digits, up to 17 national digits
	minFallback = 8  // digits needed before a non-E.164 input shows its last 4
)

// splitE164 splits "+<calling code><national significant number>" into its
// parts. It reports false for anything that is not a plus sign followed by
// digits starting with a known calling code.
func splitE164(s string) (cc, nsn string, ok bool) {
	if len(s) < 2 || len(s) > maxE164Len || s[0] != '+' {
		return "", "", false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", "", false
		}
	}
	code := callingCodePrefix(s[1:])
	if code == 0 {
		return "", "", false
	}
	n := len(strconv.Itoa(code))
	return s[1 : 1+n], s[1+n:], true
}

// visibleDigits is how many trailing national digits a mask shows: 4, but
// never more than half of the national number.
func visibleDigits(nsn string) int { return min(maxVisible, len(nsn)/2) }

// Mask hides a number for display, keeping only the country code and the
// last 4 digits (fewer for very short numbers) and grouping like the
// number's international format where practical:
//
//	Mask("+12015550123")  == "+1 •••-•••-0123"
//	Mask("+447400123456") == "+44 •••• ••3456"
//
// It never panics. Input that is not E.164 shows at most its last 4 digits,
// and only if it has at least 8.
func Mask(e164 string) string {
	cc, nsn, ok := splitE164(e164)
	if !ok {
		return fallbackMask(e164, bullet)
	}
	vis := visibleDigits(nsn)
	hidden := len(nsn) - vis
	if cc == "1" && len(nsn) == 10 {
		return "+1 •••-•••-" + nsn[6:]
	}
	if s, ok := maskFormatted(e164, cc, nsn, hidden); ok {
		return s
	}
	// Groups of four from the right: "+44 •••• ••3456".
	var b strings.Builder
	b.WriteString("+" + cc)
	for i := range len(nsn) {
		if (len(nsn)-i)%4 == 0 || i == 0 {
			b.WriteByte(' ')
		}
		if i < hidden {
			b.WriteString(bullet)
		} else {
			b.WriteByte(nsn[i])
		}
	}
	return b.String()
}

// maskFormatted formats the number in international format and bullets the
// first hidden national digits. It reports false if the formatted number is
// not exactly "+cc " followed by the national digits and separators.
func maskFormatted(e164, cc, nsn string, hidden int) (string, bool) {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return "", false
	}
	f := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	prefix := "+" + cc + " "
	rest, ok := strings.CutPrefix(f, prefix)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(prefix)
	i := 0
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			if i >= len(nsn) || byte(r) != nsn[i] {
				return "", false
			}
			if i < hidden {
				b.WriteString(bullet)
			} else {
				b.WriteRune(r)
			}
			i++
		case r == ' ' || r == '-':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if i != len(nsn) {
		return "", false
	}
	return b.String(), true
}

// MaskForLog hides a number for logs under the same rule as Mask, in a
// compact ASCII form: MaskForLog("+12015550123") == "+1******0123".
func MaskForLog(e164 string) string {
	cc, nsn, ok := splitE164(e164)
	if !ok {
		return fallbackMask(e164, "*")
	}
	hidden := len(nsn) - visibleDigits(nsn)
	return "+" + cc + strings.Repeat("*", hidden) + nsn[hidden:]
}

// fallbackMask masks input that is not E.164: "" stays "", otherwise four
// mask characters, followed by the last 4 ASCII digits if there are at
// least 8.
func fallbackMask(s, mark string) string {
	if s == "" {
		return ""
	}
	var last [maxVisible]byte
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			last[n%maxVisible] = c
			n++
		}
	}
	out := strings.Repeat(mark, 4)
	if n < minFallback {
		return out
	}
	var tail [maxVisible]byte
	for i := range maxVisible {
		tail[i] = last[(n+i)%maxVisible]
	}
	return out + string(tail[:])
}
