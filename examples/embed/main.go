// Command embed is "Acme Portal", a tiny host site that mounts mfaportal as
// its security settings, running on the built-in Stytch emulator:
//
//	go run ./examples/embed
//
// It mounts mfaportal twice, to show both ways of handing the member's
// Stytch session in:
//
//   - /settings/security/ reads the cookies Stytch's frontend SDKs set
//     (stytch_session, stytch_session_jwt) with handlers.StytchSDKCookies;
//   - /account/security/ asks the host's own session store, keyed by the
//     host's own cookie.
//
// Both put the host's navigation around mfaportal's content (Options.Layout)
// and may send the member back to any page of the host (ReturnToOrigins).
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
	"github.com/mfaportal/mfaportal/views"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address of the host site")
	flag.Parse()

	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		log.Fatal(err)
	}
	emuLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(emuLn, emu.Handler())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	public := "http://" + ln.Addr().String()
	h, err := newHost(emu, "http://"+emuLn.Addr().String(), public)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Acme Portal (host site):        %s/\n", public)
	fmt.Printf("mfaportal, Stytch SDK cookies:  %s/settings/security/\n", public)
	fmt.Printf("mfaportal, host's session func: %s/account/security/\n", public)
	fmt.Printf("dev outbox (SMS codes):         %s/dev/outbox\n", public)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// host is the host site: its pages, its sessions, and the two mounts.
type host struct {
	emu    *stytchemu.Emulator
	stytch *stytchclient.Client
	public string // the host's origin, http://127.0.0.1:8090
	secure bool

	mu       sync.Mutex
	sessions map[string]hostSession // by the acme_session cookie
}

// hostSession is what the host remembers about a logged-in member.
type hostSession struct {
	Name, Token, JWT string
}

const hostCookie = "acme_session"

// newHost builds the host site on the emulator, which answers the Stytch
// API at emuURL; public is the host's own origin.
func newHost(emu *stytchemu.Emulator, emuURL, public string) (http.Handler, error) {
	client, err := stytchclient.New(stytchclient.Config{ProjectID: emu.ProjectID(), Secret: emu.Secret(), BaseURL: emuURL})
	if err != nil {
		return nil, err
	}
	// The host's magic links come back to its own pages, as registered in Stytch's dashboard.
	if err := emu.AllowRedirectURL(public + "/*"); err != nil {
		return nil, err
	}
	h := &host{emu: emu, stytch: client, public: public, secure: strings.HasPrefix(public, "https:"), sessions: map[string]hostSession{}}

	// Everything but the session is the same for both mounts.
	mount := func(base string, hostSession func(*http.Request) (string, string)) (http.Handler, error) {
		return handlers.New(handlers.Options{
			Stytch:          client,
			Verifier:        stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{Now: emu.Now}),
			PublicURL:       public,
			BasePath:        base,
			SessionKeys:     session.RandomKeys(), // a real host reads them from its secrets
			SecureCookies:   h.secure,             // plain http in development only
			SMSPolicy:       phone.DefaultPolicy(),
			HostSession:     &handlers.HostSession{Session: hostSession, LoginURL: "/login"},
			ReturnToOrigins: []string{public},
			HostName:        "Acme Portal",
			Layout:          hostLayout,
			Now:             emu.Now,
			Dev:             &handlers.DevMode{OutboxURL: public + "/dev/outbox"},
		})
	}
	bySDKCookies, err := mount("/settings/security", handlers.StytchSDKCookies)
	if err != nil {
		return nil, err
	}
	byFunc, err := mount("/account/security", h.session)
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /host.css", serveCSS)
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("GET /authenticate", h.authenticate)
	mux.HandleFunc("POST /logout", h.logout)
	mux.Handle("/settings/security/", bySDKCookies) // the full path: no StripPrefix
	mux.Handle("/account/security/", byFunc)
	mux.Handle("/dev/", emu.Handler()) // the emulator's outbox, to read SMS codes
	// The host's own forms (log in, log out) refuse cross-origin posts.
	return http.NewCrossOriginProtection().Handler(mux), nil
}

// session is the host-function way: the Stytch session the host keeps
// for its own cookie.
func (h *host) session(r *http.Request) (token, jwt string) {
	s, _ := h.current(r)
	return s.Token, s.JWT
}

func (h *host) current(r *http.Request) (hostSession, bool) {
	c, err := r.Cookie(hostCookie)
	if err != nil {
		return hostSession{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.sessions[c.Value]
	return s, ok
}

func (h *host) home(w http.ResponseWriter, r *http.Request) {
	s, ok := h.current(r)
	h.render(w, "home", frame{Title: "Home", LoggedIn: ok, Name: s.Name,
		SettingsURL: "/settings/security/?return_to=" + url.QueryEscape(h.public+"/")})
}

// loginPage lists the demo members of Acme who log in without a second
// step (the admin and Max), as a stand-in for the host's real login.
func (h *host) loginPage(w http.ResponseWriter, r *http.Request) {
	returnTo, _ := handlers.ValidReturnTo(r.URL.Query().Get("return_to"), []string{h.public})
	demo := h.emu.Demo().Organization
	h.render(w, "login", frame{Title: "Log in", ReturnTo: returnTo, Accounts: []stytchemu.DemoMember{demo.Admin, demo.Member}})
}

// login does the magic-link login server-side: Stytch e-mails the link,
// and in this development host the browser follows it straight from the
// emulator's outbox.
func (h *host) login(w http.ResponseWriter, r *http.Request) {
	email := r.FormValue("email")
	demo := h.emu.Demo().Organization
	if email != demo.Admin.Email && email != demo.Member.Email {
		http.Error(w, "Choose one of the demo members.", http.StatusBadRequest)
		return
	}
	_, err := h.stytch.LoginOrSignup(r.Context(), stytchclient.LoginOrSignupRequest{
		OrganizationID: demo.ID, EmailAddress: email, LoginRedirectURL: h.public + "/authenticate",
	})
	if err != nil {
		http.Error(w, "Stytch: "+err.Error(), http.StatusBadGateway)
		return
	}
	msg, ok := h.emu.LastMessage(email)
	if !ok {
		http.Error(w, "no magic link in the outbox", http.StatusInternalServerError)
		return
	}
	if rt, ok := handlers.ValidReturnTo(r.FormValue("return_to"), []string{h.public}); ok {
		http.SetCookie(w, &http.Cookie{Name: "acme_return_to", Value: rt, Path: "/authenticate", MaxAge: 600,
			HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, msg.Link, http.StatusSeeOther)
}

// authenticate is where the magic link lands: it sets the cookies Stytch's
// frontend SDK would (stytch_session, stytch_session_jwt) and the host's own.
func (h *host) authenticate(w http.ResponseWriter, r *http.Request) {
	res, err := h.stytch.AuthenticateMagicLink(r.Context(), stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: r.URL.Query().Get("token")})
	if err != nil || !res.MemberAuthenticated {
		http.Error(w, "That link did not log you in; go back and try again.", http.StatusUnauthorized)
		return
	}
	id := rand.Text()
	h.mu.Lock()
	h.sessions[id] = hostSession{Name: res.Member.Name, Token: res.SessionToken, JWT: res.SessionJWT}
	h.mu.Unlock()
	for name, value := range map[string]string{
		handlers.StytchSessionCookie: res.SessionToken, handlers.StytchSessionJWTCookie: res.SessionJWT, hostCookie: id,
	} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	}
	target := "/"
	if c, err := r.Cookie("acme_return_to"); err == nil {
		if rt, ok := handlers.ValidReturnTo(c.Value, []string{h.public}); ok {
			target = rt
		}
		http.SetCookie(w, &http.Cookie{Name: "acme_return_to", Path: "/authenticate", MaxAge: -1})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (h *host) logout(w http.ResponseWriter, r *http.Request) {
	if s, ok := h.current(r); ok {
		// Best effort: the session may have ended already.
		_, _ = h.stytch.RevokeSession(r.Context(), stytchclient.RevokeSessionRequest{SessionToken: s.Token}, stytchclient.MemberAuth{})
		c, _ := r.Cookie(hostCookie)
		h.mu.Lock()
		delete(h.sessions, c.Value)
		h.mu.Unlock()
	}
	for _, name := range []string{handlers.StytchSessionCookie, handlers.StytchSessionJWTCookie, hostCookie} {
		http.SetCookie(w, &http.Cookie{Name: name, Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// frame is what the host's templates show.
type frame struct {
	Title       string
	LoggedIn    bool
	Name        string
	SettingsURL string
	ReturnTo    string
	Accounts    []stytchemu.DemoMember
}

func (h *host) render(w http.ResponseWriter, name string, f frame) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, f); err != nil {
		log.Print(err)
	}
}

// hostLayout is Options.Layout: the host's document and navigation, with
// mfaportal's part (views.Embedded) in the middle.
func hostLayout(p views.Page, body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		f := frame{Title: p.Title, LoggedIn: p.Member != nil}
		if err := pages.ExecuteTemplate(w, "top", f); err != nil {
			return err
		}
		if err := body.Render(ctx, w); err != nil {
			return err
		}
		return pages.ExecuteTemplate(w, "bottom", f)
	})
}

// The host's pages. mfaportal's pages keep its Content-Security-Policy
// (no inline style or script), so the host's look comes from /host.css.
var pages = template.Must(template.New("").Parse(`
{{define "top"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Acme Portal</title>
<link rel="stylesheet" href="/host.css">
</head>
<body class="acme">
<nav class="acme-nav" aria-label="Acme Portal">
  <a class="acme-brand" href="/">Acme Portal</a>
  <a href="/">Home</a>
  <a href="/settings/security/">Security settings</a>
  {{if .LoggedIn}}<form method="post" action="/logout"><button type="submit">Log out</button></form>
  {{else}}<a href="/login">Log in</a>{{end}}
</nav>
<div class="acme-page">
{{end}}

{{define "bottom"}}</div>
<footer class="acme-footer">Acme Portal · an example host site for mfaportal</footer>
</body>
</html>
{{end}}

{{define "home"}}{{template "top" .}}
<h1>Welcome to Acme Portal{{if .Name}}, {{.Name}}{{end}}</h1>
{{if .LoggedIn}}
<p>Protect your account with a code by text message when you log in.</p>
<p><a class="acme-button" href="{{.SettingsURL}}">Set up two-step verification</a></p>
<p>The same settings, with the session handed in by a host function: <a href="/account/security/">/account/security/</a>.</p>
{{else}}
<p><a class="acme-button" href="/login">Log in</a> to manage your security settings.</p>
{{end}}
{{template "bottom" .}}{{end}}

{{define "login"}}{{template "top" .}}
<h1>Log in to Acme Portal</h1>
<p>This example logs you in as one of the demo members of Acme Inc with a Stytch magic link, on the built-in emulator.</p>
<ul class="acme-accounts">
{{range .Accounts}}<li><form method="post" action="/login">
  <input type="hidden" name="email" value="{{.Email}}">
  <input type="hidden" name="return_to" value="{{$.ReturnTo}}">
  <button type="submit" class="acme-button">Log in as {{.Name}}</button> <span>{{.Email}}</span>
</form></li>
{{end}}</ul>
{{template "bottom" .}}{{end}}
`))

// hostCSS is the host's own look, and its theme for mfaportal: the
// --mfa-* custom properties on .mfa-root.
const hostCSS = `body.acme { margin: 0; font: 1rem/1.5 Georgia, "Times New Roman", serif; color: #1c1917; background: #faf7f2; }
.acme-nav { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: center; padding: .75rem 1.5rem; background: #3b0764; }
.acme-nav a, .acme-nav button { color: #fff; font: inherit; }
.acme-nav form { margin: 0 0 0 auto; }
.acme-nav button { background: none; border: 1px solid #fff; border-radius: .5rem; padding: .25rem .75rem; cursor: pointer; }
.acme-nav .acme-brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; margin-right: 1rem; }
.acme-page { max-width: 48rem; margin: 0 auto; padding: 1.5rem; }
.acme-footer { max-width: 48rem; margin: 0 auto; padding: 1.5rem; color: #57534e; font-size: .875rem; }
.acme-button { display: inline-block; padding: .5rem 1rem; border: 0; border-radius: .75rem; background: #6d28d9; color: #fff; font: inherit; text-decoration: none; cursor: pointer; }
.acme-accounts { list-style: none; padding: 0; }
.acme-accounts li { margin: 0 0 .75rem; }
.mfa-root {
  --mfa-font: Georgia, "Times New Roman", serif;
  --mfa-color-primary: #6d28d9; --mfa-color-primary-hover: #5b21b6; --mfa-color-focus: #6d28d9;
  --mfa-color-bg: #fff; --mfa-color-surface: #f5f3ff;
  --mfa-radius: .75rem;
  border: 1px solid #e7e5e4; border-radius: .75rem;
}
`

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	io.WriteString(w, hostCSS)
}
