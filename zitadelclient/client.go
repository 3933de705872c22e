package zitadelclient

import (
	"bytes"
	"context"
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

// DefaultTimeout bounds one call to ZITADEL, connection included.
const DefaultTimeout = 10 * time.Second

// OrgHeader names the organization a v1 management call acts in.
const OrgHeader = "x-zitadel-orgid"

// Config configures a Client.
type Config struct {
	// BaseURL is the instance origin, e.g. https://auth.example.com. It must
	// be the instance's ExternalDomain: ZITADEL picks the instance by host.
	BaseURL string
	// Timeout bounds each call; DefaultTimeout when zero.
	Timeout time.Duration
	// HTTPClient replaces the shared keep-alive client (tests); Timeout is
	// then the HTTPClient's own.
	HTTPClient *http.Client
	// Observe, when set, is told about every call: the endpoint's name
	// (such as "user.v2.set_phone"), the HTTP status (0 when ZITADEL was not
	// reached), the error id ("" on success) and how long it took.
	Observe func(endpoint string, status int, errorID string, d time.Duration)
}

// Client calls ZITADEL's REST API as the user whose access token each call
// is given. It is safe for concurrent use.
type Client struct {
	baseURL string
	http    *http.Client
	observe func(endpoint string, status int, errorID string, d time.Duration)
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("zitadelclient: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		timeout := cfg.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		hc = &http.Client{Timeout: timeout, Transport: newTransport()}
	}
	return &Client{baseURL: strings.TrimRight(cfg.BaseURL, "/"), http: hc, observe: cfg.Observe}, nil
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

// BaseURL is the instance origin calls go to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// call is one request: who makes it, where, with what.
type call struct {
	endpoint, method, path string
	token                  string // the caller's access token
	orgID                  string // x-zitadel-orgid, management calls only
	in, out                any
}

// maxBody caps what we read of any answer.
const maxBody = 8 << 20

// do sends one call and decodes a 200 answer into out; anything else
// becomes an *Error. No call is retried: most change state or send an SMS.
func (c *Client) do(ctx context.Context, k call) error {
	start := time.Now()
	err := c.send(ctx, k)
	if c.observe != nil {
		status, id := http.StatusOK, ""
		var ze *Error
		if errors.As(err, &ze) {
			status, id = ze.StatusCode, ze.ID
		}
		c.observe(k.endpoint, status, id, time.Since(start))
	}
	return err
}

func (c *Client) send(ctx context.Context, k call) error {
	fail := func(status int, id, msg string, err error) *Error {
		return &Error{StatusCode: status, ID: id, Message: msg, Method: k.method, Path: k.path, err: err}
	}
	var body io.Reader
	if k.in != nil {
		b, err := json.Marshal(k.in)
		if err != nil {
			return fmt.Errorf("zitadelclient: encode %s %s: %w", k.method, k.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, c.baseURL+k.path, body)
	if err != nil {
		return fmt.Errorf("zitadelclient: %s %s: %w", k.method, k.path, err)
	}
	req.Header.Set("Authorization", "Bearer "+k.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "mfaportal")
	if k.in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.orgID != "" {
		req.Header.Set(OrgHeader, k.orgID)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fail(0, IDUnreachable, "ZITADEL could not be reached.", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fail(resp.StatusCode, IDUnreachable, "The answer from ZITADEL was cut off.", err)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeError(resp.StatusCode, raw, fail)
	}
	if err := json.Unmarshal(raw, k.out); err != nil {
		return fail(resp.StatusCode, IDInvalidResponse, "ZITADEL answered with a body that is not the expected JSON: "+snippet(raw), err)
	}
	return nil
}

// rpcStatus is grpc-gateway's error body.
type rpcStatus struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type    string `json:"@type"`
		ID      string `json:"id"`
		Message string `json:"message"`
	} `json:"details"`
}

func decodeError(status int, raw []byte, fail func(int, string, string, error) *Error) *Error {
	var s rpcStatus
	if err := json.Unmarshal(raw, &s); err != nil || s.Code == nil {
		return fail(status, IDInvalidResponse, fmt.Sprintf("ZITADEL answered %d with a body that is not a ZITADEL error: %s", status, snippet(raw)), err)
	}
	e := fail(status, "", s.Message, nil)
	e.Code = *s.Code
	for _, d := range s.Details {
		if d.ID != "" {
			e.ID, e.Message = d.ID, d.Message
			break
		}
	}
	if e.ID != "" && e.Message == "" {
		e.Message = strings.TrimSuffix(s.Message, " ("+e.ID+")")
	}
	return e
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
