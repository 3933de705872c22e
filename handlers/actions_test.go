package handlers

import (
	"testing"

	"github.com/mfaportal/mfaportal/stytchclient"
)

// TestAllowedActions covers every member state under both organization
// policies: the settings page, the POST handlers and the admin pages all
// ask allowedActions, so this table is the whole rule.
func TestAllowedActions(t *testing.T) {
	const number = "+12015550123"
	states := map[string]mfaState{
		"no phone":                       {},
		"phone texted, not confirmed":    {Phone: number},
		"phone confirmed, codes off":     {Phone: number, PhoneVerified: true},
		"phone confirmed, codes on":      {Phone: number, PhoneVerified: true, Enrolled: true},
		"codes on, phone reset by admin": {Enrolled: true},
	}
	type want struct {
		enroll, turnOn, replace, unenroll, blocked, reset bool
	}
	const optional, required = stytchclient.MFAPolicyOptional, stytchclient.MFAPolicyRequiredForAll
	tests := []struct {
		state, policy string
		want          want
	}{
		{"no phone", optional, want{enroll: true}},
		{"no phone", required, want{enroll: true}},
		{"phone texted, not confirmed", optional, want{enroll: true, reset: true}},
		{"phone texted, not confirmed", required, want{enroll: true, reset: true}},
		{"phone confirmed, codes off", optional, want{turnOn: true, replace: true, reset: true}},
		{"phone confirmed, codes off", required, want{replace: true, blocked: true, reset: true}},
		{"phone confirmed, codes on", optional, want{replace: true, unenroll: true, reset: true}},
		{"phone confirmed, codes on", required, want{replace: true, blocked: true, reset: true}},
		{"codes on, phone reset by admin", optional, want{enroll: true}},
		{"codes on, phone reset by admin", required, want{enroll: true}},
	}
	seen := map[string]int{}
	for _, tt := range tests {
		m := states[tt.state]
		m.Policy = tt.policy
		got := allowedActions(m)
		g := want{got.Enroll, got.TurnOn, got.Replace, got.Unenroll, got.UnenrollBlocked != "", got.Reset}
		if g != tt.want {
			t.Errorf("%s, %s:\n got %+v\nwant %+v", tt.state, tt.policy, g, tt.want)
		}
		seen[tt.state]++
	}
	for name := range states {
		if seen[name] != 2 {
			t.Errorf("state %q is covered under %d policies, want both", name, seen[name])
		}
	}
}
