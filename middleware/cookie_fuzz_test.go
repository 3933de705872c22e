package middleware

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// FuzzCookieDecode feeds arbitrary cookie values to Load: it must never
// panic, and it must give back either exactly the saved session (for the
// untouched cookie) or an empty, logged-out one.
//
//	go test -run=NONE -fuzz=FuzzCookieDecode -fuzztime=1m ./middleware/
func FuzzCookieDecode(f *testing.F) {
	keys, err := ParseSessionKeys(strings.Repeat("a", 64) + ":" + strings.Repeat("b", 43))
	if err != nil {
		f.Fatal(err)
	}
	st, err := NewSessionStore(SessionConfig{Keys: keys, Secure: true, OnDecodeError: func(error) {}})
	if err != nil {
		f.Fatal(err)
	}
	want := realisticSession(fakeJWT(3000))
	rec := httptest.NewRecorder()
	if err := st.Save(rec, httptest.NewRequest(http.MethodGet, "/", nil), want); err != nil {
		f.Fatal(err)
	}
	cookies := map[string]string{}
	for _, c := range rec.Result().Cookies() {
		cookies[c.Name] = c.Value
	}
	main := cookies["mfaportal"]
	if main == "" {
		f.Fatalf("no main cookie among %v", rec.Result().Cookies())
	}
	f.Add(main, cookies["mfaportal_jwt.0"])
	f.Add(main[:len(main)/2], cookies["mfaportal_jwt.0"])
	f.Add(main[:len(main)-1]+"A", "")
	f.Add("", "")
	f.Add("garbage", "garbage")
	f.Add(strings.Repeat("QUFBQUFB", 2000), "")
	f.Add("MTcwMDAwMDAwMHx8", "|||")

	f.Fuzz(func(t *testing.T, mainValue, chunk0 string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		// Cookie values with characters a browser would not send are not
		// interesting here: the request would not carry them.
		for name, v := range map[string]string{"mfaportal": mainValue, "mfaportal_jwt.0": chunk0} {
			if v != "" && validCookieValue(v) {
				r.AddCookie(&http.Cookie{Name: name, Value: v})
			}
		}
		for name, v := range cookies {
			if name != "mfaportal" && name != "mfaportal_jwt.0" {
				r.AddCookie(&http.Cookie{Name: name, Value: v})
			}
		}
		got := st.Load(r)
		if got == nil {
			t.Fatal("Load returned nil")
		}
		// Only cookies sealed with our keys decode, and the only session
		// ever sealed with them is want (each fuzz worker seals it anew,
		// so compare what it holds, not the bytes).
		switch {
		case reflect.DeepEqual(got, &Session{}):
			if mainValue == main {
				t.Fatal("the valid cookie did not decode")
			}
		case got.SessionToken != want.SessionToken || got.MemberID != want.MemberID:
			t.Fatalf("a cookie decoded to a session nobody saved: %+v", got)
		}
	})
}

func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b <= 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' || b == ',' {
			return false
		}
	}
	return true
}
