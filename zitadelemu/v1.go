package zitadelemu

import (
	"net/http"
	"strconv"
)

// The v1 auth API (/auth/v1/users/me/…) acts on the token's own user; the
// v1 management API (/management/v1/users/{userId}/…) on a user of the
// organization in x-zitadel-orgid (default: the caller's). Both run the
// same commands as v2, with v1's error ids.

type v1Phone struct {
	Phone           string `json:"phone,omitempty"`
	IsPhoneVerified bool   `json:"isPhoneVerified,omitempty"`
}

type v1PhoneResponse struct {
	Details details `json:"details"`
	Phone   v1Phone `json:"phone"`
}

func phoneV1(u *user) v1PhoneResponse {
	return v1PhoneResponse{Details: u.detailsV1(), Phone: v1Phone{Phone: u.Phone, IsPhoneVerified: u.PhoneVerified}}
}

func detailsV1(u *user) detailsResponse { return detailsResponse{Details: u.detailsV1()} }

type v1SetPhoneRequest struct {
	Phone           string `json:"phone"`
	IsPhoneVerified bool   `json:"isPhoneVerified"` // management only
}

type v1VerifyRequest struct {
	Code string `json:"code"`
}

// resendV1 issues a new code by SMS, with v1's errors.
func (e *Emulator) resendV1(u *user) (any, *apiError) {
	switch {
	case u.Phone == "":
		return nil, errResendNoPhoneV1
	case u.PhoneVerified:
		return nil, errResendVerifiedV1
	}
	e.issueCode(u, sendSMS)
	return detailsV1(u), nil
}

func (e *Emulator) removePhoneV1(u *user) (any, *apiError) {
	if u.Phone == "" {
		return nil, errRemoveNoPhoneV1
	}
	e.removePhone(u)
	return detailsV1(u), nil
}

func (e *Emulator) getMyPhone(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	return phoneV1(me), nil
}

// setMyPhone always sends a code: the auth API has no way to skip it.
func (e *Emulator) setMyPhone(_ *http.Request, me *user, req *v1SetPhoneRequest) (any, *apiError) {
	if err := checkPhoneLength(req.Phone, "SetMyPhoneRequest"); err != nil {
		return nil, err
	}
	if _, err := e.setPhone(me, req.Phone, sendSMS, errPhoneNotChangedV1); err != nil {
		return nil, err
	}
	return detailsV1(me), nil
}

func (e *Emulator) removeMyPhone(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	return e.removePhoneV1(me)
}

func (e *Emulator) verifyMyPhone(_ *http.Request, me *user, req *v1VerifyRequest) (any, *apiError) {
	if n := len([]rune(req.Code)); n < 1 || n > 200 {
		return nil, validation("invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive")
	}
	if err := e.verifyPhone(me, req.Code, errCodeInvalidV1); err != nil {
		return nil, err
	}
	return detailsV1(me), nil
}

func (e *Emulator) resendMyPhone(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	return e.resendV1(me)
}

func (e *Emulator) myAuthFactors(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	return smsFactors(me), nil
}

func (e *Emulator) addMyOTPSMS(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	if err := e.addOTPSMS(me); err != nil {
		return nil, err
	}
	return detailsV1(me), nil
}

func (e *Emulator) removeMyOTPSMS(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	if err := e.removeOTPSMS(me); err != nil {
		return nil, err
	}
	return detailsV1(me), nil
}

// OrgHeader names the organization a management call acts in.
const OrgHeader = "x-zitadel-orgid"

// mgmtTarget checks perm in the call's organization, then finds the path's
// user there; a user of another organization is answered with notHere, as
// ZITADEL's write models filtered by resource owner find no such user.
func (e *Emulator) mgmtTarget(r *http.Request, caller *user, perm string, notHere *apiError) (*user, *apiError) {
	orgID := r.Header.Get(OrgHeader)
	if orgID == "" {
		orgID = caller.OrgID
	}
	if err := permitted(caller, perm, orgID); err != nil {
		return nil, err
	}
	u := e.st.user(r.PathValue("userId"))
	if u == nil || u.OrgID != orgID {
		return nil, notHere
	}
	return u, nil
}

func (e *Emulator) mgmtGetPhone(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.mgmtTarget(r, caller, permUserRead, errUserNotFound)
	if err != nil {
		return nil, err
	}
	return phoneV1(u), nil
}

func (e *Emulator) mgmtSetPhone(r *http.Request, caller *user, req *v1SetPhoneRequest) (any, *apiError) {
	if err := checkPhoneLength(req.Phone, "UpdateHumanPhoneRequest"); err != nil {
		return nil, err
	}
	u, err := e.mgmtTarget(r, caller, permUserWrite, errUserGoneV1)
	if err != nil {
		return nil, err
	}
	d := sendSMS
	if req.IsPhoneVerified {
		d = markVerified
	}
	if _, err := e.setPhone(u, req.Phone, d, errPhoneNotChangedV1); err != nil {
		return nil, err
	}
	return detailsV1(u), nil
}

func (e *Emulator) mgmtRemovePhone(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.mgmtTarget(r, caller, permUserWrite, errUserGoneV1)
	if err != nil {
		return nil, err
	}
	return e.removePhoneV1(u)
}

func (e *Emulator) mgmtResendPhone(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.mgmtTarget(r, caller, permUserWrite, errUserGoneV1)
	if err != nil {
		return nil, err
	}
	return e.resendV1(u)
}

func (e *Emulator) mgmtAuthFactors(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.mgmtTarget(r, caller, permUserRead, errUserNotFound)
	if err != nil {
		return nil, err
	}
	return smsFactors(u), nil
}

// mgmtRemoveOTPSMS is the seed document's call: DELETE
// /management/v1/users/{userId}/auth_factors/otp_sms.
func (e *Emulator) mgmtRemoveOTPSMS(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.mgmtTarget(r, caller, permUserWrite, errOTPNotExisting)
	if err == nil {
		err = e.removeOTPSMS(u)
	}
	if err != nil {
		return nil, err
	}
	return detailsV1(u), nil
}

// membership is zitadel.user.v1.Membership, for an organization.
type membership struct {
	UserID      string   `json:"userId"`
	Details     details  `json:"details"`
	Roles       []string `json:"roles"`
	DisplayName string   `json:"displayName,omitempty"`
	OrgID       string   `json:"orgId"`
}

type membershipsResponse struct {
	Details listDetails  `json:"details"`
	Result  []membership `json:"result"`
}

// myMemberships is ListMyMemberships (POST /auth/v1/memberships/me/_search):
// the caller's roles in their own organization, which is where the
// emulator's seed gives roles. A user without any has an empty result.
func (e *Emulator) myMemberships(_ *http.Request, me *user, _ *empty) (any, *apiError) {
	out := membershipsResponse{Result: []membership{}}
	if len(me.Roles) > 0 {
		o := e.st.org(me.OrgID)
		out.Result = append(out.Result, membership{UserID: me.ID, Details: me.detailsV1(), Roles: me.Roles, DisplayName: o.Name, OrgID: o.ID})
	}
	out.Details.TotalResult = strconv.Itoa(len(out.Result))
	return out, nil
}
