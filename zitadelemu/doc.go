// Package zitadelemu is an in-memory emulator of the parts of a ZITADEL
// instance that an app setting up SMS two-step verification reaches:
// the v2 user service's phone and OTP SMS paths, their v1 auth ("me") and
// management counterparts, ListUsers, and an OpenID provider on ZITADEL's
// endpoint paths (oidc.go, built on zitadel/oidc's op package). [Emulator.Handler] serves them over real HTTP
// with ZITADEL's REST JSON (proto3 JSON through grpc-gateway:
// lowerCamelCase, uint64 as strings, RFC 3339 times, unset fields left out)
// and its error body {"code","message":"<text> (<ID>)","details":[{"@type":
// "type.googleapis.com/zitadel.v1.ErrorDetail","id","message"}]}.
//
// Development endpoints, without a token: GET/DELETE /dev/outbox (the SMS
// "sent", in the Stytch emulator's JSON), GET /dev/users, POST /dev/token
// {"userId"} → {"access_token"} (with ZITADEL's API audience unless
// "apiAudience":false), POST /dev/clock {"advance":"121s"} → {"now"}, and
// POST/DELETE /dev/faults. One [Clock] drives code expiry, token expiry and
// every date the emulator writes.
//
// The facts it follows are in ../shared/zitadel-api.md. How sure each part
// is, and what the emulator chose where the note is silent:
//
//	| rule | what the emulator does | how sure |
//	| --- | --- | --- |
//	| paths, permissions | as in the note's §1 tables; permission names and role mapping from cmd/defaults.yaml (ORG_OWNER: user.read/write/credential.write; ORG_USER_MANAGER: no credential.write) | sure (machine-read descriptors); org roles only, no instance members |
//	| self vs admin | self may set/resend/verify their phone, add/remove OTP SMS; v2 DELETE …/phone needs user.write even for self; returnCode and isVerified need user.write even for self | sure from the source read; whether newer ZITADEL allows self DELETE is open |
//	| permission errors | no membership in the target's org → 404 AUTHZ-cdgFk; a membership without the permission → 403 AUTH-AWfge | third-party captures; AUTH-AWfge less sure |
//	| token errors | missing, unknown, expired, or without the API audience → 401 AUTH-7fs1e, message untranslated | third-party captures |
//	| error texts | English from en.yaml as the note quotes them; not every text was checked | texts may differ; ids are what matter |
//	| HTTP status per gRPC code | grpc-gateway's defaults | third-party captures for 400/401/404/409 |
//	| proto validation | empty phone or code, isVerified:false, two oneof members → 400 code 3 without ErrorDetail | validator messages approximated |
//	| state machine | set (unverified, code pending) → verify → OTP SMS; changing the number keeps OTP SMS; removing the phone removes OTP SMS and the pending code; OTP SMS needs a phone verified since the last removal (so after a change it can be re-added before the new number is verified, as HumanOTPSMSWriteModel allows) | sure from the write model read; the last point inferred |
//	| user states | users are created active; POST /v2/users/{userId}/deactivate, /reactivate, /lock, /unlock move them with the preconditions, ids (COMMAND-gvx4kct9r2, -5gunjw0cd7, -s5qqcz97hf, -lgws8wtsqf, -olb9vb0oca) and order of checks (state, then permission: user.write or the user themselves) of ZITADEL's *UserV2 commands; locking or deactivating deletes the user's tokens; the login page refuses deactivated and locked users | commands and token projection read from the source; error texts guessed |
//	| phone codes | 6 characters A–Z0–9, valid 1 h; a new code replaces the old; a wrong code leaves it usable; no lockout | defaults.yaml; no lockout per the note |
//	| phone numbers | nyaruka/phonenumbers, default region CH, stored E.164; invalid → PHONE-so0wa; blank → PHONE-Zt0NV | sure |
//	| same number | v2 POST phone → COMMAND-Uch5e, v1 → COMMAND-wF94r; v2 PATCH with the same number changes nothing and succeeds | PATCH behaviour a guess |
//	| verify without a pending code | 404 COMMAND-Rsj8c (v1's id, also for v2) | v2 id a guess |
//	| v2 remove phone when none | 404 COMMAND-ieJ2e; PATCH with an empty phone when none is a no-op | guesses |
//	| user not found | v2 reads 404 QUERY-Dfbg2, v2 phone commands COMMAND-ieJ2e, management phone commands COMMAND-3M0fs | QUERY id a guess |
//	| management API | x-zitadel-orgid (default the caller's org) must be an org the caller holds the permission in; a user of another org is not found there (OTP SMS removal → COMMAND-Sr3h3) | the handler was not read; assumed from the commands' resource-owner filter |
//	| ListUsers | {"query":{offset,limit,asc},"queries":[…]} with organizationIdQuery and inUserIdsQuery (others → 400); results are the users the caller may read (user.read) plus themselves, in creation order; limit 0 → 100, at most 1000 | shapes from user_service.proto/query.proto; visibility of oneself a guess |
//	| authentication_methods | PASSWORD for every user (demo users have one) plus OTP_SMS when added | the password is the emulator's choice |
//	| SMS text | "Hello <name>,\nA new phone number has been added to your account. Please verify it with the code <code>." | approximates ZITADEL's VerifyPhone text; wording not confirmed |
//	| sequences | one per user aggregate, +1 per event (set phone and its code are two events) | ZITADEL's counting is per aggregate too |
//	| access tokens | opaque, 12 h; /dev/token and the OP issue them | ZITADEL's default lifetime |
//	| OIDC endpoints | discovery at /.well-known/openid-configuration; /oauth/v2/authorize, /oauth/v2/token, /oidc/v1/userinfo, /oidc/v1/end_session, /oauth/v2/keys (plus /oauth/v2/introspect and /oauth/v2/revoke); issuer = Options.Issuer or the request's origin | paths sure (defaults.yaml) |
//	| OIDC application | one, client id Options.ClientID (default "mfaportal"); public with PKCE (S256) unless ClientSecret is set; authorization code only (no refresh tokens); redirect and post-logout URIs from Options, or any http loopback host and port | a user-agent app in ZITADEL's dev mode |
//	| login | authorize redirects to /ui/login/login?authRequestID=…, a page listing the demo users (POST loginName = a login name, a user name or a user id); no password, no MFA step | the emulator's own; ZITADEL's login UI differs |
//	| OIDC tokens | opaque bearer access tokens (op encrypts "<id>:<sub>"), 12 h on the emulator clock; the REST API accepts them as the user only when the scope urn:zitadel:iam:org:project:id:zitadel:aud was asked for; sub = user id; ID tokens signed RS256 and stamped by op with real time, not the emulator clock | audience rule from third-party captures |
//	| claims | profile, email, phone as OIDC defines; urn:zitadel:iam:user:resourceowner adds …:resourceowner:id/:name/:primary_domain to userinfo; ID tokens carry no userinfo claims (ZITADEL's default) | claim names from ZITADEL's scope docs |
//	| end session | id_token_hint or client_id; redirects to post_logout_redirect_uri (with state) when allowed, else /ui/login/logout/done; the application's access tokens for that user stop working | ZITADEL ends the session; token revocation the emulator's choice |
//	| not modelled | e-mail, passwords, TOTP, passkeys, OTP SMS login codes, user creation, instance members, login/MFA policies, SMS providers, connectRPC paths | — |
package zitadelemu
