package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaportal/mfaportal/stytchemu"
)

// site is the example host on the emulator, both over real HTTP, and one
// visitor's cookie jar (redirects are not followed, so each is checked).
type site struct {
	t      *testing.T
	emu    *stytchemu.Emulator
	public string
	c      *http.Client
}

func newSite(t *testing.T) *site {
	t.Helper()
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	emuSrv := httptest.NewServer(emu.Handler())
	t.Cleanup(emuSrv.Close)
	srv := httptest.NewUnstartedServer(nil)
	public := "http://" + srv.Listener.Addr().String()
	h, err := newHost(emu, emuSrv.URL, public)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &site{t: t, emu: emu, public: public, c: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	url      *url.URL
	status   int
	location string
	body     string
	doc      *goquery.Document
}

func (s *site) do(method, target string, form url.Values) *page {
	s.t.Helper()
	u, err := url.Parse(s.public)
	if err != nil {
		s.t.Fatal(err)
	}
	u = u.ResolveReference(&url.URL{Path: "/"}).ResolveReference(mustParse(s.t, target))
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u.String(), body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := &page{url: u, status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw)}
	if p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body)); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (s *site) get(target string) *page { return s.do(http.MethodGet, target, nil) }

// post submits the page's form whose action is action, with its hidden
// fields (the CSRF token) and the given values.
func (s *site) post(from *page, action string, values url.Values) *page {
	s.t.Helper()
	form := from.doc.Find(`form[action="` + action + `"]`).First()
	if form.Length() == 0 {
		s.t.Fatalf("no form posting to %s on %s", action, from.url)
	}
	v := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		val, _ := in.Attr("value")
		v.Set(name, val)
	})
	for k, vals := range values {
		v[k] = vals
	}
	return s.do(http.MethodPost, action, v)
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("bad URL %q: %v", raw, err)
	}
	return u
}

func mustStatus(t *testing.T, p *page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; location %q\n%s", p.url, p.status, want, p.location, p.body)
	}
}

// login logs a demo member in through the host's own login page and
// follows the redirects to returnTo.
func (s *site) login(email, returnTo string) *page {
	s.t.Helper()
	p := s.get("/login?return_to=" + url.QueryEscape(returnTo))
	mustStatus(s.t, p, http.StatusOK)
	form := p.doc.Find(`form[action="/login"]:has(input[value="` + email + `"])`)
	if form.Length() != 1 {
		s.t.Fatalf("no login button for %s", email)
	}
	if rt, _ := form.Find(`input[name="return_to"]`).Attr("value"); rt != returnTo {
		s.t.Fatalf("login form return_to %q, want %q", rt, returnTo)
	}
	p = s.do(http.MethodPost, "/login", url.Values{"email": {email}, "return_to": {returnTo}})
	mustStatus(s.t, p, http.StatusSeeOther) // to the magic link
	p = s.get(p.location)
	mustStatus(s.t, p, http.StatusSeeOther) // the host's /authenticate, back to returnTo
	if p.location != returnTo {
		s.t.Fatalf("after login: location %q, want %q", p.location, returnTo)
	}
	return s.get(p.location)
}

// hostPages are the host's own pages that mfaportal's pages may link to:
// its navigation, stylesheet and the dev outbox.
var hostPages = map[string]bool{"/": true, "/login": true, "/logout": true, "/host.css": true,
	"/settings/security/": true, "/account/security/": true, "/dev/outbox": true}

// checkURLs asserts that every link, form action, stylesheet and script of
// p stays under prefix or is one of the host's pages, and follows each
// one under prefix that a GET may open: it must answer, or redirect under
// prefix or to the host's login with return_to.
func (s *site) checkURLs(p *page, prefix string, seen map[string]bool) {
	s.t.Helper()
	p.doc.Find("a[href], form[action], link[href], script[src]").Each(func(_ int, el *goquery.Selection) {
		raw := el.AttrOr("href", el.AttrOr("action", el.AttrOr("src", "")))
		if strings.HasPrefix(raw, "#") {
			return
		}
		u := p.url.ResolveReference(mustParse(s.t, raw))
		if u.Host != p.url.Host {
			s.t.Errorf("%s: %s leaves the host", p.url.Path, raw)
			return
		}
		if !strings.HasPrefix(u.Path, prefix+"/") {
			if !hostPages[u.Path] {
				s.t.Errorf("%s: %s %q is neither under %s nor a host page", p.url.Path, goquery.NodeName(el), raw, prefix)
			}
			return
		}
		if goquery.NodeName(el) == "form" || seen[u.RequestURI()] {
			return
		}
		seen[u.RequestURI()] = true
		got := s.get(u.RequestURI())
		switch {
		case got.status == http.StatusOK:
		case got.status == http.StatusSeeOther:
			s.checkRedirect(got, prefix)
		default:
			s.t.Errorf("%s: GET %s answered %d", p.url.Path, u.RequestURI(), got.status)
		}
	})
}

// checkRedirect asserts that a redirect stays under prefix or goes to the
// host's login page with return_to.
func (s *site) checkRedirect(p *page, prefix string) {
	s.t.Helper()
	u := p.url.ResolveReference(mustParse(s.t, p.location))
	switch {
	case u.Host != p.url.Host:
		s.t.Errorf("%s redirects off the host: %q", p.url.Path, p.location)
	case u.Path == "/login":
		if rt := u.Query().Get("return_to"); !strings.HasPrefix(rt, s.public+prefix+"/") {
			s.t.Errorf("%s redirects to the host's login with return_to %q", p.url.Path, rt)
		}
	case !strings.HasPrefix(u.Path, prefix+"/"):
		s.t.Errorf("%s redirects outside %s: %q", p.url.Path, prefix, p.location)
	}
}

// Both mounts: the Stytch SDK cookies and the host's session function.
var mounts = []string{"/settings/security", "/account/security"}

func TestNoSessionGoesToHostLogin(t *testing.T) {
	s := newSite(t)
	for _, prefix := range mounts {
		for _, path := range []string{"/", "/enroll?x=1", "/verify"} {
			p := s.get(prefix + path)
			mustStatus(t, p, http.StatusSeeOther)
			want := "/login?return_to=" + url.QueryEscape(s.public+prefix+path)
			if p.location != want {
				t.Errorf("GET %s%s: location %q, want %q", prefix, path, p.location, want)
			}
		}
		// The mount point without its slash.
		if p := s.get(prefix); p.status/100 != 3 || p.location != prefix+"/" {
			t.Errorf("GET %s: %d %q", prefix, p.status, p.location)
		}
	}
}

func TestEnrollInsideHost(t *testing.T) {
	for _, prefix := range mounts {
		t.Run(strings.TrimPrefix(prefix, "/"), func(t *testing.T) {
			s := newSite(t)
			max := s.emu.Demo().Organization.Member
			home := s.public + "/"
			settingsURL := prefix + "/?return_to=" + url.QueryEscape(home)

			p := s.login(max.Email, s.public+settingsURL)
			mustStatus(t, p, http.StatusOK)
			// The host's navigation around our content, our root inside.
			if p.doc.Find("body > nav.acme-nav").Length() != 1 || p.doc.Find("body .acme-page > .mfa-root main#main").Length() != 1 {
				t.Fatalf("host layout missing around mfaportal:\n%s", p.body)
			}
			if p.doc.Find("title").Text() != "Security settings · Acme Portal" {
				t.Errorf("title %q", p.doc.Find("title").Text())
			}
			if p.doc.Find(".mfa-root form[action$='/logout']").Length() != 0 {
				t.Error("mfaportal offers its own log out inside the host")
			}
			if href := p.doc.Find(".mfa-back a").AttrOr("href", ""); href != home {
				t.Errorf("back link %q, want %q", href, home)
			}
			seen := map[string]bool{}
			s.checkURLs(p, prefix, seen)

			p = s.get(prefix + "/enroll")
			mustStatus(t, p, http.StatusOK)
			s.checkURLs(p, prefix, seen)
			p = s.post(p, prefix+"/enroll", url.Values{"region": {"US"}, "number": {"2015550190"}})
			mustStatus(t, p, http.StatusSeeOther)
			s.checkRedirect(p, prefix)

			p = s.get(p.location)
			mustStatus(t, p, http.StatusOK)
			s.checkURLs(p, prefix, seen)
			msg, ok := s.emu.LastMessage("+12015550190")
			if !ok {
				t.Fatal("no code texted")
			}
			p = s.post(p, prefix+"/verify", url.Values{"code": {msg.Code}})
			mustStatus(t, p, http.StatusSeeOther)
			if p.location != home {
				t.Fatalf("after enrolling: location %q, want the host's %q", p.location, home)
			}
			if st, _ := s.emu.MemberState(max.ID); !st.MFAEnrolled || st.Phone != "+12015550190" || !st.PhoneVerified {
				t.Fatalf("member state %+v", st)
			}
			// Every page after enrolling stays inside too.
			p = s.get(prefix + "/")
			mustStatus(t, p, http.StatusOK)
			s.checkURLs(p, prefix, seen)
			if len(seen) < 6 { // settings, enroll, replace, unenroll, three static files
				t.Errorf("followed only %d URLs: %v", len(seen), seen)
			}
		})
	}
}

func TestReturnTo(t *testing.T) {
	s := newSite(t)
	prefix := mounts[0]
	s.login(s.emu.Demo().Organization.Admin.Email, s.public+prefix+"/")
	for _, bad := range []string{
		"https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
		"data:text/html,hi", "/x\r\nSet-Cookie: a=b", "http://" + strings.TrimPrefix(s.public, "http://") + "@evil.example/",
	} {
		p := s.get(prefix + "/?return_to=" + url.QueryEscape(bad))
		mustStatus(t, p, http.StatusOK)
		if n := p.doc.Find(".mfa-back").Length(); n != 0 {
			t.Errorf("return_to %q was accepted", bad)
		}
		// The host's own login page refuses it too.
		if rt := s.get("/login?return_to="+url.QueryEscape(bad)).doc.Find(`input[name="return_to"]`).First().AttrOr("value", ""); rt != "" {
			t.Errorf("host login kept return_to %q", rt)
		}
	}
	for _, good := range []string{s.public + "/", s.public + "/?tab=profile", "/"} {
		p := s.get(prefix + "/?return_to=" + url.QueryEscape(good))
		if href := p.doc.Find(".mfa-back a").AttrOr("href", ""); href != good {
			t.Errorf("return_to %q: back link %q", good, href)
		}
	}
}
