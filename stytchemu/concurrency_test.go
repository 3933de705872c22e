package stytchemu_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// TestConcurrentUse runs 20 members through login, send and authenticate at
// once while others read the outbox and search; run with -race.
func TestConcurrentUse(t *testing.T) {
	v := newEnv(t)
	acme := v.orgAcme()
	const n = 20
	ids := make([]string, n)
	for i := range n {
		var out stytchclient.MemberResponse
		v.req("POST", "/v1/b2b/organizations/"+acme.ID+"/members", map[string]any{"email_address": fmt.Sprintf("user%d@acme.example", i)}).ok(&out)
		ids[i] = out.MemberID
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			email, phone := fmt.Sprintf("user%d@acme.example", i), fmt.Sprintf("+1201555%04d", 1000+i)
			tok := v.session(acme.ID, email)
			v.send(map[string]any{"organization_id": acme.ID, "member_id": ids[i], "mfa_phone_number": phone, "session_token": tok}).ok(nil)
			r := v.auth(map[string]any{"organization_id": acme.ID, "member_id": ids[i], "code": v.code(phone), "session_token": tok, "set_mfa_enrollment": "enroll"})
			if r.status != http.StatusOK {
				errs <- fmt.Errorf("member %d: %d %s", i, r.status, r.body)
			}
			v.req("GET", "/dev/outbox", nil)
			v.req("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{acme.ID}}).ok(nil)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var out stytchclient.SearchMembersResponse
	v.req("POST", "/v1/b2b/organizations/members/search", map[string]any{"organization_ids": []string{acme.ID},
		"query": map[string]any{"operator": "AND", "operands": []any{map[string]any{"filter_name": "member_email_fuzzy", "filter_value": "user"}}}}).ok(&out)
	for _, m := range out.Members {
		if !m.MFAEnrolled || !m.MFAPhoneNumberVerified {
			t.Errorf("%s not enrolled", m.EmailAddress)
		}
	}
	if out.ResultsMetadata.Total != n {
		t.Fatalf("total %d", out.ResultsMetadata.Total)
	}
}
