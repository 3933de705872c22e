package zitadelemu

import (
	"net/http"
	"slices"
)

// verification is the oneof of SetPhone, ResendPhoneCode and SetHumanPhone,
// under both its JSON and its proto names.
type verification struct {
	SendCode    *struct{} `json:"sendCode"`
	SendCodeP   *struct{} `json:"send_code"`
	ReturnCode  *struct{} `json:"returnCode"`
	ReturnCodeP *struct{} `json:"return_code"`
	IsVerified  *bool     `json:"isVerified"`
	IsVerifiedP *bool     `json:"is_verified"`
}

// delivery reads the oneof: none means send an SMS.
func (v verification) delivery(msg string) (delivery, *apiError) {
	send, ret, ver := v.SendCode != nil || v.SendCodeP != nil, v.ReturnCode != nil || v.ReturnCodeP != nil, v.IsVerified != nil || v.IsVerifiedP != nil
	n := 0
	for _, set := range []bool{send, ret, ver} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		return 0, validation("proto: oneof verification is already set")
	case ver && !(ptrTrue(v.IsVerified) || ptrTrue(v.IsVerifiedP)):
		return 0, validation("invalid " + msg + ".IsVerified: value must equal true")
	case ver:
		return markVerified, nil
	case ret:
		return returnCode, nil
	}
	return sendSMS, nil
}

func ptrTrue(b *bool) bool { return b != nil && *b }

// mayDeliver lets only a user.write holder see a code or skip it: the 2026
// advisories closed self-verification without a code.
func mayDeliver(caller, target *user, d delivery) *apiError {
	if d == sendSMS {
		return nil
	}
	return permitted(caller, permUserWrite, target.OrgID)
}

type setPhoneRequest struct {
	Phone string `json:"phone"`
	verification
}

func checkPhoneLength(phone, msg string) *apiError {
	if n := len([]rune(phone)); n < 1 || n > 200 {
		return validation("invalid " + msg + ".Phone: value length must be between 1 and 200 runes, inclusive")
	}
	return nil
}

// setPhoneV2 is POST /v2/users/{userId}/phone.
func (e *Emulator) setPhoneV2(r *http.Request, caller *user, req *setPhoneRequest) (any, *apiError) {
	d, err := req.delivery("SetPhoneRequest")
	if err == nil {
		err = checkPhoneLength(req.Phone, "SetPhoneRequest")
	}
	if err != nil {
		return nil, err
	}
	u, err := e.target(r, errPhoneUserGone)
	if err == nil {
		err = selfOr(caller, u, permUserWrite)
	}
	if err == nil {
		err = mayDeliver(caller, u, d)
	}
	if err != nil {
		return nil, err
	}
	code, err := e.setPhone(u, req.Phone, d, errPhoneNotChanged)
	if err != nil {
		return nil, err
	}
	return codeResponse{Details: u.details(), VerificationCode: code}, nil
}

type resendRequest struct{ verification }

// resendPhoneV2 is POST /v2/users/{userId}/phone/resend: a new code for a
// number not yet verified.
func (e *Emulator) resendPhoneV2(r *http.Request, caller *user, req *resendRequest) (any, *apiError) {
	d, err := req.delivery("ResendPhoneCodeRequest")
	if err == nil && d == markVerified {
		err = validation("proto: unknown field \"isVerified\"")
	}
	if err != nil {
		return nil, err
	}
	u, err := e.target(r, errPhoneUserGone)
	if err == nil {
		err = selfOr(caller, u, permUserWrite)
	}
	if err == nil {
		err = mayDeliver(caller, u, d)
	}
	if err != nil {
		return nil, err
	}
	if u.Phone == "" || u.code == nil {
		return nil, errResendNoCode
	}
	code := e.issueCode(u, d)
	return codeResponse{Details: u.details(), VerificationCode: code}, nil
}

type verifyRequest struct {
	VerificationCode  string `json:"verificationCode"`
	VerificationCodeP string `json:"verification_code"`
}

// verifyPhoneV2 is POST /v2/users/{userId}/phone/verify. No permission
// check: the code is the proof (VerifyUserPhone).
func (e *Emulator) verifyPhoneV2(r *http.Request, caller *user, req *verifyRequest) (any, *apiError) {
	code := req.VerificationCode
	if code == "" {
		code = req.VerificationCodeP
	}
	if n := len([]rune(code)); n < 1 || n > 20 {
		return nil, validation("invalid VerifyPhoneRequest.VerificationCode: value length must be between 1 and 20 runes, inclusive")
	}
	u, err := e.target(r, errPhoneUserGone)
	if err == nil {
		err = e.verifyPhone(u, code, errCodeInvalid)
	}
	if err != nil {
		return nil, err
	}
	return detailsResponse{Details: u.details()}, nil
}

// removePhoneV2 is DELETE /v2/users/{userId}/phone, which asks for
// user.write even when users remove their own phone (removeUserPhone).
func (e *Emulator) removePhoneV2(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.target(r, errPhoneUserGone)
	if err == nil {
		err = permitted(caller, permUserWrite, u.OrgID)
	}
	if err != nil {
		return nil, err
	}
	if u.Phone == "" {
		return nil, errPhoneUserGone
	}
	e.removePhone(u)
	return detailsResponse{Details: u.details()}, nil
}

type updateUserRequest struct {
	Human *struct {
		Phone *setPhoneRequest `json:"phone"`
	} `json:"human"`
}

type updateUserResponse struct {
	ChangeDate string `json:"changeDate"`
	PhoneCode  string `json:"phoneCode,omitempty"`
}

// updateUserV2 is PATCH /v2/users/{userId}, of which the emulator models the
// phone: a number sets it, an empty phone object removes it.
func (e *Emulator) updateUserV2(r *http.Request, caller *user, req *updateUserRequest) (any, *apiError) {
	u, err := e.target(r, errUserNotFound)
	if err == nil {
		err = selfOr(caller, u, permUserWrite)
	}
	if err != nil {
		return nil, err
	}
	if req.Human == nil || req.Human.Phone == nil {
		return updateUserResponse{ChangeDate: protoTime(u.changeDate)}, nil
	}
	p := req.Human.Phone
	d, err := p.delivery("SetHumanPhone")
	if err != nil {
		return nil, err
	}
	if p.Phone == "" && d == sendSMS && p.SendCode == nil && p.SendCodeP == nil {
		if u.Phone != "" {
			e.removePhone(u)
		}
		return updateUserResponse{ChangeDate: protoTime(u.changeDate)}, nil
	}
	if err := mayDeliver(caller, u, d); err != nil {
		return nil, err
	}
	if norm, _ := normalizePhone(p.Phone); norm != "" && norm == u.Phone {
		return updateUserResponse{ChangeDate: protoTime(u.changeDate)}, nil // nothing to change
	}
	code, err := e.setPhone(u, p.Phone, d, errPhoneNotChanged)
	if err != nil {
		return nil, err
	}
	return updateUserResponse{ChangeDate: protoTime(u.changeDate), PhoneCode: code}, nil
}

// addOTPSMSV2 is POST /v2/users/{userId}/otp_sms.
func (e *Emulator) addOTPSMSV2(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.target(r, errUserNotFound)
	if err == nil {
		err = selfOr(caller, u, permUserCredentialWrite)
	}
	if err == nil {
		err = e.addOTPSMS(u)
	}
	if err != nil {
		return nil, err
	}
	return detailsResponse{Details: u.details()}, nil
}

// removeOTPSMSV2 is DELETE /v2/users/{userId}/otp_sms.
func (e *Emulator) removeOTPSMSV2(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.target(r, errUserNotFound)
	if err == nil {
		err = selfOr(caller, u, permUserWrite)
	}
	if err == nil {
		err = e.removeOTPSMS(u)
	}
	if err != nil {
		return nil, err
	}
	return detailsResponse{Details: u.details()}, nil
}

// readable finds the path's user if the caller may read it.
func (e *Emulator) readable(r *http.Request, caller *user) (*user, *apiError) {
	u, err := e.target(r, errUserNotFound)
	if err == nil {
		err = selfOr(caller, u, permUserRead)
	}
	return u, err
}

func (e *Emulator) wireUser(u *user) wireUser {
	o := e.st.org(u.OrgID)
	return wireUser{
		UserID: u.ID, Details: u.details(), State: u.state,
		Username: u.UserName, LoginNames: []string{u.loginName(o)}, PreferredLoginName: u.loginName(o),
		Human: &wireHuman{
			Profile: wireProfile{GivenName: u.GivenName, FamilyName: u.FamilyName, DisplayName: u.DisplayName, PreferredLanguage: "en"},
			Email:   wireEmail{Email: u.Email, IsVerified: true},
			Phone:   wirePhone{Phone: u.Phone, IsVerified: u.PhoneVerified},
		},
	}
}

// getUserV2 is GET /v2/users/{userId}.
func (e *Emulator) getUserV2(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.readable(r, caller)
	if err != nil {
		return nil, err
	}
	return struct {
		Details details  `json:"details"`
		User    wireUser `json:"user"`
	}{u.details(), e.wireUser(u)}, nil
}

// authMethodsV2 is GET /v2/users/{userId}/authentication_methods. Every
// demo user has a password, as users of a real instance would.
func (e *Emulator) authMethodsV2(r *http.Request, caller *user, _ *empty) (any, *apiError) {
	u, err := e.readable(r, caller)
	if err != nil {
		return nil, err
	}
	methods := []string{authMethodPassword}
	if u.OTPSMS {
		methods = append(methods, authMethodOTPSMS)
	}
	return struct {
		Details         listDetails `json:"details"`
		AuthMethodTypes []string    `json:"authMethodTypes"`
	}{listDetails{TotalResult: u64(uint64(len(methods))), Timestamp: protoTime(e.Now())}, methods}, nil
}

type factorsRequest struct {
	AuthFactors []string `json:"authFactors"`
	States      []string `json:"states"`
}

type factorsResponse struct {
	Result []wireFactor `json:"result,omitempty"`
}

func smsFactors(u *user) factorsResponse {
	if !u.OTPSMS {
		return factorsResponse{}
	}
	return factorsResponse{Result: []wireFactor{{State: factorStateReady, OTPSMS: &struct{}{}}}}
}

// authFactorsV2 is POST /v2/users/{userId}/authentication_factors/_search.
func (e *Emulator) authFactorsV2(r *http.Request, caller *user, req *factorsRequest) (any, *apiError) {
	u, err := e.readable(r, caller)
	if err != nil {
		return nil, err
	}
	if (len(req.AuthFactors) > 0 && !slices.Contains(req.AuthFactors, "OTP_SMS")) ||
		(len(req.States) > 0 && !slices.Contains(req.States, factorStateReady)) {
		return factorsResponse{}, nil
	}
	return smsFactors(u), nil
}
