package stytchemu

import (
	_ "embed"
	"fmt"
	"sync"
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

// demoSeed is the built-in demo in the seed-file format: Acme (OPTIONAL),
// Globex (REQUIRED_FOR_ALL) and Initech (an admin, BulkMembers generated
// members and Mallory, whose name is markup).
//
//go:embed seed/demo.json
var demoSeed []byte

// parsedDemo is demoSeed parsed once for every emulator of the process.
var parsedDemo = sync.OnceValues(func() (*seedFile, error) { return parseSeed(demoSeed) })

// seed stores the demo organizations and notes their ids; it runs inside
// New, before anyone else can see e.
func (e *Emulator) seed() error {
	f, err := parsedDemo()
	if err == nil {
		err = e.applySeed(f)
	}
	if err != nil {
		return fmt.Errorf("the built-in demo seed: %w", err)
	}
	e.demo = Demo{Organization: e.demoOrg("acme"), Required: e.demoOrg("globex"), Bulk: e.demoOrg("initech")}
	if m := e.st.memberByEmail(e.demo.Bulk.ID, "mallory.o'brien@initech.example"); m != nil {
		e.demo.Hostile = demoMember(m)
	}
	return nil
}

// demoOrg names a seeded organization's admin (its first), plain member
// (the first without a role or phone) and enrolled member (the first
// enrolled with a verified phone).
func (e *Emulator) demoOrg(slug string) DemoOrg {
	o := e.st.org(slug)
	if o == nil {
		return DemoOrg{}
	}
	d := DemoOrg{ID: o.OrganizationID, Slug: o.OrganizationSlug, Name: o.OrganizationName}
	for _, m := range e.st.members {
		if m.m.OrganizationID != o.OrganizationID {
			continue
		}
		switch {
		case d.Admin.ID == "" && m.m.IsAdmin:
			d.Admin = demoMember(m)
		case d.Enrolled.ID == "" && m.m.MFAEnrolled && m.m.MFAPhoneNumberVerified:
			d.Enrolled = demoMember(m)
		case d.Member.ID == "" && !m.m.IsAdmin && m.m.MFAPhoneNumber == "":
			d.Member = demoMember(m)
		}
	}
	return d
}

func demoMember(m *member) DemoMember {
	return DemoMember{ID: m.m.MemberID, Email: m.m.EmailAddress, Name: m.m.Name, Phone: m.m.MFAPhoneNumber}
}
