package middleware

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer counts the writes it gets, under a lock.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Writes() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writes
}

func TestLogBufferBatchesLines(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, time.Hour, 1<<20) // only Flush writes
	for i := range 100 {
		fmt.Fprintf(lb, "line %d\n", i)
	}
	if out.Writes() != 0 {
		t.Fatalf("%d writes before the flush, want 0", out.Writes())
	}
	if err := lb.Flush(); err != nil {
		t.Fatal(err)
	}
	if out.Writes() != 1 || strings.Count(out.String(), "\n") != 100 {
		t.Fatalf("after Flush: %d writes, %d lines; want 1 write of 100 lines", out.Writes(), strings.Count(out.String(), "\n"))
	}
}

func TestLogBufferWritesAfterDelay(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, 10*time.Millisecond, 1<<20)
	fmt.Fprintln(lb, "waiting")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("the line was never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := out.String(); got != "waiting\n" {
		t.Errorf("wrote %q", got)
	}
	// And again: the timer is armed anew for the next line.
	fmt.Fprintln(lb, "later")
	for !strings.Contains(out.String(), "later") {
		if time.Now().After(deadline) {
			t.Fatal("the second line was never written")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLogBufferWritesWhenFull(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, time.Hour, 100)
	line := strings.Repeat("x", 59) + "\n"
	lb.Write([]byte(line))
	if out.Writes() != 0 {
		t.Fatal("60 of 100 bytes were written already")
	}
	lb.Write([]byte(line))
	if out.Writes() != 1 || out.String() != line+line {
		t.Fatalf("at 120 of 100 bytes: %d writes of %q", out.Writes(), out.String())
	}
}

func TestFlushAtWritesWarningsAtOnce(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, time.Hour, 1<<20)
	logger := slog.New(FlushAt(slog.LevelWarn, lb, slog.NewTextHandler(lb, nil))).With("app", "test")
	logger.Info("first")
	logger.Debug("hidden")
	if out.String() != "" {
		t.Fatalf("an Info line was written at once: %q", out.String())
	}
	logger.Warn("second")
	got := out.String()
	if i, j := strings.Index(got, "msg=first"), strings.Index(got, "msg=second"); i < 0 || j < i {
		t.Fatalf("after a warning, want both lines in order, got %q", got)
	}
	logger.WithGroup("g").Error("third")
	if !strings.Contains(out.String(), "msg=third") {
		t.Fatalf("an error through WithGroup waited: %q", out.String())
	}
}

func TestLogBufferClose(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, time.Hour, 1<<20)
	fmt.Fprintln(lb, "before")
	if err := lb.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(lb, "after")
	if got := out.String(); got != "before\nafter\n" {
		t.Fatalf("got %q", got)
	}
}

// TestLogBufferConcurrentLinesStayWhole: many goroutines logging at once
// through slog lose no line and split none.
func TestLogBufferConcurrentLinesStayWhole(t *testing.T) {
	var out lockedBuffer
	lb := NewLogBuffer(&out, time.Millisecond, 512)
	logger := slog.New(slog.NewJSONHandler(lb, nil))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				logger.Info("request", "g", g, "i", i, "pad", strings.Repeat("p", i%50))
			}
		})
	}
	wg.Wait()
	lb.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("%d lines, want 1600", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"time":`) || !strings.HasSuffix(l, "}") {
			t.Fatalf("broken line %q", l)
		}
		key := l[strings.Index(l, `"g":`):strings.Index(l, `,"pad"`)]
		if seen[key] {
			t.Fatalf("line %s twice", key)
		}
		seen[key] = true
	}
	if out.Writes() >= 1600 {
		t.Errorf("%d writes for 1600 lines: nothing was batched", out.Writes())
	}
}

// gateWriter blocks every write until release is closed, and records
// what it got.
type gateWriter struct {
	started chan struct{} // one send per write that began
	release chan struct{}
	out     lockedBuffer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.started <- struct{}{}
	<-g.release
	return g.out.Write(p)
}

// While one batch is being written to a slow reader, other goroutines
// keep logging without waiting, and nothing is lost or reordered.
func TestLogBufferWritesOutsideTheLock(t *testing.T) {
	g := &gateWriter{started: make(chan struct{}, 100), release: make(chan struct{})}
	b := NewLogBuffer(g, time.Hour, 64)
	line := func(i int) string { return fmt.Sprintf("line %03d ............................\n", i) }
	done := make(chan struct{})
	go func() { // fills the buffer: this goroutine ends up in the write
		b.Write([]byte(line(0)))
		b.Write([]byte(line(1)))
		close(done)
	}()
	<-g.started
	// The write is blocked; more lines (fewer than the backlog limit)
	// must go in at once.
	wrote := make(chan struct{})
	go func() {
		for i := 2; i < 10; i++ {
			b.Write([]byte(line(i)))
		}
		close(wrote)
	}()
	select {
	case <-wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("logging waited for another goroutine's write")
	}
	close(g.release)
	<-done
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i := range 10 {
		want.WriteString(line(i))
	}
	if got := g.out.String(); got != want.String() {
		t.Fatalf("written:\n%s\nwant:\n%s", got, want.String())
	}
}

// A reader that does not read at all holds loggers back once maxBacklog
// bytes wait, instead of letting memory grow.
func TestLogBufferBacklogIsBounded(t *testing.T) {
	g := &gateWriter{started: make(chan struct{}, 100), release: make(chan struct{})}
	b := NewLogBuffer(g, time.Hour, 64)
	go b.Write(bytes.Repeat([]byte("x"), 64)) // starts a write that blocks
	<-g.started
	blocked := make(chan struct{})
	go func() {
		for range b.maxBacklog()/8 + 2 {
			b.Write([]byte("1234567\n"))
		}
		close(blocked)
	}()
	select {
	case <-blocked:
		t.Fatal("wrote more than the backlog limit behind a stuck write")
	case <-time.After(200 * time.Millisecond):
	}
	b.mu.Lock()
	waiting := len(b.buf)
	b.mu.Unlock()
	if waiting > b.maxBacklog() {
		t.Errorf("%d bytes waiting, limit %d", waiting, b.maxBacklog())
	}
	close(g.release)
	<-blocked
	b.Close()
}
