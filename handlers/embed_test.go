package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/stytchclient"
)

func TestValidReturnTo(t *testing.T) {
	allowed := []string{"https://portal.example.com", "http://LOCALHOST:8080", "https://[::1]:8443"}
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"https://portal.example.com/home", "https://portal.example.com/home", true},
		{"https://portal.example.com", "https://portal.example.com", true},
		{"https://PORTAL.Example.com:443/a?b=c#d", "https://PORTAL.Example.com:443/a?b=c#d", true},
		{"HTTPS://portal.example.com/x", "https://portal.example.com/x", true},
		{"http://localhost:8080/dashboard", "http://localhost:8080/dashboard", true},
		{"https://[::1]:8443/", "https://[::1]:8443/", true},
		{"/dashboard?tab=security", "/dashboard?tab=security", true},
		{"/", "/", true},
		{"/%2F/evil.example", "/%2F/evil.example", true}, // a path: the browser stays on our origin

		{"", "", false},
		{"https://evil.example/", "", false},
		{"http://portal.example.com/home", "", false}, // another scheme is another origin
		{"https://portal.example.com:8443/", "", false},
		{"https://portal.example.com.evil.example/", "", false},
		{"https://user:pw@portal.example.com/", "", false},
		{"https://evil.example@portal.example.com/", "", false},
		{"//evil.example", "", false},
		{"//evil.example/path", "", false},
		{"/\\evil.example", "", false},
		{"\\\\evil.example", "", false},
		{"https://portal.example.com\\@evil.example/", "", false},
		{"javascript:alert(1)", "", false},
		{"JavaScript:alert(1)", "", false},
		{"data:text/html,<script>alert(1)</script>", "", false},
		{"/home\r\nSet-Cookie: x=y", "", false},
		{"/home%0d%0aSet-Cookie:x", "/home%0d%0aSet-Cookie:x", true}, // encoded: stays a path
		{"https://portal.example.com/\n", "", false},
		{" /home", "", false},
		{"/home\t", "", false},
		{"/home\x00", "", false},
		{"evil.example", "", false},
		{"portal.example.com/home", "", false},
		{"ftp://portal.example.com/", "", false},
		{"https:///home", "", false},
		{"https:portal.example.com", "", false},
		{"/" + strings.Repeat("a", 2048), "", false},
	}
	for _, tt := range tests {
		got, ok := handlers.ValidReturnTo(tt.raw, allowed)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ValidReturnTo(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := handlers.ValidReturnTo("https://portal.example.com/", nil); ok {
		t.Error("an absolute URL passed with no allowed origins")
	}
}

func FuzzValidReturnTo(f *testing.F) {
	allowed := []string{"https://portal.example.com", "http://localhost:8080"}
	for _, s := range []string{
		"https://portal.example.com/home", "/dashboard", "//evil.example", "/\\evil.example",
		"javascript:alert(1)", "data:text/html,x", "/a\r\nb", "https://a@portal.example.com/",
		"http://localhost:8080", "https://PORTAL.example.com:443/", "https://evil.example/",
		"/%2F%2Fevil.example", "https://portal.example.com%2F@evil.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := handlers.ValidReturnTo(raw, allowed)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", raw, got)
			}
			return
		}
		for i := 0; i < len(got); i++ {
			if got[i] < ' ' || got[i] == 0x7f || got[i] == '\\' {
				t.Fatalf("accepted %q as %q, which holds byte %#x", raw, got, got[i])
			}
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("accepted %q as %q, which does not parse: %v", raw, got, err)
		}
		if u.User != nil {
			t.Fatalf("accepted %q with userinfo", raw)
		}
		if u.Scheme == "" && u.Host == "" {
			// Our own origin: a path, never one a browser reads as another host.
			if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
				t.Fatalf("accepted %q as %q, which is not a path on our origin", raw, got)
			}
			return
		}
		origin := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
		origin = strings.TrimSuffix(strings.TrimSuffix(origin, ":443"), ":80")
		if origin != "https://portal.example.com" && origin != "http://localhost:8080" {
			t.Fatalf("accepted %q as %q, origin %q is not allowed", raw, got, origin)
		}
	})
}

// stytchSession logs a member (without MFA) in directly with Stytch, as
// the host site would, and returns the session token and JWT.
func (e *env) stytchSession(email string) (token, jwt string) {
	e.t.Helper()
	ctx := context.Background()
	// The host registers its own callback, as it would in Stytch's dashboard.
	if err := e.emu.AllowRedirectURL("http://host.test/authenticate"); err != nil {
		e.t.Fatal(err)
	}
	_, err := e.opts.Stytch.LoginOrSignup(ctx, stytchclient.LoginOrSignupRequest{
		OrganizationID: e.demo.Organization.ID, EmailAddress: email, LoginRedirectURL: "http://host.test/authenticate",
	})
	if err != nil {
		e.t.Fatal(err)
	}
	link, _ := url.Parse(e.lastMessage(email).Link)
	res, err := e.opts.Stytch.AuthenticateMagicLink(ctx, stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: link.Query().Get("token")})
	if err != nil || !res.MemberAuthenticated {
		e.t.Fatalf("magic link for %s: %v (authenticated %v)", email, err, res != nil && res.MemberAuthenticated)
	}
	return res.SessionToken, res.SessionJWT
}

// hostCookies sets the host's Stytch SDK cookies in the browser.
func (b *browser) hostCookies(token, jwt string) {
	u, _ := url.Parse(b.e.app.URL)
	var cs []*http.Cookie
	for name, v := range map[string]string{handlers.StytchSessionCookie: token, handlers.StytchSessionJWTCookie: jwt} {
		c := &http.Cookie{Name: name, Value: v, Path: "/"}
		if v == "" {
			c.MaxAge = -1
		}
		cs = append(cs, c)
	}
	b.c.Jar.SetCookies(u, cs)
}

const prefix = "/settings/security"

func hostEnv(t *testing.T, session func(*http.Request) (string, string)) *env {
	return newEnv(t, func(o *handlers.Options) {
		o.BasePath = prefix
		o.HostName = "Acme Portal"
		o.HostSession = &handlers.HostSession{Session: session, LoginURL: "/login"}
	})
}

func TestHostSession(t *testing.T) {
	e := hostEnv(t, handlers.StytchSDKCookies)
	b := e.browser()
	loginAt := func(page string) string { return "/login?return_to=" + url.QueryEscape(e.app.URL+page) }

	// No session: the host's login page, which brings the member back.
	p := b.get(prefix + "/enroll?from=nav")
	mustStatus(t, p, http.StatusSeeOther)
	if p.location != loginAt(prefix+"/enroll?from=nav") {
		t.Fatalf("location %q", p.location)
	}
	b.htmx = true
	if p = b.get(prefix + "/"); p.header.Get("HX-Redirect") != loginAt(prefix+"/") {
		t.Fatalf("htmx: status %d, HX-Redirect %q", p.status, p.header.Get("HX-Redirect"))
	}
	b.htmx = false
	// Our own login and logout lead to the host's.
	for _, path := range []string{"/login", "/authenticate?token=x", "/login/phone"} {
		if p = b.get(prefix + path); p.status != http.StatusSeeOther || p.location != loginAt(prefix+"/") {
			t.Errorf("GET %s: %d %q", path, p.status, p.location)
		}
	}

	// The host's session is taken in and checked; no "Log out" of ours.
	max, ada := e.demo.Organization.Member, e.demo.Organization.Admin
	token, jwt := e.stytchSession(max.Email)
	b.hostCookies(token, jwt)
	p = b.get(prefix + "/")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "header", max.Name)
	exists(t, p, `form[action$="/logout"]`, false)
	exists(t, p, `a[href="`+prefix+`/enroll"]`, true)

	// A flow started by one member does not follow the browser to another.
	mustStatus(t, b.get(prefix+"/enroll"), http.StatusOK)
	mustStatus(t, b.post(prefix+"/enroll", url.Values{"region": {"US"}, "number": {"2015550181"}}), http.StatusSeeOther)
	mustStatus(t, b.get(prefix+"/verify"), http.StatusOK)
	token, jwt = e.stytchSession(ada.Email)
	b.hostCookies(token, jwt)
	p = b.get(prefix + "/verify")
	if p.status != http.StatusSeeOther || p.location != prefix+"/" {
		t.Fatalf("another member's flow: %d %q", p.status, p.location)
	}
	p = b.get(prefix + "/")
	contains(t, p, "header", ada.Name)
	if strings.Contains(p.body, max.Name) {
		t.Error("the previous member's profile shows")
	}

	// The host logs out: our cookie forgets the member too.
	b.hostCookies("", "")
	if p = b.get(prefix + "/"); p.location != loginAt(prefix+"/") {
		t.Fatalf("after the host's logout: %d %q", p.status, p.location)
	}
}

func TestReturnToAfterEnroll(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		e := hostEnv(t, handlers.StytchSDKCookies)
		b := e.browser()
		max := e.demo.Organization.Member
		b.hostCookies(e.stytchSession(max.Email))

		// Foreign or malformed targets are ignored.
		for _, bad := range []string{"https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/x\r\nLocation: https://evil.example"} {
			p := b.get(prefix + "/?return_to=" + url.QueryEscape(bad))
			mustStatus(t, p, http.StatusOK)
			exists(t, p, ".mfa-back", false)
		}
		p := b.get(prefix + "/?return_to=" + url.QueryEscape(e.app.URL+"/dashboard"))
		mustStatus(t, p, http.StatusOK)
		back := p.doc.Find(".mfa-back a")
		if href, _ := back.Attr("href"); href != e.app.URL+"/dashboard" || text(p, ".mfa-back") != "Back to Acme Portal" {
			t.Fatalf("back link %q %q", href, text(p, ".mfa-back"))
		}

		mustStatus(t, b.get(prefix+"/enroll"), http.StatusOK)
		mustStatus(t, b.post(prefix+"/enroll", url.Values{"region": {"US"}, "number": {"2015550182"}}), http.StatusSeeOther)
		b.get(prefix + "/verify")
		b.htmx = htmx
		p = b.post(prefix+"/verify", url.Values{"code": {e.lastMessage("+12015550182").Code}})
		switch {
		case htmx && (p.status != http.StatusOK || p.header.Get("HX-Redirect") != e.app.URL+"/dashboard"):
			t.Fatalf("htmx: %d HX-Redirect %q", p.status, p.header.Get("HX-Redirect"))
		case !htmx && (p.status != http.StatusSeeOther || p.location != e.app.URL+"/dashboard"):
			t.Fatalf("%d %q", p.status, p.location)
		}
		if st := e.member(max); !st.MFAEnrolled || st.Phone != "+12015550182" {
			t.Fatalf("member %+v", st)
		}
		// Used once: the settings page no longer sends the member away.
		b.htmx = false
		p = b.get(prefix + "/")
		exists(t, p, ".mfa-back", false)
	}
}

// jwtOnlyStytch fails the test when a call carries a session token: the
// host handed in only the JWT.
type jwtOnlyStytch struct {
	handlers.Stytch
	t     *testing.T
	mu    sync.Mutex
	calls []string
}

func (s *jwtOnlyStytch) check(call, token, jwt string) {
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
	if token != "" || jwt == "" {
		s.t.Errorf("%s: session token %v, JWT %v; want the JWT alone", call, token != "", jwt != "")
	}
}

func (s *jwtOnlyStytch) SendSMS(ctx context.Context, r stytchclient.SendSMSRequest) (*stytchclient.SendSMSResponse, error) {
	s.check("SendSMS", r.SessionToken, r.SessionJWT)
	return s.Stytch.SendSMS(ctx, r)
}

func (s *jwtOnlyStytch) AuthenticateSMS(ctx context.Context, r stytchclient.AuthenticateSMSRequest) (*stytchclient.AuthenticateSMSResponse, error) {
	s.check("AuthenticateSMS", r.SessionToken, r.SessionJWT)
	return s.Stytch.AuthenticateSMS(ctx, r)
}

func (s *jwtOnlyStytch) AuthenticateSession(ctx context.Context, r stytchclient.AuthenticateSessionRequest) (*stytchclient.AuthenticateSessionResponse, error) {
	s.check("AuthenticateSession", r.SessionToken, r.SessionJWT)
	return s.Stytch.AuthenticateSession(ctx, r)
}

func (s *jwtOnlyStytch) DeleteMFAPhoneNumber(ctx context.Context, org, member string, as stytchclient.MemberAuth) (*stytchclient.MemberResponse, error) {
	s.check("DeleteMFAPhoneNumber", as.SessionToken, as.SessionJWT)
	return s.Stytch.DeleteMFAPhoneNumber(ctx, org, member, as)
}

func TestHostSessionJWTOnly(t *testing.T) {
	var rec *jwtOnlyStytch
	e := newEnv(t, func(o *handlers.Options) {
		rec = &jwtOnlyStytch{Stytch: o.Stytch, t: t}
		o.Stytch = rec
		o.BasePath = prefix
		o.HostSession = &handlers.HostSession{
			Session: func(r *http.Request) (string, string) {
				_, jwt := handlers.StytchSDKCookies(r)
				return "", jwt
			},
			LoginURL: "https://host.test/login",
		}
	})
	b := e.browser()
	max := e.demo.Organization.Member
	_, jwt := e.stytchSession(max.Email)
	b.hostCookies("", jwt)

	mustStatus(t, b.get(prefix+"/"), http.StatusOK)
	mustStatus(t, b.get(prefix+"/enroll"), http.StatusOK)
	mustStatus(t, b.post(prefix+"/enroll", url.Values{"region": {"US"}, "number": {"2015550183"}}), http.StatusSeeOther)
	b.get(prefix + "/verify")
	p := b.post(prefix+"/verify", url.Values{"code": {e.lastMessage("+12015550183").Code}})
	if p.status != http.StatusSeeOther || p.location != prefix+"/" {
		t.Fatalf("verify: %d %q\n%s", p.status, p.location, p.body)
	}
	if st := e.member(max); !st.MFAEnrolled {
		t.Fatalf("not enrolled: %+v", st)
	}

	// Both JWTs (the host's and ours) expire; the session does not.
	e.emu.Advance(6 * time.Minute)
	p = b.get(prefix + "/")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "•••-•••-0183")

	// Replacing deletes the phone with the member's JWT in the header.
	b.get(prefix + "/replace")
	mustStatus(t, b.post(prefix+"/replace", nil), http.StatusSeeOther)
	b.get(prefix + "/verify")
	p = b.post(prefix+"/verify", url.Values{"code": {e.lastMessage("+12015550183").Code}})
	if p.status != http.StatusSeeOther || p.location != prefix+"/enroll" {
		t.Fatalf("step-up: %d %q\n%s", p.status, p.location, p.body)
	}
	if st := e.member(max); st.Phone != "" {
		t.Fatalf("phone not removed: %+v", st)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, want := range []string{"AuthenticateSession", "SendSMS", "AuthenticateSMS", "DeleteMFAPhoneNumber"} {
		if !strings.Contains(strings.Join(rec.calls, " "), want) {
			t.Errorf("no %s call; calls %v", want, rec.calls)
		}
	}
}

// TestMounted mounts the handler under a prefix in a net/http ServeMux and
// in an echo app (as a host would) and checks that every URL stays under it.
func TestMounted(t *testing.T) {
	e := newEnv(t)
	opts := e.opts
	opts.BasePath = prefix
	h, err := handlers.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", h)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "host page", http.StatusTeapot) })
	ec := echo.New()
	ec.Any(prefix, echo.WrapHandler(h))
	ec.Any(prefix+"/*", echo.WrapHandler(h))

	for name, host := range map[string]http.Handler{"ServeMux": mux, "echo": ec} {
		t.Run(name, func(t *testing.T) {
			get := func(target string) *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				host.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
				return w
			}
			// ServeMux redirects this itself (307); echo hands it to us (301).
			w := get(prefix + "?return_to=%2Fhome")
			if loc := w.Header().Get("Location"); w.Code/100 != 3 || loc != prefix+"/?return_to=%2Fhome" {
				t.Errorf("GET %s: %d %q", prefix, w.Code, loc)
			}
			if w = get(prefix + "/"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != prefix+"/login" {
				t.Errorf("GET %s/: %d %q", prefix, w.Code, w.Header().Get("Location"))
			}
			w = get(prefix + "/login")
			if w.Code != http.StatusOK {
				t.Fatalf("login page: %d", w.Code)
			}
			for _, c := range w.Result().Cookies() {
				if c.Path != prefix {
					t.Errorf("cookie %s has path %q", c.Name, c.Path)
				}
			}
			body := w.Body.String()
			for _, attr := range []string{`href="`, `src="`, `action="`} {
				for _, part := range strings.Split(body, attr)[1:] {
					u := part[:strings.IndexByte(part, '"')]
					if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, prefix+"/") {
						t.Errorf("%s%s\" is not under %s", attr, u, prefix)
					}
				}
			}
			css := body[strings.Index(body, prefix+"/static/app"):]
			css = css[:strings.IndexByte(css, '"')]
			if w = get(css); w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
				t.Errorf("GET %s: %d %s", css, w.Code, w.Header().Get("Content-Type"))
			}
			if w = get("/elsewhere"); w.Code != http.StatusTeapot && name == "ServeMux" {
				t.Errorf("host route: %d", w.Code)
			}
		})
	}
}
