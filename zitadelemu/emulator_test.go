package zitadelemu_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"
)

func TestErrorBodyShape(t *testing.T) {
	e := newEnv(t)
	r := e.call(http.MethodPost, "/v2/users/"+e.demo.Member+"/otp_sms", e.token(e.demo.Member), "{}")
	want := `{"code":9,"message":"Multifactor OTP (OneTimePassword) isn't ready (COMMAND-Q54j2)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-Q54j2","message":"Multifactor OTP (OneTimePassword) isn't ready"}]}`
	if r.status != http.StatusBadRequest || string(r.body) != want {
		t.Fatalf("got %d %s\nwant 400 %s", r.status, r.body, want)
	}
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t)
	path := "/v2/users/" + e.demo.Member
	wantError(t, e.call(http.MethodGet, path, "", ""), http.StatusUnauthorized, "AUTH-7fs1e")
	wantError(t, e.call(http.MethodGet, path, "not-a-token", ""), http.StatusUnauthorized, "AUTH-7fs1e")

	r := e.call(http.MethodPost, "/dev/token", "", `{"userId":"`+e.demo.Member+`","apiAudience":false}`)
	wantOK(t, r)
	noAud := r.json(t)["access_token"].(string)
	wantError(t, e.call(http.MethodGet, path, noAud, ""), http.StatusUnauthorized, "AUTH-7fs1e")

	tok := e.token(e.demo.Member)
	wantOK(t, e.call(http.MethodGet, path, tok, ""))
	e.clock.Advance(12 * time.Hour)
	wantError(t, e.call(http.MethodGet, path, tok, ""), http.StatusUnauthorized, "AUTH-7fs1e")
}

func TestUserJSONShape(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.demo.Member)
	wantOK(t, e.call(http.MethodPost, "/v2/users/"+e.demo.Member+"/phone", tok, `{"phone":"+41 79 555 12 34","sendCode":{}}`))
	r := e.call(http.MethodGet, "/v2/users/"+e.demo.Member, tok, "")
	wantOK(t, r)
	var body struct {
		Details map[string]any `json:"details"`
		User    struct {
			UserID string                    `json:"userId"`
			Human  map[string]map[string]any `json:"human"`
		} `json:"user"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if seq, ok := body.Details["sequence"].(string); !ok || seq != "3" {
		t.Errorf("sequence %#v, want the string \"3\"", body.Details["sequence"])
	}
	if cd, _ := body.Details["changeDate"].(string); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`).MatchString(cd) {
		t.Errorf("changeDate %q is not RFC 3339 UTC", cd)
	}
	if body.Details["resourceOwner"] != e.demo.Org || body.User.UserID != e.demo.Member {
		t.Errorf("details %v / userId %q", body.Details, body.User.UserID)
	}
	phone := body.User.Human["phone"]
	if phone["phone"] != "+41795551234" {
		t.Errorf("phone %v, want E.164", phone)
	}
	if _, present := phone["isVerified"]; present {
		t.Errorf("an unverified phone carries isVerified: %v (proto3 JSON leaves false out)", phone)
	}
}

func TestListUsersShape(t *testing.T) {
	e := newEnv(t)
	body := `{"query":{"offset":"0","limit":2,"asc":true},"queries":[{"organizationIdQuery":{"organizationId":"` + e.demo.Org + `"}}]}`
	r := e.call(http.MethodPost, "/v2/users", e.token(e.demo.Owner), body)
	wantOK(t, r)
	var out struct {
		Details struct {
			TotalResult string `json:"totalResult"`
		} `json:"details"`
		Result []struct {
			UserID string `json:"userId"`
		} `json:"result"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Details.TotalResult != "4" || len(out.Result) != 2 {
		t.Fatalf("total %q, %d results: %s", out.Details.TotalResult, len(out.Result), r.body)
	}
	// A member without roles sees only themselves.
	r = e.call(http.MethodPost, "/v2/users", e.token(e.demo.Member), `{}`)
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Result) != 1 || out.Result[0].UserID != e.demo.Member {
		t.Fatalf("member's list: %s", r.body)
	}
}

func TestSelfVersusAdmin(t *testing.T) {
	e := newEnv(t)
	me, owner := e.token(e.demo.Member), e.token(e.demo.Owner)
	phone := "/v2/users/" + e.demo.Member + "/phone"
	// returnCode and isVerified need user.write, even on oneself.
	wantError(t, e.call(http.MethodPost, phone, me, `{"phone":"+41795551234","returnCode":{}}`), http.StatusNotFound, "AUTHZ-cdgFk")
	wantError(t, e.call(http.MethodPost, phone, me, `{"phone":"+41795551234","isVerified":true}`), http.StatusNotFound, "AUTHZ-cdgFk")
	r := e.call(http.MethodPost, phone, owner, `{"phone":"+41795551234","returnCode":{}}`)
	wantOK(t, r)
	if code, _ := r.json(t)["verificationCode"].(string); !regexp.MustCompile(`^[A-Z0-9]{6}$`).MatchString(code) {
		t.Fatalf("returned code %q, want 6 upper-case letters or digits", code)
	}
	if len(e.emu.Outbox()) != 0 {
		t.Fatal("returnCode sent an SMS")
	}
	// DELETE …/phone needs user.write even for oneself; PATCH does not.
	wantError(t, e.call(http.MethodDelete, phone, me, ""), http.StatusNotFound, "AUTHZ-cdgFk")
	r = e.call(http.MethodPatch, "/v2/users/"+e.demo.Member, me, `{"human":{"phone":{}}}`)
	wantOK(t, r)
	if _, ok := r.json(t)["changeDate"]; !ok {
		t.Fatalf("PATCH answer %s", r.body)
	}
	r = e.call(http.MethodGet, "/auth/v1/users/me/phone", me, "")
	if string(r.body) == "" || r.json(t)["phone"].(map[string]any)["phone"] != nil {
		t.Fatalf("phone after PATCH removal: %s", r.body)
	}
	// isVerified:false fails proto validation: code 3, no ZITADEL id.
	wantError(t, e.call(http.MethodPost, phone, owner, `{"phone":"+41795551234","isVerified":false}`), http.StatusBadRequest, "")
}

func TestCodeExpiresWithTheClock(t *testing.T) {
	e := newEnv(t)
	me := e.token(e.demo.Member)
	base := "/v2/users/" + e.demo.Member + "/phone"
	wantOK(t, e.call(http.MethodPost, base, me, `{"phone":"0795551234","sendCode":{}}`)) // read as Swiss
	code := e.lastCode("+41795551234")
	r := e.call(http.MethodPost, "/dev/clock", "", `{"advance":"1h"}`)
	wantOK(t, r)
	if now, _ := time.Parse(time.RFC3339Nano, r.json(t)["now"].(string)); !now.Equal(e.emu.Now()) {
		t.Fatalf("clock answer %s, emulator now %v", r.body, e.emu.Now())
	}
	wantError(t, e.call(http.MethodPost, base+"/verify", me, `{"verificationCode":"`+code+`"}`), http.StatusBadRequest, "COMMAND-eis9R")
	wantOK(t, e.call(http.MethodPost, base+"/resend", me, `{"sendCode":{}}`))
	e.clock.Advance(59 * time.Minute)
	wantOK(t, e.call(http.MethodPost, base+"/verify", me, `{"verificationCode":"`+e.lastCode("+41795551234")+`"}`))
	wantError(t, e.call(http.MethodPost, base+"/resend", me, `{}`), http.StatusBadRequest, "PHONE-5xrra88eq8")
}

func TestV1AuthAndManagement(t *testing.T) {
	e := newEnv(t)
	me, owner := e.token(e.demo.Pending), e.token(e.demo.Owner)
	wantOK(t, e.call(http.MethodPut, "/auth/v1/users/me/phone", me, `{"phone":"+41795550000"}`))
	wantError(t, e.call(http.MethodPut, "/auth/v1/users/me/phone", me, `{"phone":"+41795550000"}`), http.StatusBadRequest, "COMMAND-wF94r")
	wantError(t, e.call(http.MethodPost, "/auth/v1/users/me/phone/_verify", me, `{"code":"WRONG1"}`), http.StatusBadRequest, "COMMAND-sM0cs")
	r := e.call(http.MethodPost, "/auth/v1/users/me/phone/_verify", me, `{"code":"`+e.lastCode("+41795550000")+`"}`)
	wantOK(t, r)
	if _, ok := r.json(t)["details"].(map[string]any)["creationDate"]; !ok {
		t.Errorf("v1 details without creationDate: %s", r.body)
	}
	wantError(t, e.call(http.MethodPost, "/auth/v1/users/me/phone/_resend_verification", me, `{}`), http.StatusBadRequest, "COMMAND-2M9sf")
	wantOK(t, e.call(http.MethodPost, "/auth/v1/users/me/auth_factors/otp_sms", me, `{}`))
	r = e.call(http.MethodPost, "/auth/v1/users/me/auth_factors/_search", me, `{}`)
	if string(r.body) != `{"result":[{"state":"AUTH_FACTOR_STATE_READY","otpSms":{}}]}` {
		t.Fatalf("factors %s", r.body)
	}
	// The admin reads and resets it through the management API.
	path := "/management/v1/users/" + e.demo.Pending
	wantOK(t, e.call(http.MethodPost, path+"/auth_factors/_search", owner, `{}`, "x-zitadel-orgid", e.demo.Org))
	wantOK(t, e.call(http.MethodDelete, path+"/auth_factors/otp_sms", owner, "", "x-zitadel-orgid", e.demo.Org))
	wantError(t, e.call(http.MethodDelete, path+"/auth_factors/otp_sms", owner, "", "x-zitadel-orgid", e.demo.Org), http.StatusNotFound, "COMMAND-Sr3h3")
	// Another organization's header: no membership there.
	wantError(t, e.call(http.MethodGet, path+"/phone", owner, "", "x-zitadel-orgid", e.demo.OtherOrg), http.StatusNotFound, "AUTHZ-cdgFk")
	wantOK(t, e.call(http.MethodDelete, "/auth/v1/users/me/phone", me, ""))
	wantError(t, e.call(http.MethodDelete, "/auth/v1/users/me/phone", me, ""), http.StatusNotFound, "COMMAND-p6rsc")
}

func TestDevEndpoints(t *testing.T) {
	e := newEnv(t)
	r := e.call(http.MethodGet, "/dev/users", "", "")
	var users struct {
		Users []struct {
			UserID, LoginName, OrgID string
			Roles                    []string
		} `json:"users"`
	}
	if err := json.Unmarshal(r.body, &users); err != nil || len(users.Users) < 5 {
		t.Fatalf("/dev/users: %s", r.body)
	}
	owner := users.Users[0]
	if owner.UserID != e.demo.Owner || len(owner.Roles) != 1 || owner.Roles[0] != "ORG_OWNER" || owner.LoginName != "olivia@acme.localhost" {
		t.Fatalf("first user %+v", owner)
	}
	r = e.call(http.MethodPost, "/dev/token", "", `{"userId":"`+owner.UserID+`"}`)
	tok, _ := r.json(t)["access_token"].(string)
	wantOK(t, e.call(http.MethodGet, "/v2/users/"+e.demo.Enrolled, tok, ""))
	wantError(t, e.call(http.MethodPost, "/dev/token", "", `{"userId":"nobody"}`), http.StatusNotFound, "")

	wantOK(t, e.call(http.MethodPost, "/v2/users/"+e.demo.Member+"/phone", e.token(e.demo.Member), `{"phone":"+41795551234"}`))
	r = e.call(http.MethodGet, "/dev/outbox", "", "")
	var box struct {
		Messages []map[string]any `json:"messages"`
	}
	if err := json.Unmarshal(r.body, &box); err != nil || len(box.Messages) != 1 {
		t.Fatalf("outbox %s", r.body)
	}
	m := box.Messages[0]
	for _, k := range []string{"channel", "to", "organization_id", "member_id", "body", "code", "sent_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("outbox message lacks %q: %v", k, m)
		}
	}
	if e.call(http.MethodDelete, "/dev/outbox", "", "").status != http.StatusNoContent || len(e.emu.Outbox()) != 0 {
		t.Fatal("DELETE /dev/outbox did not empty it")
	}
	wantError(t, e.call(http.MethodPost, "/dev/clock", "", `{"advance":"-1s"}`), http.StatusBadRequest, "")
}

func TestFaultsAndUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	path := "/v2/users/" + e.demo.Member
	r := e.call(http.MethodPost, "/dev/faults", "", `{"path":"`+path+`","status":503,"id":"EMU-down"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /dev/faults: %d %s", r.status, r.body)
	}
	r = e.call(http.MethodGet, path, "", "") // faults come before the token check
	wantError(t, r, http.StatusServiceUnavailable, "EMU-down")
	if r.json(t)["code"] != float64(14) {
		t.Fatalf("fault code: %s", r.body)
	}
	wantError(t, e.call(http.MethodGet, path, "", ""), http.StatusUnauthorized, "AUTH-7fs1e")
	wantError(t, e.call(http.MethodGet, "/v2/nothing/here", "", ""), http.StatusNotFound, "")
}
