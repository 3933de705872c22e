package stytchemu

import "github.com/mfaportal/mfaportal/stytchclient"

// Inspection for tests: what Stytch holds about a member, read without an
// API call, so a test can assert that a failed flow changed nothing.

// MemberState is the MFA-relevant part of a member's record.
type MemberState struct {
	Phone            string
	PhoneVerified    bool
	MFAEnrolled      bool
	DefaultMFAMethod string
	Locked           bool
	ActiveSessions   int
	// TOTPRegistrationID is the member's confirmed authenticator app, "" when none.
	TOTPRegistrationID string
	// RecoveryCodes counts the unused recovery codes of that app.
	RecoveryCodes int
}

// MemberState reports a member's current state by member id.
func (e *Emulator) MemberState(memberID string) (MemberState, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock.Now()
	for _, m := range e.st.members {
		if m.m.MemberID != memberID {
			continue
		}
		st := MemberState{
			Phone:            m.m.MFAPhoneNumber,
			PhoneVerified:    m.m.MFAPhoneNumberVerified,
			MFAEnrolled:      m.m.MFAEnrolled,
			DefaultMFAMethod: m.m.DefaultMFAMethod,
			Locked:           m.locked(now),
		}
		if t := m.activeTOTP(); t != nil {
			st.TOTPRegistrationID, st.RecoveryCodes = t.id, len(t.codes)
		}
		for _, s := range e.st.sessions {
			if s.memberID == memberID && s.live(now) {
				st.ActiveSessions++
			}
		}
		return st, true
	}
	return MemberState{}, false
}

// Member is the member's full record as Stytch would answer it.
func (e *Emulator) Member(memberID string) (stytchclient.Member, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range e.st.members {
		if m.m.MemberID == memberID {
			return m.wire(e.clock.Now()), true
		}
	}
	return stytchclient.Member{}, false
}
