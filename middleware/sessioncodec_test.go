package middleware

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

// fillEveryField sets every field reachable from v (a pointer to a
// struct) to a distinct non-zero value, following pointers to structs.
func fillEveryField(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		*n++
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("value %d ünïcode <&>\"", *n))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(*n))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			fillEveryField(t, f.Elem(), n)
		case reflect.Struct:
			if f.Type() == reflect.TypeFor[time.Time]() {
				f.Set(reflect.ValueOf(time.Date(2026, 11, 22, 12, 0, *n, 123456789, time.UTC)))
				continue
			}
			fillEveryField(t, f, n)
		default:
			t.Fatalf("field %s of kind %s: teach sessionSerializer (and this test) about it", v.Type().Field(i).Name, f.Kind())
		}
	}
}

// TestSessionCodecCoversEveryField fails when a field is added to the
// session without being added to the binary codec.
func TestSessionCodecCoversEveryField(t *testing.T) {
	var want mainCookie
	var n int
	fillEveryField(t, reflect.ValueOf(&want).Elem(), &n)
	want.SessionJWT = "" // travels in its own cookies, never in this one
	// Booleans one at a time: each must land in its own bit.
	for _, flip := range []func(*mainCookie){
		func(*mainCookie) {},
		func(m *mainCookie) { m.Profile.PhoneVerified = false },
		func(m *mainCookie) { m.Profile.MFAEnrolled = false },
		func(m *mainCookie) { m.Profile.IsAdmin = false },
		func(m *mainCookie) { m.Flow.StepUpDone = false },
		func(m *mainCookie) { m.Flow.AutoSent = false },
		func(m *mainCookie) { m.AdminReset.SignedOut = false },
		func(m *mainCookie) { m.Profile, m.Flow, m.AdminReset = nil, nil, nil },
		func(m *mainCookie) { m.CheckedAt, m.Flow.CodeSentAt = time.Time{}, time.Time{} },
		func(m *mainCookie) { m.JWTChunks, m.Flow.Attempts = -1, 0 },
	} {
		w := want
		p, f, a := *want.Profile, *want.Flow, *want.AdminReset
		w.Profile, w.Flow, w.AdminReset = &p, &f, &a
		flip(&w)
		if got := roundTrip(t, w); !reflect.DeepEqual(got, w) {
			t.Errorf("round trip lost something:\n got  %+v\n want %+v", got, w)
		}
	}
}

// roundTrip encodes mc and decodes the result.
func roundTrip(t *testing.T, mc mainCookie) mainCookie {
	t.Helper()
	b, err := sessionSerializer{}.Serialize(mc)
	if err != nil {
		t.Fatal(err)
	}
	var got mainCookie
	if err := (sessionSerializer{}).Deserialize(b, &got); err != nil {
		t.Fatalf("what was just encoded does not decode: %v", err)
	}
	return got
}

// TestSessionCodecReadsJSONCookies: a cookie written by an earlier
// version (JSON inside the same seal) still logs its member in.
func TestSessionCodecReadsJSONCookies(t *testing.T) {
	keys := RandomSessionKeys()
	st := newTestStore(t, SessionConfig{Keys: keys})
	want := realisticSession(fakeJWT(3000))
	old := securecookie.New(keys[0].HashKey, keys[0].BlockKey)
	old.SetSerializer(securecookie.JSONEncoder{})
	old.MaxAge(12 * 3600)
	mc := mainCookie{Session: *want, JWTChunks: 2, JWTSum: jwtSum(want.SessionJWT)}
	mc.SessionJWT = ""
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for name, v := range map[string]any{
		"mfaportal":       mc,
		"mfaportal_jwt.0": want.SessionJWT[:jwtChunkBytes],
		"mfaportal_jwt.1": want.SessionJWT[jwtChunkBytes:],
	} {
		value, err := old.Encode(name, v)
		if err != nil {
			t.Fatal(err)
		}
		r.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	got := st.Load(r)
	if !sameSession(got, want) {
		t.Errorf("JSON cookie read as\n %+v\nwant\n %+v", got, want)
	}
}

// sameSession compares sessions by instant, not by time.Location.
func sameSession(a, b *Session) bool {
	ja, _ := json.Marshal(normalizeTimes(*a))
	jb, _ := json.Marshal(normalizeTimes(*b))
	return string(ja) == string(jb) && a.SessionJWT == b.SessionJWT
}

func normalizeTimes(s Session) Session {
	s.CheckedAt, s.SessionExpiresAt = s.CheckedAt.UTC(), s.SessionExpiresAt.UTC()
	if s.Flow != nil {
		f := *s.Flow
		f.CodeSentAt, f.CodeExpiresAt, f.ResendAfter = f.CodeSentAt.UTC(), f.CodeExpiresAt.UTC(), f.ResendAfter.UTC()
		s.Flow = &f
	}
	return s
}

// TestSessionCodecRejectsDamage: every truncation, an extra byte, a
// bad flag byte and a wrong version are errors, never a half session.
func TestSessionCodecRejectsDamage(t *testing.T) {
	mc := mainCookie{Session: *realisticSession("")}
	b, err := sessionSerializer{}.Serialize(mc)
	if err != nil {
		t.Fatal(err)
	}
	var got mainCookie
	for i := range len(b) {
		if err := (sessionSerializer{}).Deserialize(b[:i], &got); err == nil {
			t.Fatalf("the first %d of %d bytes decoded", i, len(b))
		}
	}
	for name, bad := range map[string][]byte{
		"trailing byte": append(append([]byte{}, b...), 0),
		"wrong version": append([]byte{9}, b[1:]...),
		"a string":      append([]byte{codecString}, b[1:]...),
	} {
		if err := (sessionSerializer{}).Deserialize(bad, &got); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if !reflect.DeepEqual(got, mainCookie{}) {
		t.Errorf("a failed decode changed the destination: %+v", got)
	}
	var s string
	if err := (sessionSerializer{}).Deserialize(b, &s); err == nil {
		t.Error("a session decoded as a string")
	}
	if _, err := (sessionSerializer{}).Serialize(42); err == nil {
		t.Error("Serialize(42) gave no error")
	}
}

// TestSessionCookieSmaller records what the codec is for: the main cookie
// of a large realistic session, against the same session as JSON.
func TestSessionCookieSmaller(t *testing.T) {
	keys := RandomSessionKeys()
	st := newTestStore(t, SessionConfig{Keys: keys})
	s := realisticSession("")
	rec := httptest.NewRecorder()
	if err := st.Save(rec, httptest.NewRequest(http.MethodGet, "/", nil), s); err != nil {
		t.Fatal(err)
	}
	binary := findCookie(rec.Result().Cookies(), "mfaportal").Value
	old := securecookie.New(keys[0].HashKey, keys[0].BlockKey)
	old.SetSerializer(securecookie.JSONEncoder{})
	asJSON, err := old.Encode("mfaportal", mainCookie{Session: *s})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("main cookie: %d bytes, %d as JSON", len(binary), len(asJSON))
	if len(binary) >= len(asJSON)*3/4 {
		t.Errorf("main cookie is %d bytes, JSON's %d: the binary form should be well under", len(binary), len(asJSON))
	}
}

// FuzzSessionCodec: arbitrary bytes never panic the decoder, and what
// decodes encodes back to a value that decodes the same.
//
//	go test -run=NONE -fuzz=FuzzSessionCodec -fuzztime=1m -fuzzminimizetime=5s ./middleware/
func FuzzSessionCodec(f *testing.F) {
	full, _ := sessionSerializer{}.Serialize(mainCookie{Session: *realisticSession("")})
	empty, _ := sessionSerializer{}.Serialize(mainCookie{})
	f.Add(full)
	f.Add(empty)
	f.Add(full[:len(full)/2])
	f.Add([]byte(`{"session_token":"x"}`))
	f.Add([]byte{codecMainCookie, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte(strings.Repeat("\x01", 64)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 && (b[0] == '{' || b[0] == '"') {
			return // the JSON of earlier versions: encoding/json's to fuzz
		}
		var mc mainCookie
		if err := (sessionSerializer{}).Deserialize(b, &mc); err != nil {
			return
		}
		if back := roundTrip(t, mc); !reflect.DeepEqual(back, mc) {
			t.Fatalf("round trip changed the session:\n %+v\n %+v", back, mc)
		}
	})
}
