// Package store keeps the little server-side state mfaportal needs beyond
// the member's cookie: counters with expiry (abuse limits) and one-time
// records (a flow step that may run once). Memory serves one process;
// Redis (NewRedis) lets replicas share it.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound: no record under that key (never put, expired, or taken).
var ErrNotFound = errors.New("store: not found")

// Store is what the app needs of its server-side state. Implementations
// are safe for concurrent use, and every method fails (never blocks for
// long) when the backing service is down: callers fail closed.
type Store interface {
	// Incr adds one to the counter at key and returns its new value and
	// how long until it resets. The first Incr starts a window of the
	// given length; the counter disappears when the window ends.
	Incr(ctx context.Context, key string, window time.Duration) (n int64, resetIn time.Duration, err error)
	// Put stores value at key for ttl, replacing what was there.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Get returns the value at key, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Take returns the value at key and deletes it, atomically: of any
	// number of concurrent Takes, across replicas, one gets the value and
	// the others ErrNotFound.
	Take(ctx context.Context, key string) ([]byte, error)
	// Ping reports whether the store can be used.
	Ping(ctx context.Context) error
}
