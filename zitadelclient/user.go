package zitadelclient

import (
	"context"
	"net/http"
)

// Calls a member makes on their own user with their own token. The request
// types have no isVerified or returnCode: with a member's token those would
// let a user skip proving the number (the 2026 advisories), so the client
// cannot send them.

func userPath(userID string) string { return "/v2/users/" + esc(userID) }

// GetUser reads a user (GET /v2/users/{userId}).
func (c *Client) GetUser(ctx context.Context, token, userID string) (*User, error) {
	var out struct {
		User User `json:"user"`
	}
	err := c.do(ctx, call{endpoint: "user.v2.get", method: http.MethodGet, path: userPath(userID), token: token, out: &out})
	if err != nil {
		return nil, err
	}
	return &out.User, nil
}

// AuthMethods lists a user's ready authentication methods
// (GET /v2/users/{userId}/authentication_methods), e.g. AuthMethodOTPSMS.
func (c *Client) AuthMethods(ctx context.Context, token, userID string) ([]string, error) {
	var out struct {
		AuthMethodTypes []string `json:"authMethodTypes"`
	}
	err := c.do(ctx, call{endpoint: "user.v2.authentication_methods", method: http.MethodGet, path: userPath(userID) + "/authentication_methods", token: token, out: &out})
	return out.AuthMethodTypes, err
}

// AuthFactors searches a user's second factors
// (POST /v2/users/{userId}/authentication_factors/_search); newer
// instances only, AuthMethods works everywhere.
func (c *Client) AuthFactors(ctx context.Context, token, userID string) ([]AuthFactor, error) {
	var out struct {
		Result []AuthFactor `json:"result"`
	}
	err := c.do(ctx, call{endpoint: "user.v2.authentication_factors", method: http.MethodPost, path: userPath(userID) + "/authentication_factors/_search", token: token, in: struct{}{}, out: &out})
	return out.Result, err
}

// Member reads a user and their methods into one Member (two calls).
func (c *Client) Member(ctx context.Context, token, userID string) (*Member, error) {
	u, err := c.GetUser(ctx, token, userID)
	if err != nil {
		return nil, err
	}
	methods, err := c.AuthMethods(ctx, token, userID)
	if err != nil {
		return nil, err
	}
	m := memberOf(u, methods)
	return &m, nil
}

type setPhoneRequest struct {
	Phone    string   `json:"phone"`
	SendCode struct{} `json:"sendCode"`
}

// SetPhone sets or replaces the phone and has ZITADEL text a code to it
// (POST /v2/users/{userId}/phone with sendCode). Replacing keeps OTP SMS
// on; the new number is unverified until VerifyPhone.
func (c *Client) SetPhone(ctx context.Context, token, userID, phone string) (*Details, error) {
	return c.details(ctx, call{endpoint: "user.v2.set_phone", method: http.MethodPost, path: userPath(userID) + "/phone", token: token, in: setPhoneRequest{Phone: phone}})
}

// VerifyPhone proves the number with the texted code
// (POST /v2/users/{userId}/phone/verify).
func (c *Client) VerifyPhone(ctx context.Context, token, userID, code string) (*Details, error) {
	in := struct {
		VerificationCode string `json:"verificationCode"`
	}{code}
	return c.details(ctx, call{endpoint: "user.v2.verify_phone", method: http.MethodPost, path: userPath(userID) + "/phone/verify", token: token, in: in})
}

// ResendPhoneCode texts a new code for the unverified number
// (POST /v2/users/{userId}/phone/resend with sendCode).
func (c *Client) ResendPhoneCode(ctx context.Context, token, userID string) (*Details, error) {
	in := struct {
		SendCode struct{} `json:"sendCode"`
	}{}
	return c.details(ctx, call{endpoint: "user.v2.resend_phone_code", method: http.MethodPost, path: userPath(userID) + "/phone/resend", token: token, in: in})
}

// AddOTPSMS turns on text-message codes as a second factor
// (POST /v2/users/{userId}/otp_sms); the phone must be verified.
func (c *Client) AddOTPSMS(ctx context.Context, token, userID string) (*Details, error) {
	return c.details(ctx, call{endpoint: "user.v2.add_otp_sms", method: http.MethodPost, path: userPath(userID) + "/otp_sms", token: token, in: struct{}{}})
}

// RemoveOTPSMS turns text-message codes off (DELETE /v2/users/{userId}/otp_sms).
func (c *Client) RemoveOTPSMS(ctx context.Context, token, userID string) (*Details, error) {
	return c.details(ctx, call{endpoint: "user.v2.remove_otp_sms", method: http.MethodDelete, path: userPath(userID) + "/otp_sms", token: token})
}

// RemoveMyPhone removes the token's own phone, and OTP SMS with it
// (DELETE /auth/v1/users/me/phone). v2's DELETE …/phone would ask for
// user.write even for one's own phone.
func (c *Client) RemoveMyPhone(ctx context.Context, token string) (*Details, error) {
	return c.details(ctx, call{endpoint: "auth.v1.remove_my_phone", method: http.MethodDelete, path: "/auth/v1/users/me/phone", token: token})
}

func (c *Client) details(ctx context.Context, k call) (*Details, error) {
	var out detailsResponse
	k.out = &out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return &out.Details, nil
}
