package session

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

func TestParseKeys(t *testing.T) {
	hash64, block32 := seq(64, 1), seq(32, 100)
	hash32 := seq(32, 50)
	tests := []struct {
		name string
		in   string
		want []KeyPair
	}{
		{"std base64 padded", base64.StdEncoding.EncodeToString(hash64) + ":" + base64.StdEncoding.EncodeToString(block32),
			[]KeyPair{{hash64, block32}}},
		{"std base64 unpadded", base64.RawStdEncoding.EncodeToString(hash64) + ":" + base64.RawStdEncoding.EncodeToString(block32),
			[]KeyPair{{hash64, block32}}},
		{"url base64 padded", base64.URLEncoding.EncodeToString(hash64) + ":" + base64.URLEncoding.EncodeToString(block32),
			[]KeyPair{{hash64, block32}}},
		{"url base64 unpadded", base64.RawURLEncoding.EncodeToString(hash64) + ":" + base64.RawURLEncoding.EncodeToString(block32),
			[]KeyPair{{hash64, block32}}},
		{"hex", hex.EncodeToString(hash32) + ":" + strings.ToUpper(hex.EncodeToString(block32)),
			[]KeyPair{{hash32, block32}}},
		{"two pairs with spaces and newline", " " + hex.EncodeToString(hash64) + ":" + hex.EncodeToString(block32) + " , " +
			base64.StdEncoding.EncodeToString(hash32) + ":" + base64.StdEncoding.EncodeToString(block32) + "\n",
			[]KeyPair{{hash64, block32}, {hash32, block32}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeys(tt.in)
			if err != nil {
				t.Fatalf("ParseKeys: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d pairs, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !bytes.Equal(got[i].HashKey, tt.want[i].HashKey) || !bytes.Equal(got[i].BlockKey, tt.want[i].BlockKey) {
					t.Errorf("pair %d differs", i+1)
				}
			}
		})
	}
}

func TestParseKeysErrors(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	good := b64(seq(64, 1)) + ":" + b64(seq(32, 100))
	secretish := b64(seq(64, 7)) // must never appear in an error
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "  ", "empty"},
		{"no colon", secretish, "pair 1: want exactly one ':'"},
		{"two colons", secretish + ":" + b64(seq(32, 1)) + ":x", "pair 1: want exactly one ':'"},
		{"stray comma", good + ",", "pair 2 is empty"},
		{"short hash", b64(seq(16, 1)) + ":" + b64(seq(32, 100)), "pair 1: hash key is 16 bytes, need at least 32"},
		{"aes-128 block", secretish + ":" + b64(seq(16, 1)), "pair 1: block key is 16 bytes, need exactly 32 (AES-256)"},
		{"long block", secretish + ":" + b64(seq(64, 1)), "pair 1: block key is 64 bytes"},
		{"not base64", secretish + ":" + "%%%%not*base64%%%%", "pair 1: block key is neither hex nor base64"},
		{"empty hash", ":" + b64(seq(32, 100)), "pair 1: hash key is empty"},
		{"second pair bad", good + "," + secretish + ":" + b64(seq(31, 1)), "pair 2: block key is 31 bytes"},
		{"same keys", b64(seq(32, 1)) + ":" + b64(seq(32, 1)), "pair 1: hash key and block key are the same"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeys(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %q does not contain %q", msg, tt.wantErr)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q spans lines", msg)
			}
			if strings.Contains(msg, secretish[:12]) || strings.Contains(msg, "not*base64") {
				t.Errorf("error %q echoes key material", msg)
			}
		})
	}
}

func TestRandomKeys(t *testing.T) {
	a, b := RandomKeys(), RandomKeys()
	if len(a) != 1 || len(a[0].HashKey) != 64 || len(a[0].BlockKey) != 32 {
		t.Fatalf("RandomKeys() = %d pairs, hash %d, block %d bytes; want 1, 64, 32", len(a), len(a[0].HashKey), len(a[0].BlockKey))
	}
	if bytes.Equal(a[0].HashKey, b[0].HashKey) || bytes.Equal(a[0].BlockKey, b[0].BlockKey) {
		t.Error("two calls gave the same keys")
	}
	if err := a[0].validate(); err != nil {
		t.Error(err)
	}
}

func TestKeyPairNeverPrintsKeys(t *testing.T) {
	p := RandomKeys()[0]
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("keys", "pair", p, "pairs", []KeyPair{p})
	slog.New(slog.NewTextHandler(&logged, nil)).Info("keys", "pair", p)
	js, _ := json.Marshal(struct{ Keys []KeyPair }{[]KeyPair{p}})
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", p),
		"%+v":  fmt.Sprintf("%+v", p),
		"%#v":  fmt.Sprintf("%#v", p),
		"%s":   fmt.Sprintf("%s", p),
		"%x":   fmt.Sprintf("%x", p),
		"%v[]": fmt.Sprintf("%v", []KeyPair{p}),
		"json": string(js),
		"slog": logged.String(),
	}
	for _, enc := range []func([]byte) string{hex.EncodeToString, base64.StdEncoding.EncodeToString, base64.RawURLEncoding.EncodeToString} {
		for name, out := range outputs {
			for _, key := range [][]byte{p.HashKey, p.BlockKey} {
				if strings.Contains(out, enc(key)[:16]) {
					t.Errorf("%s output %q contains key material", name, out)
				}
			}
		}
	}
	if !strings.Contains(p.String(), "hash 64 bytes, block 32 bytes") {
		t.Errorf("String() = %q, want the key sizes", p.String())
	}
}
