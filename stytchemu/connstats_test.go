package stytchemu_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mfaportal/mfaportal/stytchemu"
)

func TestStatsCountConnectionsAndCalls(t *testing.T) {
	emu, err := stytchemu.New(stytchemu.Options{Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(emu.Handler())
	srv.Config.ConnState = emu.ConnState
	srv.Start()
	defer srv.Close()

	get := func(c *http.Client) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/b2b/organizations/acme", nil)
		req.SetBasicAuth(emu.ProjectID(), emu.Secret())
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body) // read to the end, so the connection can be reused
		res.Body.Close()
	}
	pooled := &http.Client{Transport: &http.Transport{}}
	for i := 0; i < 5; i++ {
		get(pooled) // one keep-alive connection
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 3; i++ {
		get(fresh) // one connection each
	}
	res, err := http.Get(srv.URL + "/dev/stats") // a connection too
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st stytchemu.Stats
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.ConnectionsAccepted != 5 {
		t.Errorf("accepted %d connections, want 5 (1 pooled + 3 fresh + 1 for /dev/stats)", st.ConnectionsAccepted)
	}
	if n := st.Calls["GET /v1/b2b/organizations/{org}"]; n != 8 {
		t.Errorf("calls %v", st.Calls)
	}
}
