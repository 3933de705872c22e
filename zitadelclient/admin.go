package zitadelclient

import (
	"context"
	"net/http"
)

// Calls an organization's admin makes about other users. They need
// user.read / user.write in that organization (ORG_OWNER has both); others
// get ErrMembershipNotFound (no role at all) or ErrNoPermission.

// listPageSize is one page of ListUsers; ZITADEL's default and our step.
const listPageSize = 100

// maxListed stops a runaway listing; an admin page shows far fewer.
const maxListed = 10000

type listUsersRequest struct {
	Query struct {
		Offset uint64 `json:"offset,string"`
		Limit  uint32 `json:"limit"`
		Asc    bool   `json:"asc"`
	} `json:"query"`
	Queries []userQuery `json:"queries"`
}

type userQuery struct {
	OrganizationIDQuery struct {
		OrganizationID string `json:"organizationId"`
	} `json:"organizationIdQuery"`
}

type listUsersResponse struct {
	Details struct {
		TotalResult uint64 `json:"totalResult,string"`
	} `json:"details"`
	Result []User `json:"result"`
}

// ListUsers lists an organization's users (POST /v2/users with an
// organizationIdQuery), all pages.
func (c *Client) ListUsers(ctx context.Context, token, orgID string) ([]User, error) {
	var all []User
	for len(all) < maxListed {
		req := listUsersRequest{Queries: []userQuery{{}}}
		req.Query.Offset, req.Query.Limit, req.Query.Asc = uint64(len(all)), listPageSize, true
		req.Queries[0].OrganizationIDQuery.OrganizationID = orgID
		var out listUsersResponse
		if err := c.do(ctx, call{endpoint: "user.v2.list_users", method: http.MethodPost, path: "/v2/users", token: token, in: req, out: &out}); err != nil {
			return nil, err
		}
		all = append(all, out.Result...)
		if len(out.Result) == 0 || uint64(len(all)) >= out.Details.TotalResult {
			break
		}
	}
	return all, nil
}

// ListOrgMembers lists an organization's users with their phone and
// whether OTP SMS is on: one ListUsers, then one AuthMethods per user.
func (c *Client) ListOrgMembers(ctx context.Context, token, orgID string) ([]Member, error) {
	return c.FindOrgMembers(ctx, token, orgID, nil)
}

// FindOrgMembers is ListOrgMembers for the users keep accepts (nil: all),
// asking for the factors of those only.
func (c *Client) FindOrgMembers(ctx context.Context, token, orgID string, keep func(*User) bool) ([]Member, error) {
	users, err := c.ListUsers(ctx, token, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(users))
	for i := range users {
		if keep != nil && !keep(&users[i]) {
			continue
		}
		methods, err := c.AuthMethods(ctx, token, users[i].UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, memberOf(&users[i], methods))
	}
	return out, nil
}

// RemoveUserOTPSMS turns off another user's text-message codes
// (DELETE /management/v1/users/{userId}/auth_factors/otp_sms, with
// x-zitadel-orgid naming the user's organization).
func (c *Client) RemoveUserOTPSMS(ctx context.Context, token, orgID, userID string) (*Details, error) {
	return c.details(ctx, call{endpoint: "management.v1.remove_otp_sms", method: http.MethodDelete, path: "/management/v1/users/" + esc(userID) + "/auth_factors/otp_sms", token: token, orgID: orgID})
}

// RemoveUserPhone removes another user's phone, and their OTP SMS with it
// (DELETE /management/v1/users/{userId}/phone, user.write): an admin's
// reset of a lost phone.
func (c *Client) RemoveUserPhone(ctx context.Context, token, orgID, userID string) (*Details, error) {
	return c.details(ctx, call{endpoint: "management.v1.remove_phone", method: http.MethodDelete, path: "/management/v1/users/" + esc(userID) + "/phone", token: token, orgID: orgID})
}

// Membership is one of the caller's roles in an organization.
type Membership struct {
	OrgID string   `json:"orgId"`
	Roles []string `json:"roles"`
}

type membershipsResponse struct {
	Result []Membership `json:"result"`
}

// MyMemberships are the token's user's roles in organizations
// (POST /auth/v1/memberships/me/_search, any authenticated user); an
// organization's admins are ORG_OWNER or ORG_USER_MANAGER there.
func (c *Client) MyMemberships(ctx context.Context, token string) ([]Membership, error) {
	var out membershipsResponse
	err := c.do(ctx, call{endpoint: "auth.v1.list_my_memberships", method: http.MethodPost, path: "/auth/v1/memberships/me/_search", token: token, in: struct{}{}, out: &out})
	return out.Result, err
}
