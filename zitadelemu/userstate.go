package zitadelemu

import "net/http"

// A user's state (zitadel.user.v2.UserState). The emulator's users are
// created active; the v2 user service's deactivate, reactivate, lock and
// unlock move them, with the preconditions of ZITADEL's user commands.
const (
	userStateActive   = "USER_STATE_ACTIVE"
	userStateInactive = "USER_STATE_INACTIVE"
	userStateLocked   = "USER_STATE_LOCKED"
	userStateInitial  = "USER_STATE_INITIAL"
)

var (
	errCantDeactivateInitial = zerr(codeNotFound, "COMMAND-ke0fw", "Errors.User.CantDeactivateInitial")
	errAlreadyInactive       = zerr(codeFailedPrecondition, "COMMAND-5M0sf", "Errors.User.AlreadyInactive")
	errNotInactive           = zerr(codeFailedPrecondition, "COMMAND-6M0sf", "Errors.User.NotInactive")
	errNotActiveOrInitial    = zerr(codeFailedPrecondition, "COMMAND-3NN8v", "Errors.User.ShouldBeActiveOrInitial")
	errNotLocked             = zerr(codeFailedPrecondition, "COMMAND-4M0ds", "Errors.User.NotLocked")
)

// stateChange is one of the four commands: the state it leads to and the
// error for a user it cannot apply to ("" when it can).
type stateChange func(state string) (string, *apiError)

func deactivate(s string) (string, *apiError) {
	switch s {
	case userStateInitial:
		return "", errCantDeactivateInitial
	case userStateInactive:
		return "", errAlreadyInactive
	}
	return userStateInactive, nil
}

func reactivate(s string) (string, *apiError) {
	if s != userStateInactive {
		return "", errNotInactive
	}
	return userStateActive, nil
}

func lock(s string) (string, *apiError) {
	if s != userStateActive && s != userStateInitial {
		return "", errNotActiveOrInitial
	}
	return userStateLocked, nil
}

func unlock(s string) (string, *apiError) {
	if s != userStateLocked {
		return "", errNotLocked
	}
	return userStateActive, nil
}

// changeState serves POST /v2/users/{userId}/deactivate (and reactivate,
// lock, unlock): user.write in the user's organization, or the user
// themselves, as ZITADEL's update-user permission check allows.
func (e *Emulator) changeState(change stateChange) func(*http.Request, *user, *empty) (any, *apiError) {
	return func(r *http.Request, caller *user, _ *empty) (any, *apiError) {
		u, err := e.target(r, errUserNotFound)
		if err == nil {
			err = selfOr(caller, u, permUserWrite)
		}
		if err != nil {
			return nil, err
		}
		next, err := change(u.state)
		if err != nil {
			return nil, err
		}
		u.state = next
		u.touch(e.Now())
		return detailsResponse{Details: u.details()}, nil
	}
}

// canLogIn: ZITADEL's login refuses deactivated and locked users.
func (u *user) canLogIn() bool { return u.state == userStateActive || u.state == userStateInitial }
