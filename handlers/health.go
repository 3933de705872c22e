package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz answers load balancers and orchestrators. It does not call
// Stytch: an upstream hiccup must not take every replica out of rotation.
func (a *app) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}
