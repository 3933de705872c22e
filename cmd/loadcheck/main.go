// Command loadcheck measures mfaportal on its built-in emulator beside a
// bare echo handler, each a process of its own on 127.0.0.1, loaded
// alternately by vegeta; see BENCHMARKS.md. It stops by itself.
//
//	go run ./cmd/loadcheck -duration 10s -rounds 3 -rate 2000 -workers 64
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// quick checks that everything works; it measures nothing worth keeping.
var quick = options{duration: time.Second, rate: 200, rounds: 1, workers: 8}

func main() {
	if addr := os.Getenv(baselineEnv); addr != "" {
		fail(serveBaseline(addr))
	}
	var o options
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each run (a round is four: each server at its maximum throughput, then at -rate)")
	flag.IntVar(&o.rate, "rate", 2000, "requests a second of the fixed-rate runs")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; within each, the app and the baseline alternate")
	flag.Uint64Var(&o.workers, "workers", 64, "most requests in flight to a server at once")
	flag.StringVar(&o.redis, "redis", "", "REDIS_URL for the app (limits and flow records in Redis); default: in memory")
	q := flag.Bool("quick", false, "one round of 1 s runs at 200 req/s from 8 workers")
	flag.Parse()
	if *q {
		redis := o.redis
		o = quick
		o.redis = redis
	}
	if o.duration <= 0 || o.rate <= 0 || o.rounds <= 0 || o.workers == 0 {
		fail(errors.New("-duration, -rate, -rounds and -workers must be positive"))
	}
	if 4*time.Duration(o.rounds)*o.duration > 4*time.Minute {
		fail(errors.New("4 × -rounds × -duration must be at most 4m: the session JWT lives 5, then the app asks Stytch again"))
	}
	r, err := run(o)
	fail(err)
	printReport(os.Stdout, r)
}

// figure is one row of the table; base is NaN where the baseline has no such figure.
type figure struct {
	name             string
	app, base, ratio float64 // ratio 0: app / base
	format, budget   string
}

func printReport(w io.Writer, r *report) {
	o, a, b := r.opts, &r.app, &r.base
	none := math.NaN()
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	mb := func(kb int) float64 { return float64(kb) / 1024 }
	p := func(q float64) string { return fmt.Sprintf("p%.0f at %d req/s (ms)", q, o.rate) }
	rows := []figure{
		{fmt.Sprintf("max throughput (req/s, median of %d)", o.rounds), median(a.throughput), median(b.throughput), median(r.ratios), "%.0f", "≥ 0.45"},
		{"fixed-rate throughput (req/s, median)", median(a.fixed), median(b.fixed), 0, "%.0f", ""},
		{p(50), ms(a.latency.Latencies.P50), ms(b.latency.Latencies.P50), 0, "%.2f", ""},
		{p(90), ms(a.latency.Latencies.P90), ms(b.latency.Latencies.P90), 0, "%.2f", ""},
		{p(99), ms(a.latency.Latencies.P99), ms(b.latency.Latencies.P99), 0, "%.2f", "≤ echo + 2 ms"},
		{"requests, all runs", float64(a.requests), float64(b.requests), 0, "%.0f", ""},
		{"success (200s / requests)", a.success(), b.success(), 0, "%.4f", "1"},
		{"first load, login page (KB, gzip)", r.loginKB, none, 0, "%.1f", "≤ 30"},
		{"first load, settings page (KB, gzip)", r.settingsKB, none, 0, "%.1f", "≤ 30"},
		{"start, exec to first 200 (ms)", ms(a.proc.start), ms(b.proc.start), 0, "%.0f", "≤ 300"},
		{"resident set after the runs (MB, VmRSS)", mb(a.rssKB), mb(b.rssKB), 0, "%.1f", "≤ 50"},
		{"peak resident set (MB, VmHWM)", mb(a.peakKB), mb(b.peakKB), 0, "%.1f", ""},
		{"Stytch calls per settings view", r.calls, none, 0, "%.4f", "0"},
	}
	fmt.Fprintf(w, "%d round(s) of %v runs, at most %d requests in flight, fixed rate %d req/s\n\n", o.rounds, o.duration, o.workers, o.rate)
	fmt.Fprintf(w, "%-40s %10s %10s %9s  %s\n", "figure", "app", "bare echo", "app/echo", "budget")
	for _, f := range rows {
		base, ratio := "", ""
		if !math.IsNaN(f.base) {
			base = fmt.Sprintf(f.format, f.base)
			ratio = fmt.Sprintf("%.2f", cmp.Or(f.ratio, f.app/f.base))
		}
		line := fmt.Sprintf("%-40s %10s %10s %9s  %s", f.name, fmt.Sprintf(f.format, f.app), base, ratio, f.budget)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadcheck:", err)
		os.Exit(1)
	}
}
