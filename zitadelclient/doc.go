// Package zitadelclient is mfaportal's small client for the ZITADEL REST
// paths it needs to let members set up SMS two-step verification: read a
// user and their factors, set a phone with an SMS code, verify it, resend
// the code, add or remove OTP SMS, remove the phone, and for organization
// admins list users with their factors and remove a user's OTP SMS.
//
// It speaks plain JSON over net/http to the v2 user service, falling back to
// the v1 auth API (DELETE /auth/v1/users/me/phone) where v2 would ask a
// member for admin rights, and the v1 management API for an admin's reset.
// Every call is made as the user whose OIDC access token it is given; that
// token needs ZITADEL's API audience (scope
// urn:zitadel:iam:org:project:id:zitadel:aud), else ZITADEL answers
// ErrTokenInvalid. Member calls never send isVerified or returnCode.
//
// Login (oidc.go) signs users in by authorization code + PKCE with
// zitadel/oidc's relying party, asking for DefaultScopes (which include the
// API audience and the resource-owner scope), and builds the end_session
// URL for logout. The app keeps the PKCE verifier and state itself.
//
// Failures are *Error values carrying ZITADEL's error id; branch with
// IsErrorID. See ../shared/zitadel-api.md for the facts behind the paths.
package zitadelclient
