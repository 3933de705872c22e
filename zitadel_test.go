package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// IDENTITY_BACKEND=zitadel with no ZITADEL_URL: the demo on the built-in
// ZITADEL emulator, its dev endpoints on the app's address too, one log
// line naming it, and /login sending the browser to its authorize
// endpoint with a PKCE challenge and ZITADEL's API audience scope.
func TestZitadelDemo(t *testing.T) {
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0", "IDENTITY_BACKEND": "zitadel"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	m := &Main{Config: cfg, Logger: logging.New(&logs, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.ZitadelEmulator() == nil || m.Emulator() != nil || !strings.HasPrefix(m.EmulatorURL(), "http://127.0.0.1:") {
		t.Fatalf("ZITADEL emulator %v, Stytch emulator %v, URL %q", m.ZitadelEmulator(), m.Emulator(), m.EmulatorURL())
	}
	if status, body := get(t, m.URL()+"/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz: %d %s", status, body)
	}
	for _, base := range []string{m.EmulatorURL(), m.URL()} {
		for _, path := range []string{"/dev/outbox", "/dev/users"} {
			if status, _ := get(t, base+path); status != http.StatusOK {
				t.Errorf("GET %s%s: %d", base, path, status)
			}
		}
	}
	client, err := zitadelclient.New(zitadelclient.Config{BaseURL: m.EmulatorURL()})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := m.zitadelDevMode(context.Background(), client)
	if err != nil || dev.OutboxURL != m.URL()+"/dev/outbox" || len(dev.Accounts) != len(m.ZitadelEmulator().Users()) {
		t.Fatalf("dev mode %+v, %v", dev, err)
	}
	for _, a := range dev.Accounts {
		if a.Email == "olivia@acme.localhost" && (!a.Admin || a.Name != "Olivia Owner") || a.Email == "erin@acme.localhost" && a.Phone != "+41791234567" {
			t.Errorf("demo account %+v", a)
		}
	}
	if l := logs.String(); strings.Count(l, "built-in ZITADEL emulator") != 1 || !strings.Contains(l, m.URL()+"/dev/outbox") {
		t.Errorf("the log should say in one line that this is the ZITADEL emulator and where the outbox is:\n%s", l)
	}

	res, err := noRedirects.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /login: %d, want a redirect to ZITADEL\n%s", res.StatusCode, body)
	}
	to, err := res.Location()
	if err != nil || !strings.HasPrefix(to.String(), m.EmulatorURL()+zitadelemu.AuthorizePath) {
		t.Fatalf("GET /login goes to %v (%v), want %s%s", to, err, m.EmulatorURL(), zitadelemu.AuthorizePath)
	}
	q := to.Query()
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" ||
		!strings.Contains(" "+q.Get("scope")+" ", " "+zitadelemu.APIAudienceScope+" ") ||
		q.Get("redirect_uri") != m.URL()+"/authenticate" {
		t.Errorf("authorize request %v: want a S256 challenge, the API audience scope and the app's callback", q)
	}
}

// The demo's emulator accepts the app's login as one registered in
// ZITADEL would: its issuer is where the browser reaches it, and it lets
// exactly the app's callback in.
func TestZitadelDemoRegistersTheApp(t *testing.T) {
	m := openDemo(t, map[string]string{"ADDR": "127.0.0.1:0", "IDENTITY_BACKEND": "zitadel", "BASE_PATH": "/security"})
	emu := m.ZitadelEmulator()
	for callback, want := range map[string]int{
		m.URL() + "/security/authenticate": http.StatusFound,      // on to the login page
		m.URL() + "/elsewhere":             http.StatusBadRequest, // not registered
	} {
		login, err := zitadelclient.NewLogin(context.Background(), zitadelclient.LoginConfig{
			Issuer: m.EmulatorURL(), ClientID: emu.ClientID(), RedirectURI: callback,
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := noRedirects.Get(login.AuthURL("state", "verifier-verifier-verifier-verifier-verifier"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want && !(want == http.StatusBadRequest && res.StatusCode >= 400) {
			t.Errorf("authorize with redirect_uri %s: %d, want %d", callback, res.StatusCode, want)
		}
		if want == http.StatusFound {
			if to, _ := res.Location(); to == nil || to.Path != zitadelemu.LoginPath {
				t.Errorf("authorize went to %v, want the login page", to)
			}
		}
	}
}

// With ZITADEL_URL (here an emulator outside the process, as a real
// instance would be) the app serves no /dev/ pages and says where ZITADEL
// is; a ZITADEL that does not answer stops the start (exit status 1).
func TestZitadelInstance(t *testing.T) {
	emu, err := zitadelemu.New(zitadelemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	instance := httptest.NewServer(emu.Handler())
	defer instance.Close()
	cfg, err := LoadConfig(mapEnv(map[string]string{
		"ADDR": "127.0.0.1:0", "IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": instance.URL, "ZITADEL_CLIENT_ID": emu.ClientID(),
	}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	m := &Main{Config: cfg, Logger: logging.New(&logs, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.ZitadelEmulator() != nil || m.EmulatorURL() != "" {
		t.Fatal("the built-in emulator started with ZITADEL_URL")
	}
	for _, path := range []string{"/dev/outbox", "/dev/users", "/dev/token"} {
		if status, _ := get(t, m.URL()+path); status != http.StatusNotFound {
			t.Errorf("GET %s without the demo: %d, want 404", path, status)
		}
	}
	if status, _ := get(t, m.URL()+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz: %d", status)
	}
	if l := logs.String(); !strings.Contains(l, "mfaportal is running") || !strings.Contains(l, instance.URL) || strings.Contains(l, "demo") {
		t.Errorf("start-up line:\n%s", l)
	}

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	var stderr syncBuffer
	code := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, mapEnv(map[string]string{
		"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": down.URL, "ZITADEL_CLIENT_ID": "1",
	}), io.Discard, &stderr)
	if out := strings.TrimSpace(stderr.String()); code != 1 || !strings.Contains(out, down.URL) {
		t.Errorf("ZITADEL not answering: exit %d, stderr %q; want 1 naming %s", code, out, down.URL)
	}
}

// Configuration mistakes about the backend stop run with exit status 2
// and one line naming the variable.
func TestRunZitadelConfigExits2(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"IDENTITY_BACKEND": "keycloak"}, nil, "IDENTITY_BACKEND"},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ZITADEL_URL": "https://auth.example.com"}, nil, "ZITADEL_CLIENT_ID"},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "STYTCH_PROJECT_ID": "project-test-1", "STYTCH_SECRET": "s"}, nil, "STYTCH_PROJECT_ID"},
		{map[string]string{"ZITADEL_URL": "https://auth.example.com", "ZITADEL_CLIENT_ID": "1"}, nil, "IDENTITY_BACKEND=zitadel"},
		{map[string]string{"IDENTITY_BACKEND": "zitadel", "ADDR": "0.0.0.0:0"}, nil, "MFAPORTAL_DEMO=1"},
		{map[string]string{"IDENTITY_BACKEND": "zitadel"}, []string{"-addr", ":0"}, "ZITADEL_URL"},
	}
	for _, tt := range cases {
		var stderr syncBuffer
		code := run(context.Background(), tt.args, mapEnv(tt.env), io.Discard, &stderr)
		out := strings.TrimSpace(stderr.String())
		if code != 2 || strings.Contains(out, "\n") || !strings.Contains(out, tt.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want 2 and one line naming %s", tt.env, tt.args, code, out, tt.want)
		}
	}
}

// `mfaportal emulator -backend zitadel` prints its URL and what to set,
// serves its dev endpoints and ZITADEL's discovery, and stops with its
// context.
func TestZitadelEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "-backend", "zitadel", "-addr", "127.0.0.1:0", "-client-id", "portal"}, mapEnv(nil), out, io.Discard)
	}()
	base := waitForSetting(t, out, "ZITADEL_URL=")
	for _, want := range []string{"IDENTITY_BACKEND=zitadel", "ZITADEL_CLIENT_ID=portal", "dev outbox: " + base + "/dev/outbox", "dev users: " + base + "/dev/users"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if status, body := get(t, base+"/dev/users"); status != http.StatusOK || !strings.Contains(body, "ORG_OWNER") {
		t.Errorf("/dev/users: %d %s", status, body)
	}
	if _, err := zitadelclient.NewLogin(ctx, zitadelclient.LoginConfig{Issuer: base, ClientID: "portal", RedirectURI: "http://localhost:8080/authenticate"}); err != nil {
		t.Errorf("discovery: %v", err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

// A flag of one backend's emulator is refused for the other's, and an
// unknown backend is refused, each with exit status 2 and a message.
func TestEmulatorCommandRefusesTheOtherBackendsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-backend", "zitadel", "-project-id", "project-test-1"},
		{"-backend", "zitadel", "-seed-file", "orgs.json"},
		{"-backend", "zitadel", "-redirect-urls", "http://localhost:*"},
		{"-client-id", "portal"},
		{"-backend", "stytch", "-client-secret", "s"},
		{"-backend", "okta"},
	} {
		var stderr syncBuffer
		code := run(context.Background(), append([]string{"emulator", "-addr", "127.0.0.1:0"}, args...), mapEnv(nil), io.Discard, &stderr)
		if out := strings.TrimSpace(stderr.String()); code != 2 || strings.Contains(out, "\n") || !strings.Contains(out, "-backend") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line about -backend", args, code, out)
		}
	}
}

// waitForSetting waits for `prefix…` in the emulator command's output and
// returns what follows it.
func waitForSetting(t *testing.T, out *syncBuffer, prefix string) string {
	t.Helper()
	for i := 0; i < 500; i++ {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
				return v
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s in the output:\n%s", prefix, out.String())
	return ""
}

// With METRICS_ADDR, ZITADEL's calls are timed as Stytch's are: the
// login's discovery at start and the API calls, by endpoint.
func TestZitadelMetrics(t *testing.T) {
	m := openDemo(t, map[string]string{"ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0", "IDENTITY_BACKEND": "zitadel"})
	// A login coming back with a code ZITADEL never issued: one token call,
	// refused (a public client's id goes in the form, so no second try
	// with a Basic header).
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: noRedirects.CheckRedirect}
	res, err := browser.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	to, err := res.Location()
	if err != nil {
		t.Fatal(err)
	}
	res, err = browser.Get(m.URL() + "/authenticate?code=never-issued&state=" + url.QueryEscape(to.Query().Get("state")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, body := get(t, m.metricsURL)
	for _, want := range []string{
		`mfaportal_zitadel_call_duration_seconds_count{endpoint="oidc.discovery",error_id="",status="200"} 1`,
		`mfaportal_zitadel_call_duration_seconds_count{endpoint="user.v2.get",error_id="",status="200"}`,
		`mfaportal_zitadel_call_duration_seconds_count{endpoint="oidc.token",error_id="",status="400"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in\n%s", want, body)
		}
	}
}
