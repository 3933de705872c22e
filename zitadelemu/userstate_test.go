package zitadelemu_test

import (
	"net/http"
	"testing"
)

// An owner deactivates, reactivates, locks and unlocks a member with
// ZITADEL's preconditions; GET /v2/users shows the state; another
// organization's owner cannot; locking or deactivating ends the user's
// tokens. (identity/zitadel's tests try to log in as a locked user.)
func TestUserStates(t *testing.T) {
	e := newEnv(t)
	owner, other := e.token(e.demo.Owner), e.token(e.demo.OtherOwner)
	path := "/v2/users/" + e.demo.Member
	state := func() string {
		r := e.call(http.MethodGet, path, owner, "")
		wantOK(t, r)
		return r.json(t)["user"].(map[string]any)["state"].(string)
	}
	if s := state(); s != "USER_STATE_ACTIVE" {
		t.Fatalf("seeded state %s", s)
	}
	wantError(t, e.call(http.MethodPost, path+"/deactivate", other, "{}"), http.StatusNotFound, "AUTHZ-cdgFk")
	wantError(t, e.call(http.MethodPost, path+"/reactivate", owner, "{}"), http.StatusBadRequest, "COMMAND-s5qqcz97hf")
	wantError(t, e.call(http.MethodPost, path+"/unlock", owner, "{}"), http.StatusBadRequest, "COMMAND-olb9vb0oca")

	own := e.token(e.demo.Member)
	wantOK(t, e.call(http.MethodGet, path, own, ""))
	wantOK(t, e.call(http.MethodPost, path+"/deactivate", owner, "{}"))
	wantError(t, e.call(http.MethodGet, path, own, ""), http.StatusUnauthorized, "AUTH-7fs1e")
	if s := state(); s != "USER_STATE_INACTIVE" {
		t.Fatalf("after deactivate: %s", s)
	}
	wantError(t, e.call(http.MethodPost, path+"/deactivate", owner, "{}"), http.StatusBadRequest, "COMMAND-5gunjw0cd7")
	wantError(t, e.call(http.MethodPost, path+"/lock", owner, "{}"), http.StatusBadRequest, "COMMAND-lgws8wtsqf")
	wantOK(t, e.call(http.MethodPost, path+"/reactivate", owner, "{}"))

	wantOK(t, e.call(http.MethodPost, path+"/lock", owner, "{}"))
	if s := state(); s != "USER_STATE_LOCKED" {
		t.Fatalf("after lock: %s", s)
	}
	wantOK(t, e.call(http.MethodPost, path+"/unlock", owner, "{}"))
	if s := state(); s != "USER_STATE_ACTIVE" {
		t.Fatalf("after unlock: %s", s)
	}
}
