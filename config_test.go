package main

import (
	"github.com/mfaportal/mfaportal/handlers"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func mapEnv(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(mapEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	// The demo (no credentials) listens on this machine only.
	if c.Addr != "127.0.0.1:8080" || c.PublicURL.String() != "http://localhost:8080" || c.BasePath != "/" {
		t.Errorf("defaults: addr %q public %q base %q", c.Addr, c.PublicURL, c.BasePath)
	}
	if !c.UseEmulator() {
		t.Error("no credentials should mean the built-in emulator")
	}
	if c.CookieSecure {
		t.Error("plain http on a laptop: cookies cannot be Secure in every browser")
	}
	if c, _ := LoadConfig(mapEnv(map[string]string{"PUBLIC_URL": "https://mfa.example.com"})); !c.CookieSecure {
		t.Error("https: cookies must be Secure")
	}
	if c.Cooldown != 30*time.Second || c.SMSCountries != "US,CA" {
		t.Errorf("cooldown %v countries %q", c.Cooldown, c.SMSCountries)
	}
}

// Without credentials the default address is loopback; with them, and
// with PORT alone, it is every interface, as before.
func TestDefaultAddress(t *testing.T) {
	real := map[string]string{"STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s"}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"demo", nil, "127.0.0.1:8080"},
		{"demo switched on", map[string]string{"MFAPORTAL_DEMO": "1"}, "127.0.0.1:8080"},
		{"demo, PORT and the switch", map[string]string{"PORT": "9000", "MFAPORTAL_DEMO": "1"}, ":9000"},
		{"real Stytch", real, ":8080"},
		{"real Stytch, PORT", map[string]string{"STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s", "PORT": "9000"}, ":9000"},
	}
	for _, tt := range tests {
		c, err := LoadConfig(mapEnv(tt.env))
		if err != nil || c.Addr != tt.want {
			t.Errorf("%s: addr %q err %v, want %q", tt.name, c.Addr, err, tt.want)
		}
	}
}

// The demo serves where other machines can reach it only when
// MFAPORTAL_DEMO says so; loopback needs no asking.
func TestDemoBeyondLoopbackNeedsTheSwitch(t *testing.T) {
	refused := []map[string]string{
		{"ADDR": ":8080"},
		{"ADDR": "0.0.0.0:8080"},
		{"ADDR": "[::]:8080"},
		{"ADDR": "192.168.1.10:8080"},
		{"ADDR": "mfa.example.com:8080"},
		{"PORT": "8080"},
		{"EMULATOR_ADDR": "0.0.0.0:0"},
		{"ADDR": ":8080", "MFAPORTAL_DEMO": "0"},
	}
	for _, env := range refused {
		_, err := LoadConfig(mapEnv(env))
		if err == nil || !strings.Contains(err.Error(), "MFAPORTAL_DEMO=1") || !strings.Contains(err.Error(), "STYTCH_PROJECT_ID") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: want one line naming the credentials and MFAPORTAL_DEMO=1, got %v", env, err)
		}
	}
	allowed := []map[string]string{
		{"ADDR": "127.0.0.1:8080"},
		{"ADDR": "127.1.2.3:8080"},
		{"ADDR": "[::1]:8080"},
		{"ADDR": "localhost:8080"},
		{"ADDR": ":8080", "MFAPORTAL_DEMO": "1"},
		{"PORT": "8080", "MFAPORTAL_DEMO": "true"},
		{"ADDR": ":8080", "STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s"},
	}
	for _, env := range allowed {
		if _, err := LoadConfig(mapEnv(env)); err != nil {
			t.Errorf("%v: %v", env, err)
		}
	}
}

func TestLoadConfigValues(t *testing.T) {
	c, err := LoadConfig(mapEnv(map[string]string{
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
	c, err = LoadConfig(mapEnv(map[string]string{"PORT": "9000", "ADDR": "127.0.0.1:7000"}))
	if err != nil || c.Addr != "127.0.0.1:7000" {
		t.Errorf("ADDR over PORT: %q %v", c.Addr, err)
	}
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"PORT":                 {"PORT": "eighty"},
		"ADDR":                 {"ADDR": "8080"},
		"PUBLIC_URL":           {"PUBLIC_URL": "mfa.example.com"},
		"BASE_PATH":            {"BASE_PATH": "settings"},
		"STYTCH_SECRET":        {"STYTCH_PROJECT_ID": "project-test-1"},
		"STYTCH_PROJECT_ID":    {"STYTCH_PROJECT_ID": "proj", "STYTCH_SECRET": "s"},
		"STYTCH_API_URL":       {"STYTCH_API_URL": "not a url"},
		"COOKIE_SECURE":        {"COOKIE_SECURE": "maybe"},
		"RESEND_COOLDOWN":      {"RESEND_COOLDOWN": "soon"},
		"LOG_FORMAT":           {"LOG_FORMAT": "xml"},
		"LOG_LEVEL":            {"LOG_LEVEL": "loud"},
		"SESSION_KEYS":         {"SESSION_KEYS": "a", "SESSION_KEYS_FILE": "/x"},
		"STYTCH_SECRET_FILE":   {"STYTCH_PROJECT_ID": "project-test-1", "STYTCH_SECRET_FILE": "/nonexistent/secret"},
		"STYTCH_TIMEOUT":       {"STYTCH_TIMEOUT": "-1s"},
		"EMULATOR_ADDR":        {"EMULATOR_ADDR": "localhost"},
		"METRICS_ADDR":         {"METRICS_ADDR": "9090"},
		"RETURN_TO_ORIGINS":    {"RETURN_TO_ORIGINS": "https://portal.example.com, evil.example/path"},
		"MFAPORTAL_DEMO":       {"MFAPORTAL_DEMO": "yes please"},
		"LIMIT_SMS_PER_MEMBER": {"LIMIT_SMS_PER_MEMBER": "5 per hour"},
		"LIMIT_CODE_ATTEMPTS":  {"LIMIT_CODE_ATTEMPTS": "0/15m"},
	}
	for name, kv := range cases {
		_, err := LoadConfig(mapEnv(kv))
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
	c, err := LoadConfig(mapEnv(map[string]string{"STYTCH_PROJECT_ID": "project-test-1", "STYTCH_SECRET_FILE": f}))
	if err != nil || c.Secret != "secret-test-xyz" {
		t.Fatalf("secret %q err %v", c.Secret, err)
	}
}

func TestLogFormatDefault(t *testing.T) {
	c, _ := LoadConfig(mapEnv(nil))
	if c.LogFormat != "text" {
		t.Errorf("emulator: %q, want text", c.LogFormat)
	}
	c, _ = LoadConfig(mapEnv(map[string]string{"STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s"}))
	if c.LogFormat != "json" {
		t.Errorf("real Stytch: %q, want json", c.LogFormat)
	}
}

func TestLists(t *testing.T) {
	c, err := LoadConfig(mapEnv(map[string]string{
		"FRAME_ANCESTORS":   "https://a.example,https://b.example https://c.example",
		"RETURN_TO_ORIGINS": "https://portal.example.com, https://www.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://a.example", "https://b.example", "https://c.example"}; !slices.Equal(c.FrameAnc, want) {
		t.Errorf("FRAME_ANCESTORS: %q, want %q", c.FrameAnc, want)
	}
	if len(c.ReturnTo) != 2 {
		t.Errorf("RETURN_TO_ORIGINS: %q", c.ReturnTo)
	}
}

// README.md's configuration table and Config list the same variables: a
// variable the README documents is read, and one Config reads is
// documented. A secret's X_FILE variant is documented by naming it in
// the README, with X in the table.
func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	section, _, _ = strings.Cut(section, "\n## ")
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")
	documented := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			documented[m[1]] = true
		}
	}
	if len(documented) == 0 {
		t.Fatal("no configuration table found in README.md")
	}
	for v := range configVars {
		if base, ok := strings.CutSuffix(v, "_FILE"); ok && documented[base] {
			if !strings.Contains(section, "`"+v+"`") {
				t.Errorf("%s is read but README.md's configuration section does not name it", v)
			}
			continue
		}
		if !documented[v] {
			t.Errorf("%s is read but missing from README.md's configuration table", v)
		}
	}
	for v := range documented {
		if _, ok := configVars[v]; !ok {
			t.Errorf("README.md's configuration table lists %s, which Config does not read", v)
		}
	}
}

func TestLimitsFromTheEnvironment(t *testing.T) {
	c, err := LoadConfig(mapEnv(map[string]string{"LIMIT_SMS_PER_NUMBER": "2/1h", "TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.0/16"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LimitSMSPerNumber != (handlers.Rate{N: 2, Per: time.Hour}) || c.LimitSMSPerMember != (handlers.Rate{}) {
		t.Errorf("limits %v, %v", c.LimitSMSPerNumber, c.LimitSMSPerMember)
	}
	if len(c.TrustedProxies) != 2 {
		t.Errorf("TRUSTED_PROXIES read as %q", c.TrustedProxies)
	}
}

// IDENTITY_BACKEND=zitadel without ZITADEL_URL is the demo on the built-in
// ZITADEL emulator, under the Stytch demo's rules; with it, a real
// instance, which needs the application's client id.
func TestZitadelConfig(t *testing.T) {
	c, err := LoadConfig(mapEnv(map[string]string{"IDENTITY_BACKEND": "zitadel"}))
	if err != nil || !c.Zitadel() || !c.UseEmulator() || c.Addr != "127.0.0.1:8080" || c.LogFormat != "text" {
		t.Errorf("ZITADEL demo: backend %q emulator %v addr %q format %q err %v", c.IdentityBackend, c.UseEmulator(), c.Addr, c.LogFormat, err)
	}
	f := t.TempDir() + "/secret"
	if err := writeFile(f, "s3cret\n"); err != nil {
		t.Fatal(err)
	}
	c, err = LoadConfig(mapEnv(map[string]string{
		"IDENTITY_BACKEND": "ZITADEL", "ZITADEL_URL": "https://auth.example.com/", "ZITADEL_CLIENT_ID": "123@mfaportal",
		"ZITADEL_CLIENT_SECRET_FILE": f, "ZITADEL_TIMEOUT": "3s",
	}))
	if err != nil || c.UseEmulator() || c.ZitadelURL.String() != "https://auth.example.com" || c.ZitadelClientSecret != "s3cret" ||
		c.ZitadelTimeout != 3*time.Second || c.Addr != ":8080" || c.LogFormat != "json" {
		t.Errorf("real ZITADEL: %+v, %v", c, err)
	}
	if c, err := LoadConfig(mapEnv(nil)); err != nil || c.Zitadel() || c.IdentityBackend != "stytch" {
		t.Errorf("default backend %q, %v; want stytch", c.IdentityBackend, err)
	}
}

// Each rule of the backend choice refuses in one line naming the variable
// to set or drop.
func TestZitadelConfigErrors(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"IDENTITY_BACKEND": "okta"}, []string{"IDENTITY_BACKEND", "stytch or zitadel"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": "auth.example.com"}, []string{"ZITADEL_URL"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": "https://auth.example.com/zitadel"}, []string{"ZITADEL_URL"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": "https://auth.example.com"}, []string{"ZITADEL_CLIENT_ID"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_CLIENT_ID": "1"}, []string{"ZITADEL_CLIENT_ID", "ZITADEL_URL"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_CLIENT_SECRET": "s"}, []string{"ZITADEL_CLIENT_SECRET", "ZITADEL_URL"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_TIMEOUT": "soon"}, []string{"ZITADEL_TIMEOUT"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_CLIENT_SECRET": "s", "ZITADEL_CLIENT_SECRET_FILE": "/x"}, []string{"ZITADEL_CLIENT_SECRET_FILE"}},
		// The other backend's variables: which to drop.
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s"}, []string{"STYTCH_PROJECT_ID, STYTCH_SECRET are set", "drop"}},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": "https://auth.example.com", "ZITADEL_CLIENT_ID": "1", "STYTCH_SECRET_FILE": "/x"}, []string{"STYTCH_SECRET_FILE is set", "drop"}},
		{map[string]string{"ZITADEL_URL": "https://auth.example.com"}, []string{"ZITADEL_URL is set", "IDENTITY_BACKEND=zitadel", "drop"}},
		{map[string]string{"IDENTITY_BACKEND": "stytch", "STYTCH_PROJECT_ID": "project-live-1", "STYTCH_SECRET": "s", "ZITADEL_CLIENT_ID": "1"}, []string{"ZITADEL_CLIENT_ID is set", "drop"}},
	}
	for _, tt := range cases {
		_, err := LoadConfig(mapEnv(tt.env))
		if err == nil {
			t.Errorf("%v: no error", tt.env)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%v: want one line with %q, got %q", tt.env, w, err)
			}
		}
	}
}

// The ZITADEL demo fails closed like the Stytch one: beyond loopback only
// with MFAPORTAL_DEMO=1, and the refusal says what to set for ZITADEL.
func TestZitadelDemoBeyondLoopbackNeedsTheSwitch(t *testing.T) {
	for _, env := range []map[string]string{
		{"ADDR": ":8080"},
		{"PORT": "8080"},
		{"EMULATOR_ADDR": "0.0.0.0:0"},
	} {
		env["IDENTITY_BACKEND"] = "zitadel"
		_, err := LoadConfig(mapEnv(env))
		if err == nil || !strings.Contains(err.Error(), "MFAPORTAL_DEMO=1") || !strings.Contains(err.Error(), "ZITADEL_URL") ||
			strings.Contains(err.Error(), "STYTCH") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: want one line naming ZITADEL_URL and MFAPORTAL_DEMO=1, got %v", env, err)
		}
	}
	for _, env := range []map[string]string{
		{"ADDR": ":8080", "MFAPORTAL_DEMO": "1"},
		{"ADDR": ":8080", "ZITADEL_URL": "https://auth.example.com", "ZITADEL_CLIENT_ID": "1"},
	} {
		env["IDENTITY_BACKEND"] = "zitadel"
		if _, err := LoadConfig(mapEnv(env)); err != nil {
			t.Errorf("%v: %v", env, err)
		}
	}
}
