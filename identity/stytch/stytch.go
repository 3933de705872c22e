// Package stytch is Stytch B2B as an identity.Backend: each method is one
// call (or, for a member list, one page of calls) of stytchclient, with
// Stytch's answers turned into the identity types and its error types
// into identity kinds (errors.go). Everything Stytch offers the pages is
// here, so every identity feature is on.
package stytch

import (
	"context"
	"strconv"
	"time"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/stytchclient"
)

// API is the part of Stytch's B2B API the backend calls;
// *stytchclient.Client satisfies it.
type API interface {
	SendSMS(ctx context.Context, req stytchclient.SendSMSRequest) (*stytchclient.SendSMSResponse, error)
	AuthenticateSMS(ctx context.Context, req stytchclient.AuthenticateSMSRequest) (*stytchclient.AuthenticateSMSResponse, error)
	GetMember(ctx context.Context, organizationID, memberID string) (*stytchclient.MemberResponse, error)
	DeleteMFAPhoneNumber(ctx context.Context, organizationID, memberID string, as stytchclient.MemberAuth) (*stytchclient.MemberResponse, error)
	LoginOrSignup(ctx context.Context, req stytchclient.LoginOrSignupRequest) (*stytchclient.LoginOrSignupResponse, error)
	AuthenticateMagicLink(ctx context.Context, req stytchclient.AuthenticateMagicLinkRequest) (*stytchclient.AuthenticateMagicLinkResponse, error)
	AuthenticateSession(ctx context.Context, req stytchclient.AuthenticateSessionRequest) (*stytchclient.AuthenticateSessionResponse, error)
	RevokeSession(ctx context.Context, req stytchclient.RevokeSessionRequest, as stytchclient.MemberAuth) (*stytchclient.Response, error)
	SearchMembers(ctx context.Context, req stytchclient.SearchMembersRequest, as stytchclient.MemberAuth) (*stytchclient.SearchMembersResponse, error)
	UpdateMember(ctx context.Context, organizationID, memberID string, req stytchclient.UpdateMemberRequest, as stytchclient.MemberAuth) (*stytchclient.MemberResponse, error)

	CreateTOTP(ctx context.Context, req stytchclient.CreateTOTPRequest) (*stytchclient.CreateTOTPResponse, error)
	AuthenticateTOTP(ctx context.Context, req stytchclient.AuthenticateTOTPRequest) (*stytchclient.AuthenticateTOTPResponse, error)
	DeleteTOTP(ctx context.Context, organizationID, memberID string, as stytchclient.MemberAuth) (*stytchclient.MemberResponse, error)
	Recover(ctx context.Context, req stytchclient.RecoverRequest) (*stytchclient.RecoverResponse, error)
	GetRecoveryCodes(ctx context.Context, organizationID, memberID string) (*stytchclient.RecoveryCodesResponse, error)
	RotateRecoveryCodes(ctx context.Context, req stytchclient.RotateRecoveryCodesRequest) (*stytchclient.RecoveryCodesResponse, error)
}

// Backend is Stytch behind identity.Backend, identity.EmailLogin and
// identity.Apps.
type Backend struct {
	api API
}

var (
	_ identity.Backend    = (*Backend)(nil)
	_ identity.EmailLogin = (*Backend)(nil)
	_ identity.Apps       = (*Backend)(nil)
)

// New is the backend on api (a *stytchclient.Client).
func New(api API) *Backend { return &Backend{api: api} }

// largestPage is Stytch's largest members/search page.
const largestPage = 1000

// name is how pages name Stytch when it fails.
const name = "Stytch"

func (b *Backend) Name() string { return name }

func (b *Backend) Features() identity.Features {
	return identity.Features{EmailLogin: true, ProveCurrentPhone: true, ReplaceByDeleting: true, Apps: true, OrganizationPolicy: true, EndSessions: true, ResetKeepsSecondStep: true}
}

func (b *Backend) Session(ctx context.Context, as identity.Caller) (identity.Session, error) {
	res, err := b.api.AuthenticateSession(ctx, stytchclient.AuthenticateSessionRequest{SessionToken: as.Token, SessionJWT: jwtOnly(as.Credentials)})
	if err != nil {
		return identity.Session{}, wrap(err)
	}
	return session(res.SessionToken, res.SessionJWT, &res.MemberSession, res.Member, res.Organization), nil
}

func (b *Backend) Logout(ctx context.Context, as identity.Caller) error {
	_, err := b.api.RevokeSession(ctx, stytchclient.RevokeSessionRequest{SessionToken: as.Token}, stytchclient.MemberAuth{})
	if err != nil && !stytchclient.IsErrorType(err, stytchclient.ErrSessionNotFound) {
		return wrap(err)
	}
	return nil
}

func (b *Backend) SendCode(ctx context.Context, as identity.Caller, req identity.SendCode) (identity.Member, error) {
	ist, token, jwt := sessionArgs(as.Credentials)
	res, err := b.api.SendSMS(ctx, stytchclient.SendSMSRequest{
		OrganizationID: as.OrganizationID, MemberID: as.MemberID, MFAPhoneNumber: req.Phone,
		Locale: smsLocale(req.Locale), IntermediateSessionToken: ist, SessionToken: token, SessionJWT: jwt,
	})
	if err != nil {
		return identity.Member{}, wrap(err)
	}
	return member(res.Member), nil
}

func (b *Backend) ProveCode(ctx context.Context, as identity.Caller, req identity.Proof) (identity.Proved, error) {
	ist, token, jwt := sessionArgs(as.Credentials)
	enrollment := ""
	if req.TextCodes != nil {
		enrollment = map[bool]string{true: stytchclient.MFAEnroll, false: stytchclient.MFAUnenroll}[*req.TextCodes]
	}
	switch req.Method {
	case identity.MethodApp:
		res, err := b.api.AuthenticateTOTP(ctx, stytchclient.AuthenticateTOTPRequest{
			OrganizationID: as.OrganizationID, MemberID: as.MemberID, Code: req.Code,
			IntermediateSessionToken: ist, SessionToken: token, SessionJWT: jwt,
			SetMFAEnrollment: enrollment, SetDefaultMFA: req.MakeDefault,
		})
		if err != nil {
			return identity.Proved{}, wrap(err)
		}
		return identity.Proved{Session: session(res.SessionToken, res.SessionJWT, res.MemberSession, res.Member, res.Organization)}, nil
	case identity.MethodRecovery:
		res, err := b.api.Recover(ctx, stytchclient.RecoverRequest{
			OrganizationID: as.OrganizationID, MemberID: as.MemberID, RecoveryCode: req.Code,
			IntermediateSessionToken: ist, SessionToken: token, SessionJWT: jwt,
		})
		if err != nil {
			return identity.Proved{}, wrap(err)
		}
		return identity.Proved{
			Session:           session(res.SessionToken, res.SessionJWT, res.MemberSession, res.Member, res.Organization),
			RecoveryCodesLeft: res.RecoveryCodesRemaining,
		}, nil
	}
	res, err := b.api.AuthenticateSMS(ctx, stytchclient.AuthenticateSMSRequest{
		OrganizationID: as.OrganizationID, MemberID: as.MemberID, Code: req.Code,
		IntermediateSessionToken: ist, SessionToken: token, SessionJWT: jwt,
		SetMFAEnrollment: enrollment, SetDefaultMFA: req.MakeDefault,
	})
	if err != nil {
		return identity.Proved{}, wrap(err)
	}
	return identity.Proved{Session: session(res.SessionToken, res.SessionJWT, res.MemberSession, res.Member, res.Organization)}, nil
}

// Member reads the member through a search within the caller's
// organization: Stytch's get-member call takes no session header, so it
// would skip Stytch's RBAC, which a search with the caller's session does
// not. A member reading themselves needs no permission and no search.
func (b *Backend) Member(ctx context.Context, as identity.Caller, memberID string) (identity.Member, error) {
	if memberID == as.MemberID {
		res, err := b.api.GetMember(ctx, as.OrganizationID, memberID)
		if err != nil {
			return identity.Member{}, wrap(err)
		}
		return member(res.Member), nil
	}
	page, err := b.Members(ctx, as, identity.MemberQuery{IDs: []string{memberID}})
	if err != nil {
		return identity.Member{}, err
	}
	for _, m := range page.Members {
		if m.ID == memberID && m.OrganizationID == as.OrganizationID {
			return m, nil
		}
	}
	return identity.Member{}, &identity.Error{Kind: identity.NotFound, Backend: name}
}

func (b *Backend) RemovePhone(ctx context.Context, as identity.Caller, memberID string) (identity.Member, error) {
	return answered(b.api.DeleteMFAPhoneNumber(ctx, as.OrganizationID, memberID, memberAuth(as.Credentials)))
}

func (b *Backend) SetTextCodes(ctx context.Context, as identity.Caller, memberID string, on bool) (identity.Member, error) {
	return b.update(ctx, as, memberID, stytchclient.UpdateMemberRequest{MFAEnrolled: &on})
}

func (b *Backend) Members(ctx context.Context, as identity.Caller, q identity.MemberQuery) (identity.MemberPage, error) {
	req := stytchclient.SearchMembersRequest{OrganizationIDs: []string{as.OrganizationID}, Cursor: q.Cursor, Limit: q.Limit}
	if req.Limit == 0 {
		req.Limit = largestPage
	}
	var ops []stytchclient.SearchOperand
	if q.EmailContains != "" {
		ops = append(ops, stytchclient.SearchOperand{FilterName: "member_email_fuzzy", FilterValue: q.EmailContains})
	}
	if q.IDs != nil {
		ops = append(ops, stytchclient.SearchOperand{FilterName: "member_ids", FilterValue: q.IDs})
	}
	if ops != nil {
		req.Query = &stytchclient.SearchQuery{Operator: "AND", Operands: ops}
	}
	res, err := b.api.SearchMembers(ctx, req, memberAuth(as.Credentials))
	if err != nil {
		return identity.MemberPage{}, wrap(err)
	}
	page := identity.MemberPage{Next: res.ResultsMetadata.NextCursor}
	if page.Next == q.Cursor {
		page.Next = "" // a cursor that does not move would loop
	}
	for _, m := range res.Members {
		page.Members = append(page.Members, member(m))
	}
	return page, nil
}

func (b *Backend) EndSessions(ctx context.Context, as identity.Caller, memberID string) (string, error) {
	res, err := b.api.RevokeSession(ctx, stytchclient.RevokeSessionRequest{MemberID: memberID}, memberAuth(as.Credentials))
	if err != nil {
		return "", wrap(err)
	}
	return res.RequestID, nil
}

func (b *Backend) SendLoginLink(ctx context.Context, req identity.LoginLink) error {
	_, err := b.api.LoginOrSignup(ctx, stytchclient.LoginOrSignupRequest{
		OrganizationID: req.OrganizationID, EmailAddress: req.Email,
		LoginRedirectURL: req.RedirectURL, SignupRedirectURL: req.RedirectURL,
		Locale: smsLocale(req.Locale), PKCECodeChallenge: req.PKCEChallenge,
	})
	return loginRefusal(wrap(err))
}

func (b *Backend) OpenLoginLink(ctx context.Context, token, pkceVerifier, locale string) (identity.Session, error) {
	res, err := b.api.AuthenticateMagicLink(ctx, stytchclient.AuthenticateMagicLinkRequest{
		MagicLinksToken: token, PKCECodeVerifier: pkceVerifier, Locale: smsLocale(locale),
	})
	if err != nil {
		return identity.Session{}, wrap(err)
	}
	s := session(res.SessionToken, res.SessionJWT, res.MemberSession, res.Member, res.Organization)
	if !res.MemberAuthenticated {
		s.Token, s.JWT = "", ""
		s.Intermediate = res.IntermediateSessionToken
		s.LoginCodeSent = res.MFARequired != nil && res.MFARequired.SecondaryAuthInitiated == stytchclient.MFAMethodSMS
	}
	return s, nil
}

func (b *Backend) NewApp(ctx context.Context, as identity.Caller) (identity.NewApp, error) {
	ist, token, jwt := sessionArgs(as.Credentials)
	res, err := b.api.CreateTOTP(ctx, stytchclient.CreateTOTPRequest{
		OrganizationID: as.OrganizationID, MemberID: as.MemberID,
		IntermediateSessionToken: ist, SessionToken: token, SessionJWT: jwt,
	})
	if err != nil {
		return identity.NewApp{}, wrap(err)
	}
	return identity.NewApp{Secret: res.Secret, QRCode: res.QRCode, RecoveryCodes: res.RecoveryCodes}, nil
}

func (b *Backend) RemoveApp(ctx context.Context, as identity.Caller, memberID string) (identity.Member, error) {
	return answered(b.api.DeleteTOTP(ctx, as.OrganizationID, memberID, memberAuth(as.Credentials)))
}

func (b *Backend) RecoveryCodes(ctx context.Context, as identity.Caller, memberID string) ([]string, error) {
	res, err := b.api.GetRecoveryCodes(ctx, as.OrganizationID, memberID)
	if err != nil {
		return nil, wrap(err)
	}
	return res.RecoveryCodes, nil
}

func (b *Backend) RotateRecoveryCodes(ctx context.Context, as identity.Caller) ([]string, string, error) {
	res, err := b.api.RotateRecoveryCodes(ctx, stytchclient.RotateRecoveryCodesRequest{OrganizationID: as.OrganizationID, MemberID: as.MemberID})
	if err != nil {
		return nil, "", wrap(err)
	}
	return res.RecoveryCodes, res.RequestID, nil
}

func (b *Backend) SetDefaultMethod(ctx context.Context, as identity.Caller, method string) (identity.Member, error) {
	return b.update(ctx, as, as.MemberID, stytchclient.UpdateMemberRequest{DefaultMFAMethod: &method})
}

func (b *Backend) update(ctx context.Context, as identity.Caller, memberID string, req stytchclient.UpdateMemberRequest) (identity.Member, error) {
	return answered(b.api.UpdateMember(ctx, as.OrganizationID, memberID, req, memberAuth(as.Credentials)))
}

// answered is a member answer as an identity.Member with Stytch's request
// id as its reference.
func answered(res *stytchclient.MemberResponse, err error) (identity.Member, error) {
	if err != nil {
		return identity.Member{}, wrap(err)
	}
	m := member(res.Member)
	m.Ref = res.RequestID
	return m, nil
}

// sessionArgs are the session fields of a Stytch request body: a login's
// intermediate token, else the session token, else (a host handed in the
// JWT alone) the JWT.
func sessionArgs(c identity.Credentials) (ist, token, jwt string) {
	switch {
	case c.Intermediate != "":
		return c.Intermediate, "", ""
	case c.Token == "":
		return "", "", c.JWT
	}
	return "", c.Token, ""
}

// memberAuth is the caller's session as Stytch's member-session header,
// which makes Stytch check the caller's permissions (RBAC).
func memberAuth(c identity.Credentials) stytchclient.MemberAuth {
	if c.Token == "" {
		return stytchclient.MemberAuth{SessionJWT: c.JWT}
	}
	return stytchclient.MemberAuth{SessionToken: c.Token}
}

func jwtOnly(c identity.Credentials) string {
	if c.Token == "" {
		return c.JWT
	}
	return ""
}

// smsLocale is the page's language as the locale for Stytch's texts and
// login e-mails: the page's language where Stytch's API lists it (en, es,
// fr, pt-br), else English, so the texted code and the page agree
// whenever Stytch can and nothing else is ever sent.
func smsLocale(lang string) string {
	switch lang {
	case "es", "fr":
		return lang
	case "pt-BR", "pt-br":
		return "pt-br"
	}
	return "en"
}

func member(m stytchclient.Member) identity.Member {
	return identity.Member{
		ID: m.MemberID, OrganizationID: m.OrganizationID, Email: m.EmailAddress, Name: m.Name,
		Status:        m.Status,
		Phone:         m.MFAPhoneNumber,
		PhoneVerified: m.MFAPhoneNumberVerified,
		TextCodes:     m.MFAEnrolled,
		App:           m.TOTPRegistrationID != "",
		DefaultMethod: m.DefaultMFAMethod,
		IsAdmin:       m.IsAdmin || m.HasRole(stytchclient.RoleAdmin),
	}
}

func organization(o stytchclient.Organization) identity.Organization {
	return identity.Organization{
		ID: o.OrganizationID, Name: o.OrganizationName, Slug: o.OrganizationSlug,
		MFARequired: o.MFAPolicy == stytchclient.MFAPolicyRequiredForAll,
	}
}

// session is an authenticate answer as an identity.Session. The session's
// roles, when Stytch sends them, say whether the member is an admin now.
func session(token, jwt string, ms *stytchclient.MemberSession, m stytchclient.Member, o stytchclient.Organization) identity.Session {
	s := identity.Session{
		Credentials:  identity.Credentials{Token: token, JWT: jwt},
		Member:       member(m),
		Organization: organization(o),
	}
	if ms != nil {
		if t, err := time.Parse(time.RFC3339, ms.ExpiresAt); err == nil {
			s.ExpiresAt = t
		}
		if ms.Roles != nil {
			s.Member.IsAdmin = hasRole(ms.Roles, stytchclient.RoleAdmin)
		}
	}
	return s
}

func hasRole(roles []string, role string) bool {
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// retryAfter reads a Retry-After header's seconds.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
