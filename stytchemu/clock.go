package stytchemu

import (
	"time"

	"github.com/mfaportal/mfaportal/internal/devclock"
)

// Clock is the emulator's only source of time: code expiry, sessions,
// intermediate sessions, magic links, locks, sent_at and JWT times all read it.
type Clock = devclock.Clock

// Advancer is a Clock that can be moved forward (POST /dev/clock).
type Advancer = devclock.Advancer

// FakeClock stands still until Advance is called; for tests.
type FakeClock = devclock.Fake

// NewFakeClock returns a clock that reads t until advanced.
func NewFakeClock(t time.Time) *FakeClock { return devclock.NewFake(t) }
