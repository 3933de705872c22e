package zitadelclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/mfaportal/mfaportal/zitadelclient"
)

// TestRealInstance reads the token's own user and factors from a real
// ZITADEL. It runs only when ZITADEL_URL (the instance origin) and
// ZITADEL_TOKEN (a user's access token with the scope
// urn:zitadel:iam:org:project:id:zitadel:aud) are set, and never writes
// unless ZITADEL_ALLOW_WRITES=1, when it also toggles OTP SMS off and on
// again for a user who has it.
func TestRealInstance(t *testing.T) {
	base, token := os.Getenv("ZITADEL_URL"), os.Getenv("ZITADEL_TOKEN")
	if base == "" || token == "" {
		t.Skip("set ZITADEL_URL (e.g. https://auth.example.com) and ZITADEL_TOKEN (a user's access token with the ZITADEL API audience scope) to run against a real instance; ZITADEL_ALLOW_WRITES=1 also lets it toggle OTP SMS")
	}
	c, err := zitadelclient.New(zitadelclient.Config{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	userID := os.Getenv("ZITADEL_USER_ID")
	if userID == "" {
		userID = subjectOf(t, ctx, base, token)
	}
	m, err := c.Member(ctx, token, userID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("user %s (%s) of org %s: phone %q verified=%v, OTP SMS %v", m.UserID, m.LoginName, m.OrgID, m.Phone, m.PhoneVerified, m.OTPSMS)
	if os.Getenv("ZITADEL_ALLOW_WRITES") != "1" || !m.OTPSMS {
		return
	}
	if _, err := c.RemoveOTPSMS(ctx, token, userID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddOTPSMS(ctx, token, userID); err != nil {
		t.Fatalf("OTP SMS was removed and could not be added back: %v", err)
	}
}

// subjectOf asks the instance's userinfo endpoint whose token this is.
func subjectOf(t *testing.T, ctx context.Context, base, token string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/oidc/v1/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info struct {
		Sub string `json:"sub"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.Sub == "" {
		t.Fatalf("userinfo answered %s without a sub (%v); set ZITADEL_USER_ID", resp.Status, err)
	}
	return info.Sub
}
