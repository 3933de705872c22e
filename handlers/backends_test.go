package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/identity/zitadel"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// The same member and admin flows, on each identity backend: Stytch on
// its emulator, ZITADEL on its own. A backend is the app on its emulator
// and the few things a test needs to know of it.
type backend struct {
	name string
	e    *env
	// who is a demo account: its id, the login to use, the name the
	// pages show; member has no phone, enrolled has codes on, admin may
	// reset.
	member, enrolled, admin account
	login                   func(b *browser, who account) *page
	code                    func(to string) string
	// state is the backend's own record of a member's phone.
	state func(id string) (phone string, verified, codesOn bool)
}

type account struct{ id, login, name string }

var backends = []struct {
	name string
	make func(t *testing.T) *backend
}{
	{"stytch", stytchBackend},
	{"zitadel", zitadelBackend},
}

func stytchBackend(t *testing.T) *backend {
	e := newEnv(t)
	org := e.demo.Organization
	return &backend{
		name:     "stytch",
		e:        e,
		member:   account{org.Member.ID, org.Member.Email, org.Member.Name},
		enrolled: account{org.Enrolled.ID, org.Enrolled.Email, org.Enrolled.Name},
		admin:    account{org.Admin.ID, org.Admin.Email, org.Admin.Name},
		login:    func(b *browser, who account) *page { return b.login("acme", who.login) },
		code:     func(to string) string { return e.lastMessage(to).Code },
		state: func(id string) (string, bool, bool) {
			st, _ := e.emu.MemberState(id)
			return st.Phone, st.PhoneVerified, st.MFAEnrolled
		},
	}
}

// zitadelEnv is the app on the ZITADEL emulator, both over real HTTP.
func zitadelEnv(t *testing.T) (*env, *zitadelemu.Emulator, *zitadelclient.Client) {
	t.Helper()
	emu, err := zitadelemu.New(zitadelemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	emuSrv := httptest.NewServer(emu.Handler())
	t.Cleanup(emuSrv.Close)
	e := &env{t: t}
	e.app = httptest.NewUnstartedServer(http.NotFoundHandler())
	public := "http://" + e.app.Listener.Addr().String()
	client, err := zitadelclient.New(zitadelclient.Config{BaseURL: emuSrv.URL})
	if err != nil {
		t.Fatal(err)
	}
	login, err := zitadelclient.NewLogin(context.Background(), zitadelclient.LoginConfig{
		Issuer: emuSrv.URL, ClientID: emu.ClientID(),
		RedirectURI: public + "/authenticate", PostLogoutRedirectURI: public + "/login",
	})
	if err != nil {
		t.Fatal(err)
	}
	e.opts = handlers.Options{
		Backend:     zitadel.New(client, login),
		SessionKeys: session.RandomKeys(),
		SMSPolicy:   phone.DefaultPolicy(),
		Now:         emu.Now,
		PublicURL:   public,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	h, err := handlers.New(e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.app.Config.Handler = h
	e.app.Start()
	t.Cleanup(e.app.Close)
	return e, emu, client
}

func zitadelBackend(t *testing.T) *backend {
	e, emu, client := zitadelEnv(t)
	ctx := context.Background()
	d := emu.Demo()
	// state reads a user with a token of their own, as the emulator's
	// /dev/token gives.
	state := func(id string) *zitadelclient.Member {
		tok, err := emu.Token(id)
		if err != nil {
			t.Fatal(err)
		}
		m, err := client.Member(ctx, tok, id)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	acct := func(id string) account { m := state(id); return account{id, m.LoginName, m.DisplayName} }
	return &backend{
		name:     "zitadel",
		e:        e,
		member:   acct(d.Member),
		enrolled: acct(d.Enrolled),
		admin:    acct(d.Owner),
		login:    func(b *browser, who account) *page { return b.zitadelLogin(who.login) },
		code: func(to string) string {
			m, ok := emu.LastMessage(to)
			if !ok {
				t.Fatalf("nothing texted to %s", to)
			}
			return m.Code
		},
		state: func(id string) (string, bool, bool) {
			m := state(id)
			return m.Phone, m.PhoneVerified, m.OTPSMS
		},
	}
}

// zitadelLogin goes from /login through the emulator's login page and
// back, as a browser without JavaScript would.
func (b *browser) zitadelLogin(loginName string) *page {
	b.e.t.Helper()
	p := b.get("/login")
	if p.status != http.StatusSeeOther {
		b.e.t.Fatalf("/login: %d, want a redirect to ZITADEL\n%s", p.status, p.body)
	}
	res, err := b.raw(http.MethodGet, p.location, nil)
	for err == nil && res.StatusCode/100 == 3 {
		res, err = b.raw(http.MethodGet, location(res), nil)
	}
	if err != nil || res.StatusCode != http.StatusOK {
		b.e.t.Fatalf("ZITADEL's login page: %v %v", res, err)
	}
	form := url.Values{"authRequestID": {res.Request.URL.Query().Get("authRequestID")}, "loginName": {loginName}}
	res, err = b.raw(http.MethodPost, res.Request.URL.Scheme+"://"+res.Request.URL.Host+zitadelemu.LoginPath, form)
	for err == nil && res.StatusCode/100 == 3 && !strings.HasPrefix(location(res), b.e.app.URL) {
		res, err = b.raw(http.MethodGet, location(res), nil)
	}
	if err != nil || res.StatusCode/100 != 3 {
		b.e.t.Fatalf("back from ZITADEL: %v %v", res, err)
	}
	back, _ := url.Parse(location(res))
	return b.follow(b.get(back.RequestURI()))
}

// location is a redirect's target, made absolute.
func location(res *http.Response) string {
	u, err := res.Location()
	if err != nil {
		return ""
	}
	return u.String()
}

// raw is one request anywhere, with the browser's cookies.
func (b *browser) raw(method, target string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err == nil {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	return res, err
}

// A member sets up text-message codes: a wrong code changes nothing, the
// right one turns them on, on every backend.
func TestEnrollOnEveryBackend(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			be := bc.make(t)
			b := be.e.browser()
			p := be.login(b, be.member)
			mustStatus(t, p, http.StatusOK)
			contains(t, p, "header", be.member.name)

			p = enroll(t, be.e, b, "US", "(201) 555-0177")
			exists(t, p, `input[name=code]`, true)
			p = b.post("/verify", url.Values{"code": {"000000"}})
			mustStatus(t, p, http.StatusOK)
			exists(t, p, `input[name=code][aria-invalid=true]`, true)
			if _, verified, on := be.state(be.member.id); verified || on {
				t.Fatal("a wrong code changed the member")
			}
			p = b.follow(b.post("/verify", url.Values{"code": {be.code("+12015550177")}}))
			contains(t, p, "main", "Text message codes are on")
			if ph, verified, on := be.state(be.member.id); ph != "+12015550177" || !verified || !on {
				t.Fatalf("after the right code: %q verified %v on %v", ph, verified, on)
			}
		})
	}
}

// An admin finds a member with codes on and resets their phone, on every
// backend.
func TestAdminResetOnEveryBackend(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			be := bc.make(t)
			b := be.e.browser()
			be.login(b, be.admin)
			p := b.get("/admin")
			mustStatus(t, p, http.StatusOK)
			contains(t, p, "#mfa-members", be.enrolled.name)
			reset := "/admin/members/" + be.enrolled.id + "/reset"
			p = b.get(reset)
			mustStatus(t, p, http.StatusOK)
			p = b.follow(b.post(reset, url.Values{}))
			mustStatus(t, p, http.StatusOK)
			exists(t, p, ".mfa-reset-done", true)
			if ph, _, _ := be.state(be.enrolled.id); ph != "" {
				t.Fatalf("after the reset the member still has %q", ph)
			}
		})
	}
}

// A user locked in ZITADEL (by its console, say) shows as locked in the
// admin list and on their own admin page, in the page's language.
func TestZITADELAdminSeesUserStates(t *testing.T) {
	e, emu, _ := zitadelEnv(t)
	d := emu.Demo()
	tok, err := emu.Token(d.Owner)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/v2/users/"+d.Member+"/lock", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	emu.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("lock: %d %s", rec.Code, rec.Body)
	}
	b := e.browser()
	b.zitadelLogin("olivia@acme.localhost")
	p := b.get("/admin")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "#mfa-members", "Locked")
	p = b.get("/admin/members/" + d.Member)
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "Locked")
	b.post("/language", url.Values{"lang": {"de"}, "return_to": {"/admin"}})
	contains(t, b.get("/admin"), "#mfa-members", "Gesperrt")
}

// What ZITADEL lacks is not on its pages: no authenticator app, no
// "log out everywhere" for admins; what Stytch has stays.
func TestPagesShowOnlyWhatTheBackendHas(t *testing.T) {
	for _, bc := range backends {
		t.Run(bc.name, func(t *testing.T) {
			be := bc.make(t)
			b := be.e.browser()
			p := be.login(b, be.admin)
			zitadel := be.name == "zitadel"
			exists(t, p, `#mfa-app-title`, !zitadel)
			exists(t, p, `form[action="/totp"]`, !zitadel)
			if got := strings.Contains(text(p, "main .mfa-facts"), "Your organization"); got == zitadel {
				t.Errorf("the organization's policy shown: %v", got)
			}
			if zitadel {
				mustStatus(t, b.post("/totp", nil), http.StatusNotFound)
			}
			p = b.get("/admin/members/" + be.enrolled.id + "/reset")
			exists(t, p, `input[name=revoke]`, !zitadel)
		})
	}
}

// On ZITADEL a new number replaces the confirmed one in place: codes stay
// on throughout, and the old number works until the new one is confirmed.
// Turning codes off and on needs no code.
func TestZITADELChangesInPlace(t *testing.T) {
	be := zitadelBackend(t)
	b := be.e.browser()
	be.login(b, be.enrolled)
	p := b.get("/replace")
	mustStatus(t, p, http.StatusOK)
	exists(t, p, `form[action="/replace/phone"] input[name=number]`, true)
	p = b.follow(b.post("/replace/phone", url.Values{"region": {"US"}, "number": {"201 555 0188"}}))
	exists(t, p, `input[name=code]`, true)
	if ph, verified, on := be.state(be.enrolled.id); ph != "+12015550188" || verified || !on {
		t.Fatalf("while the new number waits: %q verified %v on %v", ph, verified, on)
	}
	p = b.follow(b.post("/verify", url.Values{"code": {strings.ToLower(be.code("+12015550188"))}}))
	contains(t, p, "main", "Text message codes are on")
	if ph, verified, on := be.state(be.enrolled.id); ph != "+12015550188" || !verified || !on {
		t.Fatalf("after the code: %q verified %v on %v", ph, verified, on)
	}

	p = b.get("/unenroll")
	exists(t, p, `form[action="/unenroll"] button.mfa-button-danger`, true)
	p = b.follow(b.post("/unenroll", nil))
	contains(t, p, "main", "Text message codes are off")
	if _, _, on := be.state(be.enrolled.id); on {
		t.Fatal("codes are still on")
	}
	p = b.follow(b.post("/enroll/turn-on", nil))
	contains(t, p, "main", "Text message codes are on")
	if _, _, on := be.state(be.enrolled.id); !on {
		t.Fatal("codes are not back on")
	}
}
