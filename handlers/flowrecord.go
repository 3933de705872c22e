package handlers

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/store"
)

// A flow's state lives in the store, not the cookie: the cookie carries
// only the record's id (session.State.FlowID). Every step that goes on
// from a record consumes it (takeFlow) and, if the flow goes on, writes a
// new one under a new id (a.save), so each record serves exactly one step
// and a replayed older cookie finds nothing to act on.

// memberFlowTTL is how long a signed-in member's flow waits between steps.
const memberFlowTTL = 15 * time.Minute

// loginTTL is the intermediate session's lifetime: a login's flow cannot
// outlive it.
const loginTTL = 10 * time.Minute

var errStepExpired = &pageError{
	status:         http.StatusConflict,
	heading:        "error.stepExpired.heading",
	message:        "error.stepExpired.message",
	nothingChanged: true,
	retryURL:       "/",
	retryLabel:     "common.backToSettings",
}

func flowKey(id string) string { return "flow:" + id }

// loadFlow fills s.Flow from the record s.FlowID names. A record that is
// gone leaves s.Flow nil and s.FlowID set: the step has expired.
func (a *app) loadFlow(ctx context.Context, s *session.State) error {
	raw, err := a.store.Get(ctx, flowKey(s.FlowID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var f session.Flow
	if err := json.Unmarshal(raw, &f); err != nil || f.MemberID != s.MemberID {
		return nil // not this member's: as good as gone
	}
	s.Flow = &f
	return nil
}

// takeFlow consumes the record of the flow s is in; only the one request
// that gets it may go on. s.Flow stays in memory for the step to use.
func (a *app) takeFlow(ctx context.Context, s *session.State) error {
	if s.FlowID == "" {
		return errStepExpired
	}
	_, err := a.store.Take(ctx, flowKey(s.FlowID))
	s.FlowID = ""
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errStepExpired
	case err != nil:
		return storeDown(err)
	}
	return nil
}

// startFlow makes f the member's flow, retiring any record of an earlier
// one so an older cookie cannot act on it either.
func (a *app) startFlow(ctx context.Context, s *session.State, f *session.Flow) {
	if s.FlowID != "" {
		_, _ = a.store.Take(ctx, flowKey(s.FlowID)) // gone already is fine
		s.FlowID = ""
	}
	f.MemberID = s.MemberID
	if f.Chain == "" {
		f.Chain = rand.Text()
	}
	s.Flow = f
}

// writeFlow stores s.Flow under a new id when it has none (a new flow, or
// one that goes on after a step consumed its record).
func (a *app) writeFlow(ctx context.Context, s *session.State) error {
	if s.Flow == nil || s.FlowID != "" {
		return nil
	}
	ttl := memberFlowTTL
	if !s.Flow.Until.IsZero() {
		ttl = s.Flow.Until.Sub(a.now())
		if ttl <= 0 {
			return errStepExpired
		}
	}
	raw, err := json.Marshal(s.Flow)
	if err != nil {
		return err
	}
	id := rand.Text()
	if err := a.store.Put(ctx, flowKey(id), raw, ttl); err != nil {
		return storeDown(err)
	}
	s.FlowID = id
	return nil
}

// storeDown is the page for a store that does not answer: nothing that
// needs it happens, so nothing changed.
func storeDown(err error) error {
	return &pageError{
		status:         http.StatusServiceUnavailable,
		heading:        "error.storeDown.heading",
		message:        "error.storeDown.message",
		nothingChanged: true,
		err:            err,
	}
}

// flowStoreError is set on a request whose flow record could not be read.
const flowStoreError = "mfaportal.flow_error"

func flowLoadError(c echo.Context) error {
	err, _ := c.Get(flowStoreError).(error)
	return err
}
