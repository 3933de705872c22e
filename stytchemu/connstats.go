package stytchemu

import (
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
