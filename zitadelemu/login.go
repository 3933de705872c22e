package zitadelemu

import (
	"html/template"
	"net/http"
	"strings"
)

// The login page stands in for ZITADEL's login UI: the authorize step
// redirects here, a person (or a test) picks a demo user or types a login
// name, and no password is asked. The emulator is for tests and demos.

type loginPage struct {
	AuthRequestID string
	Users         []DevUser
	Error         string
}

func (e *Emulator) getLogin(w http.ResponseWriter, r *http.Request) {
	e.renderLogin(w, http.StatusOK, r.URL.Query().Get("authRequestID"), "")
}

func (e *Emulator) renderLogin(w http.ResponseWriter, status int, id, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, loginPage{AuthRequestID: id, Users: e.Users(), Error: msg})
}

// postLogin marks the authorization request as done by the chosen user and
// sends the browser to op's callback, which redirects with the code.
func (e *Emulator) postLogin(w http.ResponseWriter, r *http.Request) {
	id, name := r.FormValue("authRequestID"), strings.TrimSpace(r.FormValue("loginName"))
	e.mu.Lock()
	a, u := e.authRequests[id], e.st.userByLoginName(name)
	if u == nil {
		u = e.st.user(name)
	}
	refused := u != nil && !u.canLogIn()
	if a != nil && u != nil && !refused {
		a.subject, a.authTime, a.done = u.ID, e.Now(), true
	}
	e.mu.Unlock()
	switch {
	case a == nil:
		e.renderLogin(w, http.StatusBadRequest, id, "This login request is unknown or finished; start again from the application.")
	case u == nil:
		e.renderLogin(w, http.StatusBadRequest, id, "No user has the login name "+name+".")
	case refused:
		e.renderLogin(w, http.StatusBadRequest, id, "The user "+name+" is deactivated or locked and cannot sign in.")
	default:
		http.Redirect(w, r, AuthorizePath+"/callback?id="+id, http.StatusFound)
	}
}

func (e *Emulator) getLoggedOut(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte("<!doctype html><html lang=\"en\"><title>Signed out</title><p>You are signed out.</p></html>\n"))
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in (ZITADEL emulator)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
button { display: block; width: 100%; margin: .5rem 0; padding: .6rem; text-align: left; }
.error { color: #a00; }
</style>
</head>
<body>
<h1>Sign in</h1>
<p>ZITADEL emulator: pick a demo user. No password is asked.</p>
{{- if .Error}}
<p class="error" role="alert">{{.Error}}</p>
{{- end}}
<form method="post" action="/ui/login/login">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
{{- range .Users}}
<button type="submit" name="loginName" value="{{.LoginName}}">{{.LoginName}}{{range .Roles}} ({{.}}){{end}}</button>
{{- end}}
</form>
<form method="post" action="/ui/login/login">
<input type="hidden" name="authRequestID" value="{{.AuthRequestID}}">
<label for="loginName">Login name</label>
<input id="loginName" name="loginName" autocomplete="username">
<button type="submit">Sign in</button>
</form>
</body>
</html>
`))
