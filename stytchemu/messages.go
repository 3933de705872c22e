package stytchemu

import "fmt"

// words are the texts and e-mails the emulator "sends", in one locale:
// Stytch writes them in the request's locale, so page, text message and
// e-mail agree.
type words struct {
	sms                                    string // organization, code
	login, signup, invite, discovery, note string
}

// messageWords are the locales Stytch's API lists for SMS and magic-link
// e-mails (en, es, fr, pt-br); "" and the SMS-only locales of the Go SDK
// get English here.
var messageWords = map[string]words{
	"en": {
		sms:       "Your %s verification code is %s. It expires in 2 minutes.",
		login:     "Log in to %s",
		signup:    "Finish signing up for %s",
		invite:    "You are invited to join %s",
		discovery: "Continue to your organizations",
		note:      "The link works once and expires in %d minutes.",
	},
	"es": {
		sms:       "Tu código de verificación de %s es %s. Caduca en 2 minutos.",
		login:     "Inicia sesión en %s",
		signup:    "Termina de registrarte en %s",
		invite:    "Te han invitado a unirte a %s",
		discovery: "Continúa a tus organizaciones",
		note:      "El enlace funciona una sola vez y caduca en %d minutos.",
	},
	"fr": {
		sms:       "Votre code de vérification %s est %s. Il expire dans 2 minutes.",
		login:     "Connectez-vous à %s",
		signup:    "Terminez votre inscription à %s",
		invite:    "Vous êtes invité à rejoindre %s",
		discovery: "Accédez à vos organisations",
		note:      "Le lien ne fonctionne qu’une fois et expire dans %d minutes.",
	},
	"pt-br": {
		sms:       "Seu código de verificação de %s é %s. Ele expira em 2 minutos.",
		login:     "Entre em %s",
		signup:    "Conclua seu cadastro em %s",
		invite:    "Você foi convidado para entrar em %s",
		discovery: "Continue para suas organizações",
		note:      "O link funciona uma única vez e expira em %d minutos.",
	},
}

// wordsFor is locale's words, English for any other.
func wordsFor(locale string) words {
	if w, ok := messageWords[locale]; ok {
		return w
	}
	return messageWords["en"]
}

// linkBody is a magic-link e-mail's body.
func linkBody(locale, subject, link string, minutes int) string {
	return fmt.Sprintf("%s: %s\n"+wordsFor(locale).note, subject, link, minutes)
}
