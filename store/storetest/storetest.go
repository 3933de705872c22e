// Package storetest checks that a store.Store behaves as the app relies on.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/store"
)

// Conformance runs the behaviour every Store must have against s. advance
// moves s's clock forward (for Redis, by sleeping); keys are prefixed so
// runs on a shared server do not meet.
func Conformance(t *testing.T, s store.Store, advance func(time.Duration)) {
	ctx := context.Background()
	prefix := fmt.Sprintf("test:%d:", time.Now().UnixNano())

	t.Run("counter window", func(t *testing.T) {
		key := prefix + "counter"
		for want := int64(1); want <= 3; want++ {
			n, reset, err := s.Incr(ctx, key, 2*time.Second)
			if err != nil || n != want || reset <= 0 || reset > 2*time.Second {
				t.Fatalf("Incr #%d = %d, %v, %v", want, n, reset, err)
			}
		}
		advance(2100 * time.Millisecond)
		if n, _, err := s.Incr(ctx, key, 2*time.Second); err != nil || n != 1 {
			t.Fatalf("after the window: %d, %v; want a fresh count of 1", n, err)
		}
	})

	t.Run("one-time record", func(t *testing.T) {
		key := prefix + "once"
		if err := s.Put(ctx, key, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Get(ctx, key); err != nil || string(v) != "v" {
			t.Fatalf("Get = %q, %v", v, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := s.Take(ctx, key)
				switch {
				case err == nil && string(v) == "v":
					mu.Lock()
					won++
					mu.Unlock()
				case !errors.Is(err, store.ErrNotFound):
					t.Errorf("Take: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d concurrent Takes got the record, want exactly 1", won)
		}
		if _, err := s.Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get after Take: %v, want ErrNotFound", err)
		}
	})

	t.Run("records expire", func(t *testing.T) {
		key := prefix + "expiring"
		if err := s.Put(ctx, key, []byte("v"), time.Second); err != nil {
			t.Fatal(err)
		}
		advance(1100 * time.Millisecond)
		if _, err := s.Take(ctx, key); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Take after the ttl: %v, want ErrNotFound", err)
		}
	})
}
