package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Key sizes for SESSION_KEYS: HMAC-SHA256 wants at least 32 bytes of key,
// and the block key selects AES-256, which takes exactly 32.
const (
	minHashKeyLen    = 32
	randomHashKeyLen = 64
	blockKeyLen      = 32
)

// KeyPair is one HMAC hash key and one AES-256 block key for the
// session cookies. Several pairs allow rotation: the first encodes, all
// decode. Its String, GoString and MarshalText never reveal the keys, so a
// pair that ends up in a log or a config dump stays secret.
type KeyPair struct {
	HashKey  []byte // authenticates the cookie (HMAC-SHA256), >= 32 bytes
	BlockKey []byte // encrypts the cookie (AES-256), exactly 32 bytes
}

// String describes the pair by key sizes and a short fingerprint, so an
// operator can tell pairs apart without seeing them.
func (p KeyPair) String() string {
	h := sha256.New()
	h.Write(p.HashKey)
	h.Write([]byte{0})
	h.Write(p.BlockKey)
	return fmt.Sprintf("session key pair %x (hash %d bytes, block %d bytes)",
		h.Sum(nil)[:4], len(p.HashKey), len(p.BlockKey))
}

// GoString keeps %#v, which would otherwise print the key bytes, redacted.
func (p KeyPair) GoString() string { return p.String() }

// MarshalText keeps encoding/json, slog and other text encoders redacted.
func (p KeyPair) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// validate reports what is wrong with the pair, never its contents.
func (p KeyPair) validate() error {
	switch {
	case len(p.HashKey) < minHashKeyLen:
		return fmt.Errorf("hash key is %d bytes, need at least %d (%d recommended)", len(p.HashKey), minHashKeyLen, randomHashKeyLen)
	case len(p.BlockKey) != blockKeyLen:
		return fmt.Errorf("block key is %d bytes, need exactly %d (AES-256)", len(p.BlockKey), blockKeyLen)
	case string(p.HashKey) == string(p.BlockKey):
		return errors.New("hash key and block key are the same; they must differ")
	}
	return nil
}

// ParseKeys reads SESSION_KEYS: comma-separated HASHKEY:BLOCKKEY
// pairs, each key hex or base64 (standard or URL alphabet, padded or not).
// Errors name the pair and the problem in one line and never echo a key.
func ParseKeys(s string) ([]KeyPair, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("session keys: empty; want HASHKEY:BLOCKKEY[,HASHKEY:BLOCKKEY...]")
	}
	var pairs []KeyPair
	for i, field := range strings.Split(s, ",") {
		n := i + 1
		field = strings.TrimSpace(field)
		if field == "" {
			return nil, fmt.Errorf("session keys: pair %d is empty (stray comma?)", n)
		}
		hashText, blockText, ok := strings.Cut(field, ":")
		if !ok || strings.Contains(blockText, ":") {
			return nil, fmt.Errorf("session keys: pair %d: want exactly one ':' between HASHKEY and BLOCKKEY", n)
		}
		var p KeyPair
		var err error
		if p.HashKey, err = decodeKey(hashText); err != nil {
			return nil, fmt.Errorf("session keys: pair %d: hash key %v", n, err)
		}
		if p.BlockKey, err = decodeKey(blockText); err != nil {
			return nil, fmt.Errorf("session keys: pair %d: block key %v", n, err)
		}
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("session keys: pair %d: %v", n, err)
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

// decodeKey accepts hex first: every hex string is also valid base64, and
// an even-length all-hex string is what someone who typed hex meant.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is empty")
	}
	if len(s)%2 == 0 && isHex(s) {
		return hex.DecodeString(s)
	}
	raw := strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(raw); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("is neither hex nor base64 (%d characters)", len(s))
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// RandomKeys makes a throwaway pair for when SESSION_KEYS is unset;
// sessions then end whenever the process restarts, which the caller warns
// about.
func RandomKeys() []KeyPair {
	p := KeyPair{HashKey: make([]byte, randomHashKeyLen), BlockKey: make([]byte, blockKeyLen)}
	rand.Read(p.HashKey) // crypto/rand.Read never fails; it crashes the program instead
	rand.Read(p.BlockKey)
	return []KeyPair{p}
}
