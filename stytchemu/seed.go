package stytchemu

import (
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Demo names the seeded data.
type Demo struct {
	Organization DemoOrg // Acme Inc, mfa_policy OPTIONAL
	Required     DemoOrg // Globex Corporation, mfa_policy REQUIRED_FOR_ALL
}

// DemoOrg is a seeded organization with its three members.
type DemoOrg struct {
	ID, Slug, Name          string
	Admin, Member, Enrolled DemoMember
}

// DemoMember is a seeded member; Phone is "" when the member has none.
type DemoMember struct {
	ID, Email, Name, Phone string
}

// seed creates the demo organizations; it runs inside New, before anyone else can see e.
func (e *Emulator) seed() {
	e.demo = Demo{
		Organization: e.seedOrg("Acme Inc", "acme", stytchclient.MFAPolicyOptional, "acme.example", "Ada Admin", "Max Member", "Erin Enrolled", "+12015550123"),
		Required:     e.seedOrg("Globex Corporation", "globex", stytchclient.MFAPolicyRequiredForAll, "globex.example", "Grace Admin", "Gus Member", "Gina Enrolled", "+12015550124"),
	}
}

func (e *Emulator) seedOrg(name, slug, policy, domain, admin, plain, enrolled, phone string) DemoOrg {
	o := e.addOrg(name, slug, policy)
	o.EmailAllowedDomains = []string{domain}
	add := func(fullName string, roles ...string) *member {
		email := strings.ToLower(strings.Fields(fullName)[0]) + "@" + domain
		m := e.addMember(o.OrganizationID, email, fullName, "active", roles)
		m.m.EmailAddressVerified = true
		return m
	}
	a := add(admin, stytchclient.RoleAdmin)
	p := add(plain)
	en := add(enrolled)
	e.setPhone(en, phone)
	en.m.MFAPhoneNumberVerified = true
	en.m.MFAEnrolled = true
	en.m.DefaultMFAMethod = smsOTP
	demo := func(m *member) DemoMember {
		return DemoMember{ID: m.m.MemberID, Email: m.m.EmailAddress, Name: m.m.Name, Phone: m.m.MFAPhoneNumber}
	}
	return DemoOrg{ID: o.OrganizationID, Slug: slug, Name: name, Admin: demo(a), Member: demo(p), Enrolled: demo(en)}
}
