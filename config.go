package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything mfaportal reads from its environment. Every field
// has a typed default; Load reports the first bad value in one line.
type Config struct {
	Addr          string        // ADDR, or ":"+PORT; default ":8080"
	PublicURL     *url.URL      // PUBLIC_URL; default http://localhost:<port>
	BasePath      string        // BASE_PATH; default "/"
	ProjectID     string        // STYTCH_PROJECT_ID
	Secret        string        // STYTCH_SECRET or STYTCH_SECRET_FILE
	APIURL        string        // STYTCH_API_URL; default picked from the project id
	Organization  string        // STYTCH_ORGANIZATION (id or slug); "" → asked at login
	SessionKeys   string        // SESSION_KEYS or SESSION_KEYS_FILE; "" → random, with a warning
	CookieSecure  bool          // COOKIE_SECURE; default true when PUBLIC_URL is https
	SMSCountries  string        // SMS_COUNTRIES; default "US,CA"
	DefaultRegion string        // DEFAULT_COUNTRY; default from the browser's language
	FrameAnc      string        // FRAME_ANCESTORS; default none (no framing)
	ReturnTo      string        // RETURN_TO_ORIGINS; origins ?return_to= may lead to, besides PUBLIC_URL's
	Cooldown      time.Duration // RESEND_COOLDOWN; default 30s
	StytchTimeout time.Duration // STYTCH_TIMEOUT; default 10s
	EmulatorAddr  string        // EMULATOR_ADDR; default 127.0.0.1:0 (used without credentials)
	MetricsAddr   string        // METRICS_ADDR; "" (default) serves no metrics
	LogFormat     string        // LOG_FORMAT: text or json; default json on real Stytch, text on the emulator
	LogLevel      slog.Level    // LOG_LEVEL: debug, info, warn, error; default info
}

// UseEmulator reports whether no Stytch credentials were given, so the
// built-in emulator serves instead of Stytch.
func (c Config) UseEmulator() bool { return c.ProjectID == "" && c.Secret == "" }

// LoadConfig reads the environment through getenv (os.Getenv in main,
// a map in tests).
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:          ":8080",
		BasePath:      "/",
		SMSCountries:  "US,CA",
		Cooldown:      30 * time.Second,
		StytchTimeout: 10 * time.Second,
		EmulatorAddr:  "127.0.0.1:0",
		LogLevel:      slog.LevelInfo,
	}
	var err error
	if p := getenv("PORT"); p != "" {
		n, perr := strconv.Atoi(p)
		if perr != nil || n < 0 || n > 65535 {
			return c, fmt.Errorf("PORT=%q: not a port number (0–65535)", p)
		}
		c.Addr = ":" + p
	}
	if a := getenv("ADDR"); a != "" {
		if _, _, serr := net.SplitHostPort(a); serr != nil {
			return c, fmt.Errorf("ADDR=%q: want host:port or :port (%v)", a, serr)
		}
		c.Addr = a
	}
	_, port, _ := net.SplitHostPort(c.Addr)
	public := getenv("PUBLIC_URL")
	if public == "" {
		public = "http://localhost:" + port
	}
	if c.PublicURL, err = url.Parse(public); err != nil || (c.PublicURL.Scheme != "http" && c.PublicURL.Scheme != "https") || c.PublicURL.Host == "" {
		return c, fmt.Errorf("PUBLIC_URL=%q: want an absolute http(s) URL such as https://mfa.example.com", public)
	}
	if bp := getenv("BASE_PATH"); bp != "" {
		if !strings.HasPrefix(bp, "/") || strings.ContainsAny(bp, "?#") {
			return c, fmt.Errorf("BASE_PATH=%q: want a path that starts with /, such as /settings/security", bp)
		}
		c.BasePath = "/" + strings.Trim(bp, "/")
	}

	c.ProjectID = getenv("STYTCH_PROJECT_ID")
	if c.Secret, err = secret(getenv, "STYTCH_SECRET"); err != nil {
		return c, err
	}
	if (c.ProjectID == "") != (c.Secret == "") {
		return c, errors.New("STYTCH_PROJECT_ID and STYTCH_SECRET: set both for real Stytch, or neither for the built-in emulator")
	}
	if c.ProjectID != "" && !strings.HasPrefix(c.ProjectID, "project-") {
		return c, fmt.Errorf("STYTCH_PROJECT_ID=%q: Stytch project ids start with project-test- or project-live-", c.ProjectID)
	}
	c.APIURL = getenv("STYTCH_API_URL")
	if c.APIURL != "" {
		u, uerr := url.Parse(c.APIURL)
		if uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("STYTCH_API_URL=%q: want an absolute http(s) URL such as https://login.example.com", c.APIURL)
		}
	}
	c.Organization = getenv("STYTCH_ORGANIZATION")
	if c.SessionKeys, err = secret(getenv, "SESSION_KEYS"); err != nil {
		return c, err
	}

	// Secure whenever the app is served over TLS. On plain http (a laptop)
	// not every browser keeps a Secure cookie, even on localhost.
	c.CookieSecure = c.PublicURL.Scheme == "https"
	if v := getenv("COOKIE_SECURE"); v != "" {
		if c.CookieSecure, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("COOKIE_SECURE=%q: want true or false", v)
		}
	}
	if v := getenv("SMS_COUNTRIES"); v != "" {
		c.SMSCountries = v
	}
	c.DefaultRegion = strings.ToUpper(getenv("DEFAULT_COUNTRY"))
	c.FrameAnc = getenv("FRAME_ANCESTORS")
	c.ReturnTo = getenv("RETURN_TO_ORIGINS")
	for _, o := range strings.Fields(strings.ReplaceAll(c.ReturnTo, ",", " ")) {
		u, uerr := url.Parse(o)
		if uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return c, fmt.Errorf("RETURN_TO_ORIGINS=%q: %q is not an origin such as https://portal.example.com", c.ReturnTo, o)
		}
	}
	if c.Cooldown, err = duration(getenv, "RESEND_COOLDOWN", c.Cooldown); err != nil {
		return c, err
	}
	if c.StytchTimeout, err = duration(getenv, "STYTCH_TIMEOUT", c.StytchTimeout); err != nil {
		return c, err
	}
	if v := getenv("EMULATOR_ADDR"); v != "" {
		if _, _, serr := net.SplitHostPort(v); serr != nil {
			return c, fmt.Errorf("EMULATOR_ADDR=%q: want host:port (%v)", v, serr)
		}
		c.EmulatorAddr = v
	}
	if v := getenv("METRICS_ADDR"); v != "" {
		if _, _, serr := net.SplitHostPort(v); serr != nil {
			return c, fmt.Errorf("METRICS_ADDR=%q: want host:port, such as 127.0.0.1:9090 (%v)", v, serr)
		}
		c.MetricsAddr = v
	}
	switch f := getenv("LOG_FORMAT"); f {
	case "":
		// Machines read production logs; people read a laptop's.
		c.LogFormat = "json"
		if c.UseEmulator() {
			c.LogFormat = "text"
		}
	case "text", "json":
		c.LogFormat = f
	default:
		return c, fmt.Errorf("LOG_FORMAT=%q: want text or json", f)
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	return c, nil
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and
// Kubernetes secrets); setting both is an error.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE=%q: %v", name, file, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return v, nil
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 30s or 2m", name, v)
	}
	return d, nil
}
