// Package stytchclient is mfaportal's small typed client for the Stytch B2B
// endpoints it uses, plus local verification of Stytch session JWTs.
//
// The official stytch-go SDK cannot be installed on our build machines, so
// this package mirrors its paths and fields (see ../shared/stytch-api.md).
// Every call takes a context; no call is retried, because most of them send
// an SMS or change state and a blind retry could do either twice.
package stytchclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Stytch's two environments.
const (
	TestBaseURL = "https://test.stytch.com"
	LiveBaseURL = "https://api.stytch.com"
)

// DefaultTimeout bounds one call to Stytch, connection included.
const DefaultTimeout = 10 * time.Second

// DefaultBaseURL picks the environment from the project id the way Stytch's
// SDKs do: live only for "project-live-…", test otherwise.
func DefaultBaseURL(projectID string) string {
	if strings.HasPrefix(projectID, "project-live-") {
		return LiveBaseURL
	}
	return TestBaseURL
}

// Config configures a Client.
type Config struct {
	ProjectID string
	Secret    string
	// BaseURL overrides the environment picked from ProjectID: a custom
	// domain, or the emulator. No trailing slash needed.
	BaseURL string
	// Timeout bounds each call; DefaultTimeout when zero.
	Timeout time.Duration
	// HTTPClient replaces the shared keep-alive client (tests); Timeout is
	// then the HTTPClient's own.
	HTTPClient *http.Client
	// Observe, when set, is told about every call: the endpoint's name
	// (such as "otps.sms.send"), the HTTP status (0 when Stytch was not
	// reached), the error type ("" on success) and how long it took.
	Observe func(endpoint string, status int, errorType string, d time.Duration)
}

// Client calls Stytch. It is safe for concurrent use and keeps one pool of
// keep-alive connections.
type Client struct {
	projectID string
	baseURL   string
	auth      string
	http      *http.Client
	observe   func(endpoint string, status int, errorType string, d time.Duration)
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.ProjectID == "" || cfg.Secret == "" {
		return nil, errors.New("stytchclient: project id and secret are both required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL(cfg.ProjectID)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("stytchclient: base URL %q is not an absolute http(s) URL", base)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		hc = &http.Client{Timeout: timeout, Transport: newTransport()}
	}
	return &Client{
		projectID: cfg.ProjectID,
		baseURL:   strings.TrimRight(base, "/"),
		auth:      "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.ProjectID+":"+cfg.Secret)),
		http:      hc,
		observe:   cfg.Observe,
	}, nil
}

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// ProjectID is the project the client authenticates as.
func (c *Client) ProjectID() string { return c.projectID }

// BaseURL is the API root calls go to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// MemberAuth runs a call "as" a member, so Stytch applies RBAC: the
// member's session token or JWT goes in X-Stytch-Member-Session or
// X-Stytch-Member-SessionJWT. The zero value runs the call with the
// project's full privileges.
type MemberAuth struct {
	SessionToken string
	SessionJWT   string
}

func (a MemberAuth) apply(h http.Header) {
	switch {
	case a.SessionToken != "":
		h.Set("X-Stytch-Member-Session", a.SessionToken)
	case a.SessionJWT != "":
		h.Set("X-Stytch-Member-SessionJWT", a.SessionJWT)
	}
}

// maxBody caps what we read of any answer; Stytch's largest (a page of
// member search) is far below it.
const maxBody = 8 << 20

// do sends one request and decodes a 200/201 answer into out; anything
// else becomes an *Error.
func (c *Client) do(ctx context.Context, endpoint, method, path string, in any, as MemberAuth, out any) error {
	if c.observe == nil {
		return c.send(ctx, method, path, in, as, out)
	}
	start := time.Now()
	err := c.send(ctx, method, path, in, as, out)
	status, errType := http.StatusOK, ""
	var se *Error
	if errors.As(err, &se) {
		status, errType = se.StatusCode, se.ErrorType
	}
	c.observe(endpoint, status, errType, time.Since(start))
	return err
}

func (c *Client) send(ctx context.Context, method, path string, in any, as MemberAuth, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("stytchclient: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, body)
	if err != nil {
		return fmt.Errorf("stytchclient: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "mfaportal")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	as.apply(req.Header)

	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{ErrorType: ErrTypeUnreachable, ErrorMessage: "Stytch could not be reached.", Method: method, Path: path, err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &Error{StatusCode: resp.StatusCode, ErrorType: ErrTypeUnreachable, ErrorMessage: "The answer from Stytch was cut off.", Method: method, Path: path, err: err}
	}
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		if err := json.Unmarshal(raw, out); err != nil {
			return &Error{StatusCode: resp.StatusCode, ErrorType: ErrTypeInvalidResponse, ErrorMessage: "Stytch answered with a body that is not the expected JSON: " + snippet(raw), Method: method, Path: path, err: err}
		}
		return nil
	}
	return decodeError(resp, raw, method, path)
}

func decodeError(resp *http.Response, raw []byte, method, path string) *Error {
	se := &Error{}
	if err := json.Unmarshal(raw, se); err != nil || se.ErrorType == "" {
		se = &Error{ErrorType: ErrTypeInvalidResponse, ErrorMessage: fmt.Sprintf("Stytch answered %s with a body that is not a Stytch error: %s", resp.Status, snippet(raw))}
		if err != nil {
			se.err = err
		}
	}
	se.StatusCode = resp.StatusCode
	se.RetryAfter = resp.Header.Get("Retry-After")
	se.Method, se.Path = method, path
	return se
}

func snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	if s == "" {
		return "(empty)"
	}
	return fmt.Sprintf("%q", s)
}

func esc(s string) string { return url.PathEscape(s) }

// SendSMS sends an SMS one-time code (POST /v1/b2b/otps/sms/send).
func (c *Client) SendSMS(ctx context.Context, req SendSMSRequest) (*SendSMSResponse, error) {
	var out SendSMSResponse
	return &out, c.do(ctx, "otps.sms.send", http.MethodPost, "/v1/b2b/otps/sms/send", req, MemberAuth{}, &out)
}

// AuthenticateSMS checks an SMS code (POST /v1/b2b/otps/sms/authenticate).
func (c *Client) AuthenticateSMS(ctx context.Context, req AuthenticateSMSRequest) (*AuthenticateSMSResponse, error) {
	var out AuthenticateSMSResponse
	return &out, c.do(ctx, "otps.sms.authenticate", http.MethodPost, "/v1/b2b/otps/sms/authenticate", req, MemberAuth{}, &out)
}

// DeleteMFAPhoneNumber removes a member's MFA phone number
// (DELETE /v1/b2b/organizations/{org}/members/mfa_phone_numbers/{member}).
func (c *Client) DeleteMFAPhoneNumber(ctx context.Context, organizationID, memberID string, as MemberAuth) (*MemberResponse, error) {
	var out MemberResponse
	path := "/v1/b2b/organizations/" + esc(organizationID) + "/members/mfa_phone_numbers/" + esc(memberID)
	return &out, c.do(ctx, "members.delete_mfa_phone_number", http.MethodDelete, path, nil, as, &out)
}

// GetMember reads one member (GET /v1/b2b/organizations/{org}/member?member_id=).
func (c *Client) GetMember(ctx context.Context, organizationID, memberID string) (*MemberResponse, error) {
	var out MemberResponse
	path := "/v1/b2b/organizations/" + esc(organizationID) + "/member?member_id=" + url.QueryEscape(memberID)
	return &out, c.do(ctx, "members.get", http.MethodGet, path, nil, MemberAuth{}, &out)
}

// SearchMembers searches members (POST /v1/b2b/organizations/members/search).
func (c *Client) SearchMembers(ctx context.Context, req SearchMembersRequest, as MemberAuth) (*SearchMembersResponse, error) {
	var out SearchMembersResponse
	return &out, c.do(ctx, "members.search", http.MethodPost, "/v1/b2b/organizations/members/search", req, as, &out)
}

// UpdateMember changes a member (PUT /v1/b2b/organizations/{org}/members/{member}).
func (c *Client) UpdateMember(ctx context.Context, organizationID, memberID string, req UpdateMemberRequest, as MemberAuth) (*MemberResponse, error) {
	var out MemberResponse
	path := "/v1/b2b/organizations/" + esc(organizationID) + "/members/" + esc(memberID)
	return &out, c.do(ctx, "members.update", http.MethodPut, path, req, as, &out)
}

// CreateMember adds a member (POST /v1/b2b/organizations/{org}/members).
func (c *Client) CreateMember(ctx context.Context, organizationID string, req CreateMemberRequest, as MemberAuth) (*MemberResponse, error) {
	var out MemberResponse
	path := "/v1/b2b/organizations/" + esc(organizationID) + "/members"
	return &out, c.do(ctx, "members.create", http.MethodPost, path, req, as, &out)
}

// GetOrganization reads an organization (GET /v1/b2b/organizations/{org}).
func (c *Client) GetOrganization(ctx context.Context, organizationID string) (*OrganizationResponse, error) {
	var out OrganizationResponse
	return &out, c.do(ctx, "organizations.get", http.MethodGet, "/v1/b2b/organizations/"+esc(organizationID), nil, MemberAuth{}, &out)
}

// CreateOrganization creates an organization (POST /v1/b2b/organizations).
func (c *Client) CreateOrganization(ctx context.Context, req CreateOrganizationRequest) (*OrganizationResponse, error) {
	var out OrganizationResponse
	return &out, c.do(ctx, "organizations.create", http.MethodPost, "/v1/b2b/organizations", req, MemberAuth{}, &out)
}

// LoginOrSignup e-mails a magic link (POST /v1/b2b/magic_links/email/login_or_signup).
func (c *Client) LoginOrSignup(ctx context.Context, req LoginOrSignupRequest) (*LoginOrSignupResponse, error) {
	var out LoginOrSignupResponse
	return &out, c.do(ctx, "magic_links.login_or_signup", http.MethodPost, "/v1/b2b/magic_links/email/login_or_signup", req, MemberAuth{}, &out)
}

// AuthenticateMagicLink redeems a magic-link token (POST /v1/b2b/magic_links/authenticate).
func (c *Client) AuthenticateMagicLink(ctx context.Context, req AuthenticateMagicLinkRequest) (*AuthenticateMagicLinkResponse, error) {
	var out AuthenticateMagicLinkResponse
	return &out, c.do(ctx, "magic_links.authenticate", http.MethodPost, "/v1/b2b/magic_links/authenticate", req, MemberAuth{}, &out)
}

// AuthenticateSession checks a session and mints a fresh JWT (POST /v1/b2b/sessions/authenticate).
func (c *Client) AuthenticateSession(ctx context.Context, req AuthenticateSessionRequest) (*AuthenticateSessionResponse, error) {
	var out AuthenticateSessionResponse
	return &out, c.do(ctx, "sessions.authenticate", http.MethodPost, "/v1/b2b/sessions/authenticate", req, MemberAuth{}, &out)
}

// RevokeSession revokes one session, or all of a member's (POST /v1/b2b/sessions/revoke).
func (c *Client) RevokeSession(ctx context.Context, req RevokeSessionRequest, as MemberAuth) (*Response, error) {
	var out Response
	return &out, c.do(ctx, "sessions.revoke", http.MethodPost, "/v1/b2b/sessions/revoke", req, as, &out)
}

// GetJWKS fetches the project's signing keys (GET /v1/b2b/sessions/jwks/{project_id}).
// Stytch serves them without credentials; we send ours anyway, as harmless.
func (c *Client) GetJWKS(ctx context.Context) (*JWKSResponse, error) {
	var out JWKSResponse
	return &out, c.do(ctx, "sessions.jwks", http.MethodGet, c.jwksPath(), nil, MemberAuth{}, &out)
}

func (c *Client) jwksPath() string { return "/v1/b2b/sessions/jwks/" + esc(c.projectID) }
