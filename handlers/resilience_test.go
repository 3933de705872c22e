package handlers_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// Every call the app makes to Stytch, failing every way Stytch (or the
// road to it) can fail: the person gets a page that says what happened and
// that nothing changed, the account at Stytch is exactly as before, and
// nothing panics.

// clientTimeout is short so a slow Stytch costs the test litle.
const clientTimeout = 300 * time.Millisecond

// refusing sends requests for one path to a port where nothing listens,
// so the client meets a real "connection refused".
type refusing struct {
	mu     sync.Mutex
	path   string
	closed string // host:port with no listener
	// direct is the emulator without the OpenAPI check: an injected
	// gateway page is not a Stytch answer, so the check would (rightly)
	// refuse it.
	direct string
}

func (r *refusing) set(path string) { r.mu.Lock(); r.path = path; r.mu.Unlock() }

func (r *refusing) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	refuse := r.path != "" && req.URL.Path == r.path
	direct := r.direct
	r.mu.Unlock()
	req = req.Clone(req.Context())
	switch {
	case refuse:
		req.URL.Host = r.closed
	case direct != "":
		req.URL.Host = direct
	}
	return http.DefaultTransport.RoundTrip(req)
}

// newFaultEnv is newEnv with a Stytch client that gives up after
// clientTimeout and can be made to meet a refused connection.
func newFaultEnv(t *testing.T) (*env, *refusing) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ref := &refusing{closed: ln.Addr().String()}
	ln.Close()
	e := newEnv(t, func(o *handlers.Options) {
		base := o.Stytch.(*stytchclient.Client)
		c, err := stytchclient.New(stytchclient.Config{
			ProjectID:  base.ProjectID(),
			Secret:     stytchemu.DefaultSecret,
			BaseURL:    base.BaseURL(),
			HTTPClient: &http.Client{Timeout: clientTimeout, Transport: ref},
		})
		if err != nil {
			t.Fatal(err)
		}
		o.Stytch = c
		o.Verifier = stytchclient.NewJWTVerifier(c, stytchclient.JWTOptions{Now: o.Now})
	})
	direct := httptest.NewServer(e.emu.Handler())
	t.Cleanup(direct.Close)
	ref.mu.Lock()
	ref.direct = direct.Listener.Addr().String()
	ref.mu.Unlock()
	return e, ref
}

type fault struct {
	name   string
	f      stytchemu.Fault
	refuse bool
	status int
	says   string // what the page must say about it
}

var faults = []fault{
	{name: "500", f: stytchemu.Fault{Status: 500, ErrorType: "internal_server_error"}, status: 503, says: "did not answer"},
	{name: "503", f: stytchemu.Fault{Status: 503, ErrorType: "internal_server_error"}, status: 503, says: "did not answer"},
	{name: "429-retry-after", f: stytchemu.Fault{Status: 429, ErrorType: "too_many_requests", RetryAfter: "30"}, status: 429, says: "wait 30 seconds"},
	{name: "429", f: stytchemu.Fault{Status: 429, ErrorType: "too_many_requests"}, status: 429, says: "wait a minute"},
	{name: "slow", f: stytchemu.Fault{Delay: time.Second}, status: 503, says: "did not answer"},
	{name: "not-json", f: stytchemu.Fault{Status: 502, Body: "<html>bad gateway</html>"}, status: 503, says: "did not answer"},
	{name: "refused", refuse: true, status: 503, says: "did not answer"},
}

// action is one thing a person does that calls Stytch.
type action struct {
	name string
	path string // the Stytch path it calls (literal)
	// setup brings a fresh env to the moment before the call; do makes it.
	setup func(e *env, b *browser) (do func() *page)
	says  string // the page's own words about what did not change
}

var actions = []action{
	{name: "login", path: "/v1/b2b/magic_links/email/login_or_signup",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.get("/login")
			return func() *page {
				return b.post("/login", url.Values{"email": {org.Member.Email}, "organization": {"acme"}})
			}
		}},
	{name: "magic-link", path: "/v1/b2b/magic_links/authenticate",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.get("/login")
			b.post("/login", url.Values{"email": {org.Member.Email}, "organization": {"acme"}})
			link, _ := url.Parse(e.lastMessage(org.Member.Email).Link)
			return func() *page { return b.get(link.RequestURI()) }
		}},
	{name: "enroll-send", path: "/v1/b2b/otps/sms/send",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Member.Email)
			b.get("/enroll")
			return func() *page { return b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}}) }
		}},
	{name: "enroll-verify", path: "/v1/b2b/otps/sms/authenticate",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Member.Email)
			enroll(e.t, e, b, "US", "2015550177")
			code := e.lastMessage("+12015550177").Code
			return func() *page { return b.post("/verify", url.Values{"code": {code}}) }
		}},
	{name: "resend", path: "/v1/b2b/otps/sms/send",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Member.Email)
			enroll(e.t, e, b, "US", "2015550177")
			e.emu.Advance(31 * time.Second)
			return func() *page { return b.post("/verify/resend", nil) }
		}},
	{name: "replace-start", path: "/v1/b2b/otps/sms/send",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.loginWithCode("acme", org.Enrolled)
			b.get("/replace")
			return func() *page { return b.post("/replace", nil) }
		}},
	{name: "replace-delete", says: "Your phone number was not changed",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.loginWithCode("acme", org.Enrolled)
			b.get("/replace")
			b.follow(b.post("/replace", nil))
			code := e.lastMessage(org.Enrolled.Phone).Code
			return func() *page { return b.post("/verify", url.Values{"code": {code}}) }
		}},
	{name: "unenroll-start", path: "/v1/b2b/otps/sms/send",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.loginWithCode("acme", org.Enrolled)
			b.get("/unenroll")
			return func() *page { return b.post("/unenroll", nil) }
		}},
	{name: "page-view-refresh", path: "/v1/b2b/sessions/authenticate",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Member.Email)
			e.emu.Advance(6 * time.Minute) // the JWT is stale: the page checks with Stytch
			return func() *page { return b.get("/") }
		}},
	{name: "logout", path: "/v1/b2b/sessions/revoke",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Member.Email)
			b.get("/")
			return func() *page { return b.post("/logout", nil) }
		}},
	{name: "admin-list", path: "/v1/b2b/organizations/members/search",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Admin.Email)
			return func() *page { return b.get("/admin") }
		}},
	{name: "admin-reset",
		setup: func(e *env, b *browser) func() *page {
			org := e.demo.Organization
			b.login("acme", org.Admin.Email)
			reset := "/admin/members/" + org.Enrolled.ID + "/reset"
			b.get(reset)
			return func() *page { return b.post(reset, url.Values{"revoke": {"1"}}) }
		}},
}

func deletePath(e *env, m stytchemu.DemoMember) string {
	return "/v1/b2b/organizations/" + e.demo.Organization.ID + "/members/mfa_phone_numbers/" + m.ID
}

func TestStytchFailuresChangeNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("many envs; skipped with -short")
	}
	for _, act := range actions {
		t.Run(act.name, func(t *testing.T) {
			for _, ft := range faults {
				t.Run(ft.name, func(t *testing.T) {
					e, ref := newFaultEnv(t)
					org := e.demo.Organization
					path := act.path
					switch act.name {
					case "replace-delete":
						path = deletePath(e, org.Enrolled)
					case "admin-reset":
						path = deletePath(e, org.Enrolled)
					}
					b := e.browser()
					do := act.setup(e, b)

					watched := []stytchemu.DemoMember{org.Member, org.Enrolled, org.Admin}
					before := map[string]stytchemu.MemberState{}
					for _, m := range watched {
						before[m.ID] = e.member(m)
					}
					outbox := len(e.emu.Outbox())

					if ft.refuse {
						ref.set(path)
					} else {
						f := ft.f
						f.Path = path
						f.Count = 1
						e.emu.AddFault(f)
					}
					p := do()
					ref.set("")

					if p.status != ft.status {
						t.Fatalf("status %d, want %d\n%s", p.status, ft.status, p.body)
					}
					if text(p, "main h1") == "" {
						t.Fatalf("no heading\n%s", p.body)
					}
					main := text(p, "main")
					says := act.says
					if says == "" {
						says = "Nothing was changed"
					}
					for _, want := range []string{says, ft.says, "Reference:"} {
						if !strings.Contains(main, want) {
							t.Errorf("page lacks %q: %q", want, main)
						}
					}
					for _, leak := range []string{"stytch POST", "stytch GET", "stytch DELETE", "request_id", "dial tcp", "Client.Timeout", "<html>bad gateway"} {
						if strings.Contains(p.body, leak) {
							t.Errorf("internals reached the page: %q", leak)
						}
					}
					// Let a slow fault's held request finish before comparing.
					time.Sleep(ft.f.Delay)
					for _, m := range watched {
						after := e.member(m)
						if after != before[m.ID] {
							t.Errorf("%s changed at Stytch:\nbefore %+v\nafter  %+v", m.Email, before[m.ID], after)
						}
					}
					if n := len(e.emu.Outbox()); n != outbox {
						t.Errorf("%d messages sent during a failed call", n-outbox)
					}
				})
			}
		})
	}
}

// Once Stytch is back, the same step succeeds: the failure left nothing
// in the way.
func TestRetryAfterAFailureSucceeds(t *testing.T) {
	e, _ := newFaultEnv(t)
	org := e.demo.Organization
	b := e.browser()
	b.login("acme", org.Member.Email)
	b.get("/enroll")
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/send", Status: 503, ErrorType: "internal_server_error", Count: 1})
	mustStatus(t, b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}}), http.StatusServiceUnavailable)
	b.get("/enroll")
	p := b.follow(b.post("/enroll", url.Values{"region": {"US"}, "number": {"2015550177"}}))
	code := e.lastMessage("+12015550177").Code
	e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/otps/sms/authenticate", Delay: time.Second, Count: 1})
	mustStatus(t, b.post("/verify", url.Values{"code": {code}}), http.StatusServiceUnavailable)
	time.Sleep(time.Second)
	p = b.follow(b.post("/verify", url.Values{"code": {code}}))
	contains(t, p, "main", "Text message codes are on")
	if st := e.member(org.Member); !st.MFAEnrolled || !st.PhoneVerified {
		t.Fatalf("after the retry: %+v", st)
	}
}

// Without the signing keys (JWKS failing), pages still work: a session
// with a token never needs them, and one a host handed in as a JWT alone
// is then checked with Stytch itself on each view.
func TestJWKSFailure(t *testing.T) {
	const auth = "POST /v1/b2b/sessions/authenticate"
	t.Run("session token", func(t *testing.T) {
		e, _ := newFaultEnv(t)
		e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/sessions/jwks/" + e.emu.ProjectID(), Status: 503, ErrorType: "internal_server_error", Count: -1})
		b := e.browser()
		mustStatus(t, b.login("acme", e.demo.Organization.Member.Email), http.StatusOK)
		before := e.emu.Calls()
		mustStatus(t, b.get("/"), http.StatusOK)
		if after := e.emu.Calls(); total(after) != total(before) {
			t.Fatalf("Stytch calls on a page view: %v → %v, want none", before, after)
		}
	})
	t.Run("JWT from the host", func(t *testing.T) {
		e := newEnv(t, func(o *handlers.Options) {
			o.BasePath = prefix
			o.HostSession = &handlers.HostSession{
				Session: func(r *http.Request) (string, string) {
					_, jwt := handlers.StytchSDKCookies(r)
					return "", jwt
				},
				LoginURL: "https://host.test/login",
			}
		})
		e.emu.AddFault(stytchemu.Fault{Path: "/v1/b2b/sessions/jwks/" + e.emu.ProjectID(), Status: 503, ErrorType: "internal_server_error", Count: -1})
		b := e.browser()
		_, jwt := e.stytchSession(e.demo.Organization.Member.Email)
		b.hostCookies("", jwt)
		mustStatus(t, b.get(prefix+"/"), http.StatusOK) // first view: checked with Stytch
		before := e.emu.Calls()[auth]
		mustStatus(t, b.get(prefix+"/"), http.StatusOK)
		if after := e.emu.Calls()[auth]; after != before+1 {
			t.Fatalf("sessions/authenticate calls %d → %d, want one more", before, after)
		}
	})
}
