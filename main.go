// Command mfaportal serves the mfaportal web application: a place where the
// members of a Stytch B2B organization, or of a self-hosted ZITADEL
// (IDENTITY_BACKEND=zitadel), set up, change and remove SMS multi-factor
// authentication, and where its admins reset members' phones.
//
// With no Stytch credentials in the environment (or no ZITADEL_URL) it is
// a demo: it starts the built-in emulator (package stytchemu, or
// zitadelemu) on a loopback port, seeded with demo organizations, and
// listens on 127.0.0.1:8080, so `go run .` gives the whole product. It
// serves the demo on an address other machines can reach only when
// MFAPORTAL_DEMO=1 says so. `mfaportal emulator` runs an emulator alone.
// See README.md for the configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/internal/metrics"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/store"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own arguments,
// environment and context. It returns the exit status: 2 for bad
// configuration, 1 for a failure while running.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "emulator" {
		return runEmulator(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("mfaportal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (overrides ADDR and PORT)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *addr != "" { // read as ADDR, so the same checks apply to it
		getenv = withVar(getenv, "ADDR", *addr)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "mfaportal: configuration:", err)
		return 2
	}
	m := &Main{
		Config: cfg,
		Logger: logging.New(stderr, cfg.LogFormat, cfg.LogLevel),
		Audit:  logging.NewAudit(stderr, cfg.LogFormat),
	}
	if err := m.Open(); err != nil {
		var ce configError
		if errors.As(err, &ce) {
			fmt.Fprintln(stderr, "mfaportal: configuration:", err)
			return 2
		}
		fmt.Fprintln(stderr, "mfaportal:", err)
		return 1
	}
	<-ctx.Done()
	if err := m.Close(); err != nil {
		fmt.Fprintln(stderr, "mfaportal: shutdown:", err)
		return 1
	}
	return 0
}

// withVar is getenv with name set to value.
func withVar(getenv func(string) string, name, value string) func(string) string {
	return func(k string) string {
		if k == name {
			return value
		}
		return getenv(k)
	}
}

// configError marks an error in the configuration (exit status 2) as
// opposed to a failure to start (exit status 1).
type configError struct{ error }

// Main is the running program: the app's server and, without credentials,
// the emulator's. Tests drive it directly on port 0.
type Main struct {
	Config Config
	Logger *slog.Logger
	// Audit records every MFA change whatever LOG_LEVEL says
	// (logging.NewAudit); nil: Logger's output, always enabled.
	Audit *slog.Logger

	emu       *stytchemu.Emulator  // the Stytch demo's
	zemu      *zitadelemu.Emulator // the ZITADEL demo's
	emuServer *http.Server
	emuURL    string
	// devAPI is the demo's emulator, whose /dev/ endpoints answer on the
	// app's address too.
	devAPI   http.Handler
	server   *http.Server
	listener net.Listener

	metricsServer *http.Server
	metricsURL    string

	store store.Store
}

// URL is the address the app listens on, once Open has returned.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// EmulatorURL is the built-in emulator's base URL, or "" outside the demo.
func (m *Main) EmulatorURL() string { return m.emuURL }

// Emulator is the built-in Stytch emulator, or nil outside its demo.
func (m *Main) Emulator() *stytchemu.Emulator { return m.emu }

// ZitadelEmulator is the built-in ZITADEL emulator, or nil outside its
// demo.
func (m *Main) ZitadelEmulator() *zitadelemu.Emulator { return m.zemu }

// Open starts the app, on the built-in emulator when no instance of the
// identity backend is configured; it returns once everything is listening.
func (m *Main) Open() error {
	if err := m.listen(); err != nil {
		return err
	}
	h, api, err := m.newApp()
	if err != nil {
		m.Close()
		return err
	}
	m.serve(h)
	m.logStart(api)
	return nil
}

// logStart says in one line where the app runs and on what; in the demo,
// where the outbox is.
func (m *Main) logStart(api string) {
	public := m.Config.PublicURL.String()
	switch {
	case m.devAPI == nil && m.Config.Zitadel():
		m.Logger.Info("mfaportal is running", "app", public, "zitadel", api)
		return
	case m.devAPI == nil:
		m.Logger.Info("mfaportal is running", "app", public, "stytch", api)
		return
	}
	if !loopback(m.Config.Addr) {
		m.Logger.Warn("the demo is reachable from other machines (MFAPORTAL_DEMO=1): anyone who can open its dev outbox reads every code and magic link", "addr", m.Config.Addr)
	}
	outbox := strings.TrimRight(public, "/") + "/dev/outbox"
	if m.zemu != nil {
		if !loopback(m.Config.Addr) && loopback(m.Config.EmulatorAddr) {
			m.Logger.Warn("browsers on other machines cannot reach the ZITADEL emulator's login page: set EMULATOR_ADDR to an address they reach", "emulator", m.emuURL)
		}
		m.Logger.Info("mfaportal is running as a demo on the built-in ZITADEL emulator (IDENTITY_BACKEND=zitadel, no ZITADEL_URL set): log in on its page as one of the demo users; codes appear in the dev outbox",
			"app", public, "outbox", outbox, "emulator", m.emuURL, "users", m.emuURL+"/dev/users")
		return
	}
	m.Logger.Info("mfaportal is running as a demo on the built-in Stytch emulator (no STYTCH_PROJECT_ID/STYTCH_SECRET set): codes and magic links appear in the dev outbox",
		"app", public, "outbox", outbox, "emulator", m.emuURL)
}

// listen opens the app's address. On port 0 (tests) the public URL
// becomes the address actually given.
func (m *Main) listen() error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	if m.Config.PublicURL.Port() == "0" {
		m.Config.PublicURL = &url.URL{Scheme: "http", Host: ln.Addr().String()}
	}
	return nil
}

// stytchConfig says which Stytch the app calls: the configured one or,
// without credentials, the built-in emulator, started here, with the dev
// mode that tells the app about it.
func (m *Main) stytchConfig() (stytchclient.Config, *handlers.DevMode, error) {
	cfg := m.Config
	if !cfg.UseEmulator() {
		c := stytchclient.Config{ProjectID: cfg.ProjectID, Secret: cfg.Secret, Timeout: cfg.StytchTimeout}
		if cfg.APIURL != nil {
			c.BaseURL = cfg.APIURL.String()
		}
		return c, nil, nil
	}
	if err := m.openEmulator(); err != nil {
		return stytchclient.Config{}, nil, err
	}
	c := stytchclient.Config{ProjectID: m.emu.ProjectID(), Secret: m.emu.Secret(), BaseURL: m.emuURL, Timeout: cfg.StytchTimeout}
	return c, devMode(cfg.PublicURL.String(), m.emu.Demo()), nil
}

// newApp connects the identity backend and makes the application; api is
// where the backend's calls go. Errors here come from the configuration
// (exit status 2), except an address that cannot be listened on, an
// emulator that does not start and a ZITADEL that does not answer.
func (m *Main) newApp() (h http.Handler, api string, err error) {
	reg, err := m.instrument()
	if err != nil {
		return nil, "", err
	}
	var opts handlers.Options
	if m.Config.Zitadel() {
		opts, api, err = m.zitadelOptions(reg)
	} else {
		opts, api, err = m.stytchOptions(reg)
	}
	if err != nil {
		return nil, "", err
	}
	if err := m.appOptions(&opts); err != nil {
		return nil, "", configError{err}
	}
	opts.Metrics = reg
	if opts.Store, err = m.openStore(opts.Now); err != nil {
		return nil, "", configError{err}
	}
	if h, err = handlers.New(opts); err != nil {
		return nil, "", configError{err}
	}
	return h, api, nil
}

// instrument serves metrics when METRICS_ADDR is set; the registry is nil
// otherwise.
func (m *Main) instrument() (*metrics.Registry, error) {
	if m.Config.MetricsAddr == "" {
		return nil, nil
	}
	reg := metrics.New()
	return reg, m.openMetrics(reg)
}

// stytchOptions are the app's options that come from Stytch: the client
// (reporting its calls to reg, if any), the session-JWT verifier and, in
// the demo, the emulator's clock and dev mode.
func (m *Main) stytchOptions(reg *metrics.Registry) (handlers.Options, string, error) {
	clientCfg, dev, err := m.stytchConfig()
	if err != nil {
		return handlers.Options{}, "", err
	}
	if reg != nil {
		clientCfg.Observe = reg.ObserveStytch
	}
	client, err := stytchclient.New(clientCfg)
	if err != nil {
		return handlers.Options{}, "", configError{err}
	}
	now := time.Now
	if m.emu != nil {
		now = m.emu.Now // one clock: the emulator's, which /dev/clock moves
	}
	return handlers.Options{
		Stytch:   client,
		Verifier: stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{Now: now}),
		Now:      now,
		Dev:      dev,
	}, client.BaseURL(), nil
}

// appOptions completes the backend's options with the rest of the
// configuration.
func (m *Main) appOptions(opts *handlers.Options) error {
	cfg := m.Config
	policy, err := phone.ParsePolicy(cfg.SMSCountries)
	if err != nil {
		return fmt.Errorf("SMS_COUNTRIES=%q: %w", cfg.SMSCountries, err)
	}
	var keys []session.KeyPair
	if cfg.SessionKeys == "" {
		keys = session.RandomKeys()
		m.Logger.Warn("SESSION_KEYS is not set: using random keys, so everyone is logged out when mfaportal restarts and replicas cannot share sessions")
	} else if keys, err = session.ParseKeys(cfg.SessionKeys); err != nil {
		return fmt.Errorf("SESSION_KEYS: %w", err)
	}
	opts.Logger, opts.Audit = m.Logger, m.Audit
	opts.PublicURL, opts.BasePath, opts.Organization = cfg.PublicURL.String(), cfg.BasePath, cfg.Organization
	opts.SessionKeys, opts.SecureCookies = keys, cfg.CookieSecure
	opts.SMSPolicy, opts.DefaultRegion = policy, cfg.DefaultRegion
	opts.FrameAncestors = cfg.FrameAnc
	// Checked by LoadConfig, and by handlers.New: each must be an origin.
	opts.ReturnToOrigins = cfg.ReturnTo
	opts.ResendCooldown, opts.TrustedProxies = cfg.Cooldown, cfg.TrustedProxies
	opts.Limits = handlers.Limits{
		SMSPerMember: cfg.LimitSMSPerMember, SMSPerNumber: cfg.LimitSMSPerNumber,
		SMSPerIP: cfg.LimitSMSPerIP, SMSPerOrg: cfg.LimitSMSPerOrg,
		LoginPerEmail: cfg.LimitLoginPerEmail, LoginPerIP: cfg.LimitLoginPerIP,
		CodeAttempts: cfg.LimitCodeAttempts,
		AppSetups:    cfg.LimitAppSetups,
	}
	return nil
}

// openStore makes the server-side state: Redis when REDIS_URL is set, so
// replicas share limits and one-time steps, else this process's memory.
// A Redis that does not answer at start is logged, not fatal: pages that
// need no store work meanwhile, and sending codes fails closed.
func (m *Main) openStore(now func() time.Time) (store.Store, error) {
	if m.Config.RedisURL == "" {
		m.store = store.NewMemory(now)
		return m.store, nil
	}
	r, err := store.NewRedis(m.Config.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: want a URL such as redis://host:6379/0 (%w)", err)
	}
	m.store = r
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		m.Logger.Error("Redis does not answer: pages work, but sending codes fails until it does", "redis", r.Addr(), "err", err)
	} else {
		m.Logger.Info("limits and one-time steps are kept in Redis", "redis", r.Addr())
	}
	return r, nil
}

// serve answers on the app's listener. In the demo, the emulator's dev
// endpoints (outbox, clock, faults) answer there too, so the outbox works
// wherever the app does; outside the demo there are none.
func (m *Main) serve(h http.Handler) {
	if m.devAPI != nil {
		mux := http.NewServeMux()
		mux.Handle("/dev/", m.devAPI)
		mux.Handle("/", h)
		h = mux
	}
	m.server = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.server.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("server stopped", "err", err)
		}
	}()
}

func (m *Main) openEmulator() error {
	app := m.Config.PublicURL.JoinPath(m.Config.BasePath)
	emu, err := stytchemu.New(stytchemu.Options{
		Seed:               true,
		DefaultRedirectURL: app.JoinPath("authenticate").String(),
		// The app's own pages, and any local app beside it.
		RedirectURLs: append(slices.Clone(stytchemu.DefaultRedirectURLs), strings.TrimSuffix(app.String(), "/")+"/*"),
	})
	if err != nil {
		return fmt.Errorf("start the built-in emulator: %w", err)
	}
	ln, err := net.Listen("tcp", m.Config.EmulatorAddr)
	if err != nil {
		return fmt.Errorf("listen for the built-in emulator on %s: %w", m.Config.EmulatorAddr, err)
	}
	m.emu, m.devAPI = emu, emu.Handler()
	m.emuURL = "http://" + ln.Addr().String()
	m.serveEmulator(ln, &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second, ConnState: emu.ConnState})
	return nil
}

// serveEmulator serves the demo's emulator on its own listener.
func (m *Main) serveEmulator(ln net.Listener, srv *http.Server) {
	m.emuServer = srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("emulator stopped", "err", err)
		}
	}()
}

// Close shuts the servers down gracefully, letting requests in flight finish
// for up to ten seconds.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
	} else if m.listener != nil {
		m.listener.Close()
	}
	for _, srv := range []*http.Server{m.emuServer, m.metricsServer} {
		if srv != nil {
			errs = append(errs, srv.Shutdown(ctx))
		}
	}
	if c, ok := m.store.(io.Closer); ok { // after the app's last request
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// openMetrics serves /metrics on its own address, kept apart from the
// public one so it need not be exposed.
func (m *Main) openMetrics(reg *metrics.Registry) error {
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", m.Config.MetricsAddr, err)
	}
	m.metricsURL = "http://" + ln.Addr().String() + "/metrics"
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg.Handler())
	// Go's profiler, for the same operators: keep METRICS_ADDR private.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	m.metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.metricsServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("metrics server stopped", "err", err)
		}
	}()
	m.Logger.Info("serving Prometheus metrics", "url", m.metricsURL)
	return nil
}

// runEmulator is `mfaportal emulator`: an emulator alone, Stytch's or with
// -backend zitadel ZITADEL's, for developing against or for other
// programs' tests.
func runEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, ok := parseEmulatorFlags(args, stderr)
	if !ok {
		return 2
	}
	newEmulator := stytchStandalone
	if f.backend == "zitadel" {
		newEmulator = zitadelStandalone
	}
	emu, err := newEmulator(f)
	if err != nil {
		fmt.Fprintln(stderr, "mfaportal emulator:", err)
		return 2
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintln(stderr, "mfaportal emulator:", err)
		return 1
	}
	fmt.Fprint(stdout, emu.settings("http://"+ln.Addr().String()))
	srv := &http.Server{Handler: emu.handler, ReadHeaderTimeout: 10 * time.Second, ConnState: emu.connState}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "mfaportal emulator:", err)
		return 1
	}
	return 0
}

// emulatorFlags are `mfaportal emulator`'s flags.
type emulatorFlags struct {
	fs                     *flag.FlagSet
	backend, addr          string
	seed                   bool
	projectID, secret      string // Stytch's
	seedFile               string
	redirect, redirects    string
	clientID, clientSecret string // ZITADEL's
}

// backendFlags are the flags only one backend's emulator takes.
var backendFlags = map[string][]string{
	"stytch":  {"project-id", "secret", "seed-file", "redirect-url", "redirect-urls"},
	"zitadel": {"client-id", "client-secret"},
}

// parseEmulatorFlags reads the flags and refuses, in one line on stderr,
// an unknown backend or a flag of the other backend's.
func parseEmulatorFlags(args []string, stderr io.Writer) (*emulatorFlags, bool) {
	f := &emulatorFlags{fs: flag.NewFlagSet("mfaportal emulator", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(stderr)
	fs.StringVar(&f.backend, "backend", "stytch", "which emulator: stytch or zitadel")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8081", "listen address")
	fs.BoolVar(&f.seed, "seed", true, "seed the demo organizations (Stytch: off by default with -seed-file)")
	fs.StringVar(&f.projectID, "project-id", "", "Stytch: project id to accept (default: the emulator's own)")
	fs.StringVar(&f.secret, "secret", "", "Stytch: secret to accept (default: the emulator's own)")
	fs.StringVar(&f.seedFile, "seed-file", "", "Stytch: JSON file of organizations, members, roles, MFA state and redirect URLs (format in README.md)")
	fs.StringVar(&f.redirect, "redirect-url", "", "Stytch: magic-link redirect URL when a request names none (always allowed)")
	fs.StringVar(&f.redirects, "redirect-urls", "", "Stytch: comma-separated redirect-URL allow-list, * for a subdomain, the port or the end of the path\n(default: the seed file's, else "+strings.Join(stytchemu.DefaultRedirectURLs, ",")+")")
	fs.StringVar(&f.clientID, "client-id", "", "ZITADEL: client id of the OIDC application (default "+zitadelemu.DefaultClientID+")")
	fs.StringVar(&f.clientSecret, "client-secret", "", "ZITADEL: client secret, making the application confidential (default: public, PKCE only)")
	if err := fs.Parse(args); err != nil {
		return nil, false
	}
	if _, ok := backendFlags[f.backend]; !ok {
		fmt.Fprintf(stderr, "mfaportal emulator: -backend %q: want stytch or zitadel\n", f.backend)
		return nil, false
	}
	for _, backend := range slices.Sorted(maps.Keys(backendFlags)) {
		for _, name := range backendFlags[backend] {
			if backend != f.backend && flagSet(fs, name) {
				fmt.Fprintf(stderr, "mfaportal emulator: -%s is for -backend %s only\n", name, backend)
				return nil, false
			}
		}
	}
	return f, true
}

// standaloneEmulator is an emulator ready to serve alone.
type standaloneEmulator struct {
	handler   http.Handler
	connState func(net.Conn, http.ConnState)
	// settings is what to print once the emulator listens at base.
	settings func(base string) string
}

// stytchStandalone is the Stytch emulator of `mfaportal emulator`.
func stytchStandalone(f *emulatorFlags) (standaloneEmulator, error) {
	opts := stytchemu.Options{ProjectID: f.projectID, Secret: f.secret, Seed: f.seed, DefaultRedirectURL: f.redirect}
	if f.seedFile != "" {
		data, err := os.ReadFile(f.seedFile)
		if err != nil {
			return standaloneEmulator{}, err
		}
		opts.SeedJSON = data
		opts.Seed = flagSet(f.fs, "seed") && f.seed // the file replaces the demo unless -seed asks for both
	}
	if f.redirects != "" {
		for _, u := range strings.Split(f.redirects, ",") {
			opts.RedirectURLs = append(opts.RedirectURLs, strings.TrimSpace(u))
		}
	}
	emu, err := stytchemu.New(opts)
	if err != nil {
		return standaloneEmulator{}, err
	}
	return standaloneEmulator{handler: emu.Handler(), connState: emu.ConnState, settings: func(base string) string {
		return fmt.Sprintf("Stytch emulator listening\n  STYTCH_API_URL=%s\n  STYTCH_PROJECT_ID=%s\n  STYTCH_SECRET=%s\n  dev outbox: %s/dev/outbox\n  dev requests: %s/dev/requests\n  redirect URLs: %s\n",
			base, emu.ProjectID(), emu.Secret(), base, base, strings.Join(emu.RedirectURLs(), " "))
	}}, nil
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// devMode tells the app about the emulator, so the login page can list the
// demo accounts and link to the outbox.
func devMode(appURL string, demo stytchemu.Demo) *handlers.DevMode {
	d := &handlers.DevMode{OutboxURL: strings.TrimRight(appURL, "/") + "/dev/outbox"}
	for _, org := range []stytchemu.DemoOrg{demo.Organization, demo.Required} {
		for _, m := range []stytchemu.DemoMember{org.Admin, org.Member, org.Enrolled} {
			if m.Email != "" {
				d.Accounts = append(d.Accounts, handlers.DemoAccount{
					Organization: org.Slug, OrganizationName: org.Name, Email: m.Email, Name: m.Name, Phone: m.Phone,
					Admin: m == org.Admin,
				})
			}
		}
	}
	if b := demo.Bulk; b.Admin.Email != "" { // Initech: an admin with a long member list
		d.Accounts = append(d.Accounts, handlers.DemoAccount{
			Organization: b.Slug, OrganizationName: b.Name, Email: b.Admin.Email, Name: b.Admin.Name, Admin: true,
		})
	}
	return d
}
