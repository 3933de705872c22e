package stytchclient

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// NewPKCEVerifier returns a fresh PKCE code verifier: 32 random bytes,
// base64url without padding (43 characters), as RFC 7636 §4.1 advises.
// Keep it where only the browser that asked for the magic link can send it
// back (the session cookie), and send PKCEChallenge(verifier) with the link.
func NewPKCEVerifier() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// PKCEChallenge is the S256 code challenge of a verifier: base64url
// without padding of its SHA-256 (RFC 7636 §4.2). Stytch accepts no other
// method.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
