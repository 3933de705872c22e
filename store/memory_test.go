package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/store"
	"github.com/mfaportal/mfaportal/store/storetest"
)

func TestMemory(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	storetest.Conformance(t, store.NewMemory(clock), func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() })
}
