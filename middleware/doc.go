// Package middleware holds the HTTP plumbing every mfaportal page relies on:
// the encrypted cookie session (SessionStore), its keys, security headers,
// request logging, panic recovery and a request body limit.
//
// Middleware is plain func(http.Handler) http.Handler so it works with any
// router; handlers.New wraps the echo router in it. The session store is a
// value handlers call explicitly, so the state a handler reads and writes is
// visible in the handler itself.
package middleware
