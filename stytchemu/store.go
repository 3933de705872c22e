package stytchemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// store is the emulator's state; every access happens under Emulator.mu.
type store struct {
	orgs      []*stytchclient.Organization // creation order
	members   []*member                    // creation order, which search keeps
	otps      map[string]*otpCode          // member_id → the one active code
	sessions  map[string]*session          // session token → session
	ists      map[string]*intermediate     // intermediate session token → IST
	magic     map[string]*magicLink        // magic-link token → link
	discovery map[string]*discoveryLink    // discovery magic-link token → link
	sessionID map[string]*session          // member_session_id → session
}

func newStore() *store {
	return &store{
		otps:      map[string]*otpCode{},
		sessions:  map[string]*session{},
		ists:      map[string]*intermediate{},
		magic:     map[string]*magicLink{},
		discovery: map[string]*discoveryLink{},
		sessionID: map[string]*session{},
	}
}

// member is a Stytch member plus what Stytch keeps behind it.
type member struct {
	m           stytchclient.Member // is_locked and lock times are derived when written out
	emailID     string
	phoneID     string
	failures    int // consecutive failed authentications
	lockCreated time.Time
	lockExpires time.Time
	totp        *totpRegistration // nil when the member has no authenticator app
}

func (m *member) locked(now time.Time) bool { return now.Before(m.lockExpires) }

// otpCode is the member's one active SMS code.
type otpCode struct {
	code    string
	phone   string
	expires time.Time
	used    bool
}

// session is a member session.
type session struct {
	id            string
	token         string
	memberID      string
	orgID         string
	started       time.Time
	lastAccessed  time.Time
	expires       time.Time
	factors       []stytchclient.AuthenticationFactor
	customClaims  map[string]any
	revoked       bool
	userAgent, ip string
}

func (s *session) live(now time.Time) bool { return !s.revoked && now.Before(s.expires) }

// intermediate is an intermediate session: primary auth done, but not yet
// a session. From a discovery flow it is bound to no organization (orgID
// and memberID ""), only to the verified e-mail address; once exchanged
// into an organization where MFA is due, it is bound to that member.
type intermediate struct {
	token    string
	email    string
	memberID string
	orgID    string
	expires  time.Time
	factors  []stytchclient.AuthenticationFactor
	consumed bool
}

func (i *intermediate) live(now time.Time) bool { return !i.consumed && now.Before(i.expires) }

// magicLink is an e-mailed login token.
type magicLink struct {
	memberID string
	orgID    string
	expires  time.Time
	used     bool
	// pkceChallenge is the S256 challenge sent with the link, "" when none.
	pkceChallenge string
}

// Lookups. Organizations are found by id, slug or external id (stytch-api.md
// 3.2); members by id or external id, never once deleted.

func (s *store) org(idOrSlug string) *stytchclient.Organization {
	for _, o := range s.orgs {
		if o.OrganizationID == idOrSlug || strings.EqualFold(o.OrganizationSlug, idOrSlug) ||
			(o.OrganizationExternalID != "" && o.OrganizationExternalID == idOrSlug) {
			return o
		}
	}
	return nil
}

func (s *store) orgByID(id string) *stytchclient.Organization {
	for _, o := range s.orgs {
		if o.OrganizationID == id {
			return o
		}
	}
	return nil
}

func (s *store) member(orgID, idOrExternal string) *member {
	for _, m := range s.members {
		if m.m.OrganizationID == orgID && m.m.Status != "deleted" &&
			(m.m.MemberID == idOrExternal || (m.m.ExternalID != "" && m.m.ExternalID == idOrExternal)) {
			return m
		}
	}
	return nil
}

// memberByID finds a member by member_id alone, in any organization and
// whatever its status.
func (s *store) memberByID(id string) *member {
	for _, m := range s.members {
		if m.m.MemberID == id {
			return m
		}
	}
	return nil
}

func (s *store) memberByEmail(orgID, email string) *member {
	for _, m := range s.members {
		if m.m.OrganizationID == orgID && m.m.Status != "deleted" && strings.EqualFold(m.m.EmailAddress, email) {
			return m
		}
	}
	return nil
}

// phoneOwner is the member of orgID (other than except) holding phone, if any.
func (s *store) phoneOwner(orgID, phone, except string) *member {
	for _, m := range s.members {
		if m.m.OrganizationID == orgID && m.m.Status != "deleted" && m.m.MemberID != except && m.m.MFAPhoneNumber == phone {
			return m
		}
	}
	return nil
}

// findOrg resolves an organization id or slug to the org or a 404.
func (s *store) findOrg(idOrSlug string) (*stytchclient.Organization, *apiError) {
	if strings.TrimSpace(idOrSlug) == "" {
		return nil, badRequest("organization_id is a required field.")
	}
	o := s.org(idOrSlug)
	if o == nil {
		return nil, errf(http.StatusNotFound, stytchclient.ErrOrganizationNotFound, "Organization could not be found.")
	}
	return o, nil
}

// findMember resolves org and member together, as most endpoints need both.
func (s *store) findMember(orgIDOrSlug, memberID string) (*stytchclient.Organization, *member, *apiError) {
	o, err := s.findOrg(orgIDOrSlug)
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(memberID) == "" {
		return nil, nil, badRequest("member_id is a required field.")
	}
	m := s.member(o.OrganizationID, memberID)
	if m == nil {
		return nil, nil, errf(http.StatusNotFound, stytchclient.ErrMemberNotFound, "Member could not be found.")
	}
	return o, m, nil
}

// Wire copies: answers never share slices or maps with the state.

func (m *member) wire(now time.Time) stytchclient.Member {
	w := m.m
	w.SSORegistrations = []any{}
	w.OAuthRegistrations = []any{}
	w.RetiredEmailAddresses = slices.Clone(m.m.RetiredEmailAddresses)
	if w.RetiredEmailAddresses == nil {
		w.RetiredEmailAddresses = []stytchclient.RetiredEmail{}
	}
	w.Roles = make([]stytchclient.MemberRole, len(m.m.Roles))
	for i, r := range m.m.Roles {
		sources := make([]stytchclient.MemberRoleSource, len(r.Sources))
		for j, src := range r.Sources {
			sources[j] = stytchclient.MemberRoleSource{Type: src.Type, Details: object(src.Details)}
		}
		w.Roles[i] = stytchclient.MemberRole{RoleID: r.RoleID, Sources: sources}
	}
	w.TrustedMetadata = object(m.m.TrustedMetadata)
	w.UntrustedMetadata = object(m.m.UntrustedMetadata)
	w.IsLocked = m.locked(now)
	w.LockCreatedAt, w.LockExpiresAt = "", ""
	if w.IsLocked {
		w.LockCreatedAt, w.LockExpiresAt = stytchclient.NullString(ts(m.lockCreated)), stytchclient.NullString(ts(m.lockExpires))
	}
	return w
}

func orgWire(o *stytchclient.Organization) stytchclient.Organization {
	w := *o
	w.SSOJITProvisioningAllowedConnections = cloneStrings(o.SSOJITProvisioningAllowedConnections)
	w.SSOActiveConnections = []any{}
	w.EmailAllowedDomains = cloneStrings(o.EmailAllowedDomains)
	w.AllowedAuthMethods = cloneStrings(o.AllowedAuthMethods)
	w.RBACEmailImplicitRoleAssignments = []any{}
	w.AllowedMFAMethods = cloneStrings(o.AllowedMFAMethods)
	w.ClaimedEmailDomains = cloneStrings(o.ClaimedEmailDomains)
	w.AllowedFirstPartyConnectedApps = cloneStrings(o.AllowedFirstPartyConnectedApps)
	w.AllowedThirdPartyConnectedApps = cloneStrings(o.AllowedThirdPartyConnectedApps)
	w.CustomRoles = []any{}
	w.TrustedMetadata = object(o.TrustedMetadata)
	w.AllowedOAuthTenants = object(o.AllowedOAuthTenants)
	return w
}

func cloneStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// cloneMap copies one level deep, enough since answers are encoded right away.
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// object is a copy of m for an answer, {} when m is unset: Stytch's empty
// value for an object field.
func object(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return cloneMap(m)
}

// ts formats a time the way Stytch does: RFC 3339, UTC, whole seconds.
func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// IDs and tokens.

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func newID(prefix string) string { return prefix + "-test-" + newUUID() }
func newRequestID() string       { return newID("request-id") }

// newToken is 44 URL-safe characters, like Stytch's session tokens.
func newToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(33)) }

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func validPhone(p string) bool { return e164.MatchString(p) }

func invalidPhone() *apiError {
	return errf(http.StatusBadRequest, stytchclient.ErrInvalidPhoneNumber, "Phone number format is invalid. Ensure the phone number is in the E.164 format.")
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func validEmail(s string) bool { return emailRE.MatchString(s) }

// emailDomain is the lower-cased domain of an e-mail address.
func emailDomain(email string) string {
	return strings.ToLower(email[strings.LastIndex(email, "@")+1:])
}
