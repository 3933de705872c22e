package zitadelclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// env is the client talking to an emulator over real HTTP.
type env struct {
	t     *testing.T
	emu   *zitadelemu.Emulator
	srv   *httptest.Server
	c     *zitadelclient.Client
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
	c, err := zitadelclient.New(zitadelclient.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, emu: emu, srv: srv, c: c, clock: clock, demo: emu.Demo()}
}

// token asks the emulator's POST /dev/token for a token of userID.
func (e *env) token(userID string) string {
	e.t.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	e.devJSON(http.MethodPost, "/dev/token", `{"userId":"`+userID+`"}`, &out)
	return out.AccessToken
}

// code reads the newest code texted to phone from GET /dev/outbox.
func (e *env) code(phone string) string {
	e.t.Helper()
	var out struct {
		Messages []struct{ To, Code string } `json:"messages"`
	}
	e.devJSON(http.MethodGet, "/dev/outbox?to="+strings.ReplaceAll(phone, "+", "%2B"), "", &out)
	if len(out.Messages) == 0 {
		e.t.Fatalf("no SMS to %s", phone)
	}
	return out.Messages[len(out.Messages)-1].Code
}

func (e *env) devJSON(method, path, body string, out any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		e.t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) member(token, userID string) *zitadelclient.Member {
	e.t.Helper()
	m, err := e.c.Member(context.Background(), token, userID)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantErr checks that err is a ZITADEL error with the HTTP status, gRPC
// code and id given.
func wantErr(t *testing.T, err error, status, code int, id string) {
	t.Helper()
	var ze *zitadelclient.Error
	if !errors.As(err, &ze) {
		t.Fatalf("error %v (%T), want a *zitadelclient.Error %s", err, err, id)
	}
	if ze.StatusCode != status || ze.Code != code || ze.ID != id || !zitadelclient.IsErrorID(err, id) {
		t.Fatalf("error %d/%d/%q %q, want %d/%d/%q", ze.StatusCode, ze.Code, ze.ID, ze.Message, status, code, id)
	}
}
