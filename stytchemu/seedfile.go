package stytchemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// seedFile is the emulator's seed-file format (`mfaportal emulator
// -seed-file`, Options.SeedJSON), which the built-in demo (seed/demo.json)
// uses too. README.md documents it.
type seedFile struct {
	// RedirectURLs replaces the project's redirect-URL list (DefaultRedirectURLs when absent).
	RedirectURLs []string `json:"redirect_urls"`
	// DefaultRedirectURL is the magic-link redirect when a request names none.
	DefaultRedirectURL string    `json:"default_redirect_url"`
	Organizations      []seedOrg `json:"organizations"`
}

// seedOrg is an organization: any field organization create takes, a fixed
// id if wanted, and its members.
type seedOrg struct {
	OrganizationID string `json:"organization_id"`
	orgSettings
	Members []seedMember `json:"members"`
}

// seedMember is a member with its roles and MFA state.
type seedMember struct {
	MemberID               string         `json:"member_id"`
	EmailAddress           string         `json:"email_address"`
	Name                   string         `json:"name"`
	Status                 string         `json:"status"`                 // active (default), pending or invited
	EmailAddressVerified   *bool          `json:"email_address_verified"` // default: true when active
	Roles                  []string       `json:"roles"`
	MFAPhoneNumber         string         `json:"mfa_phone_number"`
	MFAPhoneNumberVerified *bool          `json:"mfa_phone_number_verified"` // default true
	MFAEnrolled            bool           `json:"mfa_enrolled"`
	DefaultMFAMethod       string         `json:"default_mfa_method"`
	IsBreakglass           bool           `json:"is_breakglass"`
	ExternalID             string         `json:"external_id"`
	TrustedMetadata        map[string]any `json:"trusted_metadata"`
	UntrustedMetadata      map[string]any `json:"untrusted_metadata"`
}

// parseSeed reads a seed file strictly: an unknown field is a typo to report.
func parseSeed(data []byte) (*seedFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f seedFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := checkRedirectPatterns(f.RedirectURLs); err != nil {
		return nil, fmt.Errorf("seed: redirect_urls: %w", err)
	}
	return &f, nil
}

// applySeed stores a seed file's organizations and members and its
// redirect URLs; it runs inside New, before anyone else can see e.
func (e *Emulator) applySeed(f *seedFile) error {
	if f.RedirectURLs != nil {
		e.redirects = slices.Clone(f.RedirectURLs)
	}
	if f.DefaultRedirectURL != "" {
		e.redirectURL = f.DefaultRedirectURL
	}
	for i, so := range f.Organizations {
		o, err := e.seedOrganization(so)
		if err != nil {
			return fmt.Errorf("seed: organizations[%d] (%s): %s", i, deref(so.OrganizationName), err.Message)
		}
		for j, sm := range so.Members {
			if err := e.seedMember(o, sm); err != nil {
				return fmt.Errorf("seed: organizations[%d].members[%d] (%s): %s", i, j, sm.EmailAddress, err.Message)
			}
		}
	}
	return nil
}

func (e *Emulator) seedOrganization(so seedOrg) (*stytchclient.Organization, *apiError) {
	if so.OrganizationID != "" && e.st.orgByID(so.OrganizationID) != nil {
		return nil, badRequest("organization_id %s is taken", so.OrganizationID)
	}
	o, err := e.newOrg(so.orgSettings)
	if err != nil {
		return nil, err
	}
	if so.OrganizationID != "" {
		o.OrganizationID = so.OrganizationID
	}
	return o, nil
}

var memberStatuses = []string{"active", "pending", "invited"}

func (e *Emulator) seedMember(o *stytchclient.Organization, sm seedMember) *apiError {
	status := orDefault(sm.Status, "active")
	switch {
	case !validEmail(sm.EmailAddress):
		return errf(http.StatusBadRequest, errInvalidEmail, "email_address %q is not an e-mail address", sm.EmailAddress)
	case e.st.memberByEmail(o.OrganizationID, sm.EmailAddress) != nil:
		return errf(http.StatusBadRequest, stytchclient.ErrDuplicateEmail, "email_address is already a member of this organization")
	case sm.MemberID != "" && e.st.memberByID(sm.MemberID) != nil:
		return badRequest("member_id %s is taken", sm.MemberID)
	case !slices.Contains(memberStatuses, status):
		return badRequest("status must be one of %s", strings.Join(memberStatuses, ", "))
	case sm.DefaultMFAMethod != "" && !slices.Contains(mfaMethodNames, sm.DefaultMFAMethod):
		return badRequest("default_mfa_method must be sms_otp or totp")
	}
	if err := validRoles(sm.Roles); err != nil {
		return err
	}
	m := e.addMember(o.OrganizationID, sm.EmailAddress, sm.Name, status, sm.Roles)
	if sm.MemberID != "" {
		m.m.MemberID = sm.MemberID
	}
	if p := sm.MFAPhoneNumber; p != "" {
		if err := e.checkNewPhone(m, p); err != nil {
			return err
		}
		e.setPhone(m, p)
		m.m.MFAPhoneNumberVerified = sm.MFAPhoneNumberVerified == nil || *sm.MFAPhoneNumberVerified
	}
	m.m.EmailAddressVerified = status == "active"
	if sm.EmailAddressVerified != nil {
		m.m.EmailAddressVerified = *sm.EmailAddressVerified
	}
	m.m.MFAEnrolled = sm.MFAEnrolled
	m.m.DefaultMFAMethod = sm.DefaultMFAMethod
	m.m.IsBreakglass = sm.IsBreakglass
	m.m.ExternalID = sm.ExternalID
	m.m.TrustedMetadata = cloneMap(sm.TrustedMetadata)
	m.m.UntrustedMetadata = cloneMap(sm.UntrustedMetadata)
	m.m.UpdatedAt = m.m.CreatedAt
	return nil
}
