package views

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/mfaportal/mfaportal/internal/locale"
)

// The request's language travels in ctx, as templ's docs suggest for
// i18n: every component can write in it without each struct carrying it.

// t is the message id in the page's language (locale.Localizer.T).
func t(ctx context.Context, id string, kv ...any) string { return locale.From(ctx).T(id, kv...) }

// tn is the plural message id for n.
func tn(ctx context.Context, id string, n int, kv ...any) string {
	return locale.From(ctx).Plural(id, n, kv...)
}

// lang and dir are the page's <html lang> and <html dir>.
func lang(ctx context.Context) string { return locale.From(ctx).Lang() }
func dir(ctx context.Context) string  { return locale.From(ctx).Dir() }

// clock is a time of day on the page language's clock, in UTC.
func clock(ctx context.Context, at time.Time) string { return locale.From(ctx).Clock(at.UTC()) }

// Slot markers: private-use characters no message contains.
const slotOpen, slotClose = "\uE000", "\uE001"

// tx is the message id with markup in it: each {{.Name}} of the message
// is filled by a component, so a translation can put the phone number or
// the e-mail address wherever its grammar wants it. Slots come as pairs:
// tx(ctx, "code.sentTo", "Phone", strongPhone(masked)).
func tx(ctx context.Context, id string, slots ...any) templ.Component {
	var kv []any
	var comps []templ.Component
	for i := 0; i+1 < len(slots); i += 2 {
		c, _ := slots[i+1].(templ.Component)
		kv = append(kv, slots[i], slotOpen+strconv.Itoa(len(comps))+slotClose)
		comps = append(comps, c)
	}
	msg := t(ctx, id, kv...)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		msg := msg // each render walks the message afresh
		for msg != "" {
			before, rest, found := strings.Cut(msg, slotOpen)
			if _, err := io.WriteString(w, templ.EscapeString(before)); err != nil || !found {
				return err
			}
			num, after, _ := strings.Cut(rest, slotClose)
			if n, err := strconv.Atoi(num); err == nil && n < len(comps) && comps[n] != nil {
				if err := comps[n].Render(ctx, w); err != nil {
					return err
				}
			}
			msg = after
		}
		return nil
	})
}

// number is n with the page language's grouping.
func number(ctx context.Context, n int) string { return locale.From(ctx).Number(n) }
