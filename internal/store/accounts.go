package store

import (
	"context"
	"errors"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
)

// User is a stored account. Personal fields (e-mail, phone) and the TOTP
// secret are ciphertext the store never reads (internal/fieldcrypt); the
// password is an argon2id hash.
type User struct {
	ID          int64
	Name        string // unique, never changed
	DisplayName string
	Role        actor.Role
	County      string
	CreditCode  string
	Email       []byte // ciphertext, nil for none
	Phone       []byte // ciphertext, nil for none
	// PasswordHash is the current password's argon2id hash.
	PasswordHash       string
	MustChangePassword bool
	TOTPSecret         []byte // ciphertext; set at enrolment, before it is confirmed
	TOTPEnabled        bool
	Disabled           bool
	// Illustrative marks the demo accounts serve creates beside the
	// illustrative data.
	Illustrative bool
	LockedUntil  time.Time // zero: not locked
	CreatedAt    time.Time
}

// UserFilter selects users in ID order. Empty fields match everything.
type UserFilter struct {
	Role            actor.Role
	County          string
	IncludeDisabled bool
	After           int64 // keyset cursor: users with ID above it
	Limit           int   // ≤ 0: no limit
}

// UserChange is an update of a user's profile. Disabling a user ends all
// of its sessions in the same transaction.
type UserChange struct {
	DisplayName string
	Role        actor.Role
	County      string
	CreditCode  string
	Email       []byte
	Phone       []byte
	Disabled    bool
}

// PasswordChange sets a user's password. The hash joins the history,
// which keeps the last PasswordHistoryLength hashes.
type PasswordChange struct {
	UserID     int64
	Hash       string
	MustChange bool
	// EndSessions ends the user's sessions, but for KeepSession (the
	// session the user changed its own password in, or "").
	EndSessions bool
	KeepSession string
	At          time.Time
}

// PasswordHistoryLength is how many passwords cannot be reused.
const PasswordHistoryLength = 5

// Session is a server-side sign-in session. ID is the SHA-256 of the
// token the client holds; the token itself is never stored.
type Session struct {
	ID        string
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	EndedAt   time.Time // zero while the session lasts
	EndReason string
	// TOTPStep is the TOTP time step (Unix time / 30 s) of the code the
	// sign-in used, 0 for none. CreateSession refuses, with ErrCodeReused,
	// a step not above the last one the user signed in with, in the same
	// transaction, so a code is accepted once (RFC 6238 §5.2). It is not
	// stored with the session.
	TOTPStep int64
}

// ErrCodeReused is a sign-in with a TOTP code whose time step was used
// already.
var ErrCodeReused = errors.New("动态验证码已使用过 / the TOTP code was used already")

// RecoveryCode is one one-time code that replaces a TOTP code once.
type RecoveryCode struct {
	UserID int64
	Hash   string // SHA-256 of the code
	UsedAt time.Time
}

// APIToken is a machine client's credential. ID is public (it is part of
// the token and names it in lists); SecretHash is the SHA-256 of the
// whole token.
type APIToken struct {
	ID         string
	SecretHash string
	Name       string
	UserID     int64 // the owner
	Role       actor.Role
	County     string
	CreditCode string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time // zero while valid
}

// TokenFilter selects tokens in ID order.
type TokenFilter struct {
	UserID         int64 // 0: every owner
	IncludeRevoked bool
	After          string // keyset cursor: tokens with ID above it
	Limit          int
}

// AccountsDump is the accounts part of a backup: everything but sessions
// and failed sign-ins, which are short-lived.
type AccountsDump struct {
	Users           []User          `json:"users"`
	PasswordHistory []PasswordEntry `json:"password_history"`
	RecoveryCodes   []RecoveryCode  `json:"recovery_codes"`
	Tokens          []APIToken      `json:"tokens"`
}

// PasswordEntry is one hash of a user's password history.
type PasswordEntry struct {
	UserID int64
	Hash   string
	At     time.Time
}

// AccountStore keeps users, sessions, recovery codes and API tokens.
// Every write takes the audit entries it appends in its own transaction
// as its last parameter; touching a session is the one write that is not
// audited (it happens on every request).
type AccountStore interface {
	// CreateUser stores u (its ID is assigned) with its password as the
	// first of its history; a name in use is ErrConflict.
	CreateUser(ctx context.Context, u User, e audit.Entry) (User, error)
	User(ctx context.Context, id int64) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	Users(ctx context.Context, f UserFilter) ([]User, error)
	CountUsers(ctx context.Context) (int, error)
	UpdateUser(ctx context.Context, id int64, c UserChange, at time.Time, e audit.Entry) error
	SetPassword(ctx context.Context, c PasswordChange, e audit.Entry) error
	// PasswordHistory returns the user's last PasswordHistoryLength
	// hashes, newest first (the current one included).
	PasswordHistory(ctx context.Context, userID int64) ([]string, error)

	// RecordFailedSignIn records a failure at at and returns how many the
	// user has had since since (this one included).
	RecordFailedSignIn(ctx context.Context, userID int64, at, since time.Time, e audit.Entry) (int, error)
	LockUser(ctx context.Context, userID int64, until time.Time, e audit.Entry) error

	// SetTOTP sets the user's TOTP secret and state and replaces its
	// recovery codes with codes (hashes; nil removes them all).
	SetTOTP(ctx context.Context, userID int64, secret []byte, enabled bool, codes []string, e audit.Entry) error
	// UseRecoveryCode marks an unused code of the user used; ErrNotFound
	// when there is none with that hash.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time, e audit.Entry) error
	// RecoveryCodesLeft counts the user's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)

	// CreateSession stores a new session and clears the user's failed
	// sign-ins.
	CreateSession(ctx context.Context, s Session, e audit.Entry) error
	Session(ctx context.Context, id string) (Session, error)
	// TouchSession moves a live session's last-seen time (not audited).
	TouchSession(ctx context.Context, id string, at time.Time) error
	EndSession(ctx context.Context, id string, at time.Time, reason string, e audit.Entry) error
	// EndUserSessions ends every live session of the user and returns
	// how many it ended.
	EndUserSessions(ctx context.Context, userID int64, at time.Time, reason string, e audit.Entry) (int, error)

	CreateToken(ctx context.Context, t APIToken, e audit.Entry) error
	Token(ctx context.Context, id string) (APIToken, error)
	Tokens(ctx context.Context, f TokenFilter) ([]APIToken, error)
	RevokeToken(ctx context.Context, id string, at time.Time, e audit.Entry) error

	// DumpAccounts reads every account for a backup (no sessions).
	DumpAccounts(ctx context.Context) (AccountsDump, error)
	// RestoreAccounts writes a dump into a store that has no users
	// (ErrConflict otherwise), keeping IDs; it is not audited, because the
	// restored audit log already holds the entries that made them.
	RestoreAccounts(ctx context.Context, d AccountsDump) error
}
