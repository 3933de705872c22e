package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/stytchemu"
)

func writeFile(name, s string) error { return os.WriteFile(name, []byte(s), 0o600) }

// syncBuffer is a log sink the server goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMainStartsOnTheEmulator: no credentials → the built-in emulator,
// /healthz answers, the log says where the outbox is, and shutdown is clean.
func TestMainStartsOnTheEmulator(t *testing.T) {
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	m := &Main{Config: cfg, Logger: logging.New(&logs, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d %s", res.StatusCode, body)
	}
	if m.Emulator() == nil || m.EmulatorURL() == "" {
		t.Fatal("no emulator started without credentials")
	}
	for _, base := range []string{m.EmulatorURL(), m.URL()} {
		res, err = http.Get(base + "/dev/outbox")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("dev outbox at %s: %d", base, res.StatusCode)
		}
	}
	res, err = http.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "ada@acme.example") {
		t.Fatalf("login page on the emulator should offer the demo accounts: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(string(body), "this runs on a built-in Stytch emulator") {
		t.Errorf("the login page should say it is a demo:\n%s", body)
	}
	if !strings.Contains(logs.String(), "built-in Stytch emulator") || !strings.Contains(logs.String(), "/dev/outbox") {
		t.Errorf("the log should say in one line that this is the emulator and where the outbox is:\n%s", logs.String())
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("server still answering after Close")
	}
}

// TestRunExitsOnSignal drives run as main does: a cancelled context (the
// signal) ends it with status 0.
func TestRunExitsOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr syncBuffer
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, mapEnv(nil), io.Discard, &stderr) }()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit status %d, stderr:\n%s", code, stderr.String())
		}
		// Log lines go straight to stderr: none may be lost when run returns.
		if !strings.Contains(stderr.String(), "mfaportal is running") {
			t.Errorf("the start-up line was not written before exit; stderr:\n%s", stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
}

func TestRunBadConfigExits2(t *testing.T) {
	var stderr syncBuffer
	code := run(context.Background(), nil, mapEnv(map[string]string{"PORT": "eighty"}), io.Discard, &stderr)
	if code != 2 {
		t.Fatalf("exit status %d, want 2", code)
	}
	out := strings.TrimSpace(stderr.String())
	if strings.Count(out, "\n") != 0 || !strings.Contains(out, "PORT") {
		t.Errorf("want one line naming PORT, got %q", out)
	}
}

// `mfaportal emulator` prints its URL and credentials and serves until
// its context ends.
func TestEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "-addr", "127.0.0.1:0", "-project-id", "project-test-cmd", "-secret", "secret-test-cmd"}, mapEnv(nil), out, io.Discard)
	}()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "STYTCH_API_URL="); ok {
				base = v
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" || !strings.Contains(out.String(), "STYTCH_PROJECT_ID=project-test-cmd") {
		t.Fatalf("output:\n%s", out.String())
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/b2b/organizations/acme", nil)
	req.SetBasicAuth("project-test-cmd", "secret-test-cmd")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("seeded organization: %d", res.StatusCode)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d", code)
	}
}

func TestEmulatorCommandSeedFileAndRedirectURLs(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "orgs.json")
	if err := os.WriteFile(seed, []byte(`{"redirect_urls": ["https://app.example.com/*"], "organizations": [
		{"organization_name": "Hooli", "organization_slug": "hooli", "members": [{"email_address": "gavin@hooli.example", "roles": ["stytch_admin"]}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "-addr", "127.0.0.1:0", "-seed-file", seed, "-redirect-urls", "https://app.example.com/*, http://localhost:*"}, mapEnv(nil), out, io.Discard)
	}()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "STYTCH_API_URL="); ok {
				base = v
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" || !strings.Contains(out.String(), "redirect URLs: https://app.example.com/* http://localhost:*") {
		t.Fatalf("output:\n%s", out.String())
	}
	get := func(path string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.SetBasicAuth(stytchemu.DefaultProjectID, stytchemu.DefaultSecret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if get("/v1/b2b/organizations/hooli") != http.StatusOK || get("/v1/b2b/organizations/acme") != http.StatusNotFound {
		t.Fatal("the seed file should replace the demo")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d", code)
	}

	var stderr syncBuffer
	if code := run(context.Background(), []string{"emulator", "-seed-file", filepath.Join(t.TempDir(), "missing.json")}, mapEnv(nil), io.Discard, &stderr); code != 2 {
		t.Fatalf("missing seed file: exit %d", code)
	}
	if code := run(context.Background(), []string{"emulator", "-redirect-urls", "no-scheme"}, mapEnv(nil), io.Discard, &stderr); code != 2 {
		t.Fatalf("bad redirect URL: exit %d", code)
	}
}

func TestRunBadReturnToOriginsExits2(t *testing.T) {
	var stderr syncBuffer
	code := run(context.Background(), nil, mapEnv(map[string]string{"RETURN_TO_ORIGINS": "https://portal.example.com,evil.example/path"}), io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "RETURN_TO_ORIGINS") {
		t.Fatalf("exit status %d, stderr %q; want 2 naming RETURN_TO_ORIGINS", code, stderr.String())
	}
}

// METRICS_ADDR serves Prometheus metrics on their own address: requests by
// route and Stytch calls by endpoint.
func TestMetrics(t *testing.T) {
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: logging.New(io.Discard, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res, err := http.PostForm(m.URL()+"/login", nil) // no CSRF token: a 403, no Stytch call
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// A link token Stytch doesn't know: one call to Stytch, refused.
	res, err = http.Get(m.URL() + "/authenticate?stytch_token_type=multi_tenant_magic_links&token=unknown")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = http.Get(m.metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`mfaportal_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 1`,
		`mfaportal_http_request_duration_seconds_count{method="POST",route="/login",status="403"} 1`,
		`mfaportal_stytch_call_duration_seconds_count{endpoint="magic_links.authenticate",error_type="magic_link_not_found",status="404"} 1`,
		"\ngo_goroutines ",
		"\nprocess_resident_memory_bytes ",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("missing %s in\n%s", want, body)
		}
	}
	// The profiler answers on the metrics address only.
	for u, want := range map[string]int{strings.TrimSuffix(m.metricsURL, "/metrics") + "/debug/pprof/": 200, m.URL() + "/debug/pprof/": 404} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", u, res.StatusCode, want)
		}
	}
}

func TestMetricsOffByDefault(t *testing.T) {
	cfg, _ := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0"}))
	m := &Main{Config: cfg, Logger: logging.New(io.Discard, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.metricsServer != nil {
		t.Fatal("metrics served without METRICS_ADDR")
	}
	res, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the public address: %d", res.StatusCode)
	}
}

// Without credentials, an address other machines can reach refuses to
// start (exit status 2) with one line saying what to set: the demo's
// outbox shows every code to whoever can open it.
func TestRunRefusesTheDemoBeyondLoopback(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"ADDR on every interface", nil, map[string]string{"ADDR": "0.0.0.0:0"}},
		{"PORT alone", nil, map[string]string{"PORT": "0"}},
		{"-addr on every interface", []string{"-addr", ":0"}, nil},
	}
	for _, tt := range cases {
		var stderr syncBuffer
		code := run(context.Background(), tt.args, mapEnv(tt.env), io.Discard, &stderr)
		out := strings.TrimSpace(stderr.String())
		if code != 2 || strings.Count(out, "\n") != 0 || !strings.Contains(out, "MFAPORTAL_DEMO=1") || !strings.Contains(out, "STYTCH_PROJECT_ID") {
			t.Errorf("%s: exit status %d, stderr %q; want 2 and one line naming STYTCH_PROJECT_ID and MFAPORTAL_DEMO=1", tt.name, code, out)
		}
	}
}

// openDemo starts the app from env as run would, and closes it after the
// test.
func openDemo(t *testing.T, env map[string]string) *Main {
	t.Helper()
	cfg, err := LoadConfig(mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: logging.New(io.Discard, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// The demo on a loopback address needs no switch; on every interface it
// starts when MFAPORTAL_DEMO=1 asks for it, and says it is a demo.
func TestDemoStarts(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"loopback":               {"ADDR": "127.0.0.1:0"},
		"every interface, asked": {"ADDR": "0.0.0.0:0", "MFAPORTAL_DEMO": "1"},
	} {
		t.Run(name, func(t *testing.T) {
			m := openDemo(t, env)
			if m.Emulator() == nil {
				t.Fatal("no emulator")
			}
			_, port, _ := net.SplitHostPort(m.listener.Addr().String())
			base := "http://127.0.0.1:" + port // reaches every interface's listener too
			if status, body := get(t, base+"/login"); status != http.StatusOK || !strings.Contains(body, "Demo:") {
				t.Errorf("login page: %d, want 200 with the demo banner\n%s", status, body)
			}
			if status, _ := get(t, base+"/dev/outbox"); status != http.StatusOK {
				t.Errorf("dev outbox in the demo: %d", status)
			}
		})
	}
}

// With real Stytch (here an emulator outside the process, as a real
// project would be) the app serves no /dev/ pages and no demo banner.
func TestDemoPagesOnlyInTheDemo(t *testing.T) {
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	stytch := httptest.NewServer(emu.Handler())
	defer stytch.Close()
	m := openDemo(t, map[string]string{
		"ADDR": "127.0.0.1:0", "STYTCH_PROJECT_ID": emu.ProjectID(), "STYTCH_SECRET": emu.Secret(), "STYTCH_API_URL": stytch.URL,
	})
	if m.Emulator() != nil {
		t.Fatal("the built-in emulator started with credentials")
	}
	for _, path := range []string{"/dev/outbox", "/dev/clock", "/dev/faults"} {
		if status, _ := get(t, m.URL()+path); status != http.StatusNotFound {
			t.Errorf("GET %s without the demo: %d, want 404", path, status)
		}
	}
	if status, body := get(t, m.URL()+"/login"); status != http.StatusOK || strings.Contains(body, "Demo:") || strings.Contains(body, "dev outbox") {
		t.Errorf("login page with real Stytch: %d\n%s", status, body)
	}
}
