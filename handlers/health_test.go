package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/store"
)

// downStore is a store whose server is gone: every call fails, at once,
// or, when hang is set, only when the caller stops waiting.
type downStore struct{ hang bool }

func (s downStore) fail(ctx context.Context) error {
	if s.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return errors.New("connection refused")
}

func (s downStore) Incr(ctx context.Context, _ string, _ time.Duration) (int64, time.Duration, error) {
	return 0, 0, s.fail(ctx)
}
func (s downStore) Put(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return s.fail(ctx)
}
func (s downStore) Get(ctx context.Context, _ string) ([]byte, error)  { return nil, s.fail(ctx) }
func (s downStore) Take(ctx context.Context, _ string) ([]byte, error) { return nil, s.fail(ctx) }
func (s downStore) Ping(ctx context.Context) error                     { return s.fail(ctx) }

// /healthz stays 200 whatever the store does (a Redis outage must not take
// every replica out of rotation) and says whether the store answers, soon.
func TestHealthSaysWhetherTheStoreAnswers(t *testing.T) {
	cases := map[string]struct {
		store store.Store
		want  string
	}{
		"memory":  {nil, "ok\n"},
		"down":    {downStore{}, "ok\nstore: unreachable\n"},
		"hanging": {downStore{hang: true}, "ok\nstore: unreachable\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(o *handlers.Options) { o.Store = tc.store })
			start := time.Now()
			p := e.browser().get("/healthz")
			if took := time.Since(start); took > time.Second {
				t.Errorf("/healthz took %v", took)
			}
			if p.status != http.StatusOK || p.body != tc.want {
				t.Fatalf("/healthz: %d %q, want 200 %q", p.status, p.body, tc.want)
			}
			// The pages that need no store still work.
			mustStatus(t, e.browser().get("/login"), http.StatusOK)
		})
	}
}
