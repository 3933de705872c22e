package zitadelemu

import (
	"time"

	"github.com/mfaportal/mfaportal/internal/devclock"
)

// Clock is the emulator's only source of time: phone-code expiry, access
// token expiry, the OIDC tokens' iat\/exp and every changeDate read it.
type Clock = devclock.Clock

// Advancer is a Clock that can be moved forward (POST /dev/clock).
type Advancer = devclock.Advancer

// FakeClock stands still until Advance is called; for tests.
type FakeClock = devclock.Fake

// NewFakeClock returns a clock that reads t until advanced.
func NewFakeClock(t time.Time) *FakeClock { return devclock.NewFake(t) }
