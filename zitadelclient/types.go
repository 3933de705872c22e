package zitadelclient

import "time"

// Details is what ZITADEL answers for a change: the user aggregate's new
// sequence (a string on the wire), when, and the user's organization.
type Details struct {
	Sequence      uint64    `json:"sequence,string"`
	ChangeDate    time.Time `json:"changeDate"`
	ResourceOwner string    `json:"resourceOwner"`
}

type detailsResponse struct {
	Details Details `json:"details"`
}

// User is the part of zitadel.user.v2.User the app reads. Unset fields are
// absent on the wire (proto3 JSON), so a missing isVerified means false.
type User struct {
	UserID             string   `json:"userId"`
	Details            Details  `json:"details"`
	State              string   `json:"state"`
	Username           string   `json:"username"`
	LoginNames         []string `json:"loginNames"`
	PreferredLoginName string   `json:"preferredLoginName"`
	Human              *struct {
		Profile struct {
			GivenName   string `json:"givenName"`
			FamilyName  string `json:"familyName"`
			DisplayName string `json:"displayName"`
		} `json:"profile"`
		Email struct {
			Email      string `json:"email"`
			IsVerified bool   `json:"isVerified"`
		} `json:"email"`
		Phone Phone `json:"phone"`
	} `json:"human"`
}

// Phone is a human user's phone.
type Phone struct {
	Phone      string `json:"phone"`
	IsVerified bool   `json:"isVerified"`
}

// Member is a user as the app's pages show it: who, the phone, and whether
// text-message codes (OTP SMS) are on.
type Member struct {
	UserID, OrgID, LoginName, DisplayName, Email string
	State                                        string // USER_STATE_ACTIVE, …
	Phone                                        string // E.164, "" when none
	PhoneVerified                                bool
	OTPSMS                                       bool
}

func memberOf(u *User, methods []string) Member {
	m := Member{UserID: u.UserID, OrgID: u.Details.ResourceOwner, LoginName: u.PreferredLoginName, State: u.State}
	if h := u.Human; h != nil {
		m.DisplayName, m.Email = h.Profile.DisplayName, h.Email.Email
		m.Phone, m.PhoneVerified = h.Phone.Phone, h.Phone.IsVerified
	}
	for _, t := range methods {
		if t == AuthMethodOTPSMS {
			m.OTPSMS = true
		}
	}
	return m
}

// Authentication method types (GET /v2/users/{userId}/authentication_methods).
const (
	AuthMethodPassword = "AUTHENTICATION_METHOD_TYPE_PASSWORD"
	AuthMethodOTPSMS   = "AUTHENTICATION_METHOD_TYPE_OTP_SMS"
)

// AuthFactor is one entry of an auth-factor search; OTPSMS is set for the
// SMS factor.
type AuthFactor struct {
	State  string    `json:"state"` // AUTH_FACTOR_STATE_READY, …
	OTPSMS *struct{} `json:"otpSms,omitempty"`
}

// AuthFactorStateReady is a factor that can be used to log in.
const AuthFactorStateReady = "AUTH_FACTOR_STATE_READY"
