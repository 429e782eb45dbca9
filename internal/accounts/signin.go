package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/store"
)

// SignInRequest is a password sign-in. Code is a TOTP code or a recovery
// code, when the account has TOTP on.
type SignInRequest struct {
	Name, Password, Code string
}

// SignInResult is a new session. Token goes into the cookie and is never
// stored; Expires is the session's absolute end. MustChangePassword and
// NeedTOTPEnrolment say the session is limited to that step (Session
// answers ErrSessionLimited for it until the step is done).
type SignInResult struct {
	Token              string
	Expires            time.Time
	Actor              actor.Actor
	MustChangePassword bool
	NeedTOTPEnrolment  bool
}

// Authenticator signs a person in. *Service is the password one; an
// external identity provider implements its own flow and ends it with
// Service.StartSession.
type Authenticator interface {
	SignIn(ctx context.Context, req SignInRequest) (SignInResult, error)
}

var _ Authenticator = (*Service)(nil)

// SignIn checks a password (and the second factor) and starts a session.
// An unknown name, a wrong password, a disabled and a locked account all
// answer ErrBadCredentials; the audit log says which it was. Five
// failures within 15 minutes lock the account for 15 minutes.
func (s *Service) SignIn(ctx context.Context, req SignInRequest) (SignInResult, error) {
	now := s.now()
	u, err := s.st.UserByName(ctx, req.Name)
	if errors.Is(err, store.ErrNotFound) {
		argon2id.ComparePasswordAndHash(req.Password, s.dummy) // the same time as a known name
		return SignInResult{}, s.failed(ctx, req.Name, "unknown user")
	}
	if err != nil {
		return SignInResult{}, err
	}
	if now.Before(u.LockedUntil) {
		return SignInResult{}, s.failed(ctx, u.Name, "locked")
	}
	ok, err := argon2id.ComparePasswordAndHash(req.Password, u.PasswordHash)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		return SignInResult{}, s.countFailure(ctx, u, "wrong password", ErrBadCredentials)
	}
	if u.Disabled {
		return SignInResult{}, s.failed(ctx, u.Name, "disabled")
	}
	second, step := "", int64(0)
	if u.TOTPEnabled {
		if req.Code == "" {
			return SignInResult{}, ErrCodeRequired
		}
		if second, step, err = s.checkCode(ctx, u, req.Code); err != nil {
			return SignInResult{}, err
		}
	}
	res, err := s.startSession(ctx, u, second, step)
	if errors.Is(err, store.ErrCodeReused) {
		return SignInResult{}, s.countFailure(ctx, u, "reused code", ErrBadCode)
	}
	return res, err
}

// StartSession starts a session for an account another Authenticator has
// verified; mfa says it verified a second factor. The rules are those of
// SignIn: a disabled account is refused, and an administrative role
// without a second factor gets a session limited to enrolling TOTP.
func (s *Service) StartSession(ctx context.Context, name string, mfa bool) (SignInResult, error) {
	u, err := s.st.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return SignInResult{}, s.failed(ctx, name, "external sign-in of an unknown or disabled account")
	}
	if err != nil {
		return SignInResult{}, err
	}
	second := ""
	if mfa {
		second = "external"
	} else if u.TOTPEnabled {
		return SignInResult{}, ErrCodeRequired
	}
	return s.startSession(ctx, u, second, 0)
}

func (s *Service) startSession(ctx context.Context, u store.User, second string, totpStep int64) (SignInResult, error) {
	now := s.now()
	token, id, err := newSessionToken()
	if err != nil {
		return SignInResult{}, err
	}
	e := s.userEntry(ctx, u, string(authz.SignIn))
	e.Object = "session:" + id[:16]
	e.Detail = "password"
	if second != "" {
		e.Detail += " + " + second
	}
	if err := s.st.CreateSession(ctx, store.Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeen: now, TOTPStep: totpStep}, e); err != nil {
		return SignInResult{}, err
	}
	return SignInResult{Token: token, Expires: now.Add(AbsoluteTimout), Actor: actorOf(u),
		MustChangePassword: u.MustChangePassword, NeedTOTPEnrolment: needsEnrolment(u)}, nil
}

func needsEnrolment(u store.User) bool { return u.Role.Administrative() && !u.TOTPEnabled }

// failed audits a refused sign-in that does not count towards the lock
// and answers ErrBadCredentials.
func (s *Service) failed(ctx context.Context, name, why string) error {
	e := s.entry(ctx, "session.sign_in_failed", userObject(name))
	e.Detail = why
	if _, err := s.st.AppendAudit(ctx, e); err != nil {
		return err
	}
	return ErrBadCredentials
}

// countFailure records a failure; the fifth within the window locks the
// account (audited as session.locked).
func (s *Service) countFailure(ctx context.Context, u store.User, why string, answer error) error {
	now := s.now()
	e := s.entry(ctx, "session.sign_in_failed", userObject(u.Name))
	e.Detail = why
	n, err := s.st.RecordFailedSignIn(ctx, u.ID, now, now.Add(-FailureWindow), e)
	if err != nil {
		return err
	}
	if n >= MaxFailures {
		le := s.entry(ctx, "session.locked", userObject(u.Name))
		le.Detail = fmt.Sprintf("%d failures in %v; locked until %s", n, FailureWindow, now.Add(LockFor).UTC().Format(time.RFC3339))
		if err := s.st.LockUser(ctx, u.ID, now.Add(LockFor), le); err != nil {
			return err
		}
	}
	return answer
}

// newSessionToken is 32 random bytes; the stored ID is its SHA-256.
func newSessionToken() (token, id string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, digest(token), nil
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// SessionState is a live session as the account pages see it.
type SessionState struct {
	Actor              actor.Actor
	SessionID          string
	MustChangePassword bool
	NeedTOTPEnrolment  bool
	user               store.User
}

// Limited reports whether the session may only finish signing in.
func (st SessionState) Limited() bool { return st.MustChangePassword || st.NeedTOTPEnrolment }

// State reads a live session, limited or not, ending it when it is idle
// for 30 minutes, 12 hours old or its user is disabled
// (ErrSessionExpired). The account pages use it; every other route uses
// Session.
func (s *Service) State(ctx context.Context, token string) (SessionState, error) {
	if token == "" {
		return SessionState{}, ErrSessionExpired
	}
	id := digest(token)
	ss, err := s.st.Session(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return SessionState{}, ErrSessionExpired
	}
	if err != nil {
		return SessionState{}, err
	}
	if !ss.EndedAt.IsZero() {
		return SessionState{}, ErrSessionExpired
	}
	u, err := s.st.User(ctx, ss.UserID)
	if err != nil {
		return SessionState{}, err
	}
	now := s.now()
	reason := ""
	switch {
	case now.Sub(ss.CreatedAt) >= AbsoluteTimout:
		reason = "absolute"
	case now.Sub(ss.LastSeen) >= IdleTimeout:
		reason = "idle"
	case u.Disabled:
		reason = "disabled"
	}
	if reason != "" {
		e := s.userEntry(ctx, u, "session.expired")
		e.Object, e.Detail = "session:"+id[:16], reason
		if err := s.st.EndSession(ctx, id, now, reason, e); err != nil && !errors.Is(err, store.ErrNotFound) {
			return SessionState{}, err
		}
		return SessionState{}, ErrSessionExpired
	}
	if now.Sub(ss.LastSeen) >= touchEvery {
		if err := s.st.TouchSession(ctx, id, now); errors.Is(err, store.ErrNotFound) {
			return SessionState{}, ErrSessionExpired // ended meanwhile
		} else if err != nil {
			return SessionState{}, err
		}
	}
	return SessionState{Actor: actorOf(u), SessionID: id, MustChangePassword: u.MustChangePassword, NeedTOTPEnrolment: needsEnrolment(u), user: u}, nil
}

// Session is the actor a session cookie signs in. A session limited to
// changing the one-time password or enrolling TOTP answers
// ErrPasswordChangeRequired or ErrTOTPEnrolmentRequired (both
// ErrSessionLimited): to every route but the account pages it is not
// signed in.
func (s *Service) Session(ctx context.Context, token string) (actor.Actor, error) {
	st, err := s.State(ctx, token)
	switch {
	case err != nil:
		return actor.Actor{}, err
	case st.MustChangePassword:
		return actor.Actor{}, ErrPasswordChangeRequired
	case st.NeedTOTPEnrolment:
		return actor.Actor{}, ErrTOTPEnrolmentRequired
	}
	return st.Actor, nil
}

// SignOut ends every session of the token's user, on every device.
func (s *Service) SignOut(ctx context.Context, token string) error {
	st, err := s.State(ctx, token)
	if err != nil {
		return err
	}
	e := s.userEntry(ctx, st.user, string(authz.SignOut))
	_, err = s.st.EndUserSessions(ctx, st.user.ID, s.now(), "sign_out", e)
	return err
}

// ChangePassword is a user changing its own password: the current one
// must be right (a wrong one counts towards the lock), the new one must
// pass the policy and not be one of the last five. The user's other
// sessions end; this one goes on, no longer limited to the change.
func (s *Service) ChangePassword(ctx context.Context, token, current, next string) error {
	st, err := s.State(ctx, token)
	if err != nil {
		return err
	}
	u := st.user
	ok, err := argon2id.ComparePasswordAndHash(current, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return s.countFailure(ctx, u, "wrong current password", ErrBadCredentials)
	}
	if err := CheckPolicy(u.Name, next); err != nil {
		return err
	}
	hist, err := s.st.PasswordHistory(ctx, u.ID)
	if err != nil {
		return err
	}
	if r, err := reused(next, hist); err != nil {
		return err
	} else if r {
		return errReused
	}
	hash, err := argon2id.CreateHash(next, s.params)
	if err != nil {
		return err
	}
	e := s.userEntry(ctx, u, string(authz.AccountSelf))
	e.Detail, e.BeforeState = "password", state(u)
	u.MustChangePassword = false
	e.AfterState = state(u)
	return s.st.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: hash, EndSessions: true, KeepSession: st.SessionID, At: s.now()}, e)
}
