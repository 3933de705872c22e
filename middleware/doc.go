// Package middleware holds HTTP middleware only, one concern a file:
// security headers, request logging, panic recovery and a request body
// limit. Each is a plain func(http.Handler) http.Handler, so it works with
// any router; handlers.New puts them in order around the echo router.
package middleware
