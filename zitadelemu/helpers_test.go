package zitadelemu_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/zitadelemu"
)

// env is one emulator on a real HTTP server with a fake clock.
type env struct {
	t     *testing.T
	emu   *zitadelemu.Emulator
	srv   *httptest.Server
	clock *zitadelemu.FakeClock
	demo  zitadelemu.Demo
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := zitadelemu.NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	emu, err := zitadelemu.New(zitadelemu.Options{Clock: clock, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, emu: emu, srv: srv, clock: clock, demo: emu.Demo()}
}

func (e *env) token(userID string) string {
	e.t.Helper()
	tok, err := e.emu.Token(userID)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// reply is an answer: status and raw body.
type reply struct {
	status int
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return m
}

// call sends method path with body (a string of JSON, or "") as token.
func (e *env) call(method, path, token, body string, header ...string) reply {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, bytes.TrimSpace(b)}
}

// wantError checks status and the ZITADEL error id of an answer.
func wantError(t *testing.T, r reply, status int, id string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var body struct {
		Details []struct {
			ID string `json:"id"`
		} `json:"details"`
	}
	_ = json.Unmarshal(r.body, &body)
	got := ""
	if len(body.Details) > 0 {
		got = body.Details[0].ID
	}
	if got != id {
		t.Fatalf("error id %q, want %q: %s", got, id, r.body)
	}
}

func wantOK(t *testing.T, r reply) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
}

// lastCode is the code of the newest SMS to phone, read over /dev/outbox.
func (e *env) lastCode(phone string) string {
	e.t.Helper()
	var out struct {
		Messages []zitadelemu.Message `json:"messages"`
	}
	r := e.call(http.MethodGet, "/dev/outbox", "", "")
	if err := json.Unmarshal(r.body, &out); err != nil {
		e.t.Fatal(err)
	}
	for i := len(out.Messages) - 1; i >= 0; i-- {
		if out.Messages[i].To == phone {
			return out.Messages[i].Code
		}
	}
	e.t.Fatalf("no SMS to %s in %s", phone, r.body)
	return ""
}
