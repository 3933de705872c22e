package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// codesOff enrolls number for the demo member without MFA, then turns
// text message codes off again: the phone stays, verified.
func codesOff(t *testing.T, e *env, b *browser, number, e164 string) {
	t.Helper()
	enroll(t, e, b, "US", number)
	b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(e164).Code}}))
	e.emu.Advance(31 * time.Second) // the resend cooldown, before the second code to the same number
	b.follow(b.post("/unenroll", nil))
	p := b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(e164).Code}}))
	contains(t, p, "main", "Text message codes are off")
	if st := e.member(e.demo.Organization.Member); st.MFAEnrolled || !st.PhoneVerified || st.Phone != e164 {
		t.Fatalf("after turning codes off: %+v", st)
	}
}

func TestRemovePhoneWhenCodesOff(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.login("acme", e.demo.Organization.Member.Email)
	codesOff(t, e, b, "(201) 555-0177", "+12015550177")

	p := b.get("/")
	exists(t, p, `a[href="/phone/remove"]`, true)
	p = b.get("/phone/remove")
	mustStatus(t, p, http.StatusOK)
	contains(t, p, "main", "+1 •••-•••-0177")
	exists(t, p, `form[action="/phone/remove"] button[type=submit]`, true)

	p = b.post("/phone/remove", nil)
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main", "Your phone number was removed.")
	contains(t, p, "main", "No phone set")
	exists(t, p, `a[href="/phone/remove"]`, false)
	if st := e.member(e.demo.Organization.Member); st.Phone != "" || st.PhoneVerified || st.MFAEnrolled {
		t.Fatalf("emulator state after removing the phone: %+v", st)
	}
}

func TestRemovePhoneNotWhileCodesOn(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	erin := e.demo.Organization.Enrolled
	b.login("acme", erin.Email)
	p := b.follow(b.post("/verify", url.Values{"code": {e.lastMessage(erin.Phone).Code}}))
	exists(t, p, `a[href="/phone/remove"]`, false)
	mustStatus(t, b.get("/phone/remove"), http.StatusSeeOther)
	mustStatus(t, b.post("/phone/remove", nil), http.StatusSeeOther)
	if st := e.member(erin); st.Phone != erin.Phone || !st.PhoneVerified || !st.MFAEnrolled {
		t.Fatalf("a POST while codes are on changed the member: %+v", st)
	}
}

// TestRemovePhoneAsksStytch: codes turned back on in another browser keep
// the phone, though this browser's cookie still says they are off.
func TestRemovePhoneAsksStytch(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	member := e.demo.Organization.Member
	b.login("acme", member.Email)
	codesOff(t, e, b, "(201) 555-0177", "+12015550177")

	other := e.browser()
	other.login("acme", member.Email)
	e.emu.Advance(31 * time.Second)
	other.follow(other.post("/enroll/turn-on", nil))
	other.follow(other.post("/verify", url.Values{"code": {e.lastMessage("+12015550177").Code}}))
	if st := e.member(member); !st.MFAEnrolled {
		t.Fatalf("codes not back on: %+v", st)
	}

	p := b.post("/phone/remove", nil)
	mustStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	contains(t, p, "main", "so it was not removed")
	exists(t, p, `a[href="/phone/remove"]`, false)
	if st := e.member(member); st.Phone != "+12015550177" || !st.PhoneVerified || !st.MFAEnrolled {
		t.Fatalf("the phone went while Stytch had codes on: %+v", st)
	}
}
