package stytchemu

import (
	"fmt"
	"strings"
)

//go:generate go run ./internal/gencoverage

// CoverageFile is where `go generate` writes CoverageTable, beside this package.
const CoverageFile = "COVERAGE.md"

// routeNotes say, per route of the route table, what is worth knowing about
// its emulation; doc.go has the details and the choices behind them.
var routeNotes = map[string]string{
	"POST /v1/b2b/otps/sms/send":                                            "codes in the dev outbox; 2-minute expiry; MFA-bypass protection",
	"POST /v1/b2b/otps/sms/authenticate":                                    "enrol/unenrol; member locks after 10 failures",
	"DELETE /v1/b2b/organizations/{org}/members/mfa_phone_numbers/{member}": "RBAC with the member-session headers",
	"POST /v1/b2b/totp":                                                     "QR code and secret; pending until its first code; MFA-bypass protection",
	"POST /v1/b2b/totp/authenticate":                                        "one time step either side; a code is accepted once; member locks after 10 failures",
	"DELETE /v1/b2b/organizations/{org}/members/{member}/{factor}":          "totp only; RBAC with the member-session headers",
	"POST /v1/b2b/recovery_codes/recover":                                   "single-use codes; member locks after 10 failures",
	"GET /v1/b2b/recovery_codes/{org}/{member}":                             "the unused codes",
	"POST /v1/b2b/recovery_codes/rotate":                                    "every older code stops working",
	"GET /v1/b2b/organizations/{org}/member":                                "by member_id or email_address",
	"POST /v1/b2b/organizations/members/search":                             "all documented filters; opaque cursors",
	"PUT /v1/b2b/organizations/{org}/members/{member}":                      "RBAC per field",
	"POST /v1/b2b/organizations/{org}/members":                              "",
	"GET /v1/b2b/organizations/{org}":                                       "by id, slug or external id",
	"POST /v1/b2b/organizations":                                            "",
	"PUT /v1/b2b/organizations/{org}":                                       "every documented setting; RBAC per field",
	"DELETE /v1/b2b/organizations/{org}":                                    "its members, sessions and links go with it",
	"POST /v1/b2b/organizations/search":                                     "all documented filters",
	"DELETE /v1/b2b/organizations/{org}/members/{member}":                   "ends the member's sessions and links",
	"PUT /v1/b2b/organizations/{org}/members/{member}/reactivate":           "",
	"GET /v1/b2b/organizations/members/dangerously_get/{member}":            "include_deleted",
	"POST /v1/b2b/magic_links/email/login_or_signup":                        "links in the dev outbox; redirect-URL allow-list; PKCE",
	"POST /v1/b2b/magic_links/authenticate":                                 "MFA: intermediate session, SMS sent",
	"POST /v1/b2b/magic_links/email/invite":                                 "email_invites setting; redirect-URL allow-list",
	"POST /v1/b2b/magic_links/email/discovery/send":                         "redirect-URL allow-list; PKCE",
	"POST /v1/b2b/magic_links/discovery/authenticate":                       "",
	"POST /v1/b2b/discovery/organizations":                                  "memberships, and joining by e-mail domain",
	"POST /v1/b2b/discovery/intermediate_sessions/exchange":                 "JIT provisioning by e-mail domain; MFA",
	"POST /v1/b2b/discovery/organizations/create":                           "the creator is stytch_admin",
	"POST /v1/b2b/sessions/authenticate":                                    "authorization_check against the default RBAC policy",
	"POST /v1/b2b/sessions/revoke":                                          "",
	"POST /v1/b2b/sessions/exchange":                                        "",
	"GET /v1/b2b/sessions":                                                  "",
	"GET /v1/b2b/sessions/jwks/{project_id}":                                "no credentials needed, as at Stytch",
	"GET /v1/b2b/sso/{org}":                                                 "always empty: the emulator has no identity providers",
	"GET /v1/b2b/rbac/policy":                                               "Stytch's default roles and resources; no custom roles",
	"GET /v1/b2b/rbac/organizations/{org}":                                  "no organization roles",
}

// partial are the routes whose answers leave part of Stytch's behaviour out.
var partial = map[string]bool{
	"GET /v1/b2b/sso/{org}":                true,
	"GET /v1/b2b/rbac/policy":              true,
	"GET /v1/b2b/rbac/organizations/{org}": true,
}

// stytchPath writes a route with Stytch's names for the path parameters, and
// the factor route as Stytch's …/totp, the only factor it serves.
var stytchPath = strings.NewReplacer("{org}", "{organization_id}", "{member}", "{member_id}", "{factor}", "totp")

// CoverageTable is the Markdown of CoverageFile: every route the emulator
// serves, from its route table, so the list cannot drift from the code.
func CoverageTable() string {
	e, err := New(Options{})
	if err != nil {
		return fmt.Sprintf("the emulator did not start: %v\n", err)
	}
	var b strings.Builder
	b.WriteString("# Stytch B2B emulator: coverage\n\n")
	b.WriteString("Generated by `go generate ./stytchemu` from the emulator's route table; a test fails when this file is stale.\n")
	b.WriteString("Every route not listed answers `404` with Stytch's error body and `error_type` `route_not_found`, naming the call.\n")
	b.WriteString("The choices made where Stytch's documentation is silent are in `stytchemu/doc.go`.\n\n")
	b.WriteString("| route | status | notes |\n| --- | --- | --- |\n")
	for _, r := range e.Routes() {
		status := "emulated"
		if partial[r] {
			status = "partial"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", stytchPath.Replace(r), status, routeNotes[r])
	}
	return b.String()
}
