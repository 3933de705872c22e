package zitadelemu

import (
	"slices"
	"time"
)

// org is a ZITADEL organization; users' login names end in its domain.
type org struct {
	ID, Name, Domain string
}

// user is a human user with the parts of its event history that the phone
// and OTP SMS commands read.
type user struct {
	ID, OrgID, UserName                string
	GivenName, FamilyName, DisplayName string
	Email                              string
	Roles                              []string // memberships in its own organization (ORG_OWNER, …)
	state                              string   // USER_STATE_ACTIVE, …

	Phone         string // last set number, E.164; "" when none
	PhoneVerified bool   // the last set number is verified
	// everVerified mirrors HumanOTPSMSWriteModel.phoneVerified: set by
	// PhoneVerified, cleared only by PhoneRemoved, not by a number change.
	everVerified bool
	code         *phoneCode // pending verification code of Phone
	OTPSMS       bool

	sequence   uint64
	created    time.Time
	changeDate time.Time
}

type phoneCode struct {
	code    string
	expires time.Time
}

func (u *user) loginName(o *org) string { return u.UserName + "@" + o.Domain }

// touch records one event on the user's aggregate.
func (u *user) touch(now time.Time) {
	u.sequence++
	u.changeDate = now
}

func (u *user) details() details {
	return details{Sequence: u64(u.sequence), ChangeDate: protoTime(u.changeDate), ResourceOwner: u.OrgID}
}

// detailsV1 adds creationDate, as v1's ObjectDetails does.
func (u *user) detailsV1() details {
	d := u.details()
	d.CreationDate = protoTime(u.created)
	return d
}

// store holds the instance: organizations and users in creation order.
type store struct {
	orgs  []*org
	users []*user
}

func (s *store) org(id string) *org {
	i := slices.IndexFunc(s.orgs, func(o *org) bool { return o.ID == id })
	if i < 0 {
		return nil
	}
	return s.orgs[i]
}

func (s *store) user(id string) *user {
	i := slices.IndexFunc(s.users, func(u *user) bool { return u.ID == id })
	if i < 0 {
		return nil
	}
	return s.users[i]
}

// userByLoginName finds a user by login name ("alice@acme.localhost") or,
// when that is unique, bare user name.
func (s *store) userByLoginName(name string) *user {
	var found []*user
	for _, u := range s.users {
		if u.loginName(s.org(u.OrgID)) == name {
			return u
		}
		if u.UserName == name {
			found = append(found, u)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return nil
}
