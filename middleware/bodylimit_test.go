package middleware

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMaxBody(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		read     func(r *http.Request) error
		tooLarge bool
	}{
		{"small form", "phone=4155550123", func(r *http.Request) error { return r.ParseForm() }, false},
		{"big form", "phone=" + strings.Repeat("1", 200), func(r *http.Request) error { return r.ParseForm() }, true},
		{"big raw body", strings.Repeat("x", 101), func(r *http.Request) error { _, err := io.ReadAll(r.Body); return err }, true},
		{"exactly the limit", strings.Repeat("x", 100), func(r *http.Request) error { _, err := io.ReadAll(r.Body); return err }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var readErr error
			h := MaxBody(100)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				readErr = tt.read(r)
				if IsTooLarge(readErr) {
					http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				}
			}))
			r := httptest.NewRequest(http.MethodPost, "/enroll", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if IsTooLarge(readErr) != tt.tooLarge {
				t.Errorf("read error = %v; IsTooLarge = %v, want %v", readErr, IsTooLarge(readErr), tt.tooLarge)
			}
			if tt.tooLarge && rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("status = %d, want 413", rec.Code)
			}
		})
	}
}

func TestIsTooLarge(t *testing.T) {
	mbe := &http.MaxBytesError{Limit: 10}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.ErrUnexpectedEOF, false},
		{mbe, true},
		{fmt.Errorf("bind form: %w", mbe), true},
		{errors.Join(io.EOF, mbe), true},
	}
	for _, tt := range tests {
		if got := IsTooLarge(tt.err); got != tt.want {
			t.Errorf("IsTooLarge(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
