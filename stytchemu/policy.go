package stytchemu

import (
	"maps"
	"net/http"
	"slices"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Stytch's default RBAC resources (stytch-api.md §6) and the actions used
// beyond stytch.member's (rbac.go).
const (
	resourceOrganization = "stytch.organization"
	resourceMember       = "stytch.member"
	resourceSSO          = "stytch.sso"
	resourceSelf         = "stytch.self"
	resourceSCIM         = "stytch.scim"
	actDelete            = "delete"
	actGet               = "get"
	actAny               = "*" // what stytch_admin holds on every resource
)

// defaultResources are Stytch's built-in resources and their actions, as
// Stytch's admin portal lists them.
var defaultResources = []struct {
	id      string
	actions []string
}{
	{resourceOrganization, []string{"update.info.name", "update.info.slug", "update.info.logo-url", "update.settings.allowed-auth-methods",
		"update.settings.allowed-mfa-methods", "update.settings.email-jit-provisioning", "update.settings.email-invites",
		"update.settings.allowed-domains", "update.settings.default-sso-connection", "update.settings.sso-jit-provisioning",
		"update.settings.mfa-policy", "update.settings.implicit-roles", "update.settings.oauth-tenant-jit-provisioning",
		"update.settings.allowed-oauth-tenants", actDelete}},
	{resourceMember, []string{actCreate, actUpdateName, actUpdateEmail, actUpdateUntrusted, actUpdateMFAPhone, actDeleteMFAPhone,
		"update.info.delete.mfa-totp", "update.info.delete.password", actUpdateBreakglass, actUpdateMFAEnrolled, actUpdateDefaultMFA,
		actUpdateRoles, actSearch, actDelete, actRevokeSessions}},
	{resourceSSO, []string{actCreate, actGet, "update", actDelete}},
	{resourceSelf, []string{actUpdateName, actUpdateUntrusted, actUpdateMFAPhone, actDeleteMFAPhone, "update.info.delete.password",
		"update.info.delete.mfa-totp", actUpdateMFAEnrolled, actUpdateDefaultMFA, actDelete, actRevokeSessions}},
	{resourceSCIM, []string{actCreate, actGet, "update", actDelete}},
}

// grants reports whether a role of Stytch's default policy may do action on
// resource: stytch_admin everything, stytch_member its own stytch.self
// actions (those the emulator checks, rbac.go's selfActions).
func grants(role, resource, action string) bool {
	switch role {
	case stytchclient.RoleAdmin:
		return true
	case stytchclient.RoleMember:
		return resource == resourceSelf && selfActions[action]
	}
	return false
}

// authorizeOn enforces RBAC for actions on a resource other than a member
// (the organization, its SSO connections) when the request carries a
// member-session header; without one the project secret decides.
func (e *Emulator) authorizeOn(r *http.Request, orgID, resource string, actions ...string) *apiError {
	s, err := e.headerSession(r)
	if err != nil || s == nil {
		return err
	}
	if s.orgID != orgID {
		return errf(http.StatusForbidden, stytchclient.ErrSessionAuthorizationTenancy, "The Member Session does not belong to the Organization of this request.")
	}
	actor := e.st.member(s.orgID, s.memberID)
	if actor == nil {
		return errf(http.StatusNotFound, stytchclient.ErrSessionNotFound, "Session could not be found.")
	}
	for _, a := range actions {
		if len(grantingRoles(actor, resource, a)) == 0 {
			return errf(http.StatusForbidden, stytchclient.ErrSessionAuthorization, "The Member is not authorized to perform the requested action on that resource.")
		}
	}
	return nil
}

// grantingRoles are the member's roles that allow action on resource.
func grantingRoles(m *member, resource, action string) []string {
	var out []string
	for _, role := range m.roleIDs() {
		if grants(role, resource, action) {
			out = append(out, role)
		}
	}
	return out
}

// policyRole is api_b2b_rbac_v1_PolicyRole.
type policyRole struct {
	RoleID      string             `json:"role_id"`
	Description string             `json:"description"`
	Permissions []policyPermission `json:"permissions"`
}

// policyPermission is api_b2b_rbac_v1_PolicyRolePermission.
type policyPermission struct {
	ResourceID string   `json:"resource_id"`
	Actions    []string `json:"actions"`
}

// policyResource is api_b2b_rbac_v1_PolicyResource.
type policyResource struct {
	ResourceID  string   `json:"resource_id"`
	Description string   `json:"description"`
	Actions     []string `json:"actions"`
}

// getRBACPolicy answers GET /v1/b2b/rbac/policy with Stytch's default policy,
// which the SDKs fetch to check authorization locally.
func (e *Emulator) getRBACPolicy(*http.Request, *struct{}) (any, *apiError) {
	admin := policyRole{RoleID: stytchclient.RoleAdmin, Description: "Granted to Members who create an Organization through the Stytch discovery flow. Admins will also have the stytch_member role."}
	var resources []policyResource
	for _, res := range defaultResources {
		resources = append(resources, policyResource{ResourceID: res.id, Description: "Builtin resource for " + res.id + " objects", Actions: slices.Clone(res.actions)})
		admin.Permissions = append(admin.Permissions, policyPermission{ResourceID: res.id, Actions: []string{actAny}})
	}
	memberRole := policyRole{RoleID: stytchclient.RoleMember, Description: "Granted to all Members upon creation; grants permissions already implicitly granted to logged in Members via the SDK.",
		Permissions: []policyPermission{{ResourceID: resourceSelf, Actions: slices.Sorted(maps.Keys(selfActions))}}}
	return policyResponse{Response: ok(), Policy: rbacPolicy{Roles: []policyRole{memberRole, admin}, Resources: resources, Scopes: []any{}}}, nil
}

// getOrgPolicy answers GET /v1/b2b/rbac/organizations/{organization_id}:
// an organization's own roles, which the emulator has none of. The SDKs
// fetch it beside the project policy for local authorization checks.
func (e *Emulator) getOrgPolicy(r *http.Request, _ *struct{}) (any, *apiError) {
	if _, err := e.st.findOrg(r.PathValue("org")); err != nil {
		return nil, err
	}
	return orgPolicyResponse{Response: ok(), OrgPolicy: orgPolicy{Roles: []policyRole{}}}, nil
}

// orgPolicyResponse answers GET /v1/b2b/rbac/organizations/{organization_id}.
type orgPolicyResponse struct {
	stytchclient.Response
	OrgPolicy orgPolicy `json:"org_policy"`
}

// orgPolicy is api_b2b_rbac_v1_OrgPolicy.
type orgPolicy struct {
	Roles []policyRole `json:"roles"`
}

// policyResponse answers GET /v1/b2b/rbac/policy.
type policyResponse struct {
	stytchclient.Response
	Policy rbacPolicy `json:"policy"`
}

// rbacPolicy is api_b2b_rbac_v1_Policy; the emulator has no custom scopes.
type rbacPolicy struct {
	Roles     []policyRole     `json:"roles"`
	Resources []policyResource `json:"resources"`
	Scopes    []any            `json:"scopes"`
}
