package handlers

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/identity"
	"github.com/mfaportal/mfaportal/phone"
	"github.com/mfaportal/mfaportal/session"
	"github.com/mfaportal/mfaportal/views"
)

// flow is one thing a member does by entering a code: texted, from an
// authenticator app, or a recovery code. Everything that differs between
// flows is declared here, once; the code page and its handlers (verify.go)
// read the table and never switch on a flow's name.
type flow struct {
	// methods are the second factors that may prove this flow, the one
	// asked for first at the head; nil is a texted code only.
	methods []string
	// page is where the flow's step lives when it is not the code page.
	page string
	// inLogin: the flow runs on the intermediate session token of a login
	// that waits for its second step, not on a full session.
	inLogin bool
	// newPhone: the code goes to a number the member typed on the phone
	// form at phoneForm (resends too), not to the phone already set.
	newPhone  bool
	phoneForm string
	// textCodes turns text-message codes on or off on a correct code
	// (nil leaves them).
	textCodes *bool
	// What the code page says: what the code is for, and the catalog
	// keys of its button and of what has (not) changed while the code is
	// pending.
	code, submit, stateNote string
	// setDefault also makes the method proven the member's default.
	setDefault bool
	// done finishes the flow once the backend has accepted the code.
	done func(a *app, c echo.Context, s *session.State, p proof) error
}

// proof is what the backend said when it accepted a code.
type proof struct {
	method       string
	member       identity.Member
	recoveryLeft int // recovery codes left, after one was used
}

// The flows, by the name kept in the cookie (session.Flow.Kind).
const (
	flowLogin       = "login"        // a code to the member's phone finishes a login
	flowLoginEnroll = "login-enroll" // the organization requires MFA: a first phone, during login
	flowEnroll      = "enroll"       // a first (or, after a replacement's removal, new) phone
	flowTurnOn      = "turn-on"      // MFA back on, with the phone already set
	flowStepUp      = "stepup"       // replace, step 1: prove the current phone, then it is removed
	flowReplace     = "replace"      // replace, step 2: old phone removed, no code yet; enroll follows
	flowChange      = "change"       // a new number in place of the confirmed one, which works until the new one is confirmed
	flowUnenroll    = "unenroll"     // prove the current phone to turn MFA off

	flowTOTPStepUp     = "totp-stepup"     // prove the phone before an app is added, when the session has not
	flowTOTPEnroll     = "totp-enroll"     // a new authenticator app, confirmed by its first code
	flowTOTPRemove     = "totp-remove"     // a fresh second factor, then the app is removed
	flowRecoveryRotate = "recovery-rotate" // a fresh second factor, then new recovery codes
	flowRecoveryShow   = "recovery-show"   // new recovery codes, shown until the member says they saved them
)

// on and off are what a flow's textCodes points at.
var on, off = true, false

// The methods of flows that prove the member again before a change.
var freshFactor = []string{methodTOTP, methodSMS, methodRecovery}

var flows = map[string]flow{
	flowLogin: {
		inLogin: true, methods: []string{methodSMS, methodTOTP, methodRecovery},
		code: views.CodeLogin, submit: "common.logIn",
		done: func(a *app, c echo.Context, s *session.State, p proof) error {
			if p.method == methodRecovery {
				a.audit(c, s, "recovery_code_used", slog.Int("recovery_codes_left", p.recoveryLeft))
				return a.finishLogin(c, s, recoveryLoginNote(tr(c), p.recoveryLeft))
			}
			return a.finishLogin(c, s, tr(c).T("flash.loggedIn"))
		},
	},
	flowLoginEnroll: {
		inLogin: true, newPhone: true, phoneForm: "/login/phone", textCodes: &on,
		code: views.CodeEnroll, submit: "flow.confirmAndLogIn",
		stateNote: "flow.note.loginEnroll",
		done: func(a *app, c echo.Context, s *session.State, _ proof) error {
			a.audit(c, s, "mfa_on")
			return a.finishLogin(c, s, tr(c).T("flash.loggedInSetUp"))
		},
	},
	flowEnroll: {
		newPhone: true, phoneForm: "/enroll", textCodes: &on,
		code: views.CodeEnroll, submit: "common.turnOn",
		stateNote: "flow.note.enroll",
		done:      (*app).finishEnroll,
	},
	flowChange: {
		newPhone: true, phoneForm: "/replace", textCodes: &on,
		code: views.CodeEnroll, submit: "common.confirm",
		stateNote: "flow.note.stepup",
		done:      (*app).finishEnroll,
	},
	flowTurnOn: {
		textCodes: &on,
		code:      views.CodeEnroll, submit: "common.turnOn",
		stateNote: "flow.note.enroll",
		done:      (*app).finishEnroll,
	},
	flowStepUp: {
		code: views.CodeStepUp, submit: "flow.confirmAndRemoveNumber",
		stateNote: "flow.note.stepup",
		done: func(a *app, c echo.Context, s *session.State, _ proof) error {
			return a.removeOldPhone(c, s)
		},
	},
	flowUnenroll: {
		textCodes: &off,
		code:      views.CodeUnenroll, submit: "common.turnOff",
		stateNote: "flow.note.unenroll",
		done: func(a *app, c echo.Context, s *session.State, _ proof) error {
			a.audit(c, s, "mfa_off")
			s.Flash = tr(c).T("flash.smsOff")
			return a.saveAndRedirect(c, s, "/")
		},
	},
	flowTOTPStepUp: {
		code: views.CodeTOTPStepUp, submit: "common.confirm",
		stateNote: "flow.note.totpStepUp",
		done: func(a *app, c echo.Context, s *session.State, _ proof) error {
			return a.newAppKey(c, s, false)
		},
	},
	flowTOTPEnroll: {
		methods: []string{methodTOTP}, textCodes: &on,
		code: views.CodeTOTPEnroll, submit: "flow.confirmAndTurnOn",
		stateNote: "flow.note.totpEnroll",
		done:      (*app).finishTOTPEnroll,
	},
	flowTOTPRemove: {
		methods: freshFactor,
		code:    views.CodeTOTPRemove, submit: "flow.confirmAndRemoveApp",
		stateNote: "flow.note.totpRemove",
		done:      (*app).removeApp,
	},
	flowRecoveryRotate: {
		methods: freshFactor,
		code:    views.CodeRecoveryRotate, submit: "flow.confirmAndRotate",
		stateNote: "flow.note.recoveryRotate",
		done:      (*app).rotateRecoveryCodes,
	},
	flowRecoveryShow: {page: "/recovery-codes"},
}

// currentFlow is the flow s is part-way through, if it is one of the
// table's (a cookie from an older version may name another).
func currentFlow(s *session.State) (flow, bool) {
	if s.Flow == nil {
		return flow{}, false
	}
	f, ok := flows[s.Flow.Kind]
	return f, ok
}

// flowMethods are the methods that may prove f.
func flowMethods(f flow) []string {
	if f.methods == nil {
		return []string{methodSMS}
	}
	return f.methods
}

// inFlow reports whether s is part-way through the flow named kind.
func inFlow(s *session.State, kind string) bool { return s.Flow != nil && s.Flow.Kind == kind }

// finishLogin ends a login's second step with a new cookie: nothing from
// before the login survives.
func (a *app) finishLogin(c echo.Context, s *session.State, flash string) error {
	s.Flash = flash
	return a.saveAndRedirect(c, s, "/")
}

// finishEnroll: codes are on (a first phone, a replacement, or back on).
// The member goes back to the host's page they came from, if any.
func (a *app) finishEnroll(c echo.Context, s *session.State, p proof) error {
	a.audit(c, s, "mfa_on")
	s.Flash = tr(c).T("flash.smsOn", "Phone", phone.Mask(p.member.Phone))
	if left, err := a.leaveForReturnTo(c, s); left || err != nil {
		return err
	}
	return a.saveAndRedirect(c, s, "/")
}

// saveAndRedirect saves the session and redirects to path.
func (a *app) saveAndRedirect(c echo.Context, s *session.State, path string) error {
	if err := a.save(c, s); err != nil {
		return err
	}
	return a.redirect(c, path)
}
