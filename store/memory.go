package store

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store in this process's memory: for one replica, or tests.
// Expired entries are dropped when touched and swept every minute or so.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	entries   map[string]entry
	lastSweep time.Time
}

type entry struct {
	value   []byte
	n       int64
	expires time.Time
}

// NewMemory returns an empty store on the given clock (time.Now when nil).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, entries: map[string]entry{}}
}

// live returns the unexpired entry at key; the caller holds mu.
func (m *Memory) live(key string, now time.Time) (entry, bool) {
	if now.Sub(m.lastSweep) > time.Minute {
		for k, e := range m.entries {
			if !now.Before(e.expires) {
				delete(m.entries, k)
			}
		}
		m.lastSweep = now
	}
	e, ok := m.entries[key]
	if ok && !now.Before(e.expires) {
		delete(m.entries, key)
		return entry{}, false
	}
	return e, ok
}

func (m *Memory) Incr(_ context.Context, key string, window time.Duration) (int64, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e, ok := m.live(key, now)
	if !ok {
		e = entry{expires: now.Add(window)}
	}
	e.n++
	m.entries[key] = e
	return e.n, e.expires.Sub(now), nil
}

func (m *Memory) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[key] = entry{value: append([]byte(nil), value...), expires: m.now().Add(ttl)}
	return nil
}

func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.live(key, m.now())
	if !ok || e.value == nil {
		return nil, ErrNotFound
	}
	return append([]byte(nil), e.value...), nil
}

func (m *Memory) Take(ctx context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.live(key, m.now())
	if !ok || e.value == nil {
		return nil, ErrNotFound
	}
	delete(m.entries, key)
	return e.value, nil
}

func (m *Memory) Ping(context.Context) error { return nil }
