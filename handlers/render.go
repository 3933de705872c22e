package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/internal/logging"
	"github.com/mfaportal/mfaportal/middleware"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// isHTMX reports whether htmx sent the request and will swap #main, so a
// partial answer is enough. A history restore wants the whole page.
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}

// pageBuffers hold pages while they render; the response has taken the
// bytes by the time a buffer goes back.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page: the whole document (ours, or the host's Layout
// around views.Embedded), or only #main for htmx. It renders into a buffer
// first, so a template error still becomes a clean error page rather than
// half a page.
func (a *app) render(c echo.Context, status int, p views.Page, content templ.Component) error {
	comp := views.Layout(p, content)
	if a.layout != nil {
		comp = a.layout(p, views.Embedded(p, content))
	}
	if isHTMX(c) {
		comp = views.Partial(p, content)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer pageBuffers.Put(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request")
	return c.HTMLBlob(status, buf.Bytes())
}

// page is the part of every page that comes from the request; title is
// already in the request's language.
func (a *app) page(c echo.Context, title string, s *session.State) views.Page {
	p := views.Page{
		Title:     title,
		Languages: a.languageSwitch(c),
		BasePath:  a.base,
		Static:    a.static.URL,
		RequestID: logging.RequestID(c.Request().Context()),
		Now:       a.now().Unix(),
		// The host logs members in and out: no "Log out" of ours.
		HostManaged: a.host != nil,
		Backend: views.Backend{
			OwnLogin: a.redir != nil, NoApps: a.apps == nil, NoCodeToPhone: !a.features.ProveCurrentPhone,
			LetterCodes: a.features.LetterCodes, NoEndSessions: !a.features.EndSessions,
			NoOrgPolicy: !a.features.OrganizationPolicy,
		},
	}
	p.CSRFToken = middleware.CSRFToken(c.Request().Context())
	if s != nil && s.IsLoggedIn() && s.Profile != nil {
		p.Member = &views.Member{
			Name:             s.Profile.Name,
			Email:            s.Profile.Email,
			OrganizationName: s.Profile.OrganizationName,
			IsAdmin:          s.Profile.IsAdmin,
		}
	}
	if a.dev != nil {
		p.Dev = &views.Dev{Backend: a.idp.Name(), OutboxURL: a.dev.OutboxURL}
	}
	return p
}

// redirect sends the browser to path (under the mount point) after a form
// post: 303 for plain browsers; for htmx, HX-Location, so htmx fetches the
// page, swaps #main and updates the address bar.
func (a *app) redirect(c echo.Context, path string) error {
	target := a.base + path
	if path == "/" && a.base != "" {
		target = a.base + "/"
	}
	if isHTMX(c) {
		loc, _ := json.Marshal(map[string]string{"path": target, "target": "#main", "select": "#main", "swap": "outerHTML"})
		c.Response().Header().Set("HX-Location", string(loc))
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, target)
}
