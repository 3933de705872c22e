package zitadelemu_test

import (
	"net/http"
	"testing"
)

// An owner deactivates, reactivates, locks and unlocks a member with
// ZITADEL's preconditions; GET /v2/users shows the state; another
// organization's owner cannot. (identity/zitadel's tests log in as a
// deactivated user.)
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
	wantError(t, e.call(http.MethodPost, path+"/reactivate", owner, "{}"), http.StatusBadRequest, "COMMAND-6M0sf")
	wantError(t, e.call(http.MethodPost, path+"/unlock", owner, "{}"), http.StatusBadRequest, "COMMAND-4M0ds")

	wantOK(t, e.call(http.MethodPost, path+"/deactivate", owner, "{}"))
	if s := state(); s != "USER_STATE_INACTIVE" {
		t.Fatalf("after deactivate: %s", s)
	}
	wantError(t, e.call(http.MethodPost, path+"/deactivate", owner, "{}"), http.StatusBadRequest, "COMMAND-5M0sf")
	wantError(t, e.call(http.MethodPost, path+"/lock", owner, "{}"), http.StatusBadRequest, "COMMAND-3NN8v")
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
