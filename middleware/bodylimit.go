package middleware

import (
	"errors"
	"net/http"
)

// MaxBody caps every request body at n bytes, so a client cannot make a
// form handler read without end. Reading past the cap fails with
// *http.MaxBytesError (see IsTooLarge), which the handlers answer with 413,
// and net/http closes the connection after the response.
func MaxBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && r.Body != http.NoBody { // a GET has NoBody: nothing to cap, no copy
				r = r.WithContext(r.Context()) // a copy: do not change the caller's request
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// IsTooLarge reports whether err, however wrapped, comes from a body over
// the MaxBody limit.
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
