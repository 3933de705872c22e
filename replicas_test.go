package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"

	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/store"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// Replicas: app processes on loopback sharing one Stytch (the emulator)
// and one Redis, the way they run behind a load balancer. A member may
// reach any replica on any request.
func TestReplicasShareFlows(t *testing.T) {
	redisURL := testRedisURL(t)
	r := newReplicas(t)
	a, b := r.start(t, "A", redisURL), r.start(t, "B", redisURL)
	member := r.emu.Demo().Organization.Member
	br := newReplicaBrowser(t)

	p := br.login(a, r.emu, "acme", member.Email)
	if p.status != http.StatusOK || !strings.Contains(p.text("main"), "You're logged in.") {
		t.Fatalf("login on A: %d\n%s", p.status, p.body)
	}
	br.get(a, "/enroll")
	if p := br.post(a, "/enroll", url.Values{"region": {"US"}, "number": {"(201) 555-0177"}}); p.status != http.StatusSeeOther {
		t.Fatalf("enroll on A: %d\n%s", p.status, p.body)
	}
	code := r.lastMessage(t, "+12015550177").Code

	// The code goes in on B, which never saw the flow start.
	br.get(b, "/verify")
	p = br.follow(b, br.post(b, "/verify", url.Values{"code": {code}}))
	if p.status != http.StatusOK || !strings.Contains(p.text("main"), "Text message codes are on") {
		t.Fatalf("code entered on B: %d\n%s", p.status, p.body)
	}
	if st, _ := r.emu.MemberState(member.ID); !st.MFAEnrolled || st.Phone != "+12015550177" {
		t.Fatalf("emulator state after enrolling across replicas: %+v", st)
	}

	checkLimitsAndOneTimeStepsAcrossReplicas(t, r, a, b)
}

// checkLimitsAndOneTimeStepsAcrossReplicas: the SMS limit counted on
// both replicas holds on both, and a one-time step consumed on one cannot
// be replayed on the other with an older cookie.
func checkLimitsAndOneTimeStepsAcrossReplicas(t *testing.T, r *replicas, a, b *Main) {
	t.Helper()
	demo := r.emu.Demo()
	ada := demo.Organization.Admin
	smsTo := func(memberID string) (n int) {
		for _, m := range r.emu.Outbox() {
			if m.MemberID == memberID && m.Channel == "sms" {
				n++
			}
		}
		return n
	}
	br := newReplicaBrowser(t)
	br.login(a, r.emu, "acme", ada.Email)
	for i := range 8 { // new numbers, cancelled in between, on A and B in turn
		m := []*Main{a, b}[i%2]
		br.get(m, "/enroll")
		if p := br.post(m, "/enroll", url.Values{"region": {"US"}, "number": {fmt.Sprintf("20155502%02d", i)}}); p.status == http.StatusSeeOther {
			br.get(m, "/verify")
			br.post(m, "/verify/cancel", url.Values{})
		}
	}
	if got := smsTo(ada.ID); got != 5 {
		t.Errorf("%d texts for one member asked for on two replicas, want the limit's 5", got)
	}

	// A login's phone step, finished on B, replayed on A with the older cookie.
	grace := demo.Required.Admin
	br = newReplicaBrowser(t)
	br.login(a, r.emu, "globex", grace.Email)
	br.post(a, "/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0191"}})
	u, _ := url.Parse(a.URL())
	before := br.c.Jar.Cookies(u)
	br.get(b, "/verify")
	if p := br.follow(b, br.post(b, "/verify", url.Values{"code": {r.lastMessage(t, "+12015550191").Code}})); !strings.Contains(p.text("main"), "You're logged in") {
		t.Fatalf("login code on B: %d\n%s", p.status, p.body)
	}
	br.c.Jar.SetCookies(u, before)
	br.post(a, "/login/phone", url.Values{"region": {"US"}, "number": {"201 555 0192"}})
	if st, _ := r.emu.MemberState(grace.ID); !st.PhoneVerified || st.Phone != "+12015550191" || smsTo(grace.ID) != 1 {
		t.Fatalf("a replayed login step on A changed the account: %+v, %d texts", st, smsTo(grace.ID))
	}
}

// With its Redis gone a replica stays in rotation and keeps serving pages
// that need no store; /healthz says the store is unreachable.
func TestReplicaWithRedisStopped(t *testing.T) {
	r := newReplicas(t)
	rs := startRedisServer(t)
	c := r.start(t, "C", rs.url)
	br := newReplicaBrowser(t)
	if p := br.login(c, r.emu, "acme", r.emu.Demo().Organization.Member.Email); p.status != http.StatusOK {
		t.Fatalf("login on C: %d\n%s", p.status, p.body)
	}
	if body := br.get(c, "/healthz").body; body != "ok\n" {
		t.Fatalf("/healthz with Redis up: %q", body)
	}

	rs.stop(t)
	if p := br.get(c, "/healthz"); p.status != http.StatusOK || p.body != "ok\nstore: unreachable\n" {
		t.Fatalf("/healthz with Redis stopped: %d %q, want 200 naming the store", p.status, p.body)
	}
	if p := br.get(c, "/"); p.status != http.StatusOK || p.text("h1") != "Security settings" || !strings.Contains(p.text("header"), "Max Member") {
		t.Fatalf("settings page with Redis stopped: %d\n%s", p.status, p.body)
	}
	// Sending a code fails closed: a clear page, and nothing is sent.
	before := len(r.emu.Outbox())
	br.get(c, "/enroll")
	p := br.post(c, "/enroll", url.Values{"region": {"US"}, "number": {"(201) 555-0193"}})
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.text("main"), "Nothing was sent") || len(r.emu.Outbox()) != before {
		t.Fatalf("sending a code with Redis stopped: %d, %d messages sent\n%s", p.status, len(r.emu.Outbox())-before, p.body)
	}
}

// testRedisURL is the shared test Redis. Without one the replica tests
// skip, except in CI (CI=true or MFAPORTAL_REQUIRE_REDIS=1), where
// .ci/run starts one.
func testRedisURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("MFAPORTAL_TEST_REDIS_URL"); u != "" {
		return replicaDB(t, u)
	}
	requireOrSkip(t, "no Redis for the replica tests: start one with `redis-server --port 6391 --save '' --appendonly no --daemonize yes` "+
		"and set MFAPORTAL_TEST_REDIS_URL=redis://127.0.0.1:6391/0")
	return ""
}

func requireOrSkip(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" || os.Getenv("MFAPORTAL_REQUIRE_REDIS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// replicas is one emulator, standing in for Stytch, and what every app
// replica shares: its credentials and the session keys.
type replicas struct {
	emu         *stytchemu.Emulator
	emuURL      string
	sessionKeys string
}

func newReplicas(t *testing.T) *replicas {
	t.Helper()
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	k := session.RandomKeys()[0]
	return &replicas{
		emu:         emu,
		emuURL:      srv.URL,
		sessionKeys: hex.EncodeToString(k.HashKey) + ":" + hex.EncodeToString(k.BlockKey),
	}
}

// start runs one replica on a free loopback port, on real-Stytch settings
// pointed at the emulator, with the Redis at redisURL; its log is shown if
// the test fails.
func (r *replicas) start(t *testing.T, name, redisURL string) *Main {
	t.Helper()
	cfg, err := LoadConfig(mapEnv(map[string]string{
		"ADDR":              "127.0.0.1:0",
		"STYTCH_API_URL":    r.emuURL,
		"STYTCH_PROJECT_ID": r.emu.ProjectID(),
		"STYTCH_SECRET":     r.emu.Secret(),
		"SESSION_KEYS":      r.sessionKeys,
		"REDIS_URL":         redisURL,
		"LOG_FORMAT":        "text",
	}))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	m := &Main{Config: cfg, Logger: logging.New(logs, cfg.LogFormat, cfg.LogLevel)}
	if err := m.Open(); err != nil {
		t.Fatalf("replica %s: %v", name, err)
	}
	if _, ok := m.store.(*store.Redis); !ok {
		t.Fatalf("replica %s keeps its state in %T, not Redis", name, m.store)
	}
	t.Cleanup(func() {
		m.Close()
		if t.Failed() {
			t.Logf("replica %s log:\n%s", name, logs.String())
		}
	})
	return m
}

func (r *replicas) lastMessage(t *testing.T, to string) stytchemu.Message {
	t.Helper()
	m, ok := r.emu.LastMessage(to)
	if !ok {
		t.Fatalf("nothing in the outbox for %s", to)
	}
	return m
}

// redisServer is a Redis this test starts, and may stop, on its own.
type redisServer struct {
	url string
	cmd *exec.Cmd
}

func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		requireOrSkip(t, "redis-server is not installed (Debian: apt-get install redis-server)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rs := &redisServer{url: "redis://127.0.0.1:" + strconv.Itoa(port) + "/0", cmd: cmd}
	t.Cleanup(func() { rs.stop(t) })
	s, err := store.NewRedis(rs.url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for deadline := time.Now().Add(5 * time.Second); s.Ping(context.Background()) != nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the test's own redis-server on port %d did not answer within 5 s", port)
		}
	}
	return rs
}

// stop kills the server, as a crash would, and waits until it is gone.
func (rs *redisServer) stop(t *testing.T) {
	t.Helper()
	if rs.cmd.ProcessState != nil {
		return
	}
	rs.cmd.Process.Kill()
	rs.cmd.Wait()
}

// replicaBrowser is one person's browser: cookies (which, like a real
// browser's, do not depend on the port, so every replica on 127.0.0.1
// sees them), no automatic redirects, and the CSRF token of the last
// page with a form.
type replicaBrowser struct {
	t    *testing.T
	c    *http.Client
	csrf string
}

type replicaPage struct {
	status   int
	location string
	body     string
	doc      *goquery.Document
}

func (p *replicaPage) text(sel string) string {
	return strings.Join(strings.Fields(p.doc.Find(sel).Text()), " ")
}

func newReplicaBrowser(t *testing.T) *replicaBrowser {
	jar, _ := cookiejar.New(nil)
	return &replicaBrowser{t: t, c: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *replicaBrowser) do(req *http.Request) *replicaPage {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := &replicaPage{status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw)}
	if p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body)); err != nil {
		b.t.Fatal(err)
	}
	if v, ok := p.doc.Find("input[name=_csrf]").First().Attr("value"); ok {
		b.csrf = v
	}
	return p
}

func (b *replicaBrowser) get(m *Main, path string) *replicaPage {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
	return b.do(req)
}

func (b *replicaBrowser) post(m *Main, path string, form url.Values) *replicaPage {
	b.t.Helper()
	form.Set("_csrf", b.csrf)
	req, _ := http.NewRequest(http.MethodPost, m.URL()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// follow GETs, on replica m, the pages p redirects to.
func (b *replicaBrowser) follow(m *Main, p *replicaPage) *replicaPage {
	b.t.Helper()
	for i := 0; i < 10 && (p.status == http.StatusSeeOther || p.status == http.StatusFound); i++ {
		loc, err := url.Parse(p.location)
		if err != nil {
			b.t.Fatal(err)
		}
		p = b.get(m, loc.RequestURI())
	}
	return p
}

// login asks replica m for a magic link and follows it there, ending on
// the settings page of a member without MFA.
func (b *replicaBrowser) login(m *Main, emu *stytchemu.Emulator, org, email string) *replicaPage {
	b.t.Helper()
	b.get(m, "/login")
	if p := b.post(m, "/login", url.Values{"email": {email}, "organization": {org}}); p.status != http.StatusSeeOther {
		b.t.Fatalf("login on %s: %d\n%s", m.URL(), p.status, p.body)
	}
	msg, ok := emu.LastMessage(email)
	if !ok {
		b.t.Fatalf("no magic link for %s", email)
	}
	link, err := url.Parse(msg.Link)
	if err != nil || link.Query().Get("token") == "" {
		b.t.Fatalf("bad magic link %q", msg.Link)
	}
	return b.follow(m, b.get(m, link.RequestURI()))
}

// replicaDB is database 1 of the test Redis, emptied: the replica tests
// count limits from zero on every run, and never touch the keys of the
// store tests, which may run at the same time on database 0.
func replicaDB(t *testing.T, raw string) string {
	t.Helper()
	opts, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("MFAPORTAL_TEST_REDIS_URL: %v", err)
	}
	opts.DB = 1
	c := redis.NewClient(opts)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("empty the replica tests' Redis database: %v", err)
	}
	u, _ := url.Parse(raw)
	u.Path = "/1"
	return u.String()
}
