package handlers_test

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/mfaportal/mfaportal/handlers"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// A host site mounts mfaportal as its security settings, taking the
// member's session from the cookies Stytch's frontend SDK sets. Here it
// runs on the built-in emulator; with real Stytch, client comes from
// stytchclient.New with the project's credentials.
func ExampleNew() {
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		log.Fatal(err)
	}
	stytch := httptest.NewServer(emu.Handler())
	defer stytch.Close()
	client, err := stytchclient.New(stytchclient.Config{ProjectID: emu.ProjectID(), Secret: emu.Secret(), BaseURL: stytch.URL})
	if err != nil {
		log.Fatal(err)
	}

	h, err := handlers.New(handlers.Options{
		Stytch:          client,
		Verifier:        stytchclient.NewJWTVerifier(client, stytchclient.JWTOptions{}),
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		SessionKeys:     session.RandomKeys(), // ParseSessionKeys(os.Getenv("SESSION_KEYS")) in production
		SecureCookies:   true,
		PublicURL:       "https://portal.example.com",
		BasePath:        "/settings/security",
		ReturnToOrigins: []string{"https://portal.example.com"},
		HostSession: &handlers.HostSession{
			Session:  handlers.StytchSDKCookies,
			LoginURL: "/login",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/settings/security/", h) // the full path: no http.StripPrefix
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "the host's own pages") })

	// Nobody is logged in: off to the host's login page, and back here after.
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "https://portal.example.com/settings/security/", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output:
	// 303 /login?return_to=https%3A%2F%2Fportal.example.com%2Fsettings%2Fsecurity%2F
}
