package views

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// documentTitle is the text of <title>. Inside a host site the product
// name would be a stranger's, so the page's own title stands alone.
func documentTitle(ctx context.Context, p Page) string {
	if p.Problem {
		p.Title = t(ctx, "common.errorTitle", "Title", p.Title)
	}
	switch {
	case p.HostManaged:
		return p.Title
	case p.Title == "":
		return "mfaportal"
	}
	return t(ctx, "common.titleSuffix", "Title", p.Title)
}

// csrfHeaders is the hx-headers value that sends the CSRF token with every
// htmx request.
func csrfHeaders(token string) string {
	b, _ := json.Marshal(token)
	return `{"X-CSRF-Token":` + string(b) + `}`
}

// nowUnix is the render time that countdowns in the browser start from.
func nowUnix(p Page) string {
	if p.Now != 0 {
		return strconv.FormatInt(p.Now, 10)
	}
	return strconv.FormatInt(time.Now().Unix(), 10)
}

// describedBy joins the ids of the elements describing an input, skipping
// empty ones.
func describedBy(ids ...string) string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return strings.Join(out, " ")
}

// errorIDFor is ErrorID(field) when the field has an error, else "".
func errorIDFor(errs Errors, field string) string {
	if errs.For(field) == "" {
		return ""
	}
	return ErrorID(field)
}

// focusHere says whether an input gets autofocus: the first invalid field,
// or the form's main field when there are no errors.
func focusHere(errs Errors, field, mainField string) bool {
	if len(errs) > 0 {
		return errs[0].Field == field
	}
	return field == mainField
}

// fieldID is the id of the input for a form field, the target of the
// error summary's links.
func fieldID(field string) string { return "f-" + strings.ReplaceAll(field, "_", "-") }

func i64toa(n int64) string { return strconv.FormatInt(n, 10) }

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// demoLabel is "Ada Admin (admin, Acme Inc)".
func demoLabel(a DemoAccount) string {
	var extra []string
	for _, s := range []string{a.Note, a.OrganizationName} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	name := orDefault(a.Name, a.Email)
	if len(extra) == 0 {
		return name
	}
	return name + " (" + strings.Join(extra, ", ") + ")"
}

// phoneHeading is the phone form's heading for each purpose.
func phoneHeading(ctx context.Context, purpose string) string {
	switch purpose {
	case PurposeReplace:
		return t(ctx, "phone.headingReplace")
	case PurposeChange:
		return t(ctx, "confirm.replaceHeading")
	case PurposeLogin:
		return t(ctx, "phone.headingLogin")
	case PurposeLoginReset:
		return t(ctx, "phone.headingLoginReset")
	default:
		return t(ctx, "phone.headingEnroll")
	}
}

// countryLabel is "United Kingdom (+44)".
func countryLabel(c Country) string {
	if c.DialCode == "" {
		return c.Name
	}
	return c.Name + " (" + c.DialCode + ")"
}

// groupsOfFour writes an authenticator key as "ABCD EFGH …", for typing in.
func groupsOfFour(secret string) string {
	var groups []string
	for len(secret) > 4 {
		groups = append(groups, secret[:4])
		secret = secret[4:]
	}
	return strings.Join(append(groups, secret), " ")
}

// CodeTitle is the code page's title for each flow and method: the task
// first, so each step's title is its own.
func CodeTitle(ctx context.Context, kind, method string) string {
	switch kind {
	case CodeLogin:
		switch method {
		case MethodTOTP, MethodRecovery:
			return t(ctx, "codeTitle.login."+method)
		}
		return t(ctx, "codeTitle.login.sms")
	case CodeEnroll, CodeTOTPEnroll:
		return codeHeading(ctx, kind, method)
	case CodeStepUp, CodeUnenroll, CodeTOTPStepUp, CodeTOTPRemove, CodeRecoveryRotate:
		return t(ctx, "codeTitle."+kind)
	}
	return codeHeading(ctx, kind, method)
}

// codeHeading is the code page's heading for each flow and method.
func codeHeading(ctx context.Context, kind, method string) string {
	switch kind {
	case CodeTOTPStepUp, CodeStepUp:
		return t(ctx, "codeHeading.firstConfirm")
	case CodeTOTPEnroll, CodeTOTPRemove, CodeRecoveryRotate, CodeEnroll, CodeUnenroll:
		return t(ctx, "codeHeading."+kind)
	}
	switch {
	case kind == CodeLogin && method == MethodTOTP:
		return t(ctx, "codeHeading.app")
	case kind == CodeLogin && method == MethodRecovery:
		return t(ctx, "codeHeading.recovery")
	}
	return t(ctx, "codeHeading.sms")
}
