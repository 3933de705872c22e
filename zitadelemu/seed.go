package zitadelemu

// Demo names the seeded users, so tests need no magic strings.
type Demo struct {
	Org, OtherOrg string // organization ids: Acme and Globex
	// Owner is Acme's ORG_OWNER; Member and Pending are plain members
	// without a phone (two, so tests can each take a fresh one); Enrolled
	// has a verified phone and OTP SMS.
	Owner, Member, Pending, Enrolled string
	// OtherOwner and OtherMember belong to Globex.
	OtherOwner, OtherMember string
}

// demo is the built-in seed. Ids look like ZITADEL's 18-digit ids.
var demo = Demo{
	Org:         "300000000000000001",
	OtherOrg:    "300000000000000002",
	Owner:       "310000000000000001",
	Member:      "310000000000000002",
	Pending:     "310000000000000003",
	Enrolled:    "310000000000000004",
	OtherOwner:  "320000000000000001",
	OtherMember: "320000000000000002",
}

func (e *Emulator) seed() {
	now := e.Now()
	e.st.orgs = []*org{
		{ID: demo.Org, Name: "Acme Inc", Domain: "acme.localhost"},
		{ID: demo.OtherOrg, Name: "Globex Corporation", Domain: "globex.localhost"},
	}
	add := func(id, orgID, userName, given, family string, roles ...string) *user {
		o := e.st.org(orgID)
		u := &user{
			ID: id, OrgID: orgID, UserName: userName,
			GivenName: given, FamilyName: family, DisplayName: given + " " + family,
			Email: userName + "@" + o.Domain, Roles: roles, state: userStateActive,
			sequence: 1, created: now, changeDate: now,
		}
		e.st.users = append(e.st.users, u)
		return u
	}
	add(demo.Owner, demo.Org, "olivia", "Olivia", "Owner", "ORG_OWNER")
	add(demo.Member, demo.Org, "max", "Max", "Member")
	add(demo.Pending, demo.Org, "paula", "Paula", "Pending")
	enrolled := add(demo.Enrolled, demo.Org, "erin", "Erin", "Enrolled")
	enrolled.Phone, enrolled.PhoneVerified, enrolled.everVerified, enrolled.OTPSMS = "+41791234567", true, true, true
	enrolled.sequence = 4 // added, phone set, verified, OTP SMS added
	add(demo.OtherOwner, demo.OtherOrg, "gina", "Gina", "Globex", "ORG_OWNER")
	other := add(demo.OtherMember, demo.OtherOrg, "hank", "Hank", "Globex")
	other.Phone, other.PhoneVerified, other.everVerified, other.OTPSMS = "+41791234568", true, true, true
	other.sequence = 4
}
