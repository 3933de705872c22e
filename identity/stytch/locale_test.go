package stytch

import "testing"

// Stytch's API lists en, es, fr and pt-br for texts and e-mails; nothing
// else may be sent.
func TestSMSLocale(t *testing.T) {
	for lang, want := range map[string]string{"en": "en", "es": "es", "fr": "fr", "pt-BR": "pt-br", "de": "en", "ar": "en", "": "en"} {
		if got := smsLocale(lang); got != want {
			t.Errorf("%q: %q, want %q", lang, got, want)
		}
	}
}
