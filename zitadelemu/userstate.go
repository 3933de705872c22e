package zitadelemu

import "net/http"

// A user's state (zitadel.user.v2.UserState). The emulator's users are
// created active; the v2 user service's deactivate, reactivate, lock and
// unlock move them, with the preconditions, ids and order of checks of
// ZITADEL's *UserV2 commands (command/user_v2.go): the state first, then
// the permission.
const (
	userStateActive   = "USER_STATE_ACTIVE"
	userStateInactive = "USER_STATE_INACTIVE"
	userStateLocked   = "USER_STATE_LOCKED"
	userStateInitial  = "USER_STATE_INITIAL"
)

var (
	errCantDeactivateInitial = zerr(codeFailedPrecondition, "COMMAND-gvx4kct9r2", "User in initial state can't be deactivated")
	errAlreadyInactive       = zerr(codeFailedPrecondition, "COMMAND-5gunjw0cd7", "User is already inactive")
	errNotInactive           = zerr(codeFailedPrecondition, "COMMAND-s5qqcz97hf", "User is not inactive")
	errNotActiveOrInitial    = zerr(codeFailedPrecondition, "COMMAND-lgws8wtsqf", "User should be active or initial")
	errNotLocked             = zerr(codeFailedPrecondition, "COMMAND-olb9vb0oca", "User is not locked")
)

// stateChange is one of the four commands: the state it leads to, or the
// error for a user in a state it does not apply to.
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
// themselves, as ZITADEL's update-user permission check allows. A user
// who can no longer log in loses their tokens, as ZITADEL's token
// projection deletes them on the locked and deactivated events.
func (e *Emulator) changeState(change stateChange) func(*http.Request, *user, *empty) (any, *apiError) {
	return func(r *http.Request, caller *user, _ *empty) (any, *apiError) {
		u, err := e.target(r, errUserNotFound)
		if err != nil {
			return nil, err
		}
		next, err := change(u.state)
		if err == nil {
			err = selfOr(caller, u, permUserWrite)
		}
		if err != nil {
			return nil, err
		}
		u.state = next
		u.touch(e.Now())
		if !u.canLogIn() {
			for k, t := range e.tokens {
				if t.userID == u.ID {
					delete(e.tokens, k)
				}
			}
		}
		return detailsResponse{Details: u.details()}, nil
	}
}

// canLogIn: ZITADEL's login refuses deactivated and locked users.
func (u *user) canLogIn() bool { return u.state == userStateActive || u.state == userStateInitial }
