// Package nodesdk runs Stytch's official Node SDK (package.json pins it)
// against the emulator, through the routes a B2B app reaches: discovery,
// organizations, members, invites, sessions, SSO and RBAC. Run `npm ci`
// here first; without it the test skips and says so.
package nodesdk
