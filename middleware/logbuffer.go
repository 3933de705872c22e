package middleware

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// LogBuffer batches log output: lines wait in memory until Delay has
// passed since the first of them or Size bytes are waiting, and then go
// out in one write. Writing each request's log line on its own cost a
// system call per request, about a sixth of a page view's CPU under load.
// Lines at Warn and above go out at once when the logger's handler is
// wrapped with FlushAt. Close writes what is waiting; call it before the
// process exits. It is safe for concurrent use.
type LogBuffer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	size   int
	delay  time.Duration
	timer  *time.Timer
	armed  bool
	closed bool
	err    error // the last write error, returned by Flush and Close
}

// NewLogBuffer returns a LogBuffer writing to w; delay and size bound how
// long and how much output waits (defaults: 100ms and 32 KB).
func NewLogBuffer(w io.Writer, delay time.Duration, size int) *LogBuffer {
	if delay <= 0 {
		delay = 100 * time.Millisecond
	}
	if size <= 0 {
		size = 32 << 10
	}
	b := &LogBuffer{w: w, size: size, delay: delay}
	b.timer = time.AfterFunc(time.Hour, func() { b.Flush() })
	b.timer.Stop()
	return b
}

// Write keeps a copy of p for the next flush. slog handlers write each
// record with one Write, so lines are never split or interleaved.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= b.size:
		b.flushLocked()
	case !b.armed:
		b.armed = true
		b.timer.Reset(b.delay)
	}
	return len(p), nil
}

// Flush writes what is waiting.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *LogBuffer) flushLocked() {
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil {
		b.err = err
	}
	if cap(b.buf) > 4*b.size {
		b.buf = nil // one burst of huge lines need not stay allocated
	} else {
		b.buf = b.buf[:0]
	}
}

// Close writes what is waiting; later writes go straight to the writer.
func (b *LogBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.closed = true
	return b.err
}

// FlushAt wraps h so that a record at level or above is written out at
// once, with everything before it: a warning or an error is never left
// waiting in buf if the process dies.
func FlushAt(level slog.Level, buf *LogBuffer, h slog.Handler) slog.Handler {
	return flushHandler{Handler: h, level: level, buf: buf}
}

type flushHandler struct {
	slog.Handler
	level slog.Level
	buf   *LogBuffer
}

func (h flushHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.level {
		h.buf.Flush()
	}
	return err
}

func (h flushHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushHandler{Handler: h.Handler.WithAttrs(as), level: h.level, buf: h.buf}
}

func (h flushHandler) WithGroup(name string) slog.Handler {
	return flushHandler{Handler: h.Handler.WithGroup(name), level: h.level, buf: h.buf}
}
