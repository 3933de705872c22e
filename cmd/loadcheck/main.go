// Command loadcheck measures mfaportal on the built-in emulator: start-up
// time, page weight, the settings page, a static file and the whole enroll
// flow under load, memory, goroutines, Stytch calls and connections, each
// beside a bare echo server driven the same way in the same run (these
// machines are shared and noisy, so only ratios against that baseline mean
// much).
//
//	go run ./cmd/loadcheck -c 64 -d 60s
//
// It builds the app, runs it as a subprocess on loopback and stops by
// itself. See BENCHMARKS.md.
package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/session"
)

func main() {
	if addr := os.Getenv(baselineEnv); addr != "" {
		serveBaseline(addr)
		return
	}
	conc := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 60*time.Second, "duration of each load scenario (at most 4m: the session JWT lives 5)")
	profile := flag.String("profile", "", "if set, a directory to save the app's CPU profile (settings load, gzip) and heap profile (after the enroll load) in")
	rateList := flag.String("rate", "5000,10000", "comma-separated request rates (per second) of the fixed-rate (open-loop) settings and baseline scenarios, each run for d/2; empty leaves them out")
	browserHeaders := flag.Bool("browser-headers", true, "send, to the app and to the baseline alike, the headers Chromium sends when following a link within a site (false: the app gets only its cookie and Accept-Encoding: gzip, and the baseline nothing, as before 2026-12-01)")
	appEnv := flag.String("app-env", "", "extra environment for the app only: space-separated NAME=value pairs, such as \"GOGC=200 LOG_FORMAT=json\"")
	flag.Parse()
	var rates []float64
	for f := range strings.SplitSeq(*rateList, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		r, err := strconv.ParseFloat(f, 64)
		if err != nil || r <= 0 {
			fail(fmt.Sprintf("-rate: %q is not a positive number", f))
		}
		rates = append(rates, r)
	}
	extraEnv := strings.Fields(*appEnv)
	for _, kv := range extraEnv {
		if !strings.Contains(kv, "=") {
			fail(fmt.Sprintf("-app-env: %q is not NAME=value", kv))
		}
	}
	if *dur > 4*time.Minute {
		fail("-d must be at most 4m")
	}
	tmp, err := os.MkdirTemp("", "loadcheck-*")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "mfaportal")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())
	keys := session.FormatKeys(session.RandomKeys())

	// Start-up: exec to the first 200 from /healthz, emulator included.
	var starts []time.Duration
	for i := 0; i < 5; i++ {
		app := startApp(bin, keys, extraEnv)
		starts = append(starts, app.startup)
		app.stop()
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	fmt.Printf("start-up to /healthz 200 (exec included), 5 runs: median %v, min %v, max %v (target ≤ 300ms)\n",
		starts[2].Round(time.Millisecond), starts[0].Round(time.Millisecond), starts[4].Round(time.Millisecond))

	app := startApp(bin, keys, extraEnv)
	defer app.stop()
	// The load sends the logged-in browser's cookies as a fixed header, as
	// a load tool would: a cookie jar in this process would cost CPU the
	// app shares, and only the settings scenarios would pay for it.
	cookie := login(app.url, "max@acme.example")
	tr := &http.Transport{MaxIdleConnsPerHost: *conc, DisableCompression: true}
	client := &http.Client{Transport: tr}
	// What a browser sends with a page load: the site's cookies, and
	// with -browser-headers the rest of what Chromium sends when a link
	// on one of the site's pages is followed, fetch metadata included.
	// The baseline gets the same headers, less the app's cookie.
	browser := map[string]string{"Cookie": cookie, "Accept-Encoding": "gzip"}
	var baseHeaders map[string]string
	if *browserHeaders {
		baseHeaders = chromiumNavigation(app.url + "/")
		for k, v := range baseHeaders {
			browser[k] = v
		}
	}
	noGzip := map[string]string{}
	for k, v := range browser {
		if k != "Accept-Encoding" {
			noGzip[k] = v
		}
	}

	weight := pageWeight(client, app.url, cookie)
	fmt.Printf("page weight, first load of the settings page (HTML + CSS + JS, gzip): %.1f KB (target ≤ 30 KB)\n", float64(weight)/1024)

	base, basePID, stopBaseline := startBaseline()
	if baseHeaders != nil {
		baseHeaders["Referer"] = base + "/"
	}
	defer stopBaseline()
	baseClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, DisableCompression: true}}
	goroutinesBefore, connGoroutinesBefore := goroutines(app)
	statsBefore := emuStats(app.url)
	var cpuDone chan struct{}
	if *profile != "" {
		cpuDone = saveProfile(app, fmt.Sprintf("profile?seconds=%d", int(dur.Seconds()/2)), filepath.Join(*profile, "cpu.pprof"))
	}
	appPID, self := app.cmd.Process.Pid, os.Getpid()
	settings := measure(appPID, self, func() result { return drive(client, app.url+"/", *conc, *dur, browser) })
	if cpuDone != nil {
		<-cpuDone
	}
	baseline := measure(basePID, self, func() result { return drive(baseClient, base, *conc, *dur, baseHeaders) })
	plain := measure(appPID, self, func() result { return drive(client, app.url+"/", *conc, *dur, noGzip) })
	settingsAtRate := make([]result, len(rates))
	baselineAtRate := make([]result, len(rates))
	for i, rate := range rates {
		settingsAtRate[i] = measure(appPID, self, func() result {
			return runAtRate(*conc, *dur/2, rate, getter(client, app.url+"/", browser))
		})
		baselineAtRate[i] = measure(basePID, self, func() result {
			return runAtRate(*conc, *dur/2, rate, getter(baseClient, base, baseHeaders))
		})
	}
	healthz := measure(appPID, self, func() result { return drive(client, app.url+"/healthz", *conc, *dur/2, nil) })
	statsAfter := emuStats(app.url)
	rss, threads := procStatus(app.cmd.Process.Pid)

	htmx := findStatic(client, app.url, cookie, "htmx")
	static := measure(appPID, self, func() result {
		return drive(client, app.url+htmx, *conc, *dur/2, map[string]string{"Accept-Encoding": "gzip"})
	})

	// The whole enroll flow, each run by a new member: log in by magic
	// link, enter a phone, enter the texted code.
	enrollBefore := emuStats(app.url)
	flows := measure(appPID, self, func() result { return driveEnroll(app.url, *conc, *dur/2) })
	enrollAfter := emuStats(app.url)
	rssEnroll, _ := procStatus(app.cmd.Process.Pid)
	heapEnroll := gauge(app.metrics, "go_memstats_heap_alloc_bytes")
	if *profile != "" {
		<-saveProfile(app, "heap", filepath.Join(*profile, "heap.pprof"))
	}
	// The load's own keep-alive connections end with it.
	tr.CloseIdleConnections()
	baseClient.CloseIdleConnections()
	closeEnrollConns()
	time.Sleep(2 * time.Second)
	goroutinesAfter, connGoroutinesAfter := goroutines(app)

	fmt.Println()
	fmt.Printf("%-36s %10s %9s %9s %7s %12s %12s\n", "scenario", "req/s", "p50", "p99", "errors", "server CPU", "load CPU")
	type row struct {
		name string
		res  result
	}
	rows := []row{
		{"settings page (logged in, gzip)", settings},
		{"settings page (no Accept-Encoding)", plain},
		{"bare echo baseline", baseline},
	}
	for i, rate := range rates {
		rows = append(rows,
			row{fmt.Sprintf("settings page at %.0f/s (gzip)", rate), settingsAtRate[i]},
			row{fmt.Sprintf("bare echo at %.0f/s", rate), baselineAtRate[i]})
	}
	rows = append(rows,
		row{"/healthz (the app's middleware only)", healthz},
		row{"static htmx (gzip)", static},
		row{"enroll flow, whole (flows/s)", flows})
	for _, r := range rows {
		fmt.Printf("%-36s %10.1f %9v %9v %7d %10.0fµs %10.0fµs\n", r.name, r.res.rps, r.res.p50.Round(10*time.Microsecond), r.res.p99.Round(10*time.Microsecond), r.res.errors,
			r.res.serverCPU, r.res.loadCPU)
	}
	fmt.Println()
	fmt.Println("(server CPU: the serving process's CPU time per request or flow; load CPU: this generator's)")
	fmt.Printf("settings / baseline throughput: %.2f with gzip, %.2f without (target ≥ 0.50)\n", settings.rps/baseline.rps, plain.rps/baseline.rps)
	fmt.Printf("server CPU per request, settings / baseline: %.1f× with gzip, %.1f× without\n", settings.serverCPU/baseline.serverCPU, plain.serverCPU/baseline.serverCPU)
	fmt.Printf("settings p99: %v with gzip, %v without (target ≤ 10ms); baseline p99: %v\n",
		settings.p99.Round(10*time.Microsecond), plain.p99.Round(10*time.Microsecond), baseline.p99.Round(10*time.Microsecond))
	for i, rate := range rates {
		fmt.Printf("at a fixed %.0f req/s from up to %d connections (latency from when each request was due): settings p99 %v (target ≤ 10ms), baseline p99 %v\n",
			rate, *conc, settingsAtRate[i].p99.Round(10*time.Microsecond), baselineAtRate[i].p99.Round(10*time.Microsecond))
	}
	fmt.Printf("browser headers (Chromium's for a link followed within a site, Sec-Fetch-* included) sent to the app and the baseline: %v\n", *browserHeaders)
	fmt.Printf("Stytch calls during the settings loads: %d (target 0); emulator connections accepted: %d\n",
		sum(statsAfter.Calls)-sum(statsBefore.Calls), statsAfter.ConnectionsAccepted-statsBefore.ConnectionsAccepted)
	fmt.Printf("app resident set after the settings loads: %.1f MB (target ≤ 50 MB); OS threads: %d\n", float64(rss)/1024, threads)
	n := flows.count
	fmt.Printf("enroll flows: %d, 5xx: %d; Stytch calls per flow: %s; emulator connections accepted: %d\n",
		n, flows.serverErrors, perFlow(enrollBefore.Calls, enrollAfter.Calls, n), enrollAfter.ConnectionsAccepted-enrollBefore.ConnectionsAccepted)
	fmt.Printf("app resident set after the enroll load: %.1f MB, live heap %.1f MB (the built-in emulator, in the same process, now holds %d more members and their sessions)\n",
		float64(rssEnroll)/1024, float64(heapEnroll)/(1<<20), n)
	fmt.Printf("goroutines: %d before the loads, %d two seconds after them (the load's connections closed), of which %d → %d serve HTTP connections\n",
		goroutinesBefore, goroutinesAfter, connGoroutinesBefore, connGoroutinesAfter)
	fmt.Printf("  all others: %d before, %d after (the connections are the app's keep-alive pool to Stytch: idle for up to 90 s, 3 goroutines each with the in-process emulator)\n",
		goroutinesBefore-connGoroutinesBefore, goroutinesAfter-connGoroutinesAfter)
}

type appProc struct {
	cmd     *exec.Cmd
	url     string
	metrics string // the app's /metrics
	startup time.Duration
}

func startApp(bin, keys string, extraEnv []string) *appProc {
	port, metricsPort := freePort(), freePort()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:"+port, "PUBLIC_URL=http://localhost:"+port, "SESSION_KEYS="+keys,
		"COOKIE_SECURE=false", "METRICS_ADDR=127.0.0.1:"+metricsPort)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = io.Discard
	start := time.Now()
	check(cmd.Start())
	u := "http://127.0.0.1:" + port
	for time.Since(start) < 10*time.Second {
		if res, err := http.Get(u + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &appProc{cmd: cmd, url: u, metrics: "http://127.0.0.1:" + metricsPort + "/metrics", startup: time.Since(start)}
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Kill()
	fail("the app did not answer /healthz within 10s")
	return nil
}

func (a *appProc) stop() { a.cmd.Process.Signal(os.Interrupt); a.cmd.Wait() }

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// member is one person's browser: a cookie jar, redirects followed.
func member(tr http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}
}

// submit opens the page at u, as a person would before filling in its
// form, and posts form there with the page's CSRF token. It returns the
// answer and the token, which later forms in the same browser reuse.
func submit(c *http.Client, u string, form url.Values) (answer, csrf string, err error) {
	page, err := fetchPage(c, u)
	if err != nil {
		return "", "", err
	}
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		return "", "", fmt.Errorf("no CSRF token on %s", u)
	}
	form.Set("_csrf", m[1])
	answer, err = post(c, u, form)
	return answer, m[1], err
}

// logIn logs email in (Acme's members may join by e-mail) through the dev
// outbox, and fails unless it lands on the settings page.
func logIn(c *http.Client, base, email string) error {
	if _, _, err := submit(c, base+"/login", url.Values{"email": {email}, "organization": {"acme"}}); err != nil {
		return err
	}
	msg, err := lastMessage(c, base, email)
	if err != nil {
		return err
	}
	lu, err := url.Parse(msg.Link)
	if err != nil {
		return err
	}
	page, err := fetchPage(c, base+lu.RequestURI())
	if err != nil {
		return err
	}
	if !strings.Contains(page, "Security settings") {
		return fmt.Errorf("login of %s did not reach the settings page", email)
	}
	return nil
}

// login logs email in and returns the browser's cookies as a Cookie header.
func login(base, email string) string {
	c := member(nil)
	check(logIn(c, base, email))
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

type message struct{ To, Code, Link string }

// lastMessage is the newest outbox message to an address or number.
func lastMessage(c *http.Client, base, to string) (message, error) {
	body, err := fetchPage(c, base+"/dev/outbox?to="+url.QueryEscape(to))
	if err != nil {
		return message{}, err
	}
	var out struct{ Messages []message }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		return message{}, err
	}
	if len(out.Messages) == 0 {
		return message{}, fmt.Errorf("no message to %s in the outbox", to)
	}
	return out.Messages[len(out.Messages)-1], nil
}

// errStatus is an answer that is not a success, with its status.
type errStatus int

func (e errStatus) Error() string { return fmt.Sprintf("status %d", int(e)) }

func fetchPage(c *http.Client, u string) (string, error) { return body(c.Get(u)) }

func post(c *http.Client, u string, form url.Values) (string, error) {
	return body(c.PostForm(u, form))
}

// body reads an answer (after redirects); anything but a 200 is an error.
func body(res *http.Response, err error) (string, error) {
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = errStatus(res.StatusCode)
	}
	return string(b), err
}

func get(c *http.Client, u string) string {
	body, err := fetchPage(c, u)
	check(err)
	return body
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// pageWeight is what a first visit transfers: the page and its assets, gzip.
func pageWeight(c *http.Client, base, cookie string) int {
	total := 0
	fetch := func(u string) string {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Cookie", cookie)
		res, err := c.Do(req)
		check(err)
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		total += len(raw)
		if res.Header.Get("Content-Encoding") != "gzip" {
			return string(raw)
		}
		zr, err := gzip.NewReader(strings.NewReader(string(raw)))
		check(err)
		plain, _ := io.ReadAll(zr)
		return string(plain)
	}
	page := fetch(base + "/")
	if !strings.Contains(page, "Security settings") {
		fail("the cookie header does not reach the settings page")
	}
	for _, m := range assetRE.FindAllStringSubmatch(page, -1) {
		fetch(base + strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return total
}

func findStatic(c *http.Client, base, cookie, name string) string {
	req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
	req.Header.Set("Cookie", cookie)
	res, err := c.Do(req)
	check(err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, m := range assetRE.FindAllStringSubmatch(string(page), -1) {
		if strings.Contains(m[1], name) {
			return strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	fail("no " + name + " on the settings page")
	return ""
}

type result struct {
	rps          float64
	p50, p99     time.Duration
	count        int
	errors       int // failures of any kind
	serverErrors int // 5xx answers
	// CPU time per request (µs) of the serving process and of this one.
	serverCPU, loadCPU float64
}

// measure runs a scenario and adds the CPU time the server process and
// this process spent on it, per request.
func measure(serverPID, selfPID int, scenario func() result) result {
	s0, l0 := cpuTime(serverPID), cpuTime(selfPID)
	r := scenario()
	s1, l1 := cpuTime(serverPID), cpuTime(selfPID)
	if r.count > 0 {
		r.serverCPU = float64((s1 - s0).Microseconds()) / float64(r.count)
		r.loadCPU = float64((l1 - l0).Microseconds()) / float64(r.count)
	}
	return r
}

// cpuTime is a process's user + system CPU time so far, from /proc.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	check(err)
	// The fields after the command name (in parentheses, which may hold spaces).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	check(errors.Join(err1, err2))
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// run calls op from conc workers for d, each sending as soon as its last
// request is answered (a closed loop: the most the server can do).
func run(conc int, d time.Duration, op func(worker, i int) (status int, err error)) result {
	deadline := time.Now().Add(d)
	return load(conc, op, func() (time.Time, bool) {
		now := time.Now()
		return now, now.Before(deadline)
	})
}

// runAtRate sends rate requests a second for d, on a fixed schedule, from
// at most conc connections at once (an open loop, as people's browsers
// are: they do not wait for each other). Each latency runs from the time
// the request was due, not from when a connection was free to send it,
// so time spent waiting behind a slow answer counts (wrk2's correction
// for coordinated omission).
func runAtRate(conc int, d time.Duration, rate float64, op func(worker, i int) (status int, err error)) result {
	interval := time.Duration(float64(time.Second) / rate)
	total := int64(d / interval)
	var next atomic.Int64
	start := time.Now()
	giveUp := start.Add(2 * d) // a rate far beyond the server's would otherwise run for ages
	return load(conc, op, func() (time.Time, bool) {
		i := next.Add(1) - 1
		if i >= total || time.Now().After(giveUp) {
			return time.Time{}, false
		}
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		return due, true
	})
}

// load calls op from conc workers, each asking schedule when its next
// request is due (it may wait) until schedule says the load is over, and
// reports the rate, the latency percentiles counted from each due time,
// and the failures.
func load(conc int, op func(worker, i int) (status int, err error), schedule func() (due time.Time, ok bool)) result {
	var mu sync.Mutex
	var all []time.Duration
	res := result{}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs, fivexx := 0, 0
			for i := 0; ; i++ {
				due, ok := schedule()
				if !ok {
					break
				}
				status, err := op(w, i)
				if err != nil {
					errs++
					if status >= 500 {
						fivexx++
					}
					continue
				}
				lat = append(lat, time.Since(due))
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			res.serverErrors += fivexx
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	res.count = len(all)
	if len(all) > 0 {
		res.rps = float64(len(all)) / elapsed.Seconds()
		res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	return res
}

// drive sends GETs of u with headers from conc workers for d, each as
// soon as the last one is answered (a closed loop: the most the server
// can do); anything but a 200 is an error.
func drive(c *http.Client, u string, conc int, d time.Duration, headers map[string]string) result {
	return run(conc, d, getter(c, u, headers))
}

func getter(c *http.Client, u string, headers map[string]string) func(int, int) (int, error) {
	return func(int, int) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return res.StatusCode, errStatus(res.StatusCode)
		}
		return res.StatusCode, nil
	}
}

// chromiumNavigation is what Chromium sends, besides cookies, when a link
// to a page of the same site is followed (from Chromium 156's request
// headers; the Referer is the page the link was on).
func chromiumNavigation(referer string) map[string]string {
	return map[string]string{
		"Accept":                    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
		"Accept-Encoding":           "gzip, deflate, br, zstd",
		"Accept-Language":           "en-US,en;q=0.9",
		"Referer":                   referer,
		"Sec-Ch-Ua":                 `"Chromium";v="156", "Not)A;Brand";v="24"`,
		"Sec-Ch-Ua-Mobile":          "?0",
		"Sec-Ch-Ua-Platform":        `"Linux"`,
		"Sec-Fetch-Dest":            "document",
		"Sec-Fetch-Mode":            "navigate",
		"Sec-Fetch-Site":            "same-origin",
		"Sec-Fetch-User":            "?1",
		"Upgrade-Insecure-Requests": "1",
		"User-Agent":                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
	}
}

// driveEnroll runs the whole enroll flow from conc workers for d, each run
// by a new member with a new phone number.
func driveEnroll(base string, conc int, d time.Duration) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conc}
	closeEnrollConns = tr.CloseIdleConnections
	var phones atomic.Int64
	stamp := time.Now().UnixNano() % 1e6
	return run(conc, d, func(w, i int) (int, error) {
		c := member(tr)
		err := enroll(c, base, fmt.Sprintf("load-%d-%d-%d@acme.example", stamp, w, i), fmt.Sprintf("+1201%07d", 2000000+phones.Add(1)))
		var st errStatus
		if errors.As(err, &st) {
			return int(st), err
		}
		return 0, err
	})
}

var closeEnrollConns = func() {}

// saveProfile fetches one of the app's pprof profiles into file, in the
// background; the channel closes when it is written.
func saveProfile(app *appProc, name, file string) chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		u := strings.TrimSuffix(app.metrics, "/metrics") + "/debug/pprof/" + name
		res, err := http.Get(u)
		check(err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		check(err)
		check(os.MkdirAll(filepath.Dir(file), 0o755))
		check(os.WriteFile(file, b, 0o644))
	}()
	return done
}

// enroll logs a member in and runs the enroll flow for them.
func enroll(c *http.Client, base, email, e164 string) error {
	if err := logIn(c, base, email); err != nil {
		return err
	}
	_, csrf, err := submit(c, base+"/enroll", url.Values{"region": {"US"}, "number": {e164}})
	if err != nil {
		return err
	}
	msg, err := lastMessage(c, base, e164)
	if err != nil {
		return err
	}
	page, err := post(c, base+"/verify", url.Values{"_csrf": {csrf}, "code": {msg.Code}})
	if err != nil {
		return err
	}
	if !strings.Contains(page, "Text message codes are on") {
		return fmt.Errorf("the enroll flow of %s did not finish", email)
	}
	return nil
}

// baselineEnv makes this command the baseline server instead: a bare echo
// handler in a process of its own, so it meets the load exactly as the app
// does (over loopback, from another process, with its own Go runtime).
const baselineEnv = "LOADCHECK_BASELINE_ADDR"

// startBaseline runs the baseline server as a subprocess and returns its
// URL and a function that stops it.
func startBaseline() (string, int, func()) {
	addr := "127.0.0.1:" + freePort()
	self, err := os.Executable()
	check(err)
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), baselineEnv+"="+addr)
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	u := "http://" + addr + "/"
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(5 * time.Millisecond) {
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			return u, cmd.Process.Pid, func() { cmd.Process.Kill(); cmd.Wait() }
		}
	}
	cmd.Process.Kill()
	fail("the baseline server did not start")
	return "", 0, nil
}

// serveBaseline serves a small page of the settings page's size from a
// bare echo server, with no middleware.
func serveBaseline(addr string) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	page := "<!doctype html><html><head><title>Security settings</title></head><body><main><h1>Security settings</h1>" +
		strings.Repeat("<p>Two-step verification by text message is on.</p>", 40) + "</main></body></html>"
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	check(http.ListenAndServe(addr, e))
}

type stats struct {
	ConnectionsAccepted int64          `json:"connections_accepted"`
	Calls               map[string]int `json:"calls"`
}

func emuStats(base string) stats {
	var s stats
	check(json.Unmarshal([]byte(get(http.DefaultClient, base+"/dev/stats")), &s))
	return s
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// perFlow lists the Stytch calls made between two readings, per flow.
func perFlow(before, after map[string]int, flows int) string {
	if flows == 0 {
		return "no flow finished"
	}
	var parts []string
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%.2f", k, float64(d)/float64(flows)))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// goroutines counts the app's goroutines, and those that serve an HTTP
// connection (client or server side), from its goroutine profile.
func goroutines(app *appProc) (total, conns int) {
	u := strings.TrimSuffix(app.metrics, "/metrics") + "/debug/pprof/goroutine?debug=1"
	_, profile, _ := strings.Cut(get(http.DefaultClient, u), "\n") // after "goroutine profile: total N"
	for _, group := range strings.Split(profile, "\n\n") {
		var n int
		if _, err := fmt.Sscanf(group, "%d @", &n); err != nil {
			continue
		}
		total += n
		if strings.Contains(group, "net/http.(*persistConn)") || strings.Contains(group, "net/http.(*conn).serve") {
			conns += n
		}
	}
	return total, conns
}

// gauge reads one unlabelled gauge from a Prometheus text page.
func gauge(metricsURL, name string) int {
	for _, line := range strings.Split(get(http.DefaultClient, metricsURL), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			check(err)
			return n
		}
	}
	fail("no " + name + " in " + metricsURL)
	return 0
}

// procStatus reads a process's resident set (KB) and thread count.
func procStatus(pid int) (rssKB, threads int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	check(err)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			fmt.Sscan(f[1], &rssKB)
		}
		if len(f) >= 2 && f[0] == "Threads:" {
			fmt.Sscan(f[1], &threads)
		}
	}
	return rssKB, threads
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "loadcheck:", msg)
	os.Exit(1)
}
