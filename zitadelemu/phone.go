package zitadelemu

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Phone verification codes: ZITADEL's PhoneVerificationCode generator
// defaults (cmd/defaults.yaml): 6 characters, upper-case letters and digits,
// valid one hour.
const (
	PhoneCodeLength   = 6
	PhoneCodeLifetime = time.Hour
	phoneCodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// defaultRegion is ZITADEL's (internal/domain/phone.go): a number
	// without + is read as Swiss.
	defaultRegion = "CH"
)

func newPhoneCode() string {
	var b strings.Builder
	for range PhoneCodeLength {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(phoneCodeAlphabet)))) // crypto/rand does not fail
		b.WriteByte(phoneCodeAlphabet[n.Int64()])
	}
	return b.String()
}

// normalizePhone parses a number as ZITADEL does and answers it in E.164.
func normalizePhone(raw string) (string, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errPhoneEmpty
	}
	n, err := phonenumbers.Parse(raw, defaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", errPhoneInvalid
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// delivery says what happens to a new verification code.
type delivery int

const (
	sendSMS    delivery = iota // SMS to the number (the outbox)
	returnCode                 // in the answer, no SMS
	markVerified
)

// setPhone changes the number (PhoneChanged) and, unless it is marked
// verified, issues a code. OTP SMS stays: its write model ignores number
// changes. It answers the code when d is returnCode.
func (e *Emulator) setPhone(u *user, number string, d delivery, notChanged *apiError) (string, *apiError) {
	phone, err := normalizePhone(number)
	if err != nil {
		return "", err
	}
	if phone == u.Phone {
		return "", notChanged
	}
	now := e.Now()
	u.Phone, u.PhoneVerified, u.code = phone, false, nil
	u.touch(now)
	if d == markVerified {
		e.markVerified(u)
		return "", nil
	}
	return e.issueCode(u, d), nil
}

// issueCode replaces any pending code with a new one.
func (e *Emulator) issueCode(u *user, d delivery) string {
	now := e.Now()
	code := newPhoneCode()
	u.code = &phoneCode{code: code, expires: now.Add(PhoneCodeLifetime)}
	u.touch(now)
	if d == sendSMS {
		e.deliver(Message{
			Channel:        "sms",
			To:             u.Phone,
			OrganizationID: u.OrgID,
			MemberID:       u.ID,
			Body:           fmt.Sprintf("Hello %s,\nA new phone number has been added to your account. Please verify it with the code %s.", u.DisplayName, code),
			Code:           code,
			SentAt:         now,
		})
	}
	if d == returnCode {
		return code
	}
	return ""
}

func (e *Emulator) markVerified(u *user) {
	u.PhoneVerified, u.everVerified, u.code = true, true, nil
	u.touch(e.Now())
}

// verifyPhone checks a code. A wrong code leaves the pending one usable:
// ZITADEL records the failure and has no lockout for phone codes.
// An empty code never gets here: proto validation refuses it first.
func (e *Emulator) verifyPhone(u *user, code string, invalid *apiError) *apiError {
	if u.Phone == "" || u.code == nil {
		return errCodeNotFound
	}
	if !e.Now().Before(u.code.expires) || code != u.code.code {
		u.touch(e.Now()) // the "verification failed" event
		return invalid
	}
	e.markVerified(u)
	return nil
}

// removePhone drops the number, any pending code and OTP SMS with it.
func (e *Emulator) removePhone(u *user) {
	u.Phone, u.PhoneVerified, u.everVerified, u.code, u.OTPSMS = "", false, false, nil, false
	u.touch(e.Now())
}

// addOTPSMS enrols SMS as a second factor; it needs a phone verified since
// the last removal (HumanOTPSMSWriteModel).
func (e *Emulator) addOTPSMS(u *user) *apiError {
	if u.OTPSMS {
		return errOTPAlreadyReady
	}
	if !u.everVerified {
		return errOTPNotReady
	}
	u.OTPSMS = true
	u.touch(e.Now())
	return nil
}

func (e *Emulator) removeOTPSMS(u *user) *apiError {
	if !u.OTPSMS {
		return errOTPNotExisting
	}
	u.OTPSMS = false
	u.touch(e.Now())
	return nil
}
