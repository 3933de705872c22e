// Package zitadel is a self-hosted ZITADEL as an identity.Backend:
// members log in on ZITADEL's own pages (identity.RedirectLogin), and
// every call runs with the member's own OIDC access token, so ZITADEL's
// permissions decide. What ZITADEL has no self-service API for is off in
// Features and hidden by the pages: authenticator apps and recovery codes
// (ZITADEL's own login handles them), proving the current phone by a
// texted code, an organization-wide MFA policy, and ending another
// member's sessions.
//
// A phone changes in place: ZITADEL keeps text-message codes on and
// texts the old, confirmed number until the new one is confirmed.
package zitadel

import (
	"context"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/identity"
	zc "github.com/mfaportal/mfaportal/zitadelclient"
)

// name is how pages name ZITADEL when it fails.
const name = "ZITADEL"

// adminRoles are the organization roles with user.write, which ZITADEL
// asks of an admin's list and reset (cmd/defaults.yaml). Instance roles
// (IAM_*) also have it, but come as instance memberships without an
// organization, which these pages do not offer.
var adminRoles = []string{"ORG_OWNER", "ORG_USER_MANAGER"}

// IsAdmin reports whether organization roles make a member an admin of
// these pages.
func IsAdmin(roles []string) bool {
	return slices.ContainsFunc(roles, func(r string) bool { return slices.Contains(adminRoles, r) })
}

// Backend is ZITADEL behind identity.Backend and identity.RedirectLogin.
type Backend struct {
	c     *zc.Client
	login *zc.Login
}

var (
	_ identity.Backend       = (*Backend)(nil)
	_ identity.RedirectLogin = (*Backend)(nil)
)

// New is the backend on a REST client and an OIDC login for the same
// instance.
func New(c *zc.Client, login *zc.Login) *Backend { return &Backend{c: c, login: login} }

func (b *Backend) Name() string { return name }

func (b *Backend) Features() identity.Features { return identity.Features{LetterCodes: true} }

// Session reads the member and their roles with their token; ZITADEL
// does not rotate access tokens, so the credentials stay as they are.
func (b *Backend) Session(ctx context.Context, as identity.Caller) (identity.Session, error) {
	m, err := b.Member(ctx, as, as.MemberID)
	if err != nil {
		return identity.Session{}, err
	}
	roles, err := b.c.MyMemberships(ctx, as.Token)
	if err != nil {
		return identity.Session{}, wrap(err)
	}
	for _, r := range roles {
		if r.OrgID == as.OrganizationID && IsAdmin(r.Roles) {
			m.IsAdmin = true
		}
	}
	org := identity.Organization{ID: as.OrganizationID}
	if org.Name, err = b.login.OrgName(ctx, as.Token, as.MemberID); err != nil {
		return identity.Session{}, wrap(err)
	}
	return identity.Session{Credentials: as.Credentials, Member: m, Organization: org}, nil
}

// Logout has nothing to call: the session ends in the browser, at
// LogoutURL.
func (b *Backend) Logout(context.Context, identity.Caller) error { return nil }

// SendCode sets the new number, which texts it a code, or texts the
// pending number again: setting the same number twice is an error in
// ZITADEL, resending is how it asks for a new code.
func (b *Backend) SendCode(ctx context.Context, as identity.Caller, req identity.SendCode) (identity.Member, error) {
	cur, err := b.Member(ctx, as, as.MemberID)
	if err != nil {
		return identity.Member{}, err
	}
	switch {
	case req.Phone == "" && (cur.Phone == "" || cur.PhoneVerified):
		return identity.Member{}, &identity.Error{Kind: identity.Refused, Backend: name, Reason: "no_pending_phone"}
	case req.Phone == "" || req.Phone == cur.Phone && !cur.PhoneVerified:
		_, err = b.c.ResendPhoneCode(ctx, as.Token, as.MemberID)
	default:
		_, err = b.c.SetPhone(ctx, as.Token, as.MemberID, req.Phone)
	}
	if err != nil {
		return identity.Member{}, wrap(err)
	}
	return b.Member(ctx, as, as.MemberID)
}

// ProveCode confirms the pending phone with its code and then turns
// text-message codes on or off as asked ("already so" counts as done).
// Codes from an app or recovery codes are not ZITADEL's here.
func (b *Backend) ProveCode(ctx context.Context, as identity.Caller, req identity.Proof) (identity.Proved, error) {
	if req.Method != identity.MethodSMS {
		return identity.Proved{}, &identity.Error{Kind: identity.Refused, Backend: name, Reason: "unsupported_method_" + req.Method}
	}
	if _, err := b.c.VerifyPhone(ctx, as.Token, as.MemberID, req.Code); err != nil {
		return identity.Proved{}, wrap(err)
	}
	if req.TextCodes != nil {
		if _, err := b.SetTextCodes(ctx, as, as.MemberID, *req.TextCodes); err != nil {
			return identity.Proved{}, err
		}
	}
	s, err := b.Session(ctx, as)
	return identity.Proved{Session: s}, err
}

// Member reads a user of the caller's organization and whether OTP SMS
// is one of their factors.
func (b *Backend) Member(ctx context.Context, as identity.Caller, memberID string) (identity.Member, error) {
	m, err := b.c.Member(ctx, as.Token, memberID)
	if err != nil {
		err = wrap(err)
		if memberID != as.MemberID && identity.Is(err, identity.Forbidden) {
			// ZITADEL's answer about a user where the caller has no role:
			// for the caller, no such member.
			err.(*identity.Error).Kind = identity.NotFound
		}
		return identity.Member{}, err
	}
	if m.OrgID != as.OrganizationID {
		return identity.Member{}, &identity.Error{Kind: identity.NotFound, Backend: name, Reason: "another organization"}
	}
	return member(*m), nil
}

// RemovePhone removes the phone and OTP SMS with it: the member's own
// through the auth API, another's through the management API.
func (b *Backend) RemovePhone(ctx context.Context, as identity.Caller, memberID string) (identity.Member, error) {
	var err error
	if memberID == as.MemberID {
		_, err = b.c.RemoveMyPhone(ctx, as.Token)
	} else {
		_, err = b.c.RemoveUserPhone(ctx, as.Token, as.OrganizationID, memberID)
	}
	if err != nil {
		return identity.Member{}, wrap(err)
	}
	return b.Member(ctx, as, memberID)
}

// SetTextCodes adds or removes the OTP SMS factor. An admin can remove
// another member's (the management API) but not add it: ZITADEL has no
// call for that.
func (b *Backend) SetTextCodes(ctx context.Context, as identity.Caller, memberID string, on bool) (identity.Member, error) {
	var err error
	switch {
	case memberID != as.MemberID && on:
		return identity.Member{}, &identity.Error{Kind: identity.Forbidden, Backend: name, Reason: "no call adds another user's OTP SMS"}
	case memberID != as.MemberID:
		_, err = b.c.RemoveUserOTPSMS(ctx, as.Token, as.OrganizationID, memberID)
	case on:
		_, err = b.c.AddOTPSMS(ctx, as.Token, memberID)
		if zc.IsErrorID(err, zc.ErrOTPSMSAlreadyReady) {
			err = nil
		}
	default:
		_, err = b.c.RemoveOTPSMS(ctx, as.Token, memberID)
		if zc.IsErrorID(err, zc.ErrOTPSMSNotExisting) {
			err = nil
		}
	}
	if err != nil {
		return identity.Member{}, wrap(err)
	}
	return b.Member(ctx, as, memberID)
}

// Members lists the caller's organization in one page: ZITADEL's list is
// read whole and filtered here, and only the members kept cost a call
// for their factors.
func (b *Backend) Members(ctx context.Context, as identity.Caller, q identity.MemberQuery) (identity.MemberPage, error) {
	keep := func(u *zc.User) bool {
		email := ""
		if u.Human != nil {
			email = u.Human.Email.Email
		}
		return (q.IDs == nil || slices.Contains(q.IDs, u.UserID)) && containsFold(email, q.EmailContains)
	}
	found, err := b.c.FindOrgMembers(ctx, as.Token, as.OrganizationID, keep)
	if err != nil {
		return identity.MemberPage{}, wrap(err)
	}
	var page identity.MemberPage
	for _, m := range found {
		page.Members = append(page.Members, member(m))
	}
	return page, nil
}

// EndSessions is not offered (Features.EndSessions is off).
func (b *Backend) EndSessions(context.Context, identity.Caller, string) (string, error) {
	return "", &identity.Error{Kind: identity.Refused, Backend: name, Reason: "end_sessions_unsupported"}
}

func (b *Backend) LoginURL(state, pkceVerifier string) string {
	return b.login.AuthURL(state, pkceVerifier)
}

// FinishLogin exchanges the code; the member is who the ID token says,
// in the organization userinfo names.
func (b *Backend) FinishLogin(ctx context.Context, code, pkceVerifier string) (identity.Session, error) {
	tokens, err := b.login.Exchange(ctx, code, pkceVerifier)
	if err != nil {
		return identity.Session{}, exchangeError(err)
	}
	as := identity.Caller{OrganizationID: tokens.OrgID, MemberID: tokens.UserID, Credentials: identity.Credentials{Token: tokens.AccessToken}}
	s, err := b.Session(ctx, as)
	if err != nil {
		return identity.Session{}, err
	}
	s.ExpiresAt = tokens.Expiry
	return s, nil
}

func (b *Backend) LogoutURL(state string) (string, error) {
	return b.login.EndSessionURL("", state)
}

// statuses are ZITADEL's user states in the pages' words: a user still
// in INITIAL has not finished the invitation (set a password, verified
// the e-mail), as Stytch's "invited"; an unknown state shows as unknown.
var statuses = map[string]string{
	"USER_STATE_ACTIVE":   "active",
	"USER_STATE_INITIAL":  "invited",
	"USER_STATE_INACTIVE": "inactive",
	"USER_STATE_LOCKED":   "locked",
	"USER_STATE_DELETED":  "deleted",
}

func member(m zc.Member) identity.Member {
	return identity.Member{
		ID: m.UserID, OrganizationID: m.OrgID, Email: m.Email, Name: m.DisplayName, Status: statuses[m.State],
		Phone: m.Phone, PhoneVerified: m.PhoneVerified, TextCodes: m.OTPSMS,
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
