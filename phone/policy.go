package phone

import (
	"fmt"
	"slices"
	"strings"
)

// defaultAllowedRegions are the regions SMS may be sent to unless configured
// otherwise. This mirrors Stytch's own default: SMS to numbers outside the
// United States and Canada is disabled until enabled for the project.
var defaultAllowedRegions = []string{"US", "CA"}

// Policy says which regions' numbers may be enrolled for SMS.
//
// The zero Policy is the default policy (US and CA). Policies are
// immutable values and safe for concurrent use.
type Policy struct {
	all     bool
	regions []string // upper-case, deduplicated, in configured order
}

// DefaultPolicy returns the policy allowing US and CA.
func DefaultPolicy() Policy { return Policy{} }

// AllowAll returns a policy allowing every supported region.
func AllowAll() Policy { return Policy{all: true} }

// ParsePolicy parses a comma-separated list of ISO 3166-1 alpha-2 region
// codes such as "US,CA,GB" (case-insensitive, spaces ignored). "*" or "ALL"
// allows every region; an empty string gives the default policy. Unknown
// region codes are rejected. The order is kept: the first region is the
// fallback default for the country picker (see DefaultRegion).
func ParsePolicy(csv string) (Policy, error) {
	var p Policy
	for item := range strings.SplitSeq(csv, ",") {
		code := strings.ToUpper(strings.TrimSpace(item))
		switch {
		case code == "":
			continue
		case code == "*" || code == "ALL":
			p.all = true
		case IsSupportedRegion(code):
			if !slices.Contains(p.regions, code) {
				p.regions = append(p.regions, code)
			}
		case code == "UK":
			return Policy{}, fmt.Errorf("phone: unknown region code %q in allowed SMS regions: the code for the United Kingdom is GB", strings.TrimSpace(item))
		default:
			return Policy{}, fmt.Errorf("phone: unknown region code %q in allowed SMS regions %q: use two-letter ISO 3166-1 codes such as US, CA, GB, or * for all", strings.TrimSpace(item), csv)
		}
	}
	if p.all {
		return AllowAll(), nil
	}
	return p, nil
}

// AllowsAll reports whether the policy allows every region.
func (p Policy) AllowsAll() bool { return p.all }

// Regions returns the allowed region codes in configured order, or nil if
// the policy allows every region.
func (p Policy) Regions() []string {
	if p.all {
		return nil
	}
	return slices.Clone(p.list())
}

func (p Policy) list() []string {
	if len(p.regions) == 0 {
		return defaultAllowedRegions
	}
	return p.regions
}

// Allows reports whether numbers from region (case-insensitive) may be
// enrolled.
func (p Policy) Allows(region string) bool {
	region = strings.ToUpper(strings.TrimSpace(region))
	if !IsSupportedRegion(region) {
		return false
	}
	return p.all || slices.Contains(p.list(), region)
}

// First returns the first allowed region: the first configured one, or "US"
// for a policy allowing every region.
func (p Policy) First() string {
	if p.all {
		return "US"
	}
	return p.list()[0]
}

// AllowedCountries returns the picker entries for the allowed regions,
// sorted by name.
func (p Policy) AllowedCountries() []Country {
	if p.all {
		return Countries()
	}
	out := make([]Country, 0, len(p.list()))
	for _, c := range countries().list {
		if slices.Contains(p.list(), c.Region) {
			out = append(out, c)
		}
	}
	return out
}

// String returns the policy in the form ParsePolicy accepts.
func (p Policy) String() string {
	if p.all {
		return "*"
	}
	return strings.Join(p.list(), ",")
}
