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
	const sms, app = stytchclient.MFAMethodSMS, stytchclient.MFAMethodTOTP
	states := map[string]mfaState{
		"no phone":                       {},
		"phone texted, not confirmed":    {Phone: number},
		"phone confirmed, codes off":     {Phone: number, PhoneVerified: true},
		"phone confirmed, codes on":      {Phone: number, PhoneVerified: true, Enrolled: true, Default: sms},
		"codes on, phone reset by admin": {Enrolled: true},
		"app only":                       {Enrolled: true, App: true, Default: app},
		"app and phone, phone first":     {Phone: number, PhoneVerified: true, Enrolled: true, App: true, Default: sms},
		"app and phone, app first":       {Phone: number, PhoneVerified: true, Enrolled: true, App: true, Default: app},
		"app, phone texted only":         {Phone: number, Enrolled: true, App: true, Default: app},
	}
	type want struct {
		enroll, turnOn, replace, unenroll, blocked, reset     bool
		addApp, removeApp, appBlocked, appDefault, smsDefault bool
		rotate, resetApp, removePhone                         bool
	}
	const optional, required = "optional", "required for all"
	tests := []struct {
		state, policy string
		want          want
	}{
		{"no phone", optional, want{enroll: true, addApp: true}},
		{"no phone", required, want{enroll: true, addApp: true}},
		{"phone texted, not confirmed", optional, want{enroll: true, reset: true, addApp: true, removePhone: true}},
		{"phone texted, not confirmed", required, want{enroll: true, reset: true, addApp: true, removePhone: true}},
		{"phone confirmed, codes off", optional, want{turnOn: true, replace: true, reset: true, addApp: true, removePhone: true}},
		{"phone confirmed, codes off", required, want{replace: true, blocked: true, reset: true, addApp: true}},
		{"phone confirmed, codes on", optional, want{replace: true, unenroll: true, reset: true, addApp: true}},
		{"phone confirmed, codes on", required, want{replace: true, blocked: true, reset: true, addApp: true}},
		{"codes on, phone reset by admin", optional, want{enroll: true, addApp: true}},
		{"codes on, phone reset by admin", required, want{enroll: true, addApp: true}},
		{"app only", optional, want{enroll: true, removeApp: true, rotate: true, resetApp: true}},
		{"app only", required, want{enroll: true, appBlocked: true, rotate: true, resetApp: true}},
		{"app and phone, phone first", optional, want{replace: true, blocked: true, reset: true, removeApp: true, appDefault: true, rotate: true, resetApp: true}},
		{"app and phone, phone first", required, want{replace: true, blocked: true, reset: true, removeApp: true, appDefault: true, rotate: true, resetApp: true}},
		{"app and phone, app first", optional, want{replace: true, blocked: true, reset: true, removeApp: true, smsDefault: true, rotate: true, resetApp: true}},
		{"app and phone, app first", required, want{replace: true, blocked: true, reset: true, removeApp: true, smsDefault: true, rotate: true, resetApp: true}},
		{"app, phone texted only", optional, want{enroll: true, reset: true, removeApp: true, rotate: true, resetApp: true, removePhone: true}},
		{"app, phone texted only", required, want{enroll: true, reset: true, appBlocked: true, rotate: true, resetApp: true, removePhone: true}},
	}
	seen := map[string]int{}
	for _, tt := range tests {
		m := states[tt.state]
		m.Required = tt.policy == required
		got := allowedActions(m)
		g := want{got.Enroll, got.TurnOn, got.Replace, got.Unenroll, got.UnenrollBlocked != "", got.Reset,
			got.AddApp, got.RemoveApp, got.RemoveAppBlocked != "", got.AppDefault, got.SMSDefault,
			got.RotateRecovery, got.ResetApp, got.RemovePhone}
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
