// Package stytchemu is an in-memory emulator of the Stytch B2B endpoints
// mfaportal uses, served over real HTTP by [Emulator.Handler] with Stytch's
// JSON shapes (the wire types of package stytchclient) and Stytch's
// five-field error body. It also serves development endpoints without Basic
// auth: GET/DELETE /dev/outbox (the SMS and e-mails it "sent", JSON or an
// HTML page for browsers), POST /dev/clock (advance the emulator clock),
// POST/DELETE /dev/faults (make Stytch fail or slow down on a path), GET
// /dev/stats (calls by route and status), GET/DELETE /dev/requests (the last
// 1,000 calls, secrets redacted; /dev/stats and /dev/requests are one HTML
// page for browsers) and GET/PUT/POST /dev/redirect_urls (the project's
// redirect-URL allow-list).
//
// One [Clock] drives every time the emulator stamps or checks. The facts it
// follows are in ../shared/stytch-api.md; where they are unconfirmed, the
// emulator makes the choices below.
//
//	| rule | what the emulator does | evidence / why |
//	| --- | --- | --- |
//	| wrong SMS code | 404 `otp_code_not_found`; also when no code was sent or it was discarded | best-evidence status (§7.2, §11) |
//	| expired or used SMS code | 401 `unable_to_auth_otp_code` | IOS-L10N text covers both; no separate expiry type exists |
//	| 2-minute boundary | a code is valid strictly before send+2m (1:59 accepted, 2:00 and 2:01 refused) | "expires after 2 minutes" |
//	| member lock | every failed SMS authenticate (wrong, expired or used code) counts; the 10th failure answers its own error and locks for 1 h; while locked, sms and magic-link authenticate answer 429 `user_lock_limit_reached` even for a right code or link (the link is not consumed); send and login_or_signup still work; any success resets the count | user-locks doc; which calls count is not documented |
//	| new number while the member has one (verified or not) | 400 `duplicate_member_phone_number_for_member`, on send and on member update | OPENAPI says "error"; the enum name is the best candidate; docs say the number is linked at send |
//	| send with no number to a member without one | 404 `member_phone_number_not_found` | enum name; status a guess |
//	| phone validation | syntactic E.164 (`+[1-9]` and 7 to 15 digits) else 400 `invalid_phone_number`; no country restrictions | JS-SDK text; emulator has no carrier data |
//	| number used by another member of the org | 400 `duplicate_member_phone_number` (other orgs may reuse it) | JS-SDK text + mock with 400 |
//	| MFA-bypass protection on send | when the member has a verified phone and the call names a different number, the IST/session passed must carry an otp/sms factor for the current phone, else 400 `session_enforced_factor_matching_session_required`; with it, the duplicate rule above applies (delete first). Re-sending to the current number never needs proof. TOTP is not emulated | §4.1 [U] interpretation |
//	| IST or session of another member | 400 `member_session_member_id_mismatch` (send, authenticate, magic-link authenticate) | enum name; status a guess |
//	| IST of another organization | 400 `invalid_intermediate_session_token_for_organization` | enum name |
//	| unknown, expired or consumed IST | 404 `intermediate_session_not_found` | IOS-L10N text |
//	| zero / several of IST, session_token, session_jwt | 400 `no_session_arguments` / 400 `too_many_session_arguments` (send allows zero) | enum names; status a guess |
//	| send to a pending/invited member | 400 `action_available_only_for_active_members` | DOCS B2B 400 |
//	| when the phone becomes verified | linked unverified at send (and by create/update member); verified at a successful SMS authenticate; seeded numbers are verified | §4.1 [U] |
//	| set_default_mfa | sets `default_mfa_method` to `sms_otp` | analogy with TOTP docs |
//	| delete MFA phone | clears the number and `mfa_phone_number_verified`, resets `default_mfa_method` from `sms_otp` to "", keeps `mfa_enrolled` and every session, discards a pending code; no phone → 404 `member_phone_number_not_found` | docs: sessions stay, MFA enforced at next login; the rest is a choice |
//	| mfa_required.member_options.mfa_phone_number | the full number, not masked | schema says "the Member's MFA phone number" |
//	| SMS sent by magic-link authenticate | when MFA applies and the member has any linked number (verified or not) | "if the member has a phone number" |
//	| e-mail JIT provisioning | `NOT_ALLOWED` refuses unknown addresses; otherwise a non-empty `email_allowed_domains` must contain the domain, and an empty list allows any address; refusal is 400 `invalid_email_for_jit_provisioning`; created members are `pending` | simplest rule matching the docs' intent |
//	| malformed e-mail | 400 `invalid_email` | enum name |
//	| magic-link redirect | login link for active members, signup link (signup_redirect_url, else login_redirect_url, else the default) for new/pending/invited; link = redirect + `stytch_token_type=multi_tenant_magic_links&token=` | B2B example callback |
//	| magic-link expiry | refused from exactly the expiry instant; used or expired → 401 `unable_to_auth_magic_link`; unknown → 404 `magic_link_not_found` | DOCS sandbox values |
//	| magic-link PKCE | `pkce_code_challenge` is kept with the link as sent (S256 only, no `plain`: base64url without padding of the verifier's SHA-256). On authenticate, after the unknown/used/expired checks: a challenge and no verifier → 400 `pkce_expected_code_verifier`; a verifier whose S256 differs → 400 `pkce_mismatch`; a verifier for a link sent without a challenge → 400 `pkce_did_not_expect_code_verifier`. None of these uses up the link, so the browser holding the verifier can still log in with it | error names from Stytch's SDK error enums (ANDROID-ERR; IOS-L10N texts for the first two); statuses not documented, 400 as for Stytch's other request errors; "no plain verifiers" from Stytch's B2C PKCE guide; whether a refusal uses up the link is not documented |
//	| magic-link IST argument | `intermediate_session_token` on magic-link authenticate is ignored | discovery flows are not emulated |
//	| sessions/authenticate | a JWT that fails signature/parse checks → 404 `session_not_found`; the answer carries the session token also when a JWT was given | no source for either |
//	| session_duration_minutes | outside 5…527040 → 400 `invalid_session_duration_minutes` | IOS-L10N text |
//	| revoke | unknown or already revoked session → 404 `session_not_found`; unknown member → 404 `member_not_found` | no source |
//	| RBAC header | unknown session → 404 `session_not_found`; both headers → 400 `bad_request`; other org → 403 `session_authorization_tenancy_error`; denied → 403 `session_authorization_error`; `stytch_admin` holds every stytch.member action used here; `trusted_metadata` with a header → 400 `bad_request` | GO-SDK local check types; §6 [U] |
//	| not found | 404 `organization_not_found` / `member_not_found`; members are found by id or external_id, orgs by id or slug | enum names |
//	| search | order of creation; `limit` above 1000 is clamped to 1000, negative → 400; `next_cursor` is an opaque token (null on the last page), a bad cursor → 400 `bad_request`; the deprecated OR operator works; `member_password_exists` works (no member has a password) | docs give no order or cursor format |
//	| create organization | slug derived from the name when absent; taken slug → 400 `organization_slug_already_used`; `email_jit_provisioning` defaults to `RESTRICTED` | Stytch's default |
//	| create member | taken e-mail → 400 `duplicate_email` | enum name |
//	| locales | SMS accepts the v18 SDK list, magic links `en`/`es`/`pt-br`/`fr`, else 400 `invalid_locale`; messages are always English | OPENAPI + GO-SDK |
//	| JWKS for another project id | 404 `project_not_found` | no source |
//	| unknown route | 404 `route_not_found` naming the method and path, after the credentials check, also for a path that is not in canonical form (where Go's router would answer an HTML redirect) and for a known path with another method; counted under one key, `unknown route` | no source |
//	| redirect URLs | a project-level allow-list, by default `http://localhost:*`, `http://127.0.0.1:*` and `http://[::1]:*`, plus the default redirect URL, which is always allowed; an entry may use `*.` for subdomains, `*` for the port and a trailing `*` in the path; an entry with no path allows every path on its origin, otherwise path and query must match exactly (Stytch: exact match); a URL with user info or a fragment never matches; off the list → 400 `no_match_for_provided_magic_link_url`, checked before anything is stored. Stytch's per-type lists (login, signup, invite, discovery) are one list here | url-validation doc; error name from Stytch's SDK error enums and real answers |
//	| request log | GET /dev/requests keeps the last 1,000 calls; values of fields named `code`, `password`, `recovery_code` or containing `token`, `jwt`, `secret` or `verifier` are `[redacted]` in bodies and queries; member-session headers are named, not shown; `at` is the emulator clock | — |
//	| session attributes | `user_agent` is the request's; `ip_address` is "" | the emulator sits behind the app |
//	| ids | `organization-test-`, `member-test-`, `member-session-test-`, `request-id-test-`, `jwk-test-`, `email-test-` (also the magic-link `method_id`), `phone-number-test-` + uuid v4; tokens are 44 URL-safe characters | official examples where they exist |
//	| empty values | every field the spec documents is sent: `{}` for metadata, custom claims, role-source details and `allowed_oauth_tenants`; `null` for an object or id that is not set (`scim_registration`, `scim_active_connection`, `sso_default_connection_id`, lock times, `member_session` while MFA is pending, `mfa_required`, `primary_required`, `member_device`, `verdict`, `secondary_auth_initiated`, `next_cursor` on the last page); `""` for strings such as `external_id`. An authentication factor carries only the detail object of its own kind (`email_factor`, `phone_number_factor`), not the other thirty as null | Stytch's examples and descriptions ("null if one does not", "until the next_cursor is null"); factors as in Stytch's example answers |
//	| timestamps | RFC 3339, UTC, whole seconds (`sent_at` in the outbox keeps the fraction) | OPENAPI examples |
//	| faults | counted in [Emulator.Calls] like any request, and fire before credentials | a retried call is still a call |
package stytchemu
