package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/store"
)

// BenchmarkIncr is what one limit check costs: sending a code makes four.
func BenchmarkIncr(b *testing.B) {
	stores := map[string]store.Store{"memory": store.NewMemory(nil)}
	if u := os.Getenv("MFAPORTAL_TEST_REDIS_URL"); u != "" {
		r, err := store.NewRedis(u)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		stores["redis"] = r
	}
	for name, s := range stores {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := s.Incr(ctx, "bench:limit", time.Minute); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
