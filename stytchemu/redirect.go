package stytchemu

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// DefaultRedirectURLs is the project's redirect-URL list unless a seed file,
// Options.RedirectURLs or /dev/redirect_urls says otherwise: any port and
// path on the loopback host, by name or address. The default redirect URL
// (Options.DefaultRedirectURL) is always allowed besides the list.
var DefaultRedirectURLs = []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}

const errNoMatchForMagicLinkURL = "no_match_for_provided_magic_link_url"

func defaultRedirectURLs() []string { return slices.Clone(DefaultRedirectURLs) }

// redirectPattern is one entry of the allow-list: an absolute URL in which
// the host may start with "*." (any subdomain), the port may be "*" (any
// port, or none) and the path may end with "*" (any rest of path and
// query). An entry without a path allows every path and query on its
// origin; otherwise path and query must match exactly, as Stytch matches.
type redirectPattern struct {
	scheme, host, port string
	rest               string // path and query; "" = anything
}

func parseRedirectPattern(s string) (redirectPattern, error) {
	scheme, after, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || after == "" {
		return redirectPattern{}, fmt.Errorf("%q is not an absolute URL (scheme://host…)", s)
	}
	authority, rest := after, ""
	if i := strings.IndexAny(after, "/?"); i >= 0 {
		authority, rest = after[:i], after[i:]
	}
	if strings.Contains(authority, "@") {
		return redirectPattern{}, fmt.Errorf("%q names a user; a redirect URL may not", s)
	}
	host, port := authority, ""
	if h, p, err := net.SplitHostPort(authority); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(authority, "[") {
		host = strings.Trim(authority, "[]")
	}
	if host == "" || strings.Contains(strings.TrimPrefix(host, "*."), "*") {
		return redirectPattern{}, fmt.Errorf("%q: the host must be a name, or *. and a name", s)
	}
	if strings.Contains(strings.TrimSuffix(rest, "*"), "*") {
		return redirectPattern{}, fmt.Errorf("%q: a * in the path may only end it", s)
	}
	return redirectPattern{scheme: strings.ToLower(scheme), host: strings.ToLower(host), port: port, rest: rest}, nil
}

func (p redirectPattern) matches(u *url.URL) bool {
	if !strings.EqualFold(u.Scheme, p.scheme) {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if suffix, ok := strings.CutPrefix(p.host, "*."); ok {
		if !strings.HasSuffix(host, "."+suffix) {
			return false
		}
	} else if host != p.host {
		return false
	}
	if p.port != "*" && u.Port() != p.port {
		return false
	}
	rest := u.EscapedPath()
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	switch {
	case p.rest == "":
		return true
	case strings.HasSuffix(p.rest, "*"):
		return strings.HasPrefix(rest, strings.TrimSuffix(p.rest, "*"))
	}
	return rest == p.rest
}

// checkRedirectPatterns validates a whole list before it replaces another.
func checkRedirectPatterns(list []string) error {
	for _, s := range list {
		if _, err := parseRedirectPattern(s); err != nil {
			return err
		}
	}
	return nil
}

// redirectAllowed is the project's check of a redirect URL; the caller holds e.mu.
func (e *Emulator) redirectAllowed(raw string) bool {
	if raw == e.redirectURL {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	for _, s := range e.redirects {
		if p, err := parseRedirectPattern(s); err == nil && p.matches(u) {
			return true
		}
	}
	return false
}

// redirectFor picks the URL a magic link of one type points to: the one the
// request names, else the project's default; off the list it is refused
// with Stytch's error. The caller holds e.mu.
func (e *Emulator) redirectFor(param, requested string) (string, *apiError) {
	u := orDefault(requested, e.redirectURL)
	if !e.redirectAllowed(u) {
		return "", errf(http.StatusBadRequest, errNoMatchForMagicLinkURL,
			"The %s in the request did not match any redirect URLs set for this project (%s). Add it with the emulator's -redirect-urls flag, its seed file or POST /dev/redirect_urls.", param, u)
	}
	return u, nil
}

// RedirectURLs is the project's redirect-URL allow-list.
func (e *Emulator) RedirectURLs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.redirects)
}

// SetRedirectURLs replaces the allow-list; a malformed entry refuses the
// whole list. The default redirect URL stays allowed.
func (e *Emulator) SetRedirectURLs(list []string) error {
	if err := checkRedirectPatterns(list); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.redirects = slices.Clone(list)
	return nil
}

// AllowRedirectURL adds one entry to the allow-list.
func (e *Emulator) AllowRedirectURL(u string) error {
	if err := checkRedirectPatterns([]string{u}); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.redirects, u) {
		e.redirects = append(e.redirects, u)
	}
	return nil
}

// redirectURLsBody is what /dev/redirect_urls reads and answers.
type redirectURLsBody struct {
	RedirectURLs       []string `json:"redirect_urls"`
	DefaultRedirectURL string   `json:"default_redirect_url,omitempty"`
	URL                string   `json:"url,omitempty"` // POST: the one entry to add
}

func (e *Emulator) getRedirectURLs(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	out := redirectURLsBody{RedirectURLs: slices.Clone(e.redirects), DefaultRedirectURL: e.redirectURL}
	e.mu.Unlock()
	if out.RedirectURLs == nil {
		out.RedirectURLs = []string{}
	}
	writeJSON(w, http.StatusOK, out)
}

// putRedirectURLs replaces the list: {"redirect_urls": [...]}.
func (e *Emulator) putRedirectURLs(w http.ResponseWriter, r *http.Request) {
	var req redirectURLsBody
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.RedirectURLs == nil {
		writeError(w, badRequest("redirect_urls is a required field (an empty list allows only the default redirect URL)."))
		return
	}
	if err := e.SetRedirectURLs(req.RedirectURLs); err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	e.getRedirectURLs(w, r)
}

// postRedirectURL adds one entry: {"url": "..."}.
func (e *Emulator) postRedirectURL(w http.ResponseWriter, r *http.Request) {
	var req redirectURLsBody
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := requireFields("url", req.URL); err != nil {
		writeError(w, err)
		return
	}
	if err := e.AllowRedirectURL(req.URL); err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	e.getRedirectURLs(w, r)
}
