package zitadelemu

import (
	"strconv"
	"time"
)

// Wire types in proto3 JSON as ZITADEL's gateway writes it: lowerCamelCase,
// uint64 as strings, RFC 3339 timestamps, and unpopulated fields left out
// (so a false isVerified is absent, not false).

// protoTime formats t the way protojson does: UTC, "Z", and 0, 3, 6 or 9
// fractional digits.
func protoTime(t time.Time) string {
	t = t.UTC()
	switch ns := t.Nanosecond(); {
	case ns == 0:
		return t.Format("2006-01-02T15:04:05Z")
	case ns%1e6 == 0:
		return t.Format("2006-01-02T15:04:05.000Z")
	case ns%1e3 == 0:
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	return t.Format("2006-01-02T15:04:05.000000000Z")
}

func u64(n uint64) string { return strconv.FormatUint(n, 10) }

// details is zitadel.object.v2.Details.
type details struct {
	Sequence      string `json:"sequence,omitempty"`
	ChangeDate    string `json:"changeDate,omitempty"`
	ResourceOwner string `json:"resourceOwner,omitempty"`
	CreationDate  string `json:"creationDate,omitempty"` // v1 ObjectDetails only
}

// listDetails is zitadel.object.v2.ListDetails.
type listDetails struct {
	TotalResult string `json:"totalResult,omitempty"`
	Timestamp   string `json:"timestamp,omitempty"`
}

// detailsResponse is the body of almost every mutation.
type detailsResponse struct {
	Details details `json:"details"`
}

// codeResponse is SetPhone's and ResendPhoneCode's answer.
type codeResponse struct {
	Details          details `json:"details"`
	VerificationCode string  `json:"verificationCode,omitempty"`
}

// wireUser is zitadel.user.v2.User (humans only).
type wireUser struct {
	UserID             string     `json:"userId"`
	Details            details    `json:"details"`
	State              string     `json:"state"`
	Username           string     `json:"username"`
	LoginNames         []string   `json:"loginNames,omitempty"`
	PreferredLoginName string     `json:"preferredLoginName"`
	Human              *wireHuman `json:"human,omitempty"`
}

type wireHuman struct {
	Profile wireProfile `json:"profile"`
	Email   wireEmail   `json:"email"`
	Phone   wirePhone   `json:"phone"`
}

type wireProfile struct {
	GivenName         string `json:"givenName,omitempty"`
	FamilyName        string `json:"familyName,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	PreferredLanguage string `json:"preferredLanguage,omitempty"`
}

type wireEmail struct {
	Email      string `json:"email,omitempty"`
	IsVerified bool   `json:"isVerified,omitempty"`
}

type wirePhone struct {
	Phone      string `json:"phone,omitempty"`
	IsVerified bool   `json:"isVerified,omitempty"`
}

// wireFactor is zitadel.user.v2.AuthFactor (and v1's), SMS only.
type wireFactor struct {
	State  string    `json:"state"`
	OTPSMS *struct{} `json:"otpSms,omitempty"`
}

const (
	authMethodPassword = "AUTHENTICATION_METHOD_TYPE_PASSWORD"
	authMethodOTPSMS   = "AUTHENTICATION_METHOD_TYPE_OTP_SMS"
	factorStateReady   = "AUTH_FACTOR_STATE_READY"
)
