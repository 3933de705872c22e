// Command loadcheck measures mfaportal on the built-in emulator: start-up
// time, the settings page and a static file under load, memory, Stytch
// calls and connections, and page weight, each beside a bare echo server
// driven the same way in the same run (these machines are shared and
// noisy, so only ratios against that baseline mean much).
//
//	go run ./cmd/loadcheck -c 64 -d 60s
//
// It builds the app, runs it as a subprocess on loopback and stops by
// itself. See BENCHMARKS.md.
package main

import (
	"compress/gzip"
	"encoding/json"
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
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/middleware"
)

func main() {
	conc := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 60*time.Second, "duration of each load scenario (at most 4m: the session JWT lives 5)")
	flag.Parse()
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
	keys := middleware.FormatSessionKeys(middleware.RandomSessionKeys())

	// Start-up: exec to the first 200 from /healthz, emulator included.
	var starts []time.Duration
	for i := 0; i < 5; i++ {
		app := startApp(bin, keys)
		starts = append(starts, app.startup)
		app.stop()
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	fmt.Printf("start-up to /healthz 200 (exec included), 5 runs: median %v, min %v, max %v (target ≤ 300ms)\n",
		starts[2].Round(time.Millisecond), starts[0].Round(time.Millisecond), starts[4].Round(time.Millisecond))

	app := startApp(bin, keys)
	defer app.stop()
	jar := login(app.url)
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: *conc, DisableCompression: true}}

	weight := pageWeight(client, app.url)
	fmt.Printf("page weight, first load of the settings page (HTML + CSS + JS, gzip): %.1f KB (target ≤ 30 KB)\n", float64(weight)/1024)

	base := startBaseline()
	statsBefore := emuStats(app.url)
	settings := drive(client, app.url+"/", *conc, *dur, nil)
	statsAfter := emuStats(app.url)
	baseline := drive(&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}, base, *conc, *dur, nil)
	rss, threads := procStatus(app.cmd.Process.Pid)

	htmx := findStatic(client, app.url, "htmx")
	static := drive(client, app.url+htmx, *conc, *dur/2, map[string]string{"Accept-Encoding": "gzip"})

	fmt.Println()
	fmt.Printf("%-28s %10s %9s %9s %7s\n", "scenario", "req/s", "p50", "p99", "errors")
	for _, r := range []struct {
		name string
		res  result
	}{{"settings page (logged in)", settings}, {"bare echo baseline", baseline}, {"static htmx (gzip)", static}} {
		fmt.Printf("%-28s %10.0f %9v %9v %7d\n", r.name, r.res.rps, r.res.p50.Round(10*time.Microsecond), r.res.p99.Round(10*time.Microsecond), r.res.errors)
	}
	fmt.Println()
	fmt.Printf("settings / baseline throughput: %.2f (target ≥ 0.50)\n", settings.rps/baseline.rps)
	fmt.Printf("settings p99: %v (target ≤ 10ms); baseline p99: %v\n", settings.p99.Round(10*time.Microsecond), baseline.p99.Round(10*time.Microsecond))
	fmt.Printf("Stytch calls during the settings load: %d (target 0)\n", sum(statsAfter.Calls)-sum(statsBefore.Calls))
	fmt.Printf("emulator connections accepted during it: %d\n", statsAfter.ConnectionsAccepted-statsBefore.ConnectionsAccepted)
	fmt.Printf("app resident set after the load: %.1f MB (target ≤ 50 MB); OS threads: %d\n", float64(rss)/1024, threads)

	// The enroll flow: the Stytch calls it makes, and the connections.
	before := emuStats(app.url)
	enroll(client, app.url)
	after := emuStats(app.url)
	fmt.Printf("enroll flow Stytch calls: %s; new emulator connections: %d\n", diff(before.Calls, after.Calls), after.ConnectionsAccepted-before.ConnectionsAccepted)
	time.Sleep(2 * time.Second)
	_, threadsIdle := procStatus(app.cmd.Process.Pid)
	fmt.Printf("app OS threads 2s after the load: %d\n", threadsIdle)
}

type appProc struct {
	cmd     *exec.Cmd
	url     string
	startup time.Duration
}

func startApp(bin, keys string) *appProc {
	port := freePort()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:"+port, "PUBLIC_URL=http://localhost:"+port, "SESSION_KEYS="+keys,
		"LOG_LEVEL=warn", "COOKIE_SECURE=false")
	cmd.Stderr = io.Discard
	start := time.Now()
	check(cmd.Start())
	u := "http://127.0.0.1:" + port
	for time.Since(start) < 10*time.Second {
		if res, err := http.Get(u + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &appProc{cmd: cmd, url: u, startup: time.Since(start)}
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

// login logs max@acme.example in through the dev outbox.
func login(base string) http.CookieJar {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := get(c, base+"/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		fail("no CSRF token on the login page")
	}
	res, err := c.PostForm(base+"/login", url.Values{"_csrf": {m[1]}, "email": {"max@acme.example"}, "organization": {"acme"}})
	check(err)
	res.Body.Close()
	var out struct {
		Messages []struct{ To, Link string } `json:"messages"`
	}
	check(json.Unmarshal([]byte(get(c, base+"/dev/outbox")), &out))
	link := ""
	for _, msg := range out.Messages {
		if msg.To == "max@acme.example" {
			link = msg.Link
		}
	}
	lu, err := url.Parse(link)
	check(err)
	if page := get(c, base+lu.RequestURI()); !strings.Contains(page, "Security settings") {
		fail("login through the outbox did not reach the settings page")
	}
	return jar
}

func get(c *http.Client, u string) string {
	res, err := c.Get(u)
	check(err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// pageWeight is what a first visit transfers: the page and its assets, gzip.
func pageWeight(c *http.Client, base string) int {
	total := 0
	fetch := func(u string) string {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
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
	for _, m := range assetRE.FindAllStringSubmatch(page, -1) {
		fetch(base + strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return total
}

func findStatic(c *http.Client, base, name string) string {
	for _, m := range assetRE.FindAllStringSubmatch(get(c, base+"/"), -1) {
		if strings.Contains(m[1], name) {
			return strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	fail("no " + name + " on the settings page")
	return ""
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

// drive sends GETs from conc workers for d and reports throughput and
// latency percentiles; anything but a 200 counts as an error.
func drive(c *http.Client, u string, conc int, d time.Duration, headers map[string]string) result {
	var mu sync.Mutex
	var all []time.Duration
	errors := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				for k, v := range headers {
					req.Header.Set(k, v)
				}
				t0 := time.Now()
				res, err := c.Do(req)
				if err != nil {
					errs++
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat = append(lat, time.Since(t0))
				if res.StatusCode != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		return result{errors: errors}
	}
	return result{rps: float64(len(all)) / d.Seconds(), p50: all[len(all)/2], p99: all[len(all)*99/100], errors: errors}
}

// startBaseline serves a small page from a bare echo server.
func startBaseline() string {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	page := "<!doctype html><html><head><title>Security settings</title></head><body><main><h1>Security settings</h1>" +
		strings.Repeat("<p>Two-step verification by text message is on.</p>", 40) + "</main></body></html>"
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go http.Serve(ln, e)
	return "http://" + ln.Addr().String() + "/"
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

func diff(before, after map[string]int) string {
	var parts []string
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, d))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// enroll runs the whole enroll flow once for the logged-in member.
func enroll(c *http.Client, base string) {
	page := get(c, base+"/enroll")
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		fail("no CSRF token on the enroll page")
	}
	res, err := c.PostForm(base+"/enroll", url.Values{"_csrf": {m[1]}, "region": {"US"}, "number": {"201 555 0177"}})
	check(err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var out struct {
		Messages []struct{ To, Code string } `json:"messages"`
	}
	check(json.Unmarshal([]byte(get(c, base+"/dev/outbox")), &out))
	code := ""
	for _, msg := range out.Messages {
		if msg.To == "+12015550177" {
			code = msg.Code
		}
	}
	res, err = c.PostForm(base+"/verify", url.Values{"_csrf": {m[1]}, "code": {code}})
	check(err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Text message codes are on") {
		fail("the enroll flow did not finish")
	}
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
