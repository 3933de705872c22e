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
//
// The write happens outside the lock: while one goroutine writes a batch,
// the others go on adding lines to the next one, so a slow reader of the
// log (a full pipe) holds up the one request that flushes, not every
// request that logs. Only when maxBacklog bytes are waiting behind a write
// do loggers wait for it, so a stuck reader cannot grow memory for ever.
type LogBuffer struct {
	mu      sync.Mutex
	idle    sync.Cond // signalled when a write ends
	w       io.Writer
	buf     []byte // lines waiting
	spare   []byte // the last batch's buffer, for reuse
	writing bool   // a batch is being written, outside mu
	size    int
	delay   time.Duration
	timer   *time.Timer
	armed   bool
	closed  bool
	err     error // the last write error, returned by Flush and Close
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
	b.idle.L = &b.mu
	b.timer = time.AfterFunc(time.Hour, func() { b.Flush() })
	b.timer.Stop()
	return b
}

func (b *LogBuffer) maxBacklog() int { return 8 * b.size }

// Write keeps a copy of p for the next flush. slog handlers write each
// record with one Write, so lines are never split or interleaved.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.writing && len(b.buf) >= b.maxBacklog() {
		b.idle.Wait()
	}
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= b.size && !b.writing:
		b.flushLocked(false)
	case !b.armed:
		// Also when a write is under way: if the batch it leaves behind
		// stays small, the timer sends it.
		b.armed = true
		b.timer.Reset(b.delay)
	}
	return len(p), nil
}

// Flush writes what is waiting, after any write already under way.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked(true)
	return b.err
}

// flushLocked writes out the waiting lines: all of them, including those
// added while it wrote, or (all false) until fewer than size bytes wait.
// It is called with mu held and returns with it held, but lets go of it
// during each write.
func (b *LogBuffer) flushLocked(all bool) {
	for b.writing {
		b.idle.Wait()
	}
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
	for len(b.buf) > 0 {
		out := b.buf
		b.buf, b.spare = b.spare[:0], nil
		b.writing = true
		b.mu.Unlock()
		_, err := b.w.Write(out)
		b.mu.Lock()
		b.writing = false
		b.idle.Broadcast()
		if err != nil {
			b.err = err
		}
		if cap(out) <= 4*b.size { // one burst of huge lines need not stay allocated
			b.spare = out[:0]
		}
		// Lines added during the write go out now if there are enough of
		// them, and otherwise when the timer fires.
		if !all && len(b.buf) < b.size {
			if len(b.buf) > 0 && !b.armed {
				b.armed = true
				b.timer.Reset(b.delay)
			}
			return
		}
	}
}

// Close writes what is waiting; later writes go straight to the writer.
func (b *LogBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked(true)
	b.closed = true
	if b.armed {
		b.timer.Stop()
		b.armed = false
	}
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
