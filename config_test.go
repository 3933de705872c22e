package main

import (
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.PublicURL.String() != "http://localhost:8080" || c.BasePath != "/" {
		t.Errorf("defaults: addr %q public %q base %q", c.Addr, c.PublicURL, c.BasePath)
	}
	if !c.UseEmulator() {
		t.Error("no credentials should mean the built-in emulator")
	}
	if c.CookieSecure {
		t.Error("plain http on a laptop: cookies cannot be Secure in every browser")
	}
	if c, _ := LoadConfig(env(map[string]string{"PUBLIC_URL": "https://mfa.example.com"})); !c.CookieSecure {
		t.Error("https: cookies must be Secure")
	}
	if c.Cooldown != 30*time.Second || c.SMSCountries != "US,CA" {
		t.Errorf("cooldown %v countries %q", c.Cooldown, c.SMSCountries)
	}
}

func TestLoadConfigValues(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{
		"PORT":              "9000",
		"PUBLIC_URL":        "https://mfa.example.com",
		"BASE_PATH":         "/settings/security/",
		"STYTCH_PROJECT_ID": "project-live-123",
		"STYTCH_SECRET":     "secret-live-abc",
		"RESEND_COOLDOWN":   "45s",
		"LOG_FORMAT":        "json",
		"LOG_LEVEL":         "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" {
		t.Errorf("PORT should set the address, got %q", c.Addr)
	}
	if c.BasePath != "/settings/security" {
		t.Errorf("base path %q", c.BasePath)
	}
	if c.UseEmulator() {
		t.Error("credentials given: real Stytch expected")
	}
	if c.Cooldown != 45*time.Second || c.LogFormat != "json" {
		t.Errorf("cooldown %v format %q", c.Cooldown, c.LogFormat)
	}
	// ADDR wins over PORT.
	c, err = LoadConfig(env(map[string]string{"PORT": "9000", "ADDR": "127.0.0.1:7000"}))
	if err != nil || c.Addr != "127.0.0.1:7000" {
		t.Errorf("ADDR over PORT: %q %v", c.Addr, err)
	}
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"PORT":              {"PORT": "eighty"},
		"ADDR":              {"ADDR": "8080"},
		"PUBLIC_URL":        {"PUBLIC_URL": "mfa.example.com"},
		"BASE_PATH":         {"BASE_PATH": "settings"},
		"STYTCH_SECRET":     {"STYTCH_PROJECT_ID": "project-test-1"},
		"STYTCH_PROJECT_ID": {"STYTCH_PROJECT_ID": "proj", "STYTCH_SECRET": "s"},
		"STYTCH_API_URL":    {"STYTCH_API_URL": "not a url"},
		"COOKIE_SECURE":     {"COOKIE_SECURE": "maybe"},
		"RESEND_COOLDOWN":   {"RESEND_COOLDOWN": "soon"},
		"LOG_FORMAT":        {"LOG_FORMAT": "xml"},
		"LOG_LEVEL":         {"LOG_LEVEL": "loud"},
		"SESSION_KEYS":      {"SESSION_KEYS": "a", "SESSION_KEYS_FILE": "/x"},
	}
	for name, kv := range cases {
		_, err := LoadConfig(env(kv))
		if err == nil {
			t.Errorf("%s: want an error for %v", name, kv)
			continue
		}
		if !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the error should be one line naming the variable, got %q", name, err)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	f := t.TempDir() + "/secret"
	if err := writeFile(f, "secret-test-xyz\n"); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(env(map[string]string{"STYTCH_PROJECT_ID": "project-test-1", "STYTCH_SECRET_FILE": f}))
	if err != nil || c.Secret != "secret-test-xyz" {
		t.Fatalf("secret %q err %v", c.Secret, err)
	}
}

func TestLogFormatDefault(t *testing.T) {
	c, _ := LoadConfig(env(nil))
	if c.LogFormat != "text" {
		t.Errorf("emulator: %q, want text", c.LogFormat)
	}
	c, _ = LoadConfig(env(map[string]string{"STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s"}))
	if c.LogFormat != "json" {
		t.Errorf("real Stytch: %q, want json", c.LogFormat)
	}
}
