package handlers

import (
	"context"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// The second factors a code step can ask for. The first two are Stytch's
// default_mfa_method values.
const (
	methodSMS      = identity.MethodSMS
	methodTOTP     = identity.MethodApp
	methodRecovery = identity.MethodRecovery
)

// flowMethod is the method the step s is on asks for.
func flowMethod(s *session.State, f flow) string {
	if s.Flow != nil && s.Flow.Method != "" {
		return s.Flow.Method
	}
	return flowMethods(f)[0]
}

// hasMethod reports whether the member can prove method now: a confirmed
// phone, or a confirmed app (which its recovery codes back).
func hasMethod(p *session.Profile, method string) bool {
	if p == nil {
		return false
	}
	switch method {
	case methodSMS:
		return p.Phone != "" && p.PhoneVerified
	case methodTOTP, methodRecovery:
		return p.TOTP
	}
	return false
}

// firstMethod is what a step that may take any of methods asks for first:
// the member's default when they have it, else the first they have.
func firstMethod(p *session.Profile, methods []string) (string, bool) {
	if p != nil && p.DefaultMethod != "" && hasMethod(p, p.DefaultMethod) {
		for _, m := range methods {
			if m == p.DefaultMethod {
				return m, true
			}
		}
	}
	for _, m := range methods {
		if hasMethod(p, m) {
			return m, true
		}
	}
	return "", false
}

// alternatives are the other methods the member could use for this step,
// as the code page offers them.
func alternatives(s *session.State, f flow, current string) []views.Alternative {
	var out []views.Alternative
	for _, m := range flowMethods(f) {
		if m == current || !hasMethod(s.Profile, m) {
			continue
		}
		out = append(out, views.Alternative{Method: m, Label: switchLabel(m)})
	}
	return out
}

// switchLabel is the catalog key of the button that switches to method.
func switchLabel(method string) string { return "method.switch." + method }

// normalizeCode cleans up what a person typed for method: 6 digits, or a
// recovery code as Stytch writes them (abcd-efgh-ijkl).
func normalizeCode(method, input string, letters bool) (string, bool) {
	switch {
	case method == methodSMS && letters:
		return letterCode(input)
	case method != methodRecovery:
		return phone.NormalizeCode(input)
	}
	if len(input) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToLower(input) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '\t':
		default:
			return "", false
		}
	}
	c := b.String()
	if len(c) != 12 {
		return "", false
	}
	return c[:4] + "-" + c[4:8] + "-" + c[8:], true
}

// letterCode is a texted code of 6 upper-case letters and digits, as
// typed: any case, spaces and dashes dropped.
func letterCode(input string) (string, bool) {
	if len(input) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(input) {
		switch {
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '\t':
		default:
			return "", false
		}
	}
	if b.Len() != phone.CodeLength {
		return "", false
	}
	return b.String(), true
}

// badShape is the catalog key of the message for input that cannot be a
// code of method (texted codes with letters, where the backend sends them).
func badShape(method string, letters bool) string {
	if method == methodSMS && letters {
		return "codeError.shape.sms_letters"
	}
	return "codeError.shape." + method
}

// proveCode has the backend check code for the step s is on: during
// login on the intermediate session, afterwards on the member's session,
// so the session records the fresh factor.
func (a *app) proveCode(ctx context.Context, s *session.State, f flow, method, code string) (identity.Proved, error) {
	return a.idp.ProveCode(ctx, caller(s), identity.Proof{
		Method: method, Code: code, TextCodes: f.textCodes, MakeDefault: f.setDefault,
	})
}

// stepUpPage is the page before a change that needs a fresh second
// factor: what will happen, and a button for each method the member has.
func (a *app) stepUpPage(c echo.Context, s *session.State, kind, title, action string) views.StepUpPage {
	v := views.StepUpPage{Page: a.page(c, title, s), Heading: title}
	v.ActionURL, v.CancelURL = v.URL(action), v.URL("/")
	first, _ := firstMethod(s.Profile, flowMethods(flows[kind]))
	for _, m := range flowMethods(flows[kind]) {
		if hasMethod(s.Profile, m) {
			v.Methods = append(v.Methods, views.MethodChoice{Method: m, Label: tr(c).T(proveLabel(m)), Primary: m == first})
		}
	}
	return v
}

// proveLabel is the catalog key of the button that proves a step with method.
func proveLabel(method string) string { return "method.prove." + method }

// startProof starts kind's fresh-factor step with the method the member
// chose (or their first one), texting a code when that is the method.
func (a *app) startProof(c echo.Context, s *session.State, kind string) error {
	return a.proofWith(c, s, kind, flowMethods(flows[kind]))
}

// proofWith is startProof for a flow whose methods the caller passes:
// a flow's own done cannot read the table it is part of.
func (a *app) proofWith(c echo.Context, s *session.State, kind string, methods []string) error {
	method := c.FormValue("method")
	if !slices.Contains(methods, method) || !hasMethod(s.Profile, method) {
		var ok bool
		if method, ok = firstMethod(s.Profile, methods); !ok {
			return redirectTo("/")
		}
	}
	a.startFlow(c.Request().Context(), s, &session.Flow{Kind: kind, Method: method})
	if method == methodSMS {
		if err := a.sendCode(c, s, ""); err != nil {
			return err
		}
	}
	return a.saveAndRedirect(c, s, "/verify")
}
