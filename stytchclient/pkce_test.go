package stytchclient_test

import (
	"regexp"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestPKCEChallengeIsS256(t *testing.T) {
	// RFC 7636 Appendix B.
	if got := stytchclient.PKCEChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Fatalf("challenge %q", got)
	}
}

func TestNewPKCEVerifier(t *testing.T) {
	a, err := stytchclient.NewPKCEVerifier()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := stytchclient.NewPKCEVerifier()
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(a) || a == b {
		t.Fatalf("verifiers %q, %q: want 43 base64url characters, different each time", a, b)
	}
}
