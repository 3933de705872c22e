package stytchemu

import (
	"strconv"
	"testing"
)

// The outbox keeps the newest outboxKeep messages, in order, however many
// a load test sends.
func TestOutboxIsBounded(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const sent = 2*outboxKeep + 345
	for i := range sent {
		e.mu.Lock()
		e.deliver(Message{To: strconv.Itoa(i)})
		e.mu.Unlock()
	}
	got := e.Outbox()
	if len(got) != outboxKeep {
		t.Fatalf("outbox holds %d messages, want %d", len(got), outboxKeep)
	}
	for i, m := range got {
		if want := strconv.Itoa(sent - outboxKeep + i); m.To != want {
			t.Fatalf("message %d is to %q, want %q", i, m.To, want)
		}
	}
	if cap(e.outbox) > 4*outboxKeep {
		t.Fatalf("outbox storage grew to %d", cap(e.outbox))
	}
}
