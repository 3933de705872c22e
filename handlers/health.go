package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// storePingTimeout bounds how long /healthz waits for the store.
const storePingTimeout = 300 * time.Millisecond

// healthz answers load balancers and orchestrators. It does not call
// Stytch, and a store that does not answer still gets 200: an upstream
// hiccup must not take every replica out of rotation, since pages that
// need neither keep working. The body says so, for people and alerts.
func (a *app) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), storePingTimeout)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		return c.String(http.StatusOK, "ok\nstore: unreachable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}
