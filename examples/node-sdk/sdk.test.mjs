import { test } from "node:test";
import assert from "node:assert/strict";
import * as stytch from "stytch";

const base = process.env.STYTCH_API_URL ?? "http://127.0.0.1:8081";
const client = new stytch.B2BClient({
  project_id: "project-test-11111111-1111-4111-8111-111111111111",
  secret: "secret-test-emulator-not-a-real-secret",
  env: base + "/",
});
const outboxLink = async (to) => {
  const { messages } = await (await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`)).json();
  return new URL(messages.at(-1).link);
};

test("discovery, organizations, members, invites, sessions, SSO, RBAC through the Node SDK", async () => {
  await client.magicLinks.email.discovery.send({ email_address: "ada@acme.example", discovery_redirect_url: "http://localhost:3000/discover" });
  const link = await outboxLink("ada@acme.example");
  assert.equal(link.searchParams.get("stytch_token_type"), "discovery");
  const disc = await client.magicLinks.discovery.authenticate({ discovery_magic_links_token: link.searchParams.get("token") });
  assert.ok(disc.discovered_organizations.some((o) => o.organization.organization_slug === "acme"));
  const list = await client.discovery.organizations.list({ intermediate_session_token: disc.intermediate_session_token });
  assert.equal(list.email_address, "ada@acme.example");
  const acmeID = list.discovered_organizations.find((o) => o.organization.organization_slug === "acme").organization.organization_id;
  const ex = await client.discovery.intermediateSessions.exchange({ intermediate_session_token: disc.intermediate_session_token, organization_id: acmeID });
  assert.equal(ex.member_authenticated, true);
  const auth = { session_token: ex.session_token };

  // Local JWT check with an authorization check: JWKS, the RBAC policy and the organization's.
  const jwt = await client.sessions.authenticateJwt({ session_jwt: ex.session_jwt, authorization_check: { organization_id: acmeID, resource_id: "stytch.member", action: "delete" } });
  assert.equal(jwt.member_session.organization_id, acmeID);
  const remote = await client.sessions.authenticate({ session_token: ex.session_token, authorization_check: { organization_id: acmeID, resource_id: "stytch.member", action: "search" } });
  assert.deepEqual(remote.verdict.granting_roles, ["stytch_admin"]);

  await client.magicLinks.email.discovery.send({ email_address: "founder@hooli.example" });
  const hl = await outboxLink("founder@hooli.example");
  const hd = await client.magicLinks.discovery.authenticate({ discovery_magic_links_token: hl.searchParams.get("token") });
  const created = await client.discovery.organizations.create({ intermediate_session_token: hd.intermediate_session_token, organization_name: "Hooli" });
  assert.equal(created.member.is_admin, true);

  const found = await client.organizations.search({ query: { operator: "AND", operands: [{ filter_name: "organization_slugs", filter_value: ["hooli"] }] } });
  assert.equal(found.organizations.length, 1);
  const got = await client.organizations.get({ organization_id: acmeID });
  assert.equal(got.organization.organization_slug, "acme");
  await client.organizations.update({ organization_id: acmeID, organization_logo_url: "https://acme.example/logo.png" }, { authorization: auth });

  const m = await client.organizations.members.create({ organization_id: acmeID, email_address: "temp@acme.example", name: "Temp" }, { authorization: auth });
  await client.organizations.members.update({ organization_id: acmeID, member_id: m.member_id, name: "Temporary" }, { authorization: auth });
  const one = await client.organizations.members.get({ organization_id: acmeID, member_id: m.member_id });
  assert.equal(one.member.name, "Temporary");
  const s = await client.organizations.members.search({ organization_ids: [acmeID], query: { operator: "AND", operands: [{ filter_name: "member_emails", filter_value: ["temp@acme.example"] }] } }, { authorization: auth });
  assert.equal(s.members.length, 1);
  assert.equal(s.results_metadata.next_cursor, null);

  const inv = await client.magicLinks.email.invite({ organization_id: acmeID, email_address: "newhire@acme.example" }, { authorization: auth });
  assert.equal(inv.member.status, "invited");
  await client.organizations.members.delete({ organization_id: acmeID, member_id: inv.member_id }, { authorization: auth });

  // Max verifies his address with a magic link, is deleted and comes back.
  await client.magicLinks.email.loginOrSignup({ organization_id: acmeID, email_address: "max@acme.example" });
  const ml = await outboxLink("max@acme.example");
  const max = await client.magicLinks.authenticate({ magic_links_token: ml.searchParams.get("token") });
  await client.organizations.members.delete({ organization_id: acmeID, member_id: max.member_id }, { authorization: auth });
  const dg = await client.organizations.members.dangerouslyGet({ member_id: max.member_id, include_deleted: true });
  assert.equal(dg.member.status, "deleted");
  const back = await client.organizations.members.reactivate({ organization_id: acmeID, member_id: max.member_id }, { authorization: auth });
  assert.equal(back.member.status, "active");

  const sessions = await client.sessions.get({ organization_id: acmeID, member_id: ex.member_id });
  assert.ok(sessions.member_sessions.length >= 1);
  const exch = await client.sessions.exchange({ organization_id: created.organization.organization_id, session_token: ex.session_token }).catch((e) => e);
  assert.equal(exch.error_type, "member_does_not_exist_in_organization");

  const sso = await client.sso.getConnections({ organization_id: acmeID }, { authorization: auth });
  assert.deepEqual(sso.saml_connections, []);

  const missing = await client.oauth.authenticate({ oauth_token: "x" }).catch((e) => e);
  assert.equal(missing.status_code, 404);
  assert.equal(missing.error_type, "route_not_found");

  await client.organizations.delete({ organization_id: created.organization.organization_id });
});
