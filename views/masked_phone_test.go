package views

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// seenText is the text of s as it shows, without the words only screen
// readers get.
func seenText(s *goquery.Selection) string {
	c := s.Clone()
	c.Find(".mfa-visually-hidden").Remove()
	return c.Text()
}

// A masked number is read as "number ending in 56", not as bullets.
func TestMaskedPhoneReadsAsEnding(t *testing.T) {
	p := samplePage("Confirm your phone")
	doc := renderPage(t, p, CodeContent(sampleCode(p)))
	phone := doc.Find("main .mfa-lead .mfa-phone")
	if got := phone.Find(`[aria-hidden="true"]`).Text(); got != "+44 •••• ••••56" {
		t.Errorf("shown number %q", got)
	}
	if got := phone.Find(".mfa-visually-hidden").Text(); got != "number ending in 56" {
		t.Errorf("spoken number %q", got)
	}
	for masked, want := range map[string]string{"+1 •••-•••-0177": "0177", "+44 •••• ••••56": "56", "": "", "+12015550177": ""} {
		if got := phoneEnding(masked); got != want {
			t.Errorf("phoneEnding(%q) = %q, want %q", masked, got, want)
		}
	}
	if strings.Contains(seenText(doc.Find("main")), "ending in") {
		t.Error("the spoken words show")
	}
}
