package zitadelclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/zitadelclient"
	"github.com/mfaportal/mfaportal/zitadelemu"
)

// TestPhoneStateMachine walks a member through the whole flow: set phone,
// verify, add OTP SMS, change the number (OTP SMS stays), remove the phone
// (OTP SMS goes with it).
func TestPhoneStateMachine(t *testing.T) {
	e := newEnv(t)
	ctx, c := context.Background(), e.c
	id := e.demo.Member
	tok := e.token(id)
	details := must[*zitadelclient.Details](t)

	if m := e.member(tok, id); m.Phone != "" || m.OTPSMS || m.OrgID != e.demo.Org || m.LoginName != "max@acme.localhost" {
		t.Fatalf("start: %+v", m)
	}
	d := details(c.SetPhone(ctx, tok, id, "+41 79 111 22 33"))
	if d.Sequence == 0 || d.ResourceOwner != e.demo.Org || !d.ChangeDate.Equal(e.emu.Now()) {
		t.Fatalf("details %+v", d)
	}
	if m := e.member(tok, id); m.Phone != "+41791112233" || m.PhoneVerified {
		t.Fatalf("after set: %+v", m)
	}
	_, err := c.AddOTPSMS(ctx, tok, id)
	wantErr(t, err, 400, 9, zitadelclient.ErrOTPSMSNotReady)
	_, err = c.VerifyPhone(ctx, tok, id, "WRONG1")
	wantErr(t, err, 400, 3, zitadelclient.ErrCodeInvalid)
	details(c.VerifyPhone(ctx, tok, id, e.code("+41791112233")))
	details(c.AddOTPSMS(ctx, tok, id))
	_, err = c.AddOTPSMS(ctx, tok, id)
	wantErr(t, err, 409, 6, zitadelclient.ErrOTPSMSAlreadyReady)
	if m := e.member(tok, id); !m.PhoneVerified || !m.OTPSMS {
		t.Fatalf("after enrol: %+v", m)
	}
	factors := must[[]zitadelclient.AuthFactor](t)(c.AuthFactors(ctx, tok, id))
	if len(factors) != 1 || factors[0].OTPSMS == nil || factors[0].State != zitadelclient.AuthFactorStateReady {
		t.Fatalf("factors %+v", factors)
	}

	// Change in place: OTP SMS stays on, the new number waits for its code.
	_, err = c.SetPhone(ctx, tok, id, "+41791112233")
	wantErr(t, err, 400, 9, zitadelclient.ErrPhoneNotChanged)
	details(c.SetPhone(ctx, tok, id, "+41 79 444 55 66"))
	if m := e.member(tok, id); m.Phone != "+41794445566" || m.PhoneVerified || !m.OTPSMS {
		t.Fatalf("after change: %+v", m)
	}
	details(c.ResendPhoneCode(ctx, tok, id))
	details(c.VerifyPhone(ctx, tok, id, e.code("+41794445566")))
	_, err = c.ResendPhoneCode(ctx, tok, id)
	wantErr(t, err, 400, 9, zitadelclient.ErrResendNoCode)

	// Removing the phone removes OTP SMS too.
	details(c.RemoveMyPhone(ctx, tok))
	if m := e.member(tok, id); m.Phone != "" || m.OTPSMS {
		t.Fatalf("after remove: %+v", m)
	}
	_, err = c.RemoveOTPSMS(ctx, tok, id)
	wantErr(t, err, 404, 5, zitadelclient.ErrOTPSMSNotExisting)
	_, err = c.AddOTPSMS(ctx, tok, id)
	wantErr(t, err, 400, 9, zitadelclient.ErrOTPSMSNotReady)
	_, err = c.RemoveMyPhone(ctx, tok)
	wantErr(t, err, 404, 5, zitadelclient.ErrRemoveNoPhoneV1)
}

func TestRemoveOTPSMSKeepsPhone(t *testing.T) {
	e := newEnv(t)
	ctx, id := context.Background(), e.demo.Enrolled
	tok := e.token(id)
	must[*zitadelclient.Details](t)(e.c.RemoveOTPSMS(ctx, tok, id))
	if m := e.member(tok, id); m.OTPSMS || !m.PhoneVerified {
		t.Fatalf("%+v", m)
	}
	must[*zitadelclient.Details](t)(e.c.AddOTPSMS(ctx, tok, id)) // the phone is still verified
}

func TestMappedErrors(t *testing.T) {
	e := newEnv(t)
	ctx, c, id := context.Background(), e.c, e.demo.Pending
	tok := e.token(id)
	_, err := c.SetPhone(ctx, tok, id, "+41 12")
	wantErr(t, err, 400, 3, zitadelclient.ErrPhoneInvalid)
	_, err = c.SetPhone(ctx, tok, id, "   ")
	wantErr(t, err, 400, 3, zitadelclient.ErrPhoneEmpty)
	_, err = c.VerifyPhone(ctx, tok, id, "ABC123")
	wantErr(t, err, 404, 5, zitadelclient.ErrCodeNotFound)
	_, err = c.ResendPhoneCode(ctx, tok, id)
	wantErr(t, err, 400, 9, zitadelclient.ErrResendNoCode)
	_, err = c.VerifyPhone(ctx, tok, id, "")
	wantErr(t, err, 400, 3, "") // proto validation: no ZITADEL id

	// An expired code is a wrong code.
	must[*zitadelclient.Details](t)(c.SetPhone(ctx, tok, id, "+4915112345678"))
	code := e.code("+4915112345678")
	e.devJSON(http.MethodPost, "/dev/clock", `{"advance":"1h"}`, nil)
	_, err = c.VerifyPhone(ctx, tok, id, code)
	wantErr(t, err, 400, 3, zitadelclient.ErrCodeInvalid)
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	ctx, id := context.Background(), e.demo.Member
	_, err := e.c.GetUser(ctx, "", id)
	wantErr(t, err, 401, 16, zitadelclient.ErrTokenInvalid)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	e.devJSON(http.MethodPost, "/dev/token", `{"userId":"`+id+`","apiAudience":false}`, &out)
	_, err = e.c.GetUser(ctx, out.AccessToken, id)
	wantErr(t, err, 401, 16, zitadelclient.ErrTokenInvalid)
	tok := e.token(id)
	must[*zitadelclient.User](t)(e.c.GetUser(ctx, tok, id))
	e.clock.Advance(zitadelemu.AccessTokenLifetime)
	_, err = e.c.GetUser(ctx, tok, id)
	wantErr(t, err, 401, 16, zitadelclient.ErrTokenInvalid)
}

func TestAdminListAndReset(t *testing.T) {
	e := newEnv(t)
	ctx, owner := context.Background(), e.token(e.demo.Owner)
	members := must[[]zitadelclient.Member](t)(e.c.ListOrgMembers(ctx, owner, e.demo.Org))
	if len(members) != 4 {
		t.Fatalf("%d members: %+v", len(members), members)
	}
	var enrolled zitadelclient.Member
	for _, m := range members {
		if m.OrgID != e.demo.Org {
			t.Errorf("member of another organization: %+v", m)
		}
		if m.UserID == e.demo.Enrolled {
			enrolled = m
		}
	}
	if !enrolled.OTPSMS || !enrolled.PhoneVerified || enrolled.Phone == "" {
		t.Fatalf("enrolled member %+v", enrolled)
	}
	must[*zitadelclient.Details](t)(e.c.RemoveUserOTPSMS(ctx, owner, e.demo.Org, e.demo.Enrolled))
	if m := e.member(owner, e.demo.Enrolled); m.OTPSMS || !m.PhoneVerified {
		t.Fatalf("after reset: %+v", m)
	}
	_, err := e.c.RemoveUserOTPSMS(ctx, owner, e.demo.Org, e.demo.Enrolled)
	wantErr(t, err, 404, 5, zitadelclient.ErrOTPSMSNotExisting)
}

func TestTenancy(t *testing.T) {
	e := newEnv(t)
	ctx, owner := context.Background(), e.token(e.demo.Owner)
	other := e.demo.OtherMember
	_, err := e.c.RemoveUserOTPSMS(ctx, owner, e.demo.OtherOrg, other)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	_, err = e.c.RemoveUserOTPSMS(ctx, owner, e.demo.Org, other) // own org, someone else's user
	wantErr(t, err, 404, 5, zitadelclient.ErrOTPSMSNotExisting)
	_, err = e.c.RemoveOTPSMS(ctx, owner, other)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	_, err = e.c.GetUser(ctx, owner, other)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	if list := must[[]zitadelclient.Member](t)(e.c.ListOrgMembers(ctx, owner, e.demo.OtherOrg)); len(list) != 0 {
		t.Fatalf("listed another organization's users: %+v", list)
	}
	if m := e.member(e.token(other), other); !m.OTPSMS {
		t.Fatal("the other organization's user lost OTP SMS")
	}
}

func TestMemberRefusedOnAdminPaths(t *testing.T) {
	e := newEnv(t)
	ctx, me := context.Background(), e.token(e.demo.Member)
	_, err := e.c.RemoveUserOTPSMS(ctx, me, e.demo.Org, e.demo.Enrolled)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	_, err = e.c.RemoveOTPSMS(ctx, me, e.demo.Enrolled)
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	_, err = e.c.SetPhone(ctx, me, e.demo.Enrolled, "+41795550001")
	wantErr(t, err, 404, 5, zitadelclient.ErrMembershipNotFound)
	list := must[[]zitadelclient.Member](t)(e.c.ListOrgMembers(ctx, me, e.demo.Org))
	if len(list) != 1 || list[0].UserID != e.demo.Member {
		t.Fatalf("a member listed %+v", list)
	}
}

func TestTransportFailures(t *testing.T) {
	e := newEnv(t)
	ctx, id := context.Background(), e.demo.Member
	tok := e.token(id)
	path := "/v2/users/" + id
	e.emu.AddFault(zitadelemu.Fault{Path: path, Status: 502, Body: "<html>Bad gateway</html>"})
	_, err := e.c.GetUser(ctx, tok, id)
	wantErr(t, err, 502, 0, zitadelclient.IDInvalidResponse)
	e.emu.AddFault(zitadelemu.Fault{Path: path, Status: 503})
	_, err = e.c.GetUser(ctx, tok, id)
	wantErr(t, err, 503, 14, "")

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c, _ := zitadelclient.New(zitadelclient.Config{BaseURL: dead.URL, Timeout: time.Second})
	_, err = c.GetUser(ctx, tok, id)
	wantErr(t, err, 0, 0, zitadelclient.IDUnreachable)

	// A 200 that is not JSON.
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer junk.Close()
	c, _ = zitadelclient.New(zitadelclient.Config{BaseURL: junk.URL})
	_, err = c.GetUser(ctx, tok, id)
	wantErr(t, err, 200, 0, zitadelclient.IDInvalidResponse)
}

func TestObserve(t *testing.T) {
	e := newEnv(t)
	var seen []string
	c, _ := zitadelclient.New(zitadelclient.Config{BaseURL: e.srv.URL, Observe: func(ep string, status int, id string, _ time.Duration) {
		seen = append(seen, ep+" "+http.StatusText(status)+" "+id)
	}})
	_, _ = c.AddOTPSMS(context.Background(), e.token(e.demo.Member), e.demo.Member)
	if len(seen) != 1 || seen[0] != "user.v2.add_otp_sms Bad Request COMMAND-Q54j2" {
		t.Fatalf("observed %q", seen)
	}
}
