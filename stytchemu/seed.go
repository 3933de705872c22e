package stytchemu

import (
	"fmt"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Demo names the seeded data.
type Demo struct {
	Organization DemoOrg // Acme Inc, mfa_policy OPTIONAL
	Required     DemoOrg // Globex Corporation, mfa_policy REQUIRED_FOR_ALL
	// Bulk is Initech, mfa_policy OPTIONAL: an admin, BulkMembers generated
	// members (enough to page through) and Hostile. Its Member is the first
	// generated member without a phone, its Enrolled the first enrolled one.
	Bulk DemoOrg
	// Hostile is an Initech member whose name is markup, so tests can prove
	// that pages escape it.
	Hostile DemoMember
}

// BulkMembers is how many members the demo seed generates in Initech.
const BulkMembers = 250

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
	e.demo.Bulk, e.demo.Hostile = e.seedBulk()
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

// seedBulk creates Initech with deterministic members "Member 001" …
// (member001@initech.example): of every ten, four are enrolled with a
// verified phone (+1 201 555 1xxx), one has a phone not verified yet and
// five have none. It only appends to the store: no crypto beyond the ids.
func (e *Emulator) seedBulk() (DemoOrg, DemoMember) {
	const domain = "initech.example"
	o := e.addOrg("Initech", "initech", stytchclient.MFAPolicyOptional)
	o.EmailAllowedDomains = []string{domain}
	demo := func(m *member) DemoMember {
		return DemoMember{ID: m.m.MemberID, Email: m.m.EmailAddress, Name: m.m.Name, Phone: m.m.MFAPhoneNumber}
	}
	add := func(email, name string, roles ...string) *member {
		m := e.addMember(o.OrganizationID, email, name, "active", roles)
		m.m.EmailAddressVerified = true
		return m
	}
	org := DemoOrg{ID: o.OrganizationID, Slug: "initech", Name: "Initech"}
	org.Admin = demo(add("ian@"+domain, "Ian Admin", stytchclient.RoleAdmin))
	for i := 1; i <= BulkMembers; i++ {
		m := add(fmt.Sprintf("member%03d@%s", i, domain), fmt.Sprintf("Member %03d", i))
		switch i % 10 {
		case 1, 2, 3, 4:
			e.setPhone(m, fmt.Sprintf("+1201555%04d", 1000+i))
			m.m.MFAPhoneNumberVerified = true
			m.m.MFAEnrolled = true
			m.m.DefaultMFAMethod = smsOTP
			if org.Enrolled.ID == "" {
				org.Enrolled = demo(m)
			}
		case 5:
			e.setPhone(m, fmt.Sprintf("+1201555%04d", 1000+i))
		default:
			if org.Member.ID == "" {
				org.Member = demo(m)
			}
		}
	}
	hostile := add("mallory.o'brien@"+domain, "<script>alert(1)</script> Mallory")
	return org, demo(hostile)
}
