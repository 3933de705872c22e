package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type options struct {
	duration time.Duration // of each run
	rate     int           // requests a second of the fixed-rate runs
	rounds   int
	workers  uint64 // most requests in flight at once
	redis    string // the app's REDIS_URL; "" keeps its store in memory
}

// side is one server under load: the app's settings page, or the baseline.
type side struct {
	proc              *proc
	target            vegeta.Target
	client            *http.Client   // one keep-alive pool for all its runs
	throughput, fixed []float64      // 200s a second, each max-throughput and fixed-rate run
	latency           vegeta.Metrics // every fixed-rate result, all rounds
	requests, oks     int            // all requests sent, and the 200s among them
	rssKB, peakKB     int            // after the runs
}

func (s *side) success() float64 { return float64(s.oks) / float64(s.requests) }

type report struct {
	opts       options
	app, base  side
	ratios     []float64 // app / baseline max throughput, each round
	loginKB    float64   // first load of the login page: HTML, CSS, JS as sent (gzip)
	settingsKB float64   // the same for the settings page
	calls      float64   // Stytch calls per settings view during the runs
}

// run starts the app and the baseline, logs a member in, and loads the
// settings page and the baseline alternately: in each round both at their
// maximum throughput, then both at the fixed rate.
func run(o options) (*report, error) {
	r := &report{opts: o}
	var err error
	if r.app.proc, err = startApp(r.opts.redis); err != nil {
		return nil, err
	}
	defer r.app.proc.stop()
	if r.base.proc, err = startBaseline(); err != nil {
		return nil, err
	}
	defer r.base.proc.stop()
	app, base := r.app.proc.url, r.base.proc.url
	cookie, err := login(app, "max@acme.example")
	if err == nil {
		r.loginKB, err = firstLoad(app, "/login", "", "Log in")
	}
	if err == nil {
		r.settingsKB, err = firstLoad(app, "/", cookie, "Security settings")
	}
	callsBefore, err2 := stytchCalls(app)
	if err = errors.Join(err, err2); err != nil {
		return nil, err
	}
	r.app.target = vegeta.Target{Method: "GET", URL: app + "/", Header: browserHeaders(app+"/", cookie)}
	r.base.target = vegeta.Target{Method: "GET", URL: base + "/", Header: browserHeaders(base+"/", "")}
	for _, s := range []*side{&r.app, &r.base} {
		s.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: int(o.workers)}}
	}
	for round := range o.rounds {
		pair := []*side{&r.app, &r.base}
		if round%2 == 1 {
			slices.Reverse(pair) // who goes first alternates too
		}
		for _, s := range pair {
			s.throughput = append(s.throughput, attack(s, vegeta.Rate{}, o, nil))
		}
		r.ratios = append(r.ratios, r.app.throughput[round]/r.base.throughput[round])
		for _, s := range pair {
			s.fixed = append(s.fixed, attack(s, vegeta.Rate{Freq: o.rate, Per: time.Second}, o, &s.latency))
		}
	}
	callsAfter, err := stytchCalls(app)
	r.calls = float64(callsAfter-callsBefore) / float64(r.app.requests)
	for _, s := range []*side{&r.app, &r.base} {
		s.latency.Close()
		s.rssKB, s.peakKB = s.proc.memory()
	}
	return r, err
}

// attack loads s for o.duration with at most o.workers requests in flight
// (vegeta counts each latency from when its request is sent) and returns
// the 200s a second. Redirects are not followed: a lost session, sent to
// /login, counts as a failure.
func attack(s *side, pacer vegeta.Pacer, o options, latency *vegeta.Metrics) float64 {
	a := vegeta.NewAttacker(vegeta.Client(s.client), vegeta.Workers(o.workers), vegeta.MaxWorkers(o.workers),
		vegeta.MaxBody(0), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(10*time.Second))
	began, oks := time.Now(), 0
	for res := range a.Attack(vegeta.NewStaticTargeter(s.target), pacer, o.duration, "") {
		s.requests++
		if res.Code == http.StatusOK {
			oks++
		}
		if latency != nil {
			latency.Add(res)
		}
	}
	s.oks += oks
	return float64(oks) / time.Since(began).Seconds()
}

// browserHeaders are what Chromium 156 sends when a link within a site is
// followed, and the site's cookies.
func browserHeaders(referer, cookie string) http.Header {
	h := http.Header{
		"Accept":                    {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
		"Accept-Encoding":           {"gzip, deflate, br, zstd"},
		"Accept-Language":           {"en-US,en;q=0.9"},
		"Referer":                   {referer},
		"Sec-Ch-Ua":                 {`"Chromium";v="156", "Not)A;Brand";v="24"`},
		"Sec-Ch-Ua-Mobile":          {"?0"},
		"Sec-Ch-Ua-Platform":        {`"Linux"`},
		"Sec-Fetch-Dest":            {"document"},
		"Sec-Fetch-Mode":            {"navigate"},
		"Sec-Fetch-Site":            {"same-origin"},
		"Sec-Fetch-User":            {"?1"},
		"Upgrade-Insecure-Requests": {"1"},
		"User-Agent":                {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"},
	}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	return h
}

var (
	csrfRE  = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	client  = &http.Client{Timeout: 10 * time.Second}
)

// login logs a member of Acme in by the magic link in the emulator's dev
// outbox, and returns the browser's cookies as a Cookie header.
func login(base, email string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page, err := body(c.Get(base + "/login"))
	m := csrfRE.FindStringSubmatch(page)
	if err != nil || m == nil {
		return "", fmt.Errorf("login: no CSRF token on /login (%v)", err)
	}
	if _, err := body(c.PostForm(base+"/login", url.Values{"_csrf": {m[1]}, "email": {email}, "organization": {"acme"}})); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	var outbox struct{ Messages []struct{ Link string } }
	page, err = body(c.Get(base + "/dev/outbox?to=" + url.QueryEscape(email)))
	if err = errors.Join(err, json.Unmarshal([]byte(page), &outbox)); err != nil || len(outbox.Messages) == 0 {
		return "", fmt.Errorf("login: no link in the outbox (%v)", err)
	}
	link, err := url.Parse(outbox.Messages[len(outbox.Messages)-1].Link)
	if err == nil {
		page, err = body(c.Get(base + link.RequestURI()))
	}
	if err != nil || !strings.Contains(page, "Security settings") {
		return "", fmt.Errorf("login: the link did not lead to the settings page (%v)", err)
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, ck := range jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	return strings.Join(cookies, "; "), nil
}

// firstLoad is what a browser with an empty cache fetches for the page at
// path, which must contain want: the page and the CSS and JS it names, in
// KB as sent (gzip).
func firstLoad(base, path, cookie, want string) (float64, error) {
	total := 0
	fetch := func(path string) (string, error) {
		req, _ := http.NewRequest(http.MethodGet, base+strings.ReplaceAll(path, "&amp;", "&"), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		raw, err := body(client.Do(req))
		total += len(raw)
		if err != nil || !strings.HasPrefix(raw, "\x1f\x8b") {
			return raw, err
		}
		zr, err := gzip.NewReader(strings.NewReader(raw))
		if err != nil {
			return "", err
		}
		plain, err := io.ReadAll(zr)
		return string(plain), err
	}
	page, err := fetch(path)
	if err == nil && !strings.Contains(page, want) {
		err = fmt.Errorf("%s: no %q on the page", path, want)
	}
	for _, m := range assetRE.FindAllStringSubmatch(page, -1) {
		_, err2 := fetch(m[1])
		err = errors.Join(err, err2)
	}
	return float64(total) / 1024, err
}

// stytchCalls is how many Stytch API calls the emulator has answered.
func stytchCalls(base string) (int, error) {
	var stats struct{ Calls map[string]int }
	page, err := body(client.Get(base + "/dev/stats"))
	if err = errors.Join(err, json.Unmarshal([]byte(page), &stats)); err != nil {
		return 0, fmt.Errorf("/dev/stats: %w", err)
	}
	n := 0
	for _, v := range stats.Calls {
		n += v
	}
	return n, nil
}

// body reads an answer (after any redirects); anything but a 200 is an error.
func body(res *http.Response, err error) (string, error) {
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: %s", res.Request.Method, res.Request.URL.Path, res.Status)
	}
	return string(b), err
}
