// Package devclock is the one clock of an emulator (stytchemu,
// zitadelemu): everything it stamps or expires reads it, and its dev
// endpoint POST /dev/clock moves it forward (../shared/emulator-contract.md).
package devclock

import (
	"sync"
	"time"
)

// Clock is an emulator's only source of time.
type Clock interface {
	Now() time.Time
}

// Advancer is a Clock that can be moved forward (POST /dev/clock).
type Advancer interface {
	Advance(d time.Duration) time.Time
}

// Offset is real time plus an offset that only grows, so a running
// emulator can be pushed into the future without touching the system clock.
type Offset struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is real time plus the offset, in UTC.
func (c *Offset) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Advance adds d to the offset (a negative d is ignored) and returns the new time.
func (c *Offset) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.offset += d
	}
	return time.Now().UTC().Add(c.offset)
}

// Fake stands still until Advance is called; for tests.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a clock that reads t until advanced.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the clock's current time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (a negative d is ignored) and returns the new time.
func (c *Fake) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return c.t
}
