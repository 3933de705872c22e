package views

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"
)

// Rendering cost of each page inside the layout
// (go test -run=NONE -bench=Render -benchmem ./views/).
func BenchmarkRender(b *testing.B) {
	p := samplePage("Page")
	m := sampleAdminMember(p)
	members := make([]AdminMember, 50)
	for i := range members {
		members[i] = m
	}
	pages := map[string]templ.Component{
		"login":      LoginContent(LoginPage{Page: p, AskOrg: true}),
		"login-sent": LoginSentContent(LoginSentPage{Page: p, Email: "max@acme.example"}),
		"settings": SettingsContent(SettingsPage{Page: p, Name: "Max Member", Email: "max@acme.example", OrganizationName: "Acme Inc",
			MFAEnrolled: true, PhoneMasked: "+1 •••-•••-0177", PhoneVerified: true, CanReplace: true, CanUnenroll: true}),
		"phone":       PhoneContent(samplePhone(p)),
		"code":        CodeContent(sampleCode(p)),
		"confirm":     ConfirmContent(ConfirmPage{Page: p, Kind: CodeStepUp, PhoneMasked: "+1 •••-•••-0177", ActionURL: "/replace", CancelURL: "/"}),
		"error":       ErrorContent(ErrorPage{Page: p, Status: 503, Heading: "We couldn't reach our sign-in provider", Message: "Try again.", NothingChanged: true}),
		"admin-list":  AdminMembersContent(AdminMembersPage{Page: p, Members: members}),
		"admin-reset": AdminResetContent(AdminResetPage{Page: p, Member: m}),
	}
	for name, c := range pages {
		b.Run(name, func(b *testing.B) {
			doc := Layout(p, c)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := doc.Render(context.Background(), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
