package stytchemu

import (
	"encoding/json"
	"net"
	"net/http"
	"sync/atomic"
)

// connCounters count the TCP connections the emulator's server accepted,
// so a test or the load command can see whether its caller reuses a
// keep-alive pool or opens a connection per call.
type connCounters struct {
	accepted atomic.Int64
	open     atomic.Int64
}

// ConnState is an http.Server.ConnState hook: plug it into the server that
// serves Handler to count connections.
func (e *Emulator) ConnState(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		e.conns.accepted.Add(1)
		e.conns.open.Add(1)
	case http.StateClosed, http.StateHijacked:
		e.conns.open.Add(-1)
	}
}

// Stats is what GET /dev/stats answers.
type Stats struct {
	ConnectionsAccepted int64          `json:"connections_accepted"`
	ConnectionsOpen     int64          `json:"connections_open"`
	Calls               map[string]int `json:"calls"`
}

// Stats reports the connection counters and the API calls so far.
func (e *Emulator) Stats() Stats {
	return Stats{
		ConnectionsAccepted: e.conns.accepted.Load(),
		ConnectionsOpen:     e.conns.open.Load(),
		Calls:               e.Calls(),
	}
}

func (e *Emulator) getStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(e.Stats())
}
