package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/store"
)

// Without REDIS_URL the state lives in memory: fine for one replica.
func TestStoreInMemoryByDefault(t *testing.T) {
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: logging.New(io.Discard, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, ok := m.store.(*store.Memory); !ok {
		t.Fatalf("store %T, want memory", m.store)
	}
}

// A REDIS_URL that is not one stops the program like any bad setting,
// without printing the password it may hold.
func TestBadRedisURLExits2(t *testing.T) {
	var stderr syncBuffer
	code := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, mapEnv(map[string]string{"REDIS_URL": "http://:hunter2@redis.internal:6379"}), io.Discard, &stderr)
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	out := lines[len(lines)-1]
	if code != 2 || !strings.HasPrefix(out, "mfaportal: configuration: REDIS_URL") {
		t.Fatalf("exit status %d, stderr %q; want 2 and one line naming REDIS_URL", code, out)
	}
	if strings.Contains(stderr.String(), "hunter2") {
		t.Errorf("the error shows the password: %q", out)
	}
}

// A Redis that does not answer at start is logged as an error, and the app
// starts anyway: pages that need no store work, and /healthz says why
// sending codes does not.
func TestStartsWithRedisDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0", "REDIS_URL": "redis://" + closed + "/0"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	m := &Main{Config: cfg, Logger: logging.New(&logs, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatalf("Open with Redis down: %v", err)
	}
	defer m.Close()
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "Redis does not answer") {
		t.Errorf("want an error line saying Redis does not answer; log:\n%s", logs.String())
	}
	res, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "ok\nstore: unreachable\n" {
		t.Fatalf("/healthz: %d %q", res.StatusCode, body)
	}
	res, err = http.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/login with Redis down: %d", res.StatusCode)
	}
}
