package stytchclient_test

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
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mfaportal/mfaportal/internal/openapitest"
	"github.com/mfaportal/mfaportal/stytchclient"
	"github.com/mfaportal/mfaportal/stytchemu"
)

// The client against the emulator, over real HTTP, for every method. Both
// ends are checked against Stytch's OpenAPI spec: the emulator's server is
// wrapped in spec.Handler (what it answers) and the client's transport in
// spec.Transport (what it sends), with a Spec of its own for each side so
// the end of TestClientAgainstEmulator can tell that each side saw every
// operation.

// the fourteen operations the client implements, as the spec names them.
var clientOperations = []string{
	"POST /v1/b2b/otps/sms/send",
	"POST /v1/b2b/otps/sms/authenticate",
	"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id}",
	"GET /v1/b2b/organizations/{organization_id}/member",
	"POST /v1/b2b/organizations/members/search",
	"PUT /v1/b2b/organizations/{organization_id}/members/{member_id}",
	"POST /v1/b2b/organizations/{organization_id}/members",
	"GET /v1/b2b/organizations/{organization_id}",
	"POST /v1/b2b/organizations",
	"POST /v1/b2b/magic_links/email/login_or_signup",
	"POST /v1/b2b/magic_links/authenticate",
	"POST /v1/b2b/sessions/authenticate",
	"POST /v1/b2b/sessions/revoke",
	"GET /v1/b2b/sessions/jwks/{project_id}",
}

var emuStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// world is one seeded emulator on a fake clock, shared by the subtests of a
// test, with the two Specs that check its traffic (nil where the spec file
// is absent outside CI: then nothing is checked).
type world struct {
	emu     *stytchemu.Emulator
	clock   *stytchemu.FakeClock
	demo    stytchemu.Demo
	specSrv *openapitest.Spec // checks what the emulator answers
	specCli *openapitest.Spec // checks what the client sends
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{specSrv: openapitest.LoadIfPresent(t)}
	if w.specSrv != nil {
		w.specCli = openapitest.Load(t)
	}
	w.clock = stytchemu.NewFakeClock(emuStart)
	emu, err := stytchemu.New(stytchemu.Options{Clock: w.clock, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	w.emu, w.demo = emu, emu.Demo()
	return w
}

// recorded is one request as it reached the server.
type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder keeps every request that passes through it, headers and body
// as they arrived over the wire.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.Path, r.Header.Clone(), body})
		rec.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// last is the newest request; it fails t when there is none.
func (rec *recorder) last(t *testing.T) recorded {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) == 0 {
		t.Fatal("the server got no request")
	}
	return rec.reqs[len(rec.reqs)-1]
}

func (rec *recorder) all() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.reqs)
}

// conn is a client talking to the world's emulator for one (sub)test, with
// the recorder in front of the checked server.
type conn struct {
	*world
	t   *testing.T
	c   *stytchclient.Client
	rec *recorder
	url string
	ctx context.Context
}

// connect starts a server for the emulator behind the harness and a client
// whose transport is checked too. secret "" is the emulator's own.
func (w *world) connect(t *testing.T, secret string) *conn {
	t.Helper()
	var h http.Handler = w.emu.Handler()
	var rt http.RoundTripper = http.DefaultTransport
	if w.specSrv != nil {
		h = w.specSrv.Handler(t, h)
		rt = w.specCli.Transport(t, http.DefaultTransport)
	}
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(h))
	t.Cleanup(srv.Close)
	if secret == "" {
		secret = w.emu.Secret()
	}
	c, err := stytchclient.New(stytchclient.Config{
		ProjectID:  w.emu.ProjectID(),
		Secret:     secret,
		BaseURL:    srv.URL,
		HTTPClient: &http.Client{Transport: rt},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &conn{world: w, t: t, c: c, rec: rec, url: srv.URL, ctx: context.Background()}
}

// magicToken asks for a magic link with LoginOrSignup and takes the token
// from the e-mail the emulator "sent".
func (c *conn) magicToken(orgID, email string) string {
	c.t.Helper()
	if _, err := c.c.LoginOrSignup(c.ctx, stytchclient.LoginOrSignupRequest{OrganizationID: orgID, EmailAddress: email}); err != nil {
		c.t.Fatalf("LoginOrSignup %s: %v", email, err)
	}
	msg, found := c.emu.LastMessage(email)
	if !found || msg.Link == "" {
		c.t.Fatalf("no magic link e-mailed to %s", email)
	}
	u, err := url.Parse(msg.Link)
	if err != nil {
		c.t.Fatal(err)
	}
	return u.Query().Get("token")
}

// login runs the magic-link flow for a member.
func (c *conn) login(orgID, email string) *stytchclient.AuthenticateMagicLinkResponse {
	c.t.Helper()
	out, err := c.c.AuthenticateMagicLink(c.ctx, stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: c.magicToken(orgID, email)})
	if err != nil {
		c.t.Fatalf("AuthenticateMagicLink %s: %v", email, err)
	}
	return out
}

// session logs in a member who needs no MFA and returns the full answer.
func (c *conn) session(orgID, email string) *stytchclient.AuthenticateMagicLinkResponse {
	c.t.Helper()
	out := c.login(orgID, email)
	if !out.MemberAuthenticated || out.SessionToken == "" || out.SessionJWT == "" {
		c.t.Fatalf("login of %s did not authenticate: %+v", email, out)
	}
	return out
}

// code is the newest SMS code the emulator sent to phone.
func (c *conn) code(phone string) string {
	c.t.Helper()
	msg, found := c.emu.LastMessage(phone)
	if !found || msg.Channel != "sms" || len(msg.Code) != 6 {
		c.t.Fatalf("no SMS code sent to %s: %+v", phone, msg)
	}
	return msg.Code
}

// wantError checks err is a Stytch *Error with this status and type, with
// Stytch's body decoded, and returns it.
func wantError(t *testing.T, err error, status int, errType string) *stytchclient.Error {
	t.Helper()
	var se *stytchclient.Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want a *stytchclient.Error %d %s", err, err, status, errType)
	}
	if se.StatusCode != status || se.ErrorType != errType {
		t.Fatalf("got %d %s (%v), want %d %s", se.StatusCode, se.ErrorType, se, status, errType)
	}
	if !stytchclient.IsErrorType(err, errType) {
		t.Errorf("IsErrorType(%v, %q) = false", err, errType)
	}
	return se
}

// wantStytchError is wantError for an answer with Stytch's error body.
func wantStytchError(t *testing.T, err error, status int, errType string) *stytchclient.Error {
	t.Helper()
	se := wantError(t, err, status, errType)
	if !strings.HasPrefix(se.RequestID, "request-id-test-") || se.ErrorMessage == "" ||
		se.ErrorURL != fmt.Sprintf("https://stytch.com/docs/api/errors/%d", status) {
		t.Errorf("Stytch's error body was not decoded: %+v", se)
	}
	return se
}

const (
	headerSession = "X-Stytch-Member-Session"
	headerJWT     = "X-Stytch-Member-SessionJWT"
	newPhone      = "+12015550155"
)

// wantMemberHeaders checks the member-session headers of the newest request.
func (c *conn) wantMemberHeaders(token, jwt string) {
	c.t.Helper()
	h := c.rec.last(c.t).header
	if got := h.Get(headerSession); got != token {
		c.t.Errorf("%s = %q, want %q", headerSession, got, token)
	}
	if got := h.Get(headerJWT); got != jwt {
		c.t.Errorf("%s = %q, want %q", headerJWT, got, jwt)
	}
}

func TestClientAgainstEmulator(t *testing.T) {
	w := newWorld(t)
	acme, glx := w.demo.Organization, w.demo.Required

	t.Run("MagicLinkThenSMSWithIntermediateSession", func(t *testing.T) {
		c := w.connect(t, "")
		erin := acme.Enrolled
		sent, err := c.c.LoginOrSignup(c.ctx, stytchclient.LoginOrSignupRequest{OrganizationID: acme.ID, EmailAddress: erin.Email, LoginRedirectURL: "http://localhost:9999/cb"})
		if err != nil {
			t.Fatal(err)
		}
		if sent.MemberCreated || sent.MemberID != erin.ID || sent.Member.EmailAddress != erin.Email || sent.Organization.OrganizationID != acme.ID || sent.StatusCode != 200 {
			t.Fatalf("LoginOrSignup: %+v", sent)
		}
		msg, _ := w.emu.LastMessage(erin.Email)
		if !strings.HasPrefix(msg.Link, "http://localhost:9999/cb?") {
			t.Fatalf("login_redirect_url was not used: %q", msg.Link)
		}
		u, _ := url.Parse(msg.Link)
		ml, err := c.c.AuthenticateMagicLink(c.ctx, stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: u.Query().Get("token"), SessionDurationMinutes: 30})
		if err != nil {
			t.Fatal(err)
		}
		if ml.MemberAuthenticated || ml.SessionToken != "" || ml.IntermediateSessionToken == "" || ml.MemberID != erin.ID ||
			ml.MFARequired == nil || ml.MFARequired.SecondaryAuthInitiated != "sms_otp" || ml.MFARequired.MemberOptions == nil ||
			ml.MFARequired.MemberOptions.MFAPhoneNumber != erin.Phone {
			t.Fatalf("enrolled member should need MFA: %+v", ml)
		}
		// The link is single use.
		_, err = c.c.AuthenticateMagicLink(c.ctx, stytchclient.AuthenticateMagicLinkRequest{MagicLinksToken: u.Query().Get("token")})
		wantStytchError(t, err, 401, stytchclient.ErrUnableToAuthMagicLink)

		// Send again with the IST (to the number on file), then the newest code wins.
		first := c.code(erin.Phone)
		resent, err := c.c.SendSMS(c.ctx, stytchclient.SendSMSRequest{OrganizationID: acme.ID, MemberID: erin.ID, IntermediateSessionToken: ml.IntermediateSessionToken, Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if resent.MemberID != erin.ID || resent.Member.MFAPhoneNumber != erin.Phone {
			t.Fatalf("SendSMS: %+v", resent)
		}
		code := c.code(erin.Phone)
		if code == first {
			t.Log("the resent code happens to equal the first one")
		}
		auth, err := c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{
			OrganizationID: acme.ID, MemberID: erin.ID, Code: code,
			IntermediateSessionToken: ml.IntermediateSessionToken, SessionDurationMinutes: 30,
		})
		if err != nil {
			t.Fatal(err)
		}
		ms := auth.MemberSession
		if auth.SessionToken == "" || auth.SessionJWT == "" || ms == nil || ms.MemberID != erin.ID || ms.OrganizationID != acme.ID ||
			ms.ExpiresAt != emuStart.Add(30*time.Minute).Format(time.RFC3339) {
			t.Fatalf("AuthenticateSMS: %+v", auth)
		}
		var kinds []string
		for _, f := range ms.AuthenticationFactors {
			kinds = append(kinds, f.Type+"/"+f.DeliveryMethod)
		}
		if !slices.Contains(kinds, "magic_link/email") || !slices.Contains(kinds, "otp/sms") {
			t.Errorf("session factors %v, want the e-mail link and the SMS", kinds)
		}
		// The IST is consumed.
		_, err = c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: acme.ID, MemberID: erin.ID, Code: code, IntermediateSessionToken: ml.IntermediateSessionToken})
		wantStytchError(t, err, 404, stytchclient.ErrIntermediateSessionNotFound)
	})

	t.Run("SMSWithSessionToken", func(t *testing.T) {
		c := w.connect(t, "")
		maxM := acme.Member
		login := c.session(acme.ID, maxM.Email)
		sent, err := c.c.SendSMS(c.ctx, stytchclient.SendSMSRequest{OrganizationID: acme.ID, MemberID: maxM.ID, MFAPhoneNumber: newPhone, SessionToken: login.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if sent.Member.MFAPhoneNumber != newPhone || sent.Member.MFAPhoneNumberVerified {
			t.Fatalf("SendSMS should link the number unverified: %+v", sent.Member)
		}
		_, err = c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: acme.ID, MemberID: maxM.ID, Code: "000000", SessionToken: login.SessionToken})
		if c.code(newPhone) != "000000" {
			wantStytchError(t, err, 404, stytchclient.ErrOTPCodeNotFound)
		}
		auth, err := c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{
			OrganizationID: acme.ID, MemberID: maxM.ID, Code: c.code(newPhone), SessionToken: login.SessionToken,
			SetMFAEnrollment: stytchclient.MFAEnroll, SetDefaultMFA: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !auth.Member.MFAEnrolled || !auth.Member.MFAPhoneNumberVerified || auth.Member.DefaultMFAMethod != "sms_otp" || auth.SessionToken != login.SessionToken {
			t.Fatalf("AuthenticateSMS with a session: %+v", auth.Member)
		}
		if st, _ := w.emu.MemberState(maxM.ID); !st.MFAEnrolled || st.Phone != newPhone || !st.PhoneVerified {
			t.Fatalf("emulator state after enrolment: %+v", st)
		}
	})

	t.Run("MemberReadUpdateCreate", func(t *testing.T) {
		c := w.connect(t, "")
		got, err := c.c.GetMember(c.ctx, acme.ID, acme.Enrolled.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MemberID != acme.Enrolled.ID || got.Member.MFAPhoneNumber != acme.Enrolled.Phone || !got.Member.MFAEnrolled || got.Organization.OrganizationSlug != "acme" {
			t.Fatalf("GetMember: %+v", got)
		}
		if r := c.rec.last(t); r.method != http.MethodGet || r.path != "/v1/b2b/organizations/"+acme.ID+"/member" {
			t.Errorf("GetMember sent %s %s", r.method, r.path)
		}
		_, err = c.c.GetMember(c.ctx, acme.ID, "member-test-nope")
		wantStytchError(t, err, 404, stytchclient.ErrMemberNotFound)

		created, err := c.c.CreateMember(c.ctx, acme.ID, stytchclient.CreateMemberRequest{
			EmailAddress: "nora@acme.example", Name: "Nora New", MFAPhoneNumber: "+12015550166", MFAEnrolled: true,
		}, stytchclient.MemberAuth{})
		if err != nil {
			t.Fatal(err)
		}
		nora := created.Member
		if nora.Name != "Nora New" || !nora.MFAEnrolled || nora.MFAPhoneNumber != "+12015550166" || nora.Status != "active" || created.MemberID != nora.MemberID {
			t.Fatalf("CreateMember: %+v", created)
		}
		_, err = c.c.CreateMember(c.ctx, acme.ID, stytchclient.CreateMemberRequest{EmailAddress: "NORA@acme.example"}, stytchclient.MemberAuth{})
		wantStytchError(t, err, 400, stytchclient.ErrDuplicateEmail)

		// A *bool false is sent, and applied.
		no, name := false, "Nora N."
		upd, err := c.c.UpdateMember(c.ctx, acme.ID, nora.MemberID, stytchclient.UpdateMemberRequest{MFAEnrolled: &no, Name: &name}, stytchclient.MemberAuth{})
		if err != nil {
			t.Fatal(err)
		}
		if body := string(c.rec.last(t).body); !strings.Contains(body, `"mfa_enrolled":false`) || strings.Contains(body, "mfa_phone_number") {
			t.Errorf("UpdateMember sent %s; want mfa_enrolled false and nothing about the phone", body)
		}
		if upd.Member.MFAEnrolled || upd.Member.Name != name || upd.Member.MFAPhoneNumber != "+12015550166" {
			t.Fatalf("UpdateMember: %+v", upd.Member)
		}
		if m, _ := w.emu.Member(nora.MemberID); m.MFAEnrolled {
			t.Fatal("mfa_enrolled false was not applied")
		}
		// A member updates itself with its session in the header, but not another.
		ada := c.session(acme.ID, acme.Admin.Email)
		_, err = c.c.UpdateMember(c.ctx, acme.ID, acme.Admin.ID, stytchclient.UpdateMemberRequest{Name: &name}, stytchclient.MemberAuth{SessionToken: ada.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		c.wantMemberHeaders(ada.SessionToken, "")
		amy, err := c.c.CreateMember(c.ctx, acme.ID, stytchclient.CreateMemberRequest{EmailAddress: "amy@acme.example"}, stytchclient.MemberAuth{})
		if err != nil {
			t.Fatal(err)
		}
		amyLogin := c.session(acme.ID, "amy@acme.example")
		_, err = c.c.UpdateMember(c.ctx, acme.ID, acme.Admin.ID, stytchclient.UpdateMemberRequest{Name: &name}, stytchclient.MemberAuth{SessionJWT: amyLogin.SessionJWT})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		c.wantMemberHeaders("", amyLogin.SessionJWT)
		if _, err = c.c.UpdateMember(c.ctx, acme.ID, amy.MemberID, stytchclient.UpdateMemberRequest{Name: &name}, stytchclient.MemberAuth{SessionJWT: amyLogin.SessionJWT}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("DeleteMFAPhoneNumberRBAC", func(t *testing.T) {
		c := w.connect(t, "")
		mk := func(email, phone string) string {
			t.Helper()
			out, err := c.c.CreateMember(c.ctx, acme.ID, stytchclient.CreateMemberRequest{EmailAddress: email, MFAPhoneNumber: phone}, stytchclient.MemberAuth{})
			if err != nil {
				t.Fatal(err)
			}
			return out.MemberID
		}
		amy, bob := mk("ann@acme.example", "+12015550171"), mk("bob@acme.example", "+12015550172")
		amyLogin := c.session(acme.ID, "ann@acme.example")
		amyTok := stytchclient.MemberAuth{SessionToken: amyLogin.SessionToken}

		// Grace, admin of Globex (MFA required for all): enrol her phone through the IST.
		graceLogin := c.login(glx.ID, glx.Admin.Email)
		if graceLogin.IntermediateSessionToken == "" || graceLogin.MemberAuthenticated {
			t.Fatalf("Globex login should need MFA: %+v", graceLogin)
		}
		if _, err := c.c.SendSMS(c.ctx, stytchclient.SendSMSRequest{OrganizationID: glx.ID, MemberID: glx.Admin.ID, MFAPhoneNumber: "+12015550177", IntermediateSessionToken: graceLogin.IntermediateSessionToken}); err != nil {
			t.Fatal(err)
		}
		grace, err := c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: glx.ID, MemberID: glx.Admin.ID, Code: c.code("+12015550177"), IntermediateSessionToken: graceLogin.IntermediateSessionToken})
		if err != nil {
			t.Fatal(err)
		}

		// A plain member may not delete another member's phone ...
		_, err = c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, bob, amyTok)
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		c.wantMemberHeaders(amyLogin.SessionToken, "")
		_, err = c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, bob, stytchclient.MemberAuth{SessionJWT: amyLogin.SessionJWT})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		c.wantMemberHeaders("", amyLogin.SessionJWT)
		// ... nor may an admin of another organization ...
		_, err = c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, bob, stytchclient.MemberAuth{SessionToken: grace.SessionToken})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorizationTenancy)
		if st, _ := w.emu.MemberState(bob); st.Phone != "+12015550172" {
			t.Fatalf("a refused delete changed the member: %+v", st)
		}
		// ... but the member may delete its own ...
		del, err := c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, amy, amyTok)
		if err != nil {
			t.Fatal(err)
		}
		if del.Member.MFAPhoneNumber != "" || del.MemberID != amy {
			t.Fatalf("DeleteMFAPhoneNumber: %+v", del)
		}
		// ... and the project, without a member header, may delete anyone's.
		if _, err := c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, bob, stytchclient.MemberAuth{}); err != nil {
			t.Fatalf("the project's own delete: %v", err)
		}
		c.wantMemberHeaders("", "")
		if st, _ := w.emu.MemberState(bob); st.Phone != "" {
			t.Fatalf("phone still there: %+v", st)
		}
		_, err = c.c.DeleteMFAPhoneNumber(c.ctx, acme.ID, bob, stytchclient.MemberAuth{})
		wantStytchError(t, err, 404, stytchclient.ErrMemberPhoneNumberNotFound)
	})

	t.Run("SearchMembersWithSessionAndJWT", func(t *testing.T) {
		c := w.connect(t, "")
		ada := c.session(acme.ID, acme.Admin.Email)
		req := stytchclient.SearchMembersRequest{
			OrganizationIDs: []string{acme.ID}, Limit: 100,
			Query: &stytchclient.SearchQuery{Operator: "AND", Operands: []stytchclient.SearchOperand{{FilterName: "member_email_fuzzy", FilterValue: "erin"}}},
		}
		for name, as := range map[string]stytchclient.MemberAuth{
			"session token": {SessionToken: ada.SessionToken},
			"session JWT":   {SessionJWT: ada.SessionJWT},
			"project":       {},
		} {
			out, err := c.c.SearchMembers(c.ctx, req, as)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			c.wantMemberHeaders(as.SessionToken, as.SessionJWT)
			if len(out.Members) != 1 || out.Members[0].MemberID != acme.Enrolled.ID || out.ResultsMetadata.Total != 1 || out.Organizations[acme.ID].OrganizationSlug != "acme" {
				t.Fatalf("%s: SearchMembers: %+v", name, out)
			}
		}
		// Both set: the session token wins, and only its header is sent.
		if _, err := c.c.SearchMembers(c.ctx, req, stytchclient.MemberAuth{SessionToken: ada.SessionToken, SessionJWT: ada.SessionJWT}); err != nil {
			t.Fatal(err)
		}
		c.wantMemberHeaders(ada.SessionToken, "")

		// The JWT header is honoured: a plain member's JWT may not search,
		// the admin's may not search another organization.
		amy := c.session(acme.ID, "amy@acme.example")
		_, err := c.c.SearchMembers(c.ctx, req, stytchclient.MemberAuth{SessionJWT: amy.SessionJWT})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		_, err = c.c.SearchMembers(c.ctx, stytchclient.SearchMembersRequest{OrganizationIDs: []string{glx.ID}}, stytchclient.MemberAuth{SessionJWT: ada.SessionJWT})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorizationTenancy)
		_, err = c.c.SearchMembers(c.ctx, req, stytchclient.MemberAuth{SessionJWT: "not-a-jwt"})
		wantStytchError(t, err, 404, stytchclient.ErrSessionNotFound)

		// Paging through the cursor.
		page, err := c.c.SearchMembers(c.ctx, stytchclient.SearchMembersRequest{OrganizationIDs: []string{acme.ID}, Limit: 2}, stytchclient.MemberAuth{})
		if err != nil || len(page.Members) != 2 || page.ResultsMetadata.NextCursor == "" {
			t.Fatalf("first page: %v %+v", err, page)
		}
		next, err := c.c.SearchMembers(c.ctx, stytchclient.SearchMembersRequest{OrganizationIDs: []string{acme.ID}, Limit: 2, Cursor: page.ResultsMetadata.NextCursor}, stytchclient.MemberAuth{})
		if err != nil || len(next.Members) == 0 || next.Members[0].MemberID == page.Members[0].MemberID {
			t.Fatalf("second page: %v %+v", err, next)
		}
	})

	t.Run("Organizations", func(t *testing.T) {
		c := w.connect(t, "")
		org, err := c.c.CreateOrganization(c.ctx, stytchclient.CreateOrganizationRequest{
			OrganizationName: "Umbrella Corp", OrganizationSlug: "umbrella", MFAPolicy: stytchclient.MFAPolicyRequiredForAll,
			EmailAllowedDomains: []string{"umbrella.example"},
		})
		if err != nil {
			t.Fatal(err)
		}
		o := org.Organization
		if !strings.HasPrefix(o.OrganizationID, "organization-test-") || o.OrganizationSlug != "umbrella" || o.MFAPolicy != stytchclient.MFAPolicyRequiredForAll ||
			!slices.Equal(o.EmailAllowedDomains, []string{"umbrella.example"}) {
			t.Fatalf("CreateOrganization: %+v", o)
		}
		for _, key := range []string{o.OrganizationID, "umbrella"} {
			got, err := c.c.GetOrganization(c.ctx, key)
			if err != nil || got.Organization.OrganizationID != o.OrganizationID || got.Organization.OrganizationName != "Umbrella Corp" {
				t.Fatalf("GetOrganization(%s): %v %+v", key, err, got)
			}
		}
		_, err = c.c.CreateOrganization(c.ctx, stytchclient.CreateOrganizationRequest{OrganizationName: "Umbrella 2", OrganizationSlug: "umbrella"})
		wantStytchError(t, err, 400, stytchclient.ErrDuplicateSlug)
		_, err = c.c.GetOrganization(c.ctx, "nope")
		wantStytchError(t, err, 404, stytchclient.ErrOrganizationNotFound)

		// An admin creates a member with its session; a plain member may not.
		peter, err := c.c.CreateMember(c.ctx, o.OrganizationID, stytchclient.CreateMemberRequest{EmailAddress: "peter@umbrella.example", Roles: []string{stytchclient.RoleAdmin}}, stytchclient.MemberAuth{})
		if err != nil || !peter.Member.HasRole(stytchclient.RoleAdmin) || !peter.Member.HasRole(stytchclient.RoleMember) {
			t.Fatalf("CreateMember: %v %+v", err, peter)
		}
		// New signup through the magic link: a pending member is created.
		su, err := c.c.LoginOrSignup(c.ctx, stytchclient.LoginOrSignupRequest{OrganizationID: o.OrganizationID, EmailAddress: "milton@umbrella.example"})
		if err != nil || !su.MemberCreated || su.Member.Status != "pending" {
			t.Fatalf("signup: %v %+v", err, su)
		}
		amy := c.session(acme.ID, "amy@acme.example")
		_, err = c.c.CreateMember(c.ctx, acme.ID, stytchclient.CreateMemberRequest{EmailAddress: "x@acme.example"}, stytchclient.MemberAuth{SessionToken: amy.SessionToken})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		c.wantMemberHeaders(amy.SessionToken, "")
	})

	t.Run("SessionsAndRevoke", func(t *testing.T) {
		c := w.connect(t, "")
		ada := c.session(acme.ID, acme.Admin.Email)
		byTok, err := c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionToken: ada.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if byTok.MemberSession.MemberID != acme.Admin.ID || byTok.SessionToken != ada.SessionToken || byTok.SessionJWT == "" || byTok.Member.MemberID != acme.Admin.ID || byTok.Organization.OrganizationID != acme.ID {
			t.Fatalf("AuthenticateSession by token: %+v", byTok)
		}
		byJWT, err := c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionJWT: ada.SessionJWT, SessionDurationMinutes: 120})
		if err != nil {
			t.Fatal(err)
		}
		if byJWT.MemberSession.MemberSessionID != byTok.MemberSession.MemberSessionID || byJWT.MemberSession.ExpiresAt != w.emu.Now().Add(120*time.Minute).Format(time.RFC3339) {
			t.Fatalf("AuthenticateSession by JWT (extended): %+v", byJWT.MemberSession)
		}

		// A plain member may not revoke the admin's sessions.
		amy := c.session(acme.ID, "amy@acme.example")
		_, err = c.c.RevokeSession(c.ctx, stytchclient.RevokeSessionRequest{MemberID: acme.Admin.ID}, stytchclient.MemberAuth{SessionToken: amy.SessionToken})
		wantStytchError(t, err, 403, stytchclient.ErrSessionAuthorization)
		// Revoke one's own session with its session in the header, then it is gone.
		rv, err := c.c.RevokeSession(c.ctx, stytchclient.RevokeSessionRequest{SessionToken: amy.SessionToken}, stytchclient.MemberAuth{SessionToken: amy.SessionToken})
		if err != nil || rv.StatusCode != 200 || !strings.HasPrefix(rv.RequestID, "request-id-test-") {
			t.Fatalf("RevokeSession: %v %+v", err, rv)
		}
		c.wantMemberHeaders(amy.SessionToken, "")
		_, err = c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionToken: amy.SessionToken})
		wantStytchError(t, err, 404, stytchclient.ErrSessionNotFound)

		// The project revokes by member_session_id, then by member id.
		if _, err := c.c.RevokeSession(c.ctx, stytchclient.RevokeSessionRequest{MemberSessionID: byTok.MemberSession.MemberSessionID}, stytchclient.MemberAuth{}); err != nil {
			t.Fatal(err)
		}
		_, err = c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionToken: ada.SessionToken})
		wantStytchError(t, err, 404, stytchclient.ErrSessionNotFound)
		_, err = c.c.RevokeSession(c.ctx, stytchclient.RevokeSessionRequest{MemberSessionID: byTok.MemberSession.MemberSessionID}, stytchclient.MemberAuth{})
		wantStytchError(t, err, 404, stytchclient.ErrSessionNotFound)
		other := c.session(acme.ID, acme.Admin.Email)
		if _, err := c.c.RevokeSession(c.ctx, stytchclient.RevokeSessionRequest{MemberID: acme.Admin.ID}, stytchclient.MemberAuth{}); err != nil {
			t.Fatal(err)
		}
		_, err = c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionJWT: other.SessionJWT})
		wantStytchError(t, err, 404, stytchclient.ErrSessionNotFound)
	})

	t.Run("ErrorDecoding", func(t *testing.T) {
		c := w.connect(t, "")
		orgPath := "/v1/b2b/organizations/" + acme.ID

		// Wrong (but present) credentials pass the harness: the request is
		// well formed, and the emulator's 401 is checked like any answer.
		bad := w.connect(t, "secret-test-wrong")
		_, err := bad.c.GetOrganization(bad.ctx, acme.ID)
		se := wantStytchError(t, err, 401, stytchclient.ErrUnauthorizedCredentials)
		if se.Method != http.MethodGet || se.Path != orgPath || se.RetryAfter != "" || errors.Unwrap(err) != nil ||
			!strings.Contains(se.Error(), se.RequestID) || !strings.Contains(se.Error(), "401 unauthorized_credentials") {
			t.Errorf("401 error: %+v %q", se, se.Error())
		}
		wrapped := fmt.Errorf("load org: %w", err)
		if !stytchclient.IsErrorType(wrapped, "other", stytchclient.ErrUnauthorizedCredentials) || stytchclient.IsErrorType(wrapped, "other") ||
			stytchclient.IsErrorType(nil, stytchclient.ErrUnauthorizedCredentials) || stytchclient.IsErrorType(errors.New("x"), "x") {
			t.Error("IsErrorType is wrong")
		}
		var got *stytchclient.Error
		if !errors.As(wrapped, &got) || got != se {
			t.Error("errors.As does not find the *Error through wrapping")
		}

		// A Stytch error with Retry-After.
		w.emu.AddFault(stytchemu.Fault{Path: orgPath, Status: 429, RetryAfter: "7"})
		_, err = c.c.GetOrganization(c.ctx, acme.ID)
		if se := wantStytchError(t, err, 429, stytchclient.ErrTooManyRequests); se.RetryAfter != "7" {
			t.Errorf("RetryAfter = %q, want 7", se.RetryAfter)
		}
		w.emu.AddFault(stytchemu.Fault{Path: orgPath, Status: 503, ErrorType: "service_unavailable"})
		_, err = c.c.GetOrganization(c.ctx, acme.ID)
		wantStytchError(t, err, 503, "service_unavailable")
	})

	t.Run("JWKSAndJWTVerifier", func(t *testing.T) {
		c := w.connect(t, "")
		jwks, err := c.c.GetJWKS(c.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(jwks.Keys) != 1 || !strings.HasPrefix(jwks.Keys[0].Kid, "jwk-test-") || jwks.Keys[0].Alg != "RS256" {
			t.Fatalf("GetJWKS: %+v", jwks)
		}
		if r := c.rec.last(t); r.path != "/v1/b2b/sessions/jwks/"+w.emu.ProjectID() {
			t.Errorf("GetJWKS asked for %s", r.path)
		}

		// Erin, enrolled: the magic link then the SMS code.
		erin := acme.Enrolled
		ml := c.login(acme.ID, erin.Email)
		auth, err := c.c.AuthenticateSMS(c.ctx, stytchclient.AuthenticateSMSRequest{OrganizationID: acme.ID, MemberID: erin.ID, Code: c.code(erin.Phone), IntermediateSessionToken: ml.IntermediateSessionToken})
		if err != nil {
			t.Fatal(err)
		}
		before := len(c.rec.all())
		v := stytchclient.NewJWTVerifier(c.c, stytchclient.JWTOptions{Now: w.emu.Now})
		claims, err := v.Verify(c.ctx, auth.SessionJWT)
		if err != nil {
			t.Fatal(err)
		}
		if claims.MemberID != erin.ID || claims.OrganizationID != acme.ID || claims.OrganizationSlug != "acme" ||
			claims.SessionID != auth.MemberSession.MemberSessionID || !slices.Equal(claims.Roles, []string{stytchclient.RoleMember}) ||
			!claims.HasFactor("otp", "sms") || !claims.HasFactor("magic_link", "email") || !claims.ExpiresAt.Equal(w.emu.Now().Add(5*time.Minute)) {
			t.Fatalf("claims: %+v", claims)
		}
		if fetched := c.rec.all()[before:]; len(fetched) != 1 || fetched[0].method != http.MethodGet || !strings.HasPrefix(fetched[0].path, "/v1/b2b/sessions/jwks/") {
			t.Errorf("Verify should have fetched the JWKS once, over the wire: %v", fetched)
		}

		// An admin's JWT carries the admin role.
		ada := c.session(acme.ID, acme.Admin.Email)
		adaClaims, err := v.Verify(c.ctx, ada.SessionJWT)
		if err != nil || !slices.Contains(adaClaims.Roles, stytchclient.RoleAdmin) || adaClaims.MemberID != acme.Admin.ID {
			t.Fatalf("admin claims: %v %+v", err, adaClaims)
		}

		w.clock.Advance(6 * time.Minute)
		if _, err := v.Verify(c.ctx, auth.SessionJWT); !errors.Is(err, stytchclient.ErrJWTExpired) {
			t.Fatalf("after 6 minutes: %v, want ErrJWTExpired", err)
		}
		// The session outlives the JWT: sessions/authenticate mints a fresh one.
		fresh, err := c.c.AuthenticateSession(c.ctx, stytchclient.AuthenticateSessionRequest{SessionToken: auth.SessionToken})
		if err != nil {
			t.Fatal(err)
		}
		if again, err := v.Verify(c.ctx, fresh.SessionJWT); err != nil || again.MemberID != erin.ID {
			t.Fatalf("fresh JWT: %v %+v", err, again)
		}
	})

	t.Run("WireHeaders", func(t *testing.T) {
		c := w.connect(t, "")
		if _, err := c.c.GetOrganization(c.ctx, acme.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.c.SendSMS(c.ctx, stytchclient.SendSMSRequest{OrganizationID: glx.ID, MemberID: glx.Enrolled.ID}); err != nil {
			t.Fatal(err)
		}
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(w.emu.ProjectID()+":"+w.emu.Secret()))
		for _, r := range c.rec.all() {
			if got := r.header.Get("Authorization"); got != want {
				t.Errorf("%s %s: Authorization %q, want %q", r.method, r.path, got, want)
			}
			if r.header.Get("Accept") != "application/json" || r.header.Get("User-Agent") != "mfaportal" {
				t.Errorf("%s %s: Accept %q User-Agent %q", r.method, r.path, r.header.Get("Accept"), r.header.Get("User-Agent"))
			}
			if ct := r.header.Get("Content-Type"); (len(r.body) > 0) != (ct == "application/json") {
				t.Errorf("%s %s: Content-Type %q with a body of %d bytes", r.method, r.path, ct, len(r.body))
			}
			if r.header.Get(headerSession) != "" || r.header.Get(headerJWT) != "" {
				t.Errorf("%s %s: member header sent without MemberAuth", r.method, r.path)
			}
		}
	})

	if w.specSrv == nil {
		return
	}
	// Every operation was checked on both sides, successes and errors.
	var seen []string
	for _, op := range clientOperations {
		seen = append(seen, op+" 200")
	}
	w.specSrv.RequireSeen(t, seen...)
	w.specSrv.RequireSeen(t,
		"GET /v1/b2b/organizations/{organization_id} 401",
		"GET /v1/b2b/organizations/{organization_id} 404",
		"GET /v1/b2b/organizations/{organization_id} 429",
		"GET /v1/b2b/organizations/{organization_id} 503",
		"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id} 403",
		"DELETE /v1/b2b/organizations/{organization_id}/members/mfa_phone_numbers/{member_id} 404",
		"POST /v1/b2b/organizations/members/search 403",
		"POST /v1/b2b/sessions/authenticate 404",
		"POST /v1/b2b/sessions/revoke 403",
		"POST /v1/b2b/magic_links/authenticate 401",
	)
	w.specCli.RequireSeen(t, clientOperations...)
	w.specCli.RequireSeen(t, seen...)
	for name, spec := range map[string]*openapitest.Spec{"server": w.specSrv, "client": w.specCli} {
		st := spec.Stats()
		t.Logf("%s side: %+v", name, st)
		if st.InvalidRequests != 0 || st.Requests == 0 || st.Requests != st.Responses {
			t.Errorf("%s side: %+v; want every request and its answer checked, none waived", name, st)
		}
	}
}

// TestClientTransportFailures covers answers that are not Stytch's and
// calls that get no answer at all. A gateway's HTML page is by design not
// Stytch's answer, so that one exchange runs past the harness.
func TestClientTransportFailures(t *testing.T) {
	w := newWorld(t)
	acme := w.demo.Organization
	orgPath := "/v1/b2b/organizations/" + acme.ID

	t.Run("NonJSONBody", func(t *testing.T) {
		srv := httptest.NewServer(w.emu.Handler()) // no harness: a gateway answers, not Stytch
		defer srv.Close()
		c, err := stytchclient.New(stytchclient.Config{ProjectID: w.emu.ProjectID(), Secret: w.emu.Secret(), BaseURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		w.emu.AddFault(stytchemu.Fault{Path: orgPath, Status: 502, Body: "<html>bad gateway</html>", RetryAfter: "30"})
		_, err = c.GetOrganization(context.Background(), acme.ID)
		se := wantError(t, err, 502, stytchclient.ErrTypeInvalidResponse)
		if !strings.Contains(se.ErrorMessage, "<html>bad gateway</html>") || se.RequestID != "" || se.RetryAfter != "30" {
			t.Errorf("non-JSON 502: %+v", se)
		}
		if !errors.As(errors.Unwrap(err), new(*json.SyntaxError)) {
			t.Errorf("Unwrap = %v, want the JSON syntax error", errors.Unwrap(err))
		}
		// And the client works again once the gateway does.
		if _, err := c.GetOrganization(context.Background(), acme.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ConnectionRefused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		var rt http.RoundTripper = http.DefaultTransport
		if w.specCli != nil {
			rt = w.specCli.Transport(t, http.DefaultTransport) // the request is still checked
		}
		c, err := stytchclient.New(stytchclient.Config{ProjectID: w.emu.ProjectID(), Secret: w.emu.Secret(), BaseURL: "http://" + addr, HTTPClient: &http.Client{Transport: rt}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SendSMS(context.Background(), stytchclient.SendSMSRequest{OrganizationID: acme.ID, MemberID: acme.Enrolled.ID})
		se := wantError(t, err, 0, stytchclient.ErrTypeUnreachable)
		var opErr *net.OpError
		if inner := errors.Unwrap(err); inner == nil || !errors.As(inner, &opErr) || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Unwrap = %v (%T), want the refused dial", inner, inner)
		}
		if se.Method != http.MethodPost || se.Path != "/v1/b2b/otps/sms/send" {
			t.Errorf("unreachable error names %s %s", se.Method, se.Path)
		}
		if w.specCli != nil {
			w.specCli.RequireSeen(t, "POST /v1/b2b/otps/sms/send")
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		var h http.Handler = w.emu.Handler()
		if w.specSrv != nil {
			h = w.specSrv.Handler(t, h)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		// Config.Timeout applies to the client's own HTTP client, so no
		// harness transport here; the server side is still checked.
		c, err := stytchclient.New(stytchclient.Config{ProjectID: w.emu.ProjectID(), Secret: w.emu.Secret(), BaseURL: srv.URL, Timeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		w.emu.AddFault(stytchemu.Fault{Path: orgPath, Delay: 2 * time.Second})
		began := time.Now()
		_, err = c.GetOrganization(context.Background(), acme.ID)
		took := time.Since(began)
		wantError(t, err, 0, stytchclient.ErrTypeUnreachable)
		if took >= 2*time.Second {
			t.Errorf("the call took %v: the 100ms timeout did not apply", took)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("Unwrap = %v, want a timeout", errors.Unwrap(err))
		}
		// A cancelled context is unreachable too.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = c.GetOrganization(ctx, acme.ID)
		wantError(t, err, 0, stytchclient.ErrTypeUnreachable)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled call: %v", err)
		}
	})
}

func TestConfig(t *testing.T) {
	for id, want := range map[string]string{
		"project-live-x":                        stytchclient.LiveBaseURL,
		"project-live-11111111-2222":            stytchclient.LiveBaseURL,
		"project-test-x":                        stytchclient.TestBaseURL,
		"":                                      stytchclient.TestBaseURL,
		"project-livex":                         stytchclient.TestBaseURL,
		"live-project-x":                        stytchclient.TestBaseURL,
		"PROJECT-LIVE-x":                        stytchclient.TestBaseURL,
		"project-test-live-11111111-1111-1111-": stytchclient.TestBaseURL,
	} {
		if got := stytchclient.DefaultBaseURL(id); got != want {
			t.Errorf("DefaultBaseURL(%q) = %q, want %q", id, got, want)
		}
	}

	for name, cfg := range map[string]stytchclient.Config{
		"no secret":       {ProjectID: "project-test-x"},
		"no project":      {Secret: "secret-test-x"},
		"relative URL":    {ProjectID: "project-test-x", Secret: "s", BaseURL: "localhost:8080"},
		"non-HTTP scheme": {ProjectID: "project-test-x", Secret: "s", BaseURL: "ftp://example.com"},
	} {
		if c, err := stytchclient.New(cfg); err == nil || c != nil {
			t.Errorf("%s: New = %v, %v; want an error", name, c, err)
		}
	}

	for _, tc := range []struct{ id, base, want string }{
		{"project-live-x", "", stytchclient.LiveBaseURL},
		{"project-test-x", "", stytchclient.TestBaseURL},
		{"project-live-x", "https://login.example.com/", "https://login.example.com"},
	} {
		c, err := stytchclient.New(stytchclient.Config{ProjectID: tc.id, Secret: "s", BaseURL: tc.base})
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != tc.want || c.ProjectID() != tc.id {
			t.Errorf("New(%q, %q): BaseURL %q ProjectID %q, want %q", tc.id, tc.base, c.BaseURL(), c.ProjectID(), tc.want)
		}
	}
}
