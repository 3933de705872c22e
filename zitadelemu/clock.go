package zitadelemu

import (
	"sync"
	"time"
)

// Clock is the emulator's only source of time: phone-code expiry, access
// token expiry, the OIDC tokens' iat/exp and every changeDate read it.
type Clock interface {
	Now() time.Time
}

// Advancer is a Clock that can be moved forward (POST /dev/clock).
type Advancer interface {
	Advance(d time.Duration) time.Time
}

// offsetClock is real time plus an offset that only grows, so a running
// emulator can be pushed into the future without touching the system clock.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

func (c *offsetClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.offset += d
	}
	return time.Now().UTC().Add(c.offset)
}

// FakeClock stands still until Advance is called; for tests.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFakeClock returns a clock that reads t until advanced.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t.UTC()} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (a negative d is ignored) and returns the new time.
func (c *FakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return c.t
}
