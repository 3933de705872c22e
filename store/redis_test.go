package store_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/store"
	"github.com/mfaportal/mfaportal/store/storetest"
)

// redisURL is the test server's URL. Without one the test skips, except
// in CI (CI=true or MFAPORTAL_REQUIRE_REDIS=1), where .ci/run starts one.
func redisURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("MFAPORTAL_TEST_REDIS_URL"); u != "" {
		return u
	}
	msg := "no Redis to test against: start one with `redis-server --port 6391 --save '' --appendonly no --daemonize yes` " +
		"and set MFAPORTAL_TEST_REDIS_URL=redis://127.0.0.1:6391/0"
	if os.Getenv("CI") == "true" || os.Getenv("MFAPORTAL_REQUIRE_REDIS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func TestRedis(t *testing.T) {
	r, err := store.NewRedis(redisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Ping(context.Background()); err != nil {
		t.Fatalf("MFAPORTAL_TEST_REDIS_URL does not answer: %v", err)
	}
	storetest.Conformance(t, r, time.Sleep)
}

// A Redis that is not there, or that accepts connections but never
// answers, makes every call fail, and fail fast: a request waiting on it
// must not hang.
func TestRedisDownFailsFast(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		// The first calls dial; later ones may meet the pool's memory of failing.
		checkFailsFast(t, addr, 3)
	})
	t.Run("silent server", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close() // held open, never answered, until the test ends
			}
		}()
		checkFailsFast(t, ln.Addr().String(), 1)
	})
}

func checkFailsFast(t *testing.T, addr string, rounds int) {
	t.Helper()
	r, err := store.NewRedis("redis://" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	calls := map[string]func() error{
		"Incr": func() error { _, _, err := r.Incr(ctx, "down:counter", time.Minute); return err },
		"Put":  func() error { return r.Put(ctx, "down:once", []byte("v"), time.Minute) },
		"Get":  func() error { _, err := r.Get(ctx, "down:once"); return err },
		"Take": func() error { _, err := r.Take(ctx, "down:once"); return err },
		"Ping": func() error { return r.Ping(ctx) },
	}
	for range rounds {
		for name, call := range calls {
			start := time.Now()
			err := call()
			if took := time.Since(start); took > 1200*time.Millisecond {
				t.Errorf("%s took %v", name, took)
			}
			if err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s = %v, want a connection error", name, err)
			}
		}
	}
}

func TestNewRedisKeepsThePasswordOutOfErrors(t *testing.T) {
	for _, u := range []string{"redis://:hunter2@127.0.0.1:notaport/0", "http://:hunter2@127.0.0.1:6379", "redis://:hunter2@127.0.0.1:6379/zero"} {
		_, err := store.NewRedis(u)
		if err == nil {
			t.Errorf("NewRedis(%q): no error", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewRedis(%q): the error repeats the password: %v", u, err)
		}
	}
}
