package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/mfaportal/mfaportal/handlers"
)

// Config is everything mfaportal reads from its environment. Each field
// names its variable (env), its default (envDefault) and what a bad value
// is told it should be (want); README.md's configuration table lists the
// same variables, and a test keeps the two in step.
type Config struct {
	Port uint16 `env:"PORT" envDefault:"8080" want:"a port number (0–65535)"`
	// Addr defaults to ":"+PORT, or to 127.0.0.1:8080 for the demo when
	// neither is set; PublicURL to http://localhost:<port>.
	Addr      string   `env:"ADDR" want:"host:port or :port"`
	PublicURL *url.URL `env:"PUBLIC_URL" want:"an absolute http(s) URL such as https://mfa.example.com"`
	BasePath  string   `env:"BASE_PATH" envDefault:"/" want:"a path that starts with /, such as /settings/security"`

	// IdentityBackend is where members and their factors live: stytch or
	// zitadel. Variables of the other one are refused, not ignored.
	IdentityBackend string `env:"IDENTITY_BACKEND" envDefault:"stytch" want:"stytch or zitadel"`

	// Both or neither; the secret and the session keys may come from a
	// file (X_FILE), whose contents settle moves to the field itself.
	ProjectID  string `env:"STYTCH_PROJECT_ID"`
	Secret     string `env:"STYTCH_SECRET"`
	SecretFile string `env:"STYTCH_SECRET_FILE,file"`
	// APIURL nil: picked from the project id.
	APIURL *url.URL `env:"STYTCH_API_URL" want:"an absolute http(s) URL such as https://login.example.com"`
	// Organization is an id or a slug; "" → asked at login.
	Organization string `env:"STYTCH_ORGANIZATION"`
	// ZitadelURL nil: the built-in ZITADEL emulator (the demo). With it,
	// ZitadelClientID is required; the secret is "" for a PKCE-only
	// application.
	ZitadelURL              *url.URL      `env:"ZITADEL_URL" want:"the instance's origin, such as https://auth.example.com"`
	ZitadelClientID         string        `env:"ZITADEL_CLIENT_ID"`
	ZitadelClientSecret     string        `env:"ZITADEL_CLIENT_SECRET"`
	ZitadelClientSecretFile string        `env:"ZITADEL_CLIENT_SECRET_FILE,file"`
	ZitadelTimeout          time.Duration `env:"ZITADEL_TIMEOUT" envDefault:"10s" want:"a duration such as 30s or 2m"`
	// SessionKeys "" → random, with a warning.
	SessionKeys     string `env:"SESSION_KEYS"`
	SessionKeysFile string `env:"SESSION_KEYS_FILE,file"`
	// RedisURL "" → limits and one-time steps in this process's memory.
	RedisURL string `env:"REDIS_URL"`
	// TrustedProxies (CIDR ranges) may name the client in X-Forwarded-For.
	TrustedProxies []string `env:"TRUSTED_PROXIES"`
	// The abuse limits; unset ones take handlers.DefaultLimits.
	LimitSMSPerMember  handlers.Rate `env:"LIMIT_SMS_PER_MEMBER" want:"a rate such as 5/15m"`
	LimitSMSPerNumber  handlers.Rate `env:"LIMIT_SMS_PER_NUMBER" want:"a rate such as 3/15m"`
	LimitSMSPerIP      handlers.Rate `env:"LIMIT_SMS_PER_IP" want:"a rate such as 20/15m"`
	LimitSMSPerOrg     handlers.Rate `env:"LIMIT_SMS_PER_ORG" want:"a rate such as 300/1h"`
	LimitLoginPerEmail handlers.Rate `env:"LIMIT_LOGIN_PER_EMAIL" want:"a rate such as 5/15m"`
	LimitLoginPerIP    handlers.Rate `env:"LIMIT_LOGIN_PER_IP" want:"a rate such as 30/15m"`
	LimitCodeAttempts  handlers.Rate `env:"LIMIT_CODE_ATTEMPTS" want:"a rate such as 5/15m"`
	LimitAppSetups     handlers.Rate `env:"LIMIT_APP_SETUPS" want:"a rate such as 10/1h"`

	// CookieSecure defaults to true when PUBLIC_URL is https.
	CookieSecure bool   `env:"COOKIE_SECURE" want:"true or false"`
	SMSCountries string `env:"SMS_COUNTRIES" envDefault:"US,CA"`
	// DefaultRegion "" → from the browser's language.
	DefaultRegion string `env:"DEFAULT_COUNTRY"`
	// FrameAnc empty: no framing. ReturnTo: origins ?return_to= may lead
	// to, besides PUBLIC_URL's.
	FrameAnc []string `env:"FRAME_ANCESTORS"`
	ReturnTo []string `env:"RETURN_TO_ORIGINS"`

	Cooldown      time.Duration `env:"RESEND_COOLDOWN" envDefault:"30s" want:"a duration such as 30s or 2m"`
	StytchTimeout time.Duration `env:"STYTCH_TIMEOUT" envDefault:"10s" want:"a duration such as 30s or 2m"`
	// EmulatorAddr is used without credentials; MetricsAddr "" serves no
	// metrics.
	EmulatorAddr string `env:"EMULATOR_ADDR" envDefault:"127.0.0.1:0" want:"host:port"`
	MetricsAddr  string `env:"METRICS_ADDR" want:"host:port, such as 127.0.0.1:9090"`
	// Demo lets the built-in emulator serve on an address other machines
	// can reach; on a loopback address it needs no asking.
	Demo bool `env:"MFAPORTAL_DEMO" want:"1 to serve the demo beyond this machine, or 0"`
	// LogFormat defaults to json on real Stytch, text on the emulator.
	LogFormat string     `env:"LOG_FORMAT" want:"text or json"`
	LogLevel  slog.Level `env:"LOG_LEVEL" envDefault:"info" want:"debug, info, warn or error"`
}

// UseEmulator reports whether the backend was given no instance to call
// (no Stytch credentials, or no ZITADEL_URL), so its built-in emulator
// serves instead: the demo.
func (c Config) UseEmulator() bool {
	if c.Zitadel() {
		return c.ZitadelURL == nil
	}
	return c.ProjectID == "" && c.Secret == ""
}

// Zitadel reports whether members live in ZITADEL rather than Stytch.
func (c Config) Zitadel() bool { return c.IdentityBackend == "zitadel" }

// LoadConfig reads the environment through getenv (os.Getenv in main, a
// map in tests). Its error names the first bad variable in one line.
func LoadConfig(getenv func(string) string) (Config, error) {
	vars := environment(getenv)
	var c Config
	if err := notBoth(vars); err != nil {
		return c, err
	}
	if err := oneBackend(vars); err != nil {
		return c, err
	}
	if err := env.ParseWithOptions(&c, env.Options{Environment: vars, FuncMap: parsers}); err != nil {
		return c, oneLine(err, vars)
	}
	return c, c.settle(vars)
}

// parsers are env's readings of our field types, stricter than its own.
// Their errors become wrong's message, so they need no words of their own.
var parsers = map[reflect.Type]env.ParserFunc{
	reflect.TypeFor[url.URL](): func(v string) (any, error) { // PUBLIC_URL, STYTCH_API_URL, ZITADEL_URL
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errors.New("not an absolute http(s) URL")
		}
		return *u, nil
	},
	reflect.TypeFor[time.Duration](): func(v string) (any, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, errors.New("not a duration")
		}
		return d, nil
	},
	reflect.TypeFor[[]string](): func(v string) (any, error) { // lists take commas, spaces or both
		return strings.Fields(strings.ReplaceAll(v, ",", " ")), nil
	},
}

// settle checks and derives what the tags cannot say.
func (c *Config) settle(vars map[string]string) error {
	if err := c.settleBackend(vars); err != nil {
		return err
	}
	if err := c.settleAddresses(vars); err != nil {
		return err
	}
	if err := c.checkDemo(vars); err != nil {
		return err
	}
	if !strings.HasPrefix(c.BasePath, "/") || strings.ContainsAny(c.BasePath, "?#") {
		return wrong("BASE_PATH", vars)
	}
	c.BasePath = "/" + strings.Trim(c.BasePath, "/")
	if _, set := vars["COOKIE_SECURE"]; !set {
		// Secure whenever the app is served over TLS. On plain http (a
		// laptop) not every browser keeps a Secure cookie, even on localhost.
		c.CookieSecure = c.PublicURL.Scheme == "https"
	}
	c.DefaultRegion = strings.ToUpper(c.DefaultRegion)
	for _, o := range c.ReturnTo {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return fmt.Errorf("RETURN_TO_ORIGINS=%q: %q is not an origin such as https://portal.example.com", vars["RETURN_TO_ORIGINS"], o)
		}
	}
	switch c.LogFormat {
	case "":
		// Machines read production logs; people read a laptop's.
		c.LogFormat = "json"
		if c.UseEmulator() {
			c.LogFormat = "text"
		}
	case "text", "json":
	default:
		return wrong("LOG_FORMAT", vars)
	}
	return nil
}

// settleAddresses checks the listen addresses, then derives ADDR from
// PORT and PUBLIC_URL from the port when they are not set. PORT alone
// means every interface, as hosting platforms that set it expect; with
// neither, the demo listens on this machine only.
func (c *Config) settleAddresses(vars map[string]string) error {
	for _, name := range []string{"ADDR", "EMULATOR_ADDR", "METRICS_ADDR"} {
		if v, set := vars[name]; set {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return wrong(name, vars)
			}
		}
	}
	if c.Addr == "" {
		c.Addr = ":" + strconv.Itoa(int(c.Port))
		if _, port := vars["PORT"]; !port && c.UseEmulator() {
			c.Addr = "127.0.0.1" + c.Addr
		}
	}
	if c.PublicURL == nil {
		_, port, _ := net.SplitHostPort(c.Addr)
		c.PublicURL = &url.URL{Scheme: "http", Host: "localhost:" + port}
	}
	return nil
}

// checkDemo refuses to serve the demo where other machines can reach it
// unless MFAPORTAL_DEMO asks for it: credentials missing by mistake (a typo
// in a variable's name is enough) would otherwise put every code and magic
// link, in the dev outbox, in front of anyone on the network.
func (c *Config) checkDemo(vars map[string]string) error {
	if !c.UseEmulator() || c.Demo {
		return nil
	}
	for _, name := range []string{"ADDR", "EMULATOR_ADDR"} {
		addr := c.Addr
		if name == "EMULATOR_ADDR" {
			addr = c.EmulatorAddr
		}
		if loopback(addr) {
			continue
		}
		where := fmt.Sprintf("%s=%q", name, addr)
		if _, set := vars["ADDR"]; name == "ADDR" && !set {
			where = fmt.Sprintf("PORT=%d (every interface)", c.Port)
		}
		missing, real := "no Stytch credentials", "STYTCH_PROJECT_ID and STYTCH_SECRET for real Stytch"
		if c.Zitadel() {
			missing, real = "no ZITADEL_URL", "ZITADEL_URL and ZITADEL_CLIENT_ID for a real ZITADEL"
		}
		return fmt.Errorf("%s and %s is reachable from other machines: set %s, or MFAPORTAL_DEMO=1 to serve the demo (its dev outbox shows every code) there", missing, where, real)
	}
	return nil
}

// loopback reports whether a listen address (host:port) is reachable from
// this machine only: localhost, 127.0.0.0/8 or ::1. ":8080" and 0.0.0.0
// are every interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// oneBackend checks IDENTITY_BACKEND and refuses the other backend's
// variables before any is read: ignored, a ZITADEL_URL set without
// IDENTITY_BACKEND=zitadel would leave the app on the Stytch demo.
func oneBackend(vars map[string]string) error {
	backend := strings.ToLower(cmp.Or(vars["IDENTITY_BACKEND"], "stytch"))
	other := map[string]string{"stytch": "ZITADEL_", "zitadel": "STYTCH_"}[backend]
	if other == "" {
		return wrong("IDENTITY_BACKEND", vars)
	}
	var set []string
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		if strings.HasPrefix(name, other) {
			set = append(set, name)
		}
	}
	switch {
	case len(set) > 0 && backend == "zitadel":
		return fmt.Errorf("IDENTITY_BACKEND=zitadel but %s set: drop the STYTCH_ variables, or set IDENTITY_BACKEND=stytch", isAre(set))
	case len(set) > 0:
		return fmt.Errorf("%s set but IDENTITY_BACKEND is stytch: set IDENTITY_BACKEND=zitadel, or drop the ZITADEL_ variables", isAre(set))
	}
	return nil
}

// settleBackend settles the chosen backend's variables (oneBackend has
// checked the choice) and the session keys given as a file.
func (c *Config) settleBackend(vars map[string]string) error {
	if c.SessionKeysFile != "" {
		c.SessionKeys, c.SessionKeysFile = strings.TrimSpace(c.SessionKeysFile), ""
	}
	c.IdentityBackend = strings.ToLower(c.IdentityBackend)
	if c.Zitadel() {
		return c.settleZitadel(vars)
	}
	return c.settleStytch()
}

// isAre is "X is" or "X, Y are", for naming the variables set.
func isAre(names []string) string {
	if len(names) == 1 {
		return names[0] + " is"
	}
	return strings.Join(names, ", ") + " are"
}

// settleZitadel checks the ZITADEL settings: none for the built-in
// emulator; for a real instance its origin and the application's client
// id (the secret is "" for a PKCE-only application).
func (c *Config) settleZitadel(vars map[string]string) error {
	if c.ZitadelClientSecretFile != "" {
		c.ZitadelClientSecret, c.ZitadelClientSecretFile = strings.TrimSpace(c.ZitadelClientSecretFile), ""
	}
	if c.ZitadelURL == nil {
		for _, name := range []string{"ZITADEL_CLIENT_ID", "ZITADEL_CLIENT_SECRET", "ZITADEL_CLIENT_SECRET_FILE"} {
			if _, set := vars[name]; set {
				return fmt.Errorf("%s is set without ZITADEL_URL: set ZITADEL_URL for a real ZITADEL, or drop %s for the demo on the built-in emulator", name, name)
			}
		}
		return nil
	}
	// ZITADEL serves every path from the origin and picks the instance by
	// its host, so a path here is a mistake.
	if u := c.ZitadelURL; strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return wrong("ZITADEL_URL", vars)
	}
	c.ZitadelURL = &url.URL{Scheme: c.ZitadelURL.Scheme, Host: c.ZitadelURL.Host}
	if c.ZitadelClientID == "" {
		return errors.New("ZITADEL_URL is set but ZITADEL_CLIENT_ID is not: set it to the client id of mfaportal's application in ZITADEL")
	}
	return nil
}

// settleStytch takes the secret given as a file and checks the
// credentials: both for real Stytch, neither for the built-in emulator.
func (c *Config) settleStytch() error {
	if c.SecretFile != "" {
		c.Secret, c.SecretFile = strings.TrimSpace(c.SecretFile), ""
	}
	if (c.ProjectID == "") != (c.Secret == "") {
		return errors.New("STYTCH_PROJECT_ID and STYTCH_SECRET: set both for real Stytch, or neither for the built-in emulator")
	}
	if c.ProjectID != "" && !strings.HasPrefix(c.ProjectID, "project-") {
		return fmt.Errorf("STYTCH_PROJECT_ID=%q: Stytch project ids start with project-test- or project-live-", c.ProjectID)
	}
	return nil
}

// configVars are Config's fields by the variable each reads.
var configVars = func() map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Config]()) {
		if name, _, _ := strings.Cut(f.Tag.Get("env"), ","); name != "" {
			fields[name] = f
		}
	}
	return fields
}()

// environment reads the variables Config names through getenv; an empty
// one counts as unset.
func environment(getenv func(string) string) map[string]string {
	vars := map[string]string{} // never nil: env would read os.Environ instead
	for name := range configVars {
		if v := getenv(name); v != "" {
			vars[name] = v
		}
	}
	return vars
}

// notBoth refuses a secret given both directly and as a file (X and
// X_FILE, for Docker and Kubernetes secrets).
func notBoth(vars map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(configVars)) {
		if !strings.HasSuffix(configVars[name].Tag.Get("env"), ",file") {
			continue
		}
		base := strings.TrimSuffix(name, "_FILE")
		_, direct := vars[base]
		_, file := vars[name]
		if direct && file {
			return fmt.Errorf("%s and %s are both set: keep one", base, name)
		}
	}
	return nil
}

// oneLine turns env's error into the first problem it found, in one line
// naming the variable.
func oneLine(err error, vars map[string]string) error {
	var agg env.AggregateError
	if errors.As(err, &agg) && len(agg.Errors) > 0 {
		err = agg.Errors[0]
	}
	var parse env.ParseError
	var file env.LoadFileContentError
	switch {
	case errors.As(err, &parse):
		for name, f := range configVars {
			if f.Name == parse.Name {
				return wrong(name, vars)
			}
		}
	case errors.As(err, &file):
		return fmt.Errorf("%s=%q: %v", file.Key, file.Filename, file.Err)
	}
	return err
}

// wrong is the error for variable name holding a value its field cannot
// take: "PORT=\"eighty\": want a port number (0–65535)".
func wrong(name string, vars map[string]string) error {
	return fmt.Errorf("%s=%q: want %s", name, vars[name], configVars[name].Tag.Get("want"))
}
