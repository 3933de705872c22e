package zitadelemu_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestDiscoveryUsesZITADELPaths(t *testing.T) {
	e := newEnv(t)
	r := e.call(http.MethodGet, "/.well-known/openid-configuration", "", "")
	wantOK(t, r)
	var d struct {
		Issuer               string   `json:"issuer"`
		Authorization        string   `json:"authorization_endpoint"`
		Token                string   `json:"token_endpoint"`
		Userinfo             string   `json:"userinfo_endpoint"`
		EndSession           string   `json:"end_session_endpoint"`
		JWKS                 string   `json:"jwks_uri"`
		CodeChallengeMethods []string `json:"code_challenge_methods_supported"`
	}
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	want := []string{base, base + "/oauth/v2/authorize", base + "/oauth/v2/token", base + "/oidc/v1/userinfo", base + "/oidc/v1/end_session", base + "/oauth/v2/keys"}
	got := []string{d.Issuer, d.Authorization, d.Token, d.Userinfo, d.EndSession, d.JWKS}
	if !slices.Equal(got, want) || !slices.Contains(d.CodeChallengeMethods, "S256") {
		t.Fatalf("discovery %s", r.body)
	}
	wantOK(t, e.call(http.MethodGet, "/oauth/v2/keys", "", ""))
}

func TestLoginPageListsDemoUsers(t *testing.T) {
	e := newEnv(t)
	r := e.call(http.MethodGet, "/ui/login/login?authRequestID=x", "", "")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "olivia@acme.localhost (ORG_OWNER)") {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
