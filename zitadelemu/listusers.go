package zitadelemu

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ListUsers (POST /v2/users). Shapes from proto/zitadel/user/v2/
// user_service.proto and query.proto, read in ZITADEL's repository:
// request {"query":{"offset","limit","asc"},"sortingColumn","queries":[…]},
// answer {"details":{"totalResult","timestamp"},"result":[User…]}. Fairly
// sure of the shapes; less of which users a caller sees: ZITADEL filters
// the result by user.read, and the emulator also lets users see themselves.

type listQuery struct {
	Offset flexUint `json:"offset"`
	Limit  flexUint `json:"limit"`
	Asc    bool     `json:"asc"`
}

type listUsersRequest struct {
	Query   listQuery                    `json:"query"`
	Queries []map[string]json.RawMessage `json:"queries"`
}

// flexUint reads a uint64 sent as a JSON number or string, as protojson does.
type flexUint uint64

func (f *flexUint) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseUint(strings.Trim(string(b), `"`), 10, 64)
	*f = flexUint(n)
	return err
}

// Default and greatest page size (SystemDefaults in cmd/defaults.yaml).
const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

// userFilter is one search query as a predicate.
type userFilter func(*user) bool

func parseUserQuery(q map[string]json.RawMessage) (userFilter, *apiError) {
	for key, raw := range q {
		switch key {
		case "organizationIdQuery", "organization_id_query":
			var v struct {
				OrganizationID string `json:"organizationId"`
			}
			if json.Unmarshal(raw, &v) != nil || v.OrganizationID == "" {
				return nil, validation("invalid OrganizationIdQuery.OrganizationId: value length must be between 1 and 200 runes, inclusive")
			}
			return func(u *user) bool { return u.OrgID == v.OrganizationID }, nil
		case "inUserIdsQuery", "in_user_ids_query":
			var v struct {
				UserIDs []string `json:"userIds"`
			}
			if json.Unmarshal(raw, &v) != nil {
				return nil, validation("invalid InUserIDQuery")
			}
			return func(u *user) bool { return slices.Contains(v.UserIDs, u.ID) }, nil
		}
		return nil, validation("zitadelemu does not model the user query " + key)
	}
	return nil, validation("invalid SearchQuery.Query: value is required")
}

// listUsersV2 answers the users the caller may read that match every query,
// in creation order (the emulator ignores sortingColumn and asc).
func (e *Emulator) listUsersV2(r *http.Request, caller *user, req *listUsersRequest) (any, *apiError) {
	filters := []userFilter{func(u *user) bool { return selfOr(caller, u, permUserRead) == nil }}
	for _, q := range req.Queries {
		f, err := parseUserQuery(q)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	var found []wireUser
	for _, u := range e.st.users {
		if !slices.ContainsFunc(filters, func(f userFilter) bool { return !f(u) }) {
			found = append(found, e.wireUser(u))
		}
	}
	total := len(found)
	limit := int(min(req.Query.Limit, maxListLimit))
	if limit == 0 {
		limit = defaultListLimit
	}
	off := int(min(uint64(req.Query.Offset), uint64(total)))
	found = found[off:min(off+limit, total)]
	return struct {
		Details listDetails `json:"details"`
		Result  []wireUser  `json:"result,omitempty"`
	}{listDetails{TotalResult: u64(uint64(total)), Timestamp: protoTime(e.Now())}, found}, nil
}
