package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/store"
)

// Rate is at most N events per window Per.
type Rate struct {
	N   int
	Per time.Duration
}

// UnmarshalText reads "5/15m": N, a slash, a Go duration.
func (r *Rate) UnmarshalText(b []byte) error {
	n, per, ok := strings.Cut(string(b), "/")
	count, err := strconv.Atoi(strings.TrimSpace(n))
	d, derr := time.ParseDuration(strings.TrimSpace(per))
	if !ok || err != nil || derr != nil || count < 1 || d <= 0 {
		return fmt.Errorf("%q is not a rate such as 5/15m", b)
	}
	*r = Rate{N: count, Per: d}
	return nil
}

func (r Rate) String() string { return strconv.Itoa(r.N) + "/" + r.Per.String() }

// Limits are the server-enforced abuse limits; each counts in the store,
// so replicas sharing one count together.
type Limits struct {
	SMSPerMember  Rate // codes texted for one member
	SMSPerNumber  Rate // codes texted to one phone number
	SMSPerIP      Rate // codes asked for from one client address
	SMSPerOrg     Rate // codes texted within one organization
	LoginPerEmail Rate // sign-in links e-mailed to one address
	LoginPerIP    Rate // sign-in links asked for from one client address
	CodeAttempts  Rate // codes entered in one flow
	AppSetups     Rate // authenticator-app keys made for one member
}

// DefaultLimits are what a real deployment starts with: a member who
// mistypes a number, or waits for a slow SMS, stays well inside them.
var DefaultLimits = Limits{
	SMSPerMember:  Rate{5, 15 * time.Minute},
	SMSPerNumber:  Rate{3, 15 * time.Minute},
	SMSPerIP:      Rate{20, 15 * time.Minute},
	SMSPerOrg:     Rate{300, time.Hour},
	LoginPerEmail: Rate{5, 15 * time.Minute},
	LoginPerIP:    Rate{30, 15 * time.Minute},
	CodeAttempts:  Rate{5, memberFlowTTL},
	AppSetups:     Rate{10, time.Hour},
}

// withDefaults fills the zero rates of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	fill := func(r *Rate, d Rate) {
		if r.N <= 0 || r.Per <= 0 {
			*r = d
		}
	}
	d := DefaultLimits
	fill(&l.SMSPerMember, d.SMSPerMember)
	fill(&l.SMSPerNumber, d.SMSPerNumber)
	fill(&l.SMSPerIP, d.SMSPerIP)
	fill(&l.SMSPerOrg, d.SMSPerOrg)
	fill(&l.LoginPerEmail, d.LoginPerEmail)
	fill(&l.LoginPerIP, d.LoginPerIP)
	fill(&l.CodeAttempts, d.CodeAttempts)
	fill(&l.AppSetups, d.AppSetups)
	return l
}

// limit is one count to make before an action: its name (for the page,
// the log and the metrics), what it counts, and how many it allows.
type limit struct {
	name string
	key  string
	rate Rate
}

// allow counts the action against every limit and refuses it, before
// anything is sent, when one is over: 429 with when to try again. A store
// that does not answer refuses too (fail closed).
//
// The counters are fixed windows on the store's own Incr (Redis: INCR
// and PEXPIRE in one script), the same state the one-time flow records
// use, so one store serves both and replicas count together.
func (a *app) allow(c echo.Context, what string, limits ...limit) error {
	ctx := c.Request().Context()
	for _, l := range limits {
		n, resetIn, err := a.store.Incr(ctx, "limit:"+l.name+":"+l.key, l.rate.Per)
		if err != nil {
			return cannotCount(what, err)
		}
		if n > int64(l.rate.N) {
			a.refused(ctx, l.name)
			return tooMany(what, resetIn)
		}
	}
	return nil
}

func (a *app) refused(ctx context.Context, name string) {
	a.log.InfoContext(ctx, "limit reached", "limit", name)
	if a.metrics != nil {
		a.metrics.ObserveRefusal(name)
	}
}

// smsLimits are the counts every text message makes.
func (a *app) smsLimits(c echo.Context, memberID, orgID, e164 string) []limit {
	l := a.limits
	return []limit{
		{"sms_member", memberID, l.SMSPerMember},
		{"sms_number", e164, l.SMSPerNumber},
		{"sms_ip", c.RealIP(), l.SMSPerIP},
		{"sms_org", orgID, l.SMSPerOrg},
	}
}

// coolingDown refuses a text to a number that got one from this member
// less than the resend cooldown ago, whichever cookie asks: the cooldown
// starts only when a code was really sent (codeSentTo).
func (a *app) coolingDown(c echo.Context, memberID, e164 string) error {
	raw, err := a.store.Get(c.Request().Context(), cooldownKey(memberID, e164))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return cannotCount("sms", err)
	}
	until, _ := time.Parse(time.RFC3339Nano, string(raw))
	a.refused(c.Request().Context(), "resend_cooldown")
	return tooMany("sms", until.Sub(a.now()))
}

// codeSentTo starts the resend cooldown for member and number.
func (a *app) codeSentTo(ctx context.Context, memberID, e164 string) error {
	until := a.now().Add(a.cooldown)
	return a.store.Put(ctx, cooldownKey(memberID, e164), []byte(until.Format(time.RFC3339Nano)), a.cooldown)
}

func cooldownKey(memberID, e164 string) string { return "cooldown:" + memberID + ":" + e164 }

// tooMany is the 429 page for too many of what ("sms", "emails",
// "codes", "appSetups": the catalog's limit.tooMany.<what>).
func tooMany(what string, wait time.Duration) error {
	return &pageError{
		status:         http.StatusTooManyRequests,
		heading:        "limit.heading",
		message:        "limit.tooMany." + what,
		args:           []any{"Wait", waitHint(wait)},
		nothingChanged: true,
		retryAfter:     wait,
	}
}

func cannotCount(what string, err error) error {
	return &pageError{
		status:         http.StatusServiceUnavailable,
		heading:        "limit.cannotCount.heading",
		message:        "limit.cannotCount." + what,
		nothingChanged: true,
		err:            err,
	}
}

// waitHint says when to try again, in words.
func waitHint(d time.Duration) text {
	s := int(math.Ceil(d.Seconds()))
	if s <= 90 {
		return text{id: "limit.waitSeconds", count: max(s, 1), plural: true}
	}
	return text{id: "limit.waitMinutes", count: (s + 59) / 60, plural: true}
}
