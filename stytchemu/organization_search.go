package stytchemu

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// Error types of organization search, from Stytch's search-organizations page.
const (
	errOrgSearchExpectedArray  = "organization_search_expected_array_of_strings"
	errOrgSearchExpectedString = "organization_search_expected_string"
	errOrgSearchUnknownFilter  = "organization_search_filter_name_not_recognized"
	errOrgSearchMissingName    = "organization_search_missing_filter_name"
	errOrgSearchMissingValue   = "organization_search_missing_filter_value"
	errSearchInvalidCursor     = "user_search_invalid_cursor"
	errSearchInvalidLimit      = "user_search_invalid_limit"
	errSearchInvalidOperator   = "user_search_invalid_operator"
)

// searchOrganizationsBody is the body of POST /v1/b2b/organizations/search.
type searchOrganizationsBody struct {
	Cursor string                    `json:"cursor"`
	Limit  int                       `json:"limit"`
	Query  *stytchclient.SearchQuery `json:"query"`
}

// searchOrganizationsResponse answers it.
type searchOrganizationsResponse struct {
	stytchclient.Response
	Organizations   []stytchclient.Organization  `json:"organizations"`
	ResultsMetadata stytchclient.ResultsMetadata `json:"results_metadata"`
}

func (e *Emulator) searchOrganizations(r *http.Request, req *searchOrganizationsBody) (any, *apiError) {
	if req.Limit < 0 {
		return nil, errf(http.StatusBadRequest, errSearchInvalidLimit, "limit must not be negative.")
	}
	offset, valid := parseCursor(req.Cursor)
	if !valid {
		return nil, errf(http.StatusBadRequest, errSearchInvalidCursor, "cursor is invalid; pass the next_cursor of a previous answer.")
	}
	match, err := e.orgFilter(req.Query)
	if err != nil {
		return nil, err
	}
	hits := []stytchclient.Organization{}
	for _, o := range e.st.orgs {
		if match(o) {
			hits = append(hits, orgWire(o))
		}
	}
	page, next := pageOf(hits, offset, req.Limit)
	return searchOrganizationsResponse{Response: ok(), Organizations: page, ResultsMetadata: stytchclient.ResultsMetadata{Total: len(hits), NextCursor: next}}, nil
}

// orgFilter turns the query into a predicate; AND unless the (deprecated) OR is asked.
func (e *Emulator) orgFilter(q *stytchclient.SearchQuery) (func(*stytchclient.Organization) bool, *apiError) {
	if q == nil {
		return func(*stytchclient.Organization) bool { return true }, nil
	}
	op := strings.ToUpper(q.Operator)
	if op != "AND" && op != "OR" {
		return nil, errf(http.StatusBadRequest, errSearchInvalidOperator, "query.operator must be AND or OR.")
	}
	var preds []func(*stytchclient.Organization) bool
	for _, o := range q.Operands {
		p, err := e.orgOperand(o)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return func(o *stytchclient.Organization) bool {
		if len(preds) == 0 {
			return true
		}
		for _, p := range preds {
			if p(o) != (op == "AND") {
				return op == "OR"
			}
		}
		return op == "AND"
	}, nil
}

func (e *Emulator) orgOperand(o stytchclient.SearchOperand) (func(*stytchclient.Organization) bool, *apiError) {
	name := o.FilterName
	if name == "" {
		return nil, errf(http.StatusBadRequest, errOrgSearchMissingName, "Each operand needs a filter_name.")
	}
	if o.FilterValue == nil {
		return nil, errf(http.StatusBadRequest, errOrgSearchMissingValue, "The operand %s needs a filter_value.", name)
	}
	list := func() ([]string, *apiError) {
		vals, ok := stringList(o.FilterValue)
		if !ok {
			return nil, errf(http.StatusBadRequest, errOrgSearchExpectedArray, "filter_value of %s must be an array of strings.", name)
		}
		return vals, nil
	}
	fuzzy := func() (string, *apiError) {
		s, ok := o.FilterValue.(string)
		if !ok {
			return "", errf(http.StatusBadRequest, errOrgSearchExpectedString, "filter_value of %s must be a string.", name)
		}
		if len([]rune(s)) < minFuzzyLen {
			return "", errf(http.StatusBadRequest, "organization_search_"+name+"_too_short", "filter_value of %s must be at least %d characters.", name, minFuzzyLen)
		}
		return strings.ToLower(s), nil
	}
	anyOf := func(get func(*stytchclient.Organization) []string) (func(*stytchclient.Organization) bool, *apiError) {
		vals, err := list()
		if err != nil {
			return nil, err
		}
		return func(org *stytchclient.Organization) bool {
			return slices.ContainsFunc(get(org), func(v string) bool {
				return slices.ContainsFunc(vals, func(w string) bool { return strings.EqualFold(v, w) })
			})
		}, nil
	}
	contains := func(get func(*stytchclient.Organization) []string) (func(*stytchclient.Organization) bool, *apiError) {
		s, err := fuzzy()
		if err != nil {
			return nil, err
		}
		return func(org *stytchclient.Organization) bool {
			return slices.ContainsFunc(get(org), func(v string) bool { return strings.Contains(strings.ToLower(v), s) })
		}, nil
	}
	one := func(f func(*stytchclient.Organization) string) func(*stytchclient.Organization) []string {
		return func(org *stytchclient.Organization) []string { return []string{f(org)} }
	}
	id := one(func(org *stytchclient.Organization) string { return org.OrganizationID })
	slug := one(func(org *stytchclient.Organization) string { return org.OrganizationSlug })
	orgName := one(func(org *stytchclient.Organization) string { return org.OrganizationName })
	domains := func(org *stytchclient.Organization) []string { return org.EmailAllowedDomains }
	claimed := func(org *stytchclient.Organization) []string { return org.ClaimedEmailDomains }
	switch name {
	case "organization_ids":
		return anyOf(id)
	case "organization_slugs":
		return anyOf(slug)
	case "organization_slug_fuzzy":
		return contains(slug)
	case "organization_name_fuzzy":
		return contains(orgName)
	case "member_emails":
		return anyOf(e.memberEmails)
	case "member_email_fuzzy":
		return contains(e.memberEmails)
	case "allowed_domains":
		return anyOf(domains)
	case "allowed_domain_fuzzy":
		return contains(domains)
	case "claimed_email_domains":
		return anyOf(claimed)
	case "has_active_sso_connection":
		want, ok := o.FilterValue.(bool)
		if !ok {
			return nil, badRequest("filter_value of has_active_sso_connection must be a boolean.")
		}
		return func(*stytchclient.Organization) bool { return !want }, nil // the emulator has no SSO connections
	case "sso_connection_id":
		if _, ok := o.FilterValue.(string); !ok {
			return nil, errf(http.StatusBadRequest, errOrgSearchExpectedString, "filter_value of %s must be a string.", name)
		}
		return func(*stytchclient.Organization) bool { return false }, nil // no SSO connections
	}
	return nil, errf(http.StatusBadRequest, errOrgSearchUnknownFilter, "Unknown filter_name %q.", name)
}

// memberEmails are the addresses of an organization's members (not deleted).
func (e *Emulator) memberEmails(o *stytchclient.Organization) []string {
	var out []string
	for _, m := range e.st.members {
		if m.m.OrganizationID == o.OrganizationID && m.m.Status != statusDeleted {
			out = append(out, m.m.EmailAddress)
		}
	}
	return out
}

func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// Search pages: limit 0 means the default, above the maximum is clamped;
// cursors are opaque offsets, "" on the last page (null on the wire).

func parseCursor(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	rest, found := strings.CutPrefix(string(raw), "offset:")
	n, aerr := strconv.Atoi(rest)
	return n, err == nil && found && aerr == nil && n >= 0
}

func pageOf[T any](hits []T, offset, limit int) ([]T, string) {
	switch {
	case limit == 0:
		limit = defaultSearchLimit
	case limit > maxSearchLimit:
		limit = maxSearchLimit
	}
	page := []T{}
	if offset < len(hits) {
		page = hits[offset:min(offset+limit, len(hits))]
	}
	next := ""
	if offset+limit < len(hits) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset+limit)))
	}
	return page, next
}
