package zitadelclient_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// The app's URLs; nothing listens there: the browser stops at the redirect.
const (
	appCallback  = "http://127.0.0.1:9/auth/callback"
	appLoggedOut = "http://127.0.0.1:9/logged-out"
)

// oidcEnv is an emulator on the real clock (ID tokens are checked against
// real time), a Login for the demo application, and a browser.
type oidcEnv struct {
	*env
	browser *http.Client
}

func newOIDCEnv(t *testing.T) *oidcEnv {
	t.Helper()
	emu, err := zitadelemu.New(zitadelemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu.Handler())
	t.Cleanup(srv.Close)
	c, _ := zitadelclient.New(zitadelclient.Config{BaseURL: srv.URL})
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != strings.TrimPrefix(srv.URL, "http://") {
			return http.ErrUseLastResponse // back at the app: stop, as its handler would take over
		}
		return nil
	}}
	return &oidcEnv{env: &env{t: t, emu: emu, srv: srv, c: c, demo: emu.Demo()}, browser: browser}
}

func (o *oidcEnv) login(scopes []string) *zitadelclient.Login {
	o.t.Helper()
	l, err := zitadelclient.NewLogin(context.Background(), zitadelclient.LoginConfig{
		Issuer: o.srv.URL, ClientID: o.emu.ClientID(), RedirectURI: appCallback,
		PostLogoutRedirectURI: appLoggedOut, Scopes: scopes,
	})
	if err != nil {
		o.t.Fatal(err)
	}
	return l
}

// signIn drives the browser from the authorize URL through the login page
// to the app's callback and answers the callback's query.
func (o *oidcEnv) signIn(authURL, loginName string) url.Values {
	o.t.Helper()
	resp, err := o.browser.Get(authURL)
	if err != nil {
		o.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != zitadelemu.LoginPath || !strings.Contains(string(page), "olivia@acme.localhost") {
		o.t.Fatalf("authorize led to %d %s:\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "loginName": {loginName}}
	resp, err = o.browser.PostForm(o.srv.URL+zitadelemu.LoginPath, form)
	if err != nil {
		o.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), appCallback+"?") {
		o.t.Fatalf("login answered %d to %v", resp.StatusCode, loc)
	}
	return loc.Query()
}

func TestOIDCCodeFlowWithPKCE(t *testing.T) {
	o := newOIDCEnv(t)
	ctx, login := context.Background(), o.login(nil)
	verifier := oauth2.GenerateVerifier()
	authURL := login.AuthURL("st4te", verifier)
	for _, want := range []string{o.srv.URL + "/oauth/v2/authorize?", "code_challenge=" + oauth2.S256ChallengeFromVerifier(verifier), "code_challenge_method=S256", "urn%3Azitadel%3Aiam%3Aorg%3Aproject%3Aid%3Azitadel%3Aaud"} {
		if !strings.Contains(authURL, want) {
			t.Fatalf("auth URL %s lacks %s", authURL, want)
		}
	}
	q := o.signIn(authURL, "max@acme.localhost")
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	s := must[*zitadelclient.Session](t)(login.Exchange(ctx, q.Get("code"), verifier))
	if s.UserID != o.demo.Member || s.OrgID != o.demo.Org || s.LoginName != "max@acme.localhost" || s.IDToken == "" || s.Expiry.IsZero() {
		t.Fatalf("session %+v", s)
	}
	// The access token works on the REST API as that user, and only as that user.
	if m := o.member(s.AccessToken, s.UserID); m.UserID != o.demo.Member {
		t.Fatalf("member %+v", m)
	}
	_, err := o.c.GetUser(ctx, s.AccessToken, o.demo.Enrolled)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)

	// A code is good once.
	_, err = login.Exchange(ctx, q.Get("code"), verifier)
	if err == nil {
		t.Fatal("a code was redeemed twice")
	}

	// Logout: end_session returns to the app with the state, and the
	// session's access token stops working.
	endURL := must[string](t)(login.EndSessionURL(s.IDToken, "bye"))
	resp, err := o.browser.Get(endURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); resp.StatusCode != http.StatusFound || loc == nil || loc.String() != appLoggedOut+"?state=bye" {
		t.Fatalf("end_session answered %d to %v", resp.StatusCode, loc)
	}
	_, err = o.c.GetUser(ctx, s.AccessToken, s.UserID)
	wantErr(t, err, 401, 16, zitadelclient.ErrTokenInvalid)
}

func TestOIDCWrongVerifierIsRefused(t *testing.T) {
	o := newOIDCEnv(t)
	login := o.login(nil)
	verifier := oauth2.GenerateVerifier()
	q := o.signIn(login.AuthURL("s", verifier), o.demo.Owner) // a user id works as a login name too
	other := oauth2.GenerateVerifier()
	if _, err := login.Exchange(context.Background(), q.Get("code"), other); err == nil {
		t.Fatal("the code was redeemed with another verifier")
	}
}

func TestOIDCTokenWithoutAPIAudience(t *testing.T) {
	o := newOIDCEnv(t)
	ctx := context.Background()
	login := o.login([]string{"openid", "profile", zitadelclient.ScopeResourceOwner})
	verifier := oauth2.GenerateVerifier()
	q := o.signIn(login.AuthURL("s", verifier), "erin@acme.localhost")
	s := must[*zitadelclient.Session](t)(login.Exchange(ctx, q.Get("code"), verifier))
	if s.UserID != o.demo.Enrolled {
		t.Fatalf("session %+v", s)
	}
	_, err := o.c.GetUser(ctx, s.AccessToken, s.UserID)
	wantErr(t, err, 401, 16, zitadelclient.ErrTokenInvalid)
}

func TestOIDCUnknownLoginName(t *testing.T) {
	o := newOIDCEnv(t)
	verifier := oauth2.GenerateVerifier()
	resp, err := o.browser.Get(o.login(nil).AuthURL("s", verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	form := url.Values{"authRequestID": {resp.Request.URL.Query().Get("authRequestID")}, "loginName": {"nobody@acme.localhost"}}
	resp, err = o.browser.PostForm(o.srv.URL+zitadelemu.LoginPath, form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(page), "No user has the login name") {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
}
