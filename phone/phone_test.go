package phone

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// example returns the E.164 and national forms of the metadata's example
// number of type typ for region.
func example(t testing.TB, region string, typ phonenumbers.PhoneNumberType) (e164, national string) {
	t.Helper()
	ex := phonenumbers.GetExampleNumberForType(region, typ)
	if ex == nil {
		t.Fatalf("no example number of type %v for %s", typ, region)
	}
	return phonenumbers.Format(ex, phonenumbers.E164), phonenumbers.Format(ex, phonenumbers.NATIONAL)
}

func mustPolicy(t testing.TB, csv string) Policy {
	t.Helper()
	p, err := ParsePolicy(csv)
	if err != nil {
		t.Fatalf("ParsePolicy(%q): %v", csv, err)
	}
	return p
}

func mustCountry(t testing.TB, region string) Country {
	t.Helper()
	c, ok := LookupCountry(region)
	if !ok {
		t.Fatalf("LookupCountry(%q) not found", region)
	}
	return c
}

// asPhoneError checks err is a *Error with the given code and returns it.
func asPhoneError(t *testing.T, err error, want Code) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *phone.Error", err, err)
	}
	if e.Code != want {
		t.Fatalf("code = %s, want %s (message %q)", e.Code, want, e.Message())
	}
	checkPlainLanguage(t, e.Message())
	return e
}

// checkPlainLanguage rejects jargon in messages meant for people.
func checkPlainLanguage(t testing.TB, msg string) {
	t.Helper()
	if msg == "" {
		t.Error("empty message")
	}
	for _, jargon := range []string{"E.164", "E164", "region", "FIXED_LINE", "MOBILE", "invalid_", "phone:"} {
		if strings.Contains(msg, jargon) {
			t.Errorf("message %q contains jargon %q", msg, jargon)
		}
	}
}

func TestCountries(t *testing.T) {
	list := Countries()
	if got, want := len(list), len(phonenumbers.GetSupportedRegions()); got != want {
		t.Fatalf("len(Countries()) = %d, want %d", got, want)
	}
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.Region] {
			t.Errorf("duplicate region %s", c.Region)
		}
		seen[c.Region] = true
		if c.Name == "" || c.Name == c.Region {
			t.Errorf("%s: no display name (%q)", c.Region, c.Name)
		}
		if !regexp.MustCompile(`^\+[1-9][0-9]{0,2}$`).MatchString(c.DialCode) {
			t.Errorf("%s: bad dial code %q", c.Region, c.DialCode)
		}
		if c.Example == "" && c.Region != "TA" {
			t.Errorf("%s: no example", c.Region)
		}
	}

	for _, want := range []Country{
		{Region: "GB", Name: "United Kingdom", DialCode: "+44", Example: "07400 123456"},
		{Region: "US", Name: "United States", DialCode: "+1", Example: "(201) 555-0123"},
		{Region: "DE", Name: "Germany", DialCode: "+49", Example: "01512 3456789"},
		{Region: "CA", Name: "Canada", DialCode: "+1", Example: "(506) 234-5678"},
		{Region: "XK", Name: "Kosovo", DialCode: "+383", Example: "043 201 234"},
	} {
		if got := mustCountry(t, want.Region); got != want {
			t.Errorf("LookupCountry(%s) = %+v, want %+v", want.Region, got, want)
		}
	}
	if c, ok := LookupCountry(" gb "); !ok || c.Region != "GB" {
		t.Errorf(`LookupCountry(" gb ") = %+v, %v`, c, ok)
	}
	if _, ok := LookupCountry("XX"); ok {
		t.Error(`LookupCountry("XX") found`)
	}

	// Sorted by name, the way people expect accented names to sort.
	idx := func(region string) int {
		return slices.IndexFunc(list, func(c Country) bool { return c.Region == region })
	}
	for _, order := range [][2]string{{"AF", "AX"}, {"AX", "AL"}, {"CR", "CI"}, {"CI", "HR"}, {"TR", "TM"}, {"GB", "US"}} {
		if idx(order[0]) > idx(order[1]) {
			t.Errorf("%s sorted after %s", order[0], order[1])
		}
	}

	// Every placeholder reads back as that country's example mobile number.
	all := AllowAll()
	for _, c := range list {
		if c.Example == "" {
			continue
		}
		want, _ := example(t, c.Region, phonenumbers.MOBILE)
		n, err := all.Parse(c.Region, c.Example)
		if err != nil || n.E164 != want || n.Region != c.Region {
			t.Errorf("%s: Parse(%q) = %+v, %v; want %s", c.Region, c.Example, n, err, want)
		}
	}
	if c := mustCountry(t, "AR"); c.Example != "+54 9 11 2345-6789" {
		t.Errorf("AR example = %q", c.Example)
	}

	// Callers get their own copy.
	list[0].Name = "changed"
	if Countries()[0].Name == "changed" {
		t.Error("Countries() returned the cached slice")
	}
}

func TestPolicy(t *testing.T) {
	tests := []struct {
		csv     string
		want    string // String() of the policy
		wantErr string // substring of the error
	}{
		{csv: "", want: "US,CA"},
		{csv: "  ", want: "US,CA"},
		{csv: "US,CA", want: "US,CA"},
		{csv: "us, ca ,gb", want: "US,CA,GB"},
		{csv: "GB,US,,GB", want: "GB,US"},
		{csv: "*", want: "*"},
		{csv: "ALL", want: "*"},
		{csv: "all", want: "*"},
		{csv: "US,*", want: "*"},
		{csv: "US,XX", wantErr: `unknown region code "XX"`},
		{csv: "UK", wantErr: "GB"},
		{csv: "001", wantErr: `"001"`},
		{csv: "USA", wantErr: `"USA"`},
	}
	for _, tt := range tests {
		p, err := ParsePolicy(tt.csv)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePolicy(%q) error = %v, want one containing %q", tt.csv, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePolicy(%q): %v", tt.csv, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePolicy(%q) = %s, want %s", tt.csv, got, tt.want)
		}
	}

	var zero Policy
	for region, want := range map[string]bool{"US": true, "CA": true, "us": true, "GB": false, "FR": false, "": false, "XX": false} {
		if got := zero.Allows(region); got != want {
			t.Errorf("zero Policy.Allows(%q) = %v, want %v", region, got, want)
		}
		if got := DefaultPolicy().Allows(region); got != want {
			t.Errorf("DefaultPolicy().Allows(%q) = %v, want %v", region, got, want)
		}
	}
	all := AllowAll()
	for _, c := range Countries() {
		if !all.Allows(c.Region) {
			t.Errorf("AllowAll().Allows(%s) = false", c.Region)
		}
	}
	if all.Allows("XX") || all.Allows("001") {
		t.Error("AllowAll allows unknown regions")
	}
	if got := len(all.AllowedCountries()); got != len(Countries()) {
		t.Errorf("AllowAll().AllowedCountries() has %d entries", got)
	}
	got := mustPolicy(t, "GB,US,CA").AllowedCountries()
	if names := []string{got[0].Name, got[1].Name, got[2].Name}; len(got) != 3 ||
		!slices.Equal(names, []string{"Canada", "United Kingdom", "United States"}) {
		t.Errorf("AllowedCountries() = %+v", got)
	}
	if r := mustPolicy(t, "GB,US").Regions(); !slices.Equal(r, []string{"GB", "US"}) {
		t.Errorf("Regions() = %v", r)
	}
	if r := zero.Regions(); !slices.Equal(r, []string{"US", "CA"}) {
		t.Errorf("zero Regions() = %v", r)
	}
}

func TestParseInvalidNumbers(t *testing.T) {
	all := AllowAll()
	tests := []struct {
		region, input string
	}{
		{"US", "123"},
		{"US", "(201) 555-012"},
		{"US", "(201) 555-01234"},
		{"US", "(111) 555-0123"}, // area codes never start with 1
		{"GB", "07400 12345"},
		{"GB", "07400 1234567"},
		{"GB", "00000 000000"},
		{"DE", "01512 34"},
		{"DE", "0000 0000"},
		{"FR", "06 12 34 56"},
		{"FR", "06 12 34 56 78 90"},
		{"IN", "12345"},
		{"IN", "081234 5678"},
		{"BR", "(11) 9612-34"},
		{"BR", "123"},
		{"JP", "090-1234-567"},
		{"JP", "1"},
		{"AU", "0412 345"},
		{"GB", "---"},
		{"GB", "+"},
		{"GB", "( )"},
	}
	for _, tt := range tests {
		t.Run(tt.region+" "+tt.input, func(t *testing.T) {
			_, err := all.Parse(tt.region, tt.input)
			e := asPhoneError(t, err, CodeInvalid)
			c := mustCountry(t, tt.region)
			want := "That doesn't look like a valid " + c.Name + " mobile number. Example: " + c.Example + "."
			if got := e.Message(); got != want {
				t.Errorf("Message() = %q, want %q", got, want)
			}
			if e.Region != tt.region {
				t.Errorf("Region = %q, want %q", e.Region, tt.region)
			}
		})
	}
}

var testRegions = []string{"US", "CA", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "MX", "NG", "ZA", "CN", "AR", "IT", "ES", "SE", "EG", "SA", "KR"}

func TestParseValidMobiles(t *testing.T) {
	all := AllowAll()
	for _, region := range testRegions {
		e164, national := example(t, region, phonenumbers.MOBILE)
		ex, _ := phonenumbers.Parse(e164, "")
		international := phonenumbers.Format(ex, phonenumbers.INTERNATIONAL)
		want := Number{E164: e164, Region: region, National: national, International: international}
		// What people type: the placeholder (national format, except for
		// Argentina whose national format does not read back).
		national = mustCountry(t, region).Example
		for _, in := range []struct{ region, input string }{
			{region, national},
			{strings.ToLower(region), " " + national + " "},
			{region, e164},
			{region, international},
			{region, strings.NewReplacer(" ", ".", "-", ".").Replace(national)},
			{region, strings.NewReplacer(" ", "-").Replace(national)},
			{region, phonenumbers.NormalizeDigitsOnly(national)},
			{"US", international}, // typed with its country code, other country chosen
			{"", e164},            // no country chosen, but a country code typed
			{"XX", e164},          // unknown country chosen, but a country code typed
		} {
			got, err := all.Parse(in.region, in.input)
			if err != nil {
				t.Errorf("Parse(%q, %q): %v", in.region, in.input, err)
				continue
			}
			if got != want {
				t.Errorf("Parse(%q, %q) = %+v, want %+v", in.region, in.input, got, want)
			}
		}
	}
}

func TestParseUSNumbers(t *testing.T) {
	// US numbers are usually FIXED_LINE_OR_MOBILE: fixed lines and mobiles
	// cannot be told apart, so they are accepted.
	p := DefaultPolicy()
	for _, input := range []string{"(201) 555-0123", "201-555-0123", "201.555.0123", "2015550123", "1 201 555 0123", "+1 (201) 555-0123", "+12015550123"} {
		got, err := p.Parse("US", input)
		if err != nil {
			t.Errorf("Parse(US, %q): %v", input, err)
			continue
		}
		want := Number{E164: "+12015550123", Region: "US", National: "(201) 555-0123", International: "+1 201-555-0123"}
		if got != want {
			t.Errorf("Parse(US, %q) = %+v, want %+v", input, got, want)
		}
	}
	fixed, _ := example(t, "US", phonenumbers.FIXED_LINE)
	if n, err := p.Parse("US", fixed); err != nil || n.E164 != fixed {
		t.Errorf("US fixed-line example %s: %+v, %v", fixed, n, err)
	}
	// A Canadian number typed with United States chosen is Canadian.
	if n, err := p.Parse("US", "(506) 234-5678"); err != nil || n.Region != "CA" {
		t.Errorf("Canadian number with US chosen: %+v, %v", n, err)
	}
}

func TestParseRefusesNonMobile(t *testing.T) {
	all := AllowAll()
	tests := []struct {
		region string
		typ    phonenumbers.PhoneNumberType
		kind   string
	}{
		{"GB", phonenumbers.PREMIUM_RATE, "a premium-rate number"},
		{"DE", phonenumbers.PREMIUM_RATE, "a premium-rate number"},
		{"US", phonenumbers.PREMIUM_RATE, "a premium-rate number"},
		{"GB", phonenumbers.TOLL_FREE, "a toll-free number"},
		{"US", phonenumbers.TOLL_FREE, "a toll-free number"},
		{"FR", phonenumbers.TOLL_FREE, "a toll-free number"},
		{"GB", phonenumbers.FIXED_LINE, "a landline"},
		{"DE", phonenumbers.FIXED_LINE, "a landline"},
		{"FR", phonenumbers.FIXED_LINE, "a landline"},
		{"GB", phonenumbers.VOIP, "an internet calling (VoIP) number"},
		{"FR", phonenumbers.VOIP, "an internet calling (VoIP) number"},
		{"DE", phonenumbers.SHARED_COST, "a shared-cost number"},
		{"GB", phonenumbers.UAN, "a company switchboard number"},
		{"GB", phonenumbers.PAGER, "a pager number"},
		{"GB", phonenumbers.PERSONAL_NUMBER, "a personal forwarding number"},
		{"DE", phonenumbers.VOICEMAIL, "a voicemail access number"},
		{"US", phonenumbers.VOIP, ""}, // US VoIP example: no pattern match
	}
	for _, tt := range tests {
		ex := phonenumbers.GetExampleNumberForType(tt.region, tt.typ)
		if ex == nil {
			continue // e.g. US has no VoIP example
		}
		national := phonenumbers.Format(ex, phonenumbers.NATIONAL)
		t.Run(fmt.Sprintf("%s %v %s", tt.region, tt.typ, national), func(t *testing.T) {
			_, err := all.Parse(tt.region, national)
			e := asPhoneError(t, err, CodeNotMobile)
			c := mustCountry(t, tt.region)
			if e.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", e.Kind, tt.kind)
			}
			want := "That looks like " + tt.kind + ". We can only send text messages to a mobile number. Enter your " + c.Name + " mobile number, for example " + c.Example + "."
			if got := e.Message(); got != want {
				t.Errorf("Message() = %q, want %q", got, want)
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	def := DefaultPolicy()
	frMobile, frNational := example(t, "FR", phonenumbers.MOBILE)

	t.Run("disallowed country", func(t *testing.T) {
		_, err := def.Parse("FR", frNational)
		e := asPhoneError(t, err, CodeRegionNotAllowed)
		want := "We can't send text messages to France numbers yet. Please use a mobile number from United States or Canada instead. Example: (201) 555-0123."
		if got := e.Message(); got != want {
			t.Errorf("Message() = %q, want %q", got, want)
		}
		// Even a malformed number: the problem to explain is the country.
		_, err = def.Parse("FR", "06 12")
		asPhoneError(t, err, CodeRegionNotAllowed)
		// But it is allowed when configured.
		if n, err := mustPolicy(t, "US,FR").Parse("FR", frNational); err != nil || n.E164 != frMobile {
			t.Errorf("FR with FR allowed: %+v, %v", n, err)
		}
	})

	t.Run("many allowed countries", func(t *testing.T) {
		p := mustPolicy(t, "US,CA,GB,IE,AU")
		_, err := p.Parse("FR", frNational)
		e := asPhoneError(t, err, CodeRegionNotAllowed)
		want := "We can't send text messages to France numbers yet. Please use a mobile number from another country in the list."
		if got := e.Message(); got != want {
			t.Errorf("Message() = %q, want %q", got, want)
		}
	})

	t.Run("+44 typed with US chosen", func(t *testing.T) {
		_, err := def.Parse("US", "+44 7400 123456")
		e := asPhoneError(t, err, CodeRegionNotAllowed)
		if e.Region != "GB" || !strings.HasPrefix(e.Message(), "We can't send text messages to United Kingdom numbers yet.") {
			t.Errorf("got %+v: %q", e, e.Message())
		}

		gb := mustPolicy(t, "US,GB")
		n, err := gb.Parse("US", "+44 7400 123456")
		if want := (Number{E164: "+447400123456", Region: "GB", National: "07400 123456", International: "+44 7400 123456"}); err != nil || n != want {
			t.Errorf("got %+v, %v; want %+v", n, err, want)
		}
		// The messages talk about the number's country, with an example
		// written in international form since another country is chosen.
		_, err = gb.Parse("US", "+44 7400 12345")
		e = asPhoneError(t, err, CodeInvalid)
		if want := "That doesn't look like a valid United Kingdom mobile number. Example: +44 7400 123456."; e.Message() != want {
			t.Errorf("Message() = %q, want %q", e.Message(), want)
		}
		_, err = gb.Parse("US", "+44 800 123 4567")
		e = asPhoneError(t, err, CodeNotMobile)
		if want := "That looks like a toll-free number. We can only send text messages to a mobile number. Enter your United Kingdom mobile number, for example +44 7400 123456."; e.Message() != want {
			t.Errorf("Message() = %q, want %q", e.Message(), want)
		}
	})

	t.Run("global numbers", func(t *testing.T) {
		for _, cc := range []int{800, 808, 870, 881, 882, 883, 888, 979} {
			ex := phonenumbers.GetExampleNumberForNonGeoEntity(cc)
			if ex == nil {
				continue
			}
			input := phonenumbers.Format(ex, phonenumbers.INTERNATIONAL)
			_, err := AllowAll().Parse("US", input)
			e := asPhoneError(t, err, CodeRegionNotAllowed)
			if e.CallingCode != cc || !strings.Contains(e.Message(), fmt.Sprintf("+%d", cc)) {
				t.Errorf("%s: got %+v %q", input, e, e.Message())
			}
		}
	})
}

func TestParseNonASCIIDigits(t *testing.T) {
	all := AllowAll()
	tests := []struct {
		region, input, want string
	}{
		{"GB", "٠٧٤٠٠ ١٢٣٤٥٦", "+447400123456"},            // Arabic-Indic
		{"GB", "۰۷۴۰۰ ۱۲۳۴۵۶", "+447400123456"},            // Extended Arabic-Indic (Persian)
		{"GB", "０７４００　１２３４５６", "+447400123456"},            // full-width, ideographic space
		{"GB", "＋４４ ７４００ １２３４５６", "+447400123456"},         // full-width plus
		{"JP", "０９０－１２３４－５６７８", "+819012345678"},           // full-width hyphen-minus
		{"IN", "०८१२३४ ५६७८९", "+918123456789"},            // Devanagari
		{"IN", "০৮১২৩৪ ৫৬৭৮৯", "+918123456789"},            // Bengali
		{"SA", "٠٥١ ٢٣٤ ٥٦٧٨", "+966512345678"},            // Arabic-Indic, Saudi Arabia
		{"GB", "07400\u00a0123\u2009456", "+447400123456"}, // no-break and thin spaces
		{"GB", "07400 \u2013 123456", "+447400123456"},     // en dash
		{"DE", "01512/3456789", "+4915123456789"},          // German style slash
		{"US", "（201）555−0123", "+12015550123"},            // full-width brackets, minus sign
		{"GB", "𝟎𝟕𝟒𝟎𝟎𝟏𝟐𝟑𝟒𝟓𝟔", "+447400123456"},             // mathematical bold digits (outside the BMP)
	}
	for _, tt := range tests {
		n, err := all.Parse(tt.region, tt.input)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.region, tt.input, err)
			continue
		}
		if n.E164 != tt.want {
			t.Errorf("Parse(%q, %q) = %s, want %s", tt.region, tt.input, n.E164, tt.want)
		}
	}
}

func TestParseJunk(t *testing.T) {
	all := AllowAll()
	for _, input := range []string{
		"07400 12345a",
		"call me",
		"O74OO 123456", // letter O
		"07400 123456 ext 12",
		"07400 123456 x12",
		"07400#123456",
		"*07400123456",
		"07400,123456",
		"07400;123456",
		"+44 +7400 123456",
		"07400 +123456",
		"1-800-FLOWERS",
		"<script>",
		"07400 123456\x00",
		"07400 123456\xff",
		"tel:+447400123456",
		"¹²³",
	} {
		_, err := all.Parse("GB", input)
		e := asPhoneError(t, err, CodeInvalidCharacters)
		want := "A phone number can only contain digits, spaces, dashes, dots and brackets. Enter your United Kingdom mobile number, for example 07400 123456."
		if got := e.Message(); got != want {
			t.Errorf("Parse(GB, %q): Message() = %q, want %q", input, got, want)
		}
	}
}

func TestParseEmptyTooLongAndRegion(t *testing.T) {
	all := AllowAll()
	for _, input := range []string{"", " ", "\t\n", "\u3000"} {
		_, err := all.Parse("DE", input)
		e := asPhoneError(t, err, CodeEmpty)
		if want := "Enter your Germany mobile number. Example: 01512 3456789."; e.Message() != want {
			t.Errorf("Message() = %q, want %q", e.Message(), want)
		}
	}

	for _, input := range []string{
		strings.Repeat("1", MaxInputLength+1),
		"+44 " + strings.Repeat("7", 37),
		strings.Repeat("１", MaxInputLength+1),
		strings.Repeat("0", 1<<20),
	} {
		_, err := all.Parse("GB", input)
		e := asPhoneError(t, err, CodeTooLong)
		if want := "That's too long to be a phone number. Enter your United Kingdom mobile number, for example 07400 123456."; e.Message() != want {
			t.Errorf("Message() = %q, want %q", e.Message(), want)
		}
	}
	// Exactly the limit is still looked at, surrounding spaces don't count.
	padded := "  (07400)   -   123   -   456  .  .  .  .    "
	if utf8.RuneCountInString(strings.TrimSpace(padded)) > MaxInputLength {
		t.Fatal("test input too long")
	}
	if n, err := all.Parse("GB", padded); err != nil || n.E164 != "+447400123456" {
		t.Errorf("Parse(GB, %q) = %+v, %v", padded, n, err)
	}

	for _, region := range []string{"", "XX", "001", "ZZ", "United Kingdom"} {
		_, err := all.Parse(region, "07400 123456")
		e := asPhoneError(t, err, CodeUnknownRegion)
		if want := "Choose your country from the list, then enter your mobile number."; e.Message() != want {
			t.Errorf("Message() = %q, want %q", e.Message(), want)
		}
	}
	// Without a country, empty input asks for a country code.
	_, err := all.Parse("", "")
	asPhoneError(t, err, CodeEmpty)
}

func TestErrorValues(t *testing.T) {
	_, err := AllowAll().Parse("GB", "0800 123 4567")
	if !errors.Is(err, &Error{Code: CodeNotMobile}) || errors.Is(err, &Error{Code: CodeInvalid}) {
		t.Errorf("errors.Is does not match on Code: %v", err)
	}
	if got := ErrorCode(fmt.Errorf("wrapped: %w", err)); got != CodeNotMobile {
		t.Errorf("ErrorCode = %q", got)
	}
	if got := ErrorCode(errors.New("other")); got != "" {
		t.Errorf("ErrorCode(other) = %q", got)
	}
	// Error() is for logs: it must not contain the number.
	if s := err.Error(); strings.ContainsAny(s, "0123456789") {
		t.Errorf("Error() = %q leaks digits", s)
	}
	if want := "phone: not_mobile (region GB): a toll-free number"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestMessagesNameCountryAndExample checks every refusal, for every country
// with an example, names the country and shows the example.
func TestMessagesNameCountryAndExample(t *testing.T) {
	all := AllowAll()
	for _, c := range Countries() {
		if c.Example == "" {
			continue
		}
		for _, input := range []string{"", "1", "abc", strings.Repeat("9", 41)} {
			_, err := all.Parse(c.Region, input)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%s %q: %v", c.Region, input, err)
			}
			msg := e.Message()
			checkPlainLanguage(t, msg)
			if !strings.Contains(msg, c.Name) || !strings.Contains(msg, c.Example) {
				t.Errorf("%s %q: message %q lacks %q or %q", c.Region, input, msg, c.Name, c.Example)
			}
		}
	}
	// No example for Tristan da Cunha: the sentence is left out, not empty.
	_, err := all.Parse("TA", "1")
	if msg := err.(*Error).Message(); msg != "That doesn't look like a valid Tristan da Cunha mobile number." {
		t.Errorf("TA message = %q", msg)
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		in, mask, log string
	}{
		{"+12015550123", "+1 •••-•••-0123", "+1******0123"},
		{"+15062345678", "+1 •••-•••-5678", "+1******5678"}, // Canada
		{"+18765550123", "+1 •••-•••-0123", "+1******0123"}, // Jamaica, also NANP
		{"+447400123456", "+44 •••• ••3456", "+44******3456"},
		{"+4915123456789", "+49 •••• •••6789", "+49*******6789"},
		{"+33612345678", "+33 • •• •• 56 78", "+33*****5678"},
		{"+819012345678", "+81 ••-••••-5678", "+81******5678"},
		{"+918123456789", "+91 ••••• •6789", "+91******6789"},
		// Odd input: never panics, never shows more than the last 4 digits.
		{"", "", ""},
		{"+", "••••", "****"},
		{"+1", "+1", "+1"},
		{"+1234", "+1 ••4", "+1**4"}, // at most half the digits
		{"+4474", "+44 •4", "+44*4"}, // at most half the digits
		{"+1201555012345678901", "+1 •• •••• •••• •••• 8901", "+1**************8901"}, // too long to format
		{"+99912345678", "••••5678", "****5678"},                                      // unknown calling code
		{"12015550123", "••••0123", "****0123"},                                       // no plus
		{"+1 201 555 0123", "••••0123", "****0123"},                                   // not E.164
		{"1234567", "••••", "****"},                                                   // too short to show anything
		{"+12015550123\x00", "••••0123", "****0123"},
		{"\xff\xfe", "••••", "****"},
		{"+١٢٠١٥٥٥٠١٢٣", "••••", "****"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.mask {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.mask)
		}
		if got := MaskForLog(tt.in); got != tt.log {
			t.Errorf("MaskForLog(%q) = %q, want %q", tt.in, got, tt.log)
		}
	}
}

// checkMaskLeak fails if masked reveals more of e164 than its calling code
// and the last 4 digits (at most half) of its national number.
func checkMaskLeak(t testing.TB, e164, masked, mark string) {
	t.Helper()
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		t.Fatalf("bad test number %q: %v", e164, err)
	}
	cc := fmt.Sprint(num.GetCountryCode())
	nsn := strings.TrimPrefix(e164, "+"+cc)
	rest, ok := strings.CutPrefix(masked, "+"+cc)
	if !ok {
		t.Errorf("mask %q of %s does not start with +%s", masked, e164, cc)
		return
	}
	var shown strings.Builder
	for _, r := range rest {
		if r >= '0' && r <= '9' {
			shown.WriteRune(r)
		}
	}
	if shown.Len() > 4 || shown.Len() > len(nsn)/2 || !strings.HasSuffix(nsn, shown.String()) {
		t.Errorf("mask %q of %s shows %q", masked, e164, shown.String())
	}
	if got := strings.Count(rest, mark) + shown.Len(); got != len(nsn) {
		t.Errorf("mask %q of %s: %d marks and digits for %d digits", masked, e164, got, len(nsn))
	}
}

func TestMaskNeverLeaks(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{
		phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP,
		phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL,
	}
	var numbers []string
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range types {
			if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
				numbers = append(numbers, phonenumbers.Format(ex, phonenumbers.E164))
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if ex := phonenumbers.GetExampleNumberForNonGeoEntity(cc); ex != nil {
			numbers = append(numbers, phonenumbers.Format(ex, phonenumbers.E164))
		}
	}
	if len(numbers) < 1000 {
		t.Fatalf("only %d example numbers", len(numbers))
	}
	for _, n := range numbers {
		checkMaskLeak(t, n, Mask(n), "•")
		checkMaskLeak(t, n, MaskForLog(n), "*")
		if strings.HasPrefix(n, "+1") && len(n) == 12 {
			if want := "+1 •••-•••-" + n[8:]; Mask(n) != want {
				t.Errorf("Mask(%s) = %q, want %q", n, Mask(n), want)
			}
		}
	}
}

func TestDefaultRegion(t *testing.T) {
	def := DefaultPolicy()
	gb := mustPolicy(t, "US,CA,GB")
	tests := []struct {
		acceptLanguage, configured string
		p                          Policy
		want                       string
	}{
		{"", "", def, "US"},
		{"en-GB,en;q=0.9", "", gb, "GB"},
		{"en-GB,en;q=0.9", "", def, "US"}, // GB not allowed
		{"fr", "", AllowAll(), "US"},      // no region in a bare language
		{"fr", "", mustPolicy(t, "FR,BE"), "FR"},
		{"fr-CA,fr;q=0.8", "", def, "CA"},
		{"de-DE;q=0.5,en-US", "", mustPolicy(t, "CA,DE"), "DE"}, // en-US preferred but not allowed
		{"de-DE;q=0.5,en-US", "", AllowAll(), "US"},             // sorted by quality
		{"es-419,es;q=0.9", "", mustPolicy(t, "MX"), "MX"},      // 419 is Latin America, not a country
		{"zh-Hant-TW", "", AllowAll(), "TW"},
		{"en-UK", "", gb, "GB"}, // deprecated alias
		{"*", "", gb, "US"},
		{"!!!garbage;;q=x", "", gb, "US"},
		{strings.Repeat("en-GB,", 1000), "", gb, "US"}, // absurd header ignored
		{"en-GB", "CA", gb, "CA"},
		{"en-GB", " ca ", gb, "CA"},
		{"en-GB", "FR", gb, "GB"}, // configured region not allowed: ignored
		{"", "XX", def, "US"},
		{"", "", mustPolicy(t, "GB,US"), "GB"},
	}
	for _, tt := range tests {
		if got := DefaultRegion(tt.acceptLanguage, tt.configured, tt.p); got != tt.want {
			t.Errorf("DefaultRegion(%.30q, %q, %s) = %q, want %q", tt.acceptLanguage, tt.configured, tt.p, got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"123456", "123456", true},
		{"123 456", "123456", true},
		{"123-456", "123456", true},
		{"123.456", "123456", true},
		{" 12 34 56 ", "123456", true},
		{"１２３４５６", "123456", true},
		{"١٢٣٤٥٦", "123456", true},
		{"१२३ ४५६", "123456", true},
		{"123\u2013456", "123456", true},
		{"12345", "", false},
		{"1234567", "", false},
		{"abcdef", "", false},
		{"", "", false},
		{"12345a", "", false},
		{"123_456", "", false},
		{"¹²³⁴⁵⁶", "", false}, // superscripts are not decimal digits
		{strings.Repeat(" ", 100) + "123456", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNdRangesAreWholeDigitSets checks the property asciiDigit relies on:
// every range in the Unicode Nd table is made of whole 0–9 digit sets.
func TestNdRangesAreWholeDigitSets(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("Nd range %U-%U stride %d is not whole digit sets", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
	for _, tt := range []struct {
		r    rune
		want byte
	}{{'7', '7'}, {'٣', '3'}, {'۹', '9'}, {'０', '0'}, {'９', '9'}, {'५', '5'}, {'𝟗', '9'}, {'𝟘', '0'}} {
		if got, ok := asciiDigit(tt.r); !ok || got != tt.want {
			t.Errorf("asciiDigit(%q) = %q, %v, want %q", tt.r, got, ok, tt.want)
		}
	}
	for _, r := range []rune{'a', '²', '½', 'Ⅷ', '〇', -1, utf8.MaxRune + 1, utf8.RuneError} {
		if _, ok := asciiDigit(r); ok {
			t.Errorf("asciiDigit(%q) = ok", r)
		}
	}
	count := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		d, ok := asciiDigit(r)
		if ok != unicode.Is(unicode.Nd, r) {
			t.Fatalf("asciiDigit(%U) ok = %v", r, ok)
		}
		if ok {
			count++
			if zero, _ := asciiDigit(r - rune(d-'0')); zero != '0' {
				t.Fatalf("asciiDigit(%U) = %c, but %U is not zero", r, d, r-rune(d-'0'))
			}
		}
	}
	if count < 600 {
		t.Errorf("only %d decimal digits", count)
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			region := testRegions[i%len(testRegions)]
			_ = Countries()
			e164, national := example(t, region, phonenumbers.MOBILE)
			if n, err := AllowAll().Parse(region, national); err != nil || n.E164 != e164 {
				t.Errorf("%s: %+v, %v", region, n, err)
			}
			_ = Mask(e164)
			_ = DefaultRegion("en-GB", "", DefaultPolicy())
		})
	}
	wg.Wait()
}

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{2,16}$`)

func FuzzParse(f *testing.F) {
	seeds := []struct{ region, input string }{
		{"US", "(201) 555-0123"},
		{"GB", "07400 123456"},
		{"US", "+44 7400 123456"},
		{"GB", "0800 123 4567"},
		{"DE", "01512/3456789"},
		{"JP", "０９０-１２３４-５６７８"},
		{"IN", "०८१२३ ४५६७८"},
		{"", "+33 6 12 34 56 78"},
		{"XX", "12"},
		{"US", "+800 1234 5678"},
		{"GB", "+"},
		{"GB", "++44"},
		{"BR", "(11) 96123-4567"},
		{"US", "1-800-FLOWERS"},
		{"us", "\xff"},
		{"TA", "8999"},
		{"GB", strings.Repeat("9", 40)},
		{"AR", "+54 9 11 2345-6789"},
	}
	for _, s := range seeds {
		f.Add(s.region, s.input)
	}
	policies := []Policy{AllowAll(), DefaultPolicy()}
	f.Fuzz(func(t *testing.T, region, input string) {
		for _, p := range policies {
			n, err := p.Parse(region, input)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse(%q, %q) error %v is %T, not *Error", region, input, err, err)
				}
				if n != (Number{}) {
					t.Fatalf("Parse(%q, %q) returned %+v with error", region, input, n)
				}
				checkPlainLanguage(t, e.Message())
				if strings.Contains(err.Error(), strings.TrimSpace(input)) && len(strings.TrimSpace(input)) > 4 {
					t.Fatalf("Error() %q contains the input", err.Error())
				}
				continue
			}
			if !e164Pattern.MatchString(n.E164) {
				t.Fatalf("Parse(%q, %q) = %q, not E.164", region, input, n.E164)
			}
			if !p.Allows(n.Region) {
				t.Fatalf("Parse(%q, %q) accepted a number from %s", region, input, n.Region)
			}
			again, err := p.Parse("", n.E164)
			if err != nil || again != n {
				t.Fatalf("re-parsing %s: %+v, %v; want %+v", n.E164, again, err, n)
			}
			checkMaskLeak(t, n.E164, Mask(n.E164), "•")
			checkMaskLeak(t, n.E164, MaskForLog(n.E164), "*")
		}
		// Masking arbitrary strings never panics and never shows more than
		// a calling code and 4 digits.
		for _, m := range []string{Mask(input), MaskForLog(input)} {
			digits := 0
			for i := 0; i < len(m); i++ {
				if m[i] >= '0' && m[i] <= '9' {
					digits++
				}
			}
			if digits > 3+4 {
				t.Fatalf("mask %q of %q shows %d digits", m, input, digits)
			}
		}
	})
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"123456", "123 456", "123-456", "１２３４５６", "12345", "1234567", "abcdef", "", "١٢٣.٤٥٦", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := NormalizeCode(s)
		if !ok {
			if code != "" {
				t.Fatalf("NormalizeCode(%q) = %q, false", s, code)
			}
			return
		}
		if len(code) != CodeLength || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("NormalizeCode(%q) = %q", s, code)
		}
		if again, ok := NormalizeCode(code); !ok || again != code {
			t.Fatalf("NormalizeCode(%q) not idempotent", code)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	p := AllowAll()
	inputs := []struct{ region, input string }{
		{"US", "(201) 555-0123"},
		{"GB", "07400 123456"},
		{"US", "+44 7400 123456"},
		{"GB", "0800 123 4567"}, // refused
	}
	for _, in := range inputs {
		b.Run(in.region+" "+in.input, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = p.Parse(in.region, in.input)
			}
		})
	}
	b.Run("Countries", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Countries()
		}
	})
}
