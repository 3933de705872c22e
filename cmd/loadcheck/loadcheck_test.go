package main

import (
	"math"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary serve the baseline when run() starts it
// again as the baseline's process.
func TestMain(m *testing.M) {
	if addr := os.Getenv(baselineEnv); addr != "" {
		fail(serveBaseline(addr))
	}
	os.Exit(m.Run())
}

// TestQuick runs the whole script in its quick mode against the real app
// and checks that every figure is there and sane, not how fast anything is.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and loads the app")
	}
	r, err := run(quick)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*side{"app": &r.app, "baseline": &r.base} {
		if s.requests == 0 || s.success() != 1 {
			t.Errorf("%s: %d requests, success %v; want some, all 200", name, s.requests, s.success())
		}
		if len(s.throughput) != quick.rounds || len(s.fixed) != quick.rounds || s.throughput[0] <= 0 || s.fixed[0] <= 0 {
			t.Errorf("%s: throughput %v at maximum, %v at a fixed rate; want one positive figure a round", name, s.throughput, s.fixed)
		}
		l := s.latency.Latencies
		if !(0 < l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99) {
			t.Errorf("%s: p50 %v, p90 %v, p99 %v; want positive and ordered", name, l.P50, l.P90, l.P99)
		}
		if s.proc.start <= 0 || s.rssKB <= 0 || s.peakKB < s.rssKB {
			t.Errorf("%s: start %v, RSS %d KB, peak %d KB", name, s.proc.start, s.rssKB, s.peakKB)
		}
	}
	if r.loginKB <= 0 || r.settingsKB <= 0 {
		t.Errorf("first load: login page %.1f KB, settings page %.1f KB; want both > 0", r.loginKB, r.settingsKB)
	}
	if r.calls < 0 || math.IsNaN(r.calls) {
		t.Errorf("Stytch calls per settings view: %v", r.calls)
	}
	var out strings.Builder
	printReport(&out, r)
	if lines := strings.Count(out.String(), "\n"); lines != 16 {
		t.Errorf("the report has %d lines, want 16:\n%s", lines, out.String())
	}
	t.Log("\n" + out.String())
}
