package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// Strict-Transport-Security follows PublicURL's scheme: sent when the app
// is served over https, not on plain http.
func TestHeadersHSTSFromPublicURL(t *testing.T) {
	client, err := stytchclient.New(stytchclient.Config{ProjectID: "project-test-1", Secret: "secret-test-1", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	for publicURL, want := range map[string]string{
		"https://mfa.example.com": "max-age=31536000; includeSubDomains",
		"http://localhost:8080":   "",
	} {
		h, err := handlers.New(handlers.Options{
			Stytch: client, Verifier: stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{}),
			SessionKeys: session.RandomKeys(), SecureCookies: true, PublicURL: publicURL,
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != want {
			t.Errorf("PUBLIC_URL %s: Strict-Transport-Security %q, want %q", publicURL, got, want)
		}
	}
}
