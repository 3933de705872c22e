package handlers

import "github.com/labstack/echo/v4"

// routes lists every route of the application, relative to the mount point.
func (a *app) routes(g *echo.Group) {
	g.GET("/healthz", a.healthz)
	g.GET("/static/*", a.serveStatic)
	g.HEAD("/static/*", a.serveStatic)

	// Logging in: e-mail magic link, then the SMS code when MFA applies.
	// A host that hands the session in logs members in and out itself.
	if a.host != nil {
		for _, p := range []string{"/login", "/login/sent", "/authenticate", "/login/phone", "/logout"} {
			g.Any(p, a.toHostLogin)
		}
	} else {
		g.GET("/login", a.loginForm)
		g.POST("/login", a.loginSend)
		g.GET("/login/sent", a.loginSent)
		g.GET("/authenticate", a.authenticate)
		g.GET("/login/phone", a.loginPhoneForm)
		g.POST("/login/phone", a.loginPhoneSend)
		g.POST("/logout", a.logout)
	}

	// The member's own security settings.
	g.GET("/", a.settings)
	g.GET("/enroll", a.enrollForm)
	g.POST("/enroll", a.enrollSend)
	g.POST("/enroll/turn-on", a.turnOnSend)
	g.GET("/replace", a.replaceConfirm)
	g.POST("/replace", a.replaceStart)
	g.GET("/unenroll", a.unenrollConfirm)
	g.POST("/unenroll", a.unenrollStart)

	// Entering a code, for every flow that texts one.
	g.GET("/verify", a.verifyForm)
	g.POST("/verify", a.verifyCode)
	g.POST("/verify/resend", a.verifyResend)
	g.POST("/verify/cancel", a.verifyCancel)

	// Organization admins: members' MFA state, and resetting a member's phone.
	g.GET("/admin", a.adminMembers)
	g.GET("/admin/members/:member_id", a.adminMemberPage)
	g.GET("/admin/members/:member_id/reset", a.adminResetConfirm)
	g.POST("/admin/members/:member_id/reset", a.adminReset)
	g.GET("/admin/members/:member_id/reset/done", a.adminResetDone)
}
