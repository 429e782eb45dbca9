package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// accNull is a nullable time: NULL for the zero time.
func accNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return store.StoredTime(t)
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// inTx runs fn in one transaction with the audit entries appended.
func (s *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error, entries ...audit.Entry) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if entries != nil {
			if _, err := appendAudit(ctx, tx, entries); err != nil {
				return err
			}
		}
		return nil
	})
}

func notFoundPG(err error, format string, args ...any) error {
	err = mapError(err)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf(format+": %w", append(args, store.ErrNotFound)...)
	}
	return err
}

func exactlyOne(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

const userColumns = `id, name, display_name, role, county, credit_code, email, phone, password_hash, must_change_password, totp_secret, totp_enabled, disabled, illustrative, locked_until, created_at`

func scanUser(r pgx.Row) (store.User, error) {
	var u store.User
	var role string
	var locked *time.Time
	err := r.Scan(&u.ID, &u.Name, &u.DisplayName, &role, &u.County, &u.CreditCode, &u.Email, &u.Phone, &u.PasswordHash, &u.MustChangePassword,
		&u.TOTPSecret, &u.TOTPEnabled, &u.Disabled, &u.Illustrative, &locked, &u.CreatedAt)
	u.Role = actor.Role(role)
	u.LockedUntil = fromNull(locked)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

func insertUser(ctx context.Context, tx pgx.Tx, u store.User) (int64, error) {
	cols := `name, display_name, role, county, credit_code, email, phone, password_hash, must_change_password, totp_secret, totp_enabled, disabled, illustrative, locked_until, created_at`
	args := []any{u.Name, u.DisplayName, string(u.Role), u.County, u.CreditCode, u.Email, u.Phone, u.PasswordHash, u.MustChangePassword,
		u.TOTPSecret, u.TOTPEnabled, u.Disabled, u.Illustrative, accNull(u.LockedUntil), store.StoredTime(u.CreatedAt)}
	if u.ID != 0 { // a restore keeps IDs
		cols += `, id`
		args = append(args, u.ID)
	}
	vals := ""
	for i := range args {
		if i > 0 {
			vals += ", "
		}
		vals += fmt.Sprintf("$%d", i+1)
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO users (`+cols+`) VALUES (`+vals+`) RETURNING id`, args...).Scan(&id)
	return id, mapError(err)
}

// CreateUser stores a new user with its first password in the history.
func (s *DB) CreateUser(ctx context.Context, u store.User, e audit.Entry) (store.User, error) {
	u.CreatedAt = store.StoredTime(u.CreatedAt)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		id, err := insertUser(ctx, tx, u)
		if err != nil {
			return fmt.Errorf("用户 %s: %w", u.Name, err)
		}
		u.ID = id
		return pushPassword(ctx, tx, id, u.PasswordHash, u.CreatedAt)
	}, e)
	return u, mapError(err)
}

func pushPassword(ctx context.Context, tx pgx.Tx, userID int64, hash string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO password_history (user_id, seq, hash, at)
		VALUES ($1, COALESCE((SELECT MAX(seq) FROM password_history WHERE user_id = $1), 0) + 1, $2, $3)`, userID, hash, store.StoredTime(at))
	if err != nil {
		return mapError(err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM password_history WHERE user_id = $1 AND seq <= (SELECT MAX(seq) FROM password_history WHERE user_id = $1) - $2`,
		userID, store.PasswordHistoryLength)
	return mapError(err)
}

// User reads a user by ID.
func (s *DB) User(ctx context.Context, id int64) (store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, notFoundPG(err, "用户 %d 不存在 / no user %d", id, id)
	}
	return u, nil
}

// UserByName reads a user by name.
func (s *DB) UserByName(ctx context.Context, name string) (store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if err != nil {
		return u, notFoundPG(err, "用户 %s 不存在 / no user %s", name, name)
	}
	return u, nil
}

// Users returns one page of matching users in ID order.
func (s *DB) Users(ctx context.Context, f store.UserFilter) ([]store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + userColumns + ` FROM users WHERE id > $1`
	args := []any{f.After}
	if f.Role != "" {
		args = append(args, string(f.Role))
		q += fmt.Sprintf(` AND role = $%d`, len(args))
	}
	if f.County != "" {
		args = append(args, f.County)
		q += fmt.Sprintf(` AND county = $%d`, len(args))
	}
	if !f.IncludeDisabled {
		q += ` AND NOT disabled`
	}
	q += ` ORDER BY id`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.User, error) { return scanUser(r) })
	return out, mapError(err)
}

// CountUsers counts every user, disabled ones included.
func (s *DB) CountUsers(ctx context.Context) (int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, mapError(err)
}

func endSessions(ctx context.Context, tx pgx.Tx, userID int64, at time.Time, reason, keep string) (int, error) {
	tag, err := tx.Exec(ctx, `UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE user_id = $3 AND ended_at IS NULL AND id <> $4`,
		store.StoredTime(at), reason, userID, keep)
	if err != nil {
		return 0, mapError(err)
	}
	return int(tag.RowsAffected()), nil
}

// UpdateUser changes a user's profile; disabling ends its sessions.
func (s *DB) UpdateUser(ctx context.Context, id int64, c store.UserChange, at time.Time, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET display_name = $1, role = $2, county = $3, credit_code = $4, email = $5, phone = $6, disabled = $7 WHERE id = $8`,
			c.DisplayName, string(c.Role), c.County, c.CreditCode, c.Email, c.Phone, c.Disabled, id)
		if err := exactlyOne(tag, err, fmt.Sprintf("用户 %d / user %d", id, id)); err != nil {
			return err
		}
		if c.Disabled {
			_, err = endSessions(ctx, tx, id, at, "disabled", "")
		}
		return err
	}, e))
}

// SetPassword sets a user's password and adds it to the history.
func (s *DB) SetPassword(ctx context.Context, c store.PasswordChange, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, locked_until = NULL WHERE id = $3`, c.Hash, c.MustChange, c.UserID)
		if err := exactlyOne(tag, err, fmt.Sprintf("用户 %d / user %d", c.UserID, c.UserID)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1`, c.UserID); err != nil {
			return mapError(err)
		}
		if err := pushPassword(ctx, tx, c.UserID, c.Hash, c.At); err != nil {
			return err
		}
		if c.EndSessions {
			_, err = endSessions(ctx, tx, c.UserID, c.At, "password", c.KeepSession)
		}
		return err
	}, e))
}

// PasswordHistory returns the user's last hashes, newest first.
func (s *DB) PasswordHistory(ctx context.Context, userID int64) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT hash FROM password_history WHERE user_id = $1 ORDER BY seq DESC LIMIT $2`, userID, store.PasswordHistoryLength)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, mapError(err)
}

// RecordFailedSignIn records a failure and counts those since since.
func (s *DB) RecordFailedSignIn(ctx context.Context, userID int64, at, since time.Time, e audit.Entry) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Serialise one user's failures, so concurrent guesses are all
		// counted before the lock is decided.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return mapError(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sign_in_failures (user_id, at) VALUES ($1, $2)`, userID, store.StoredTime(at)); err != nil {
			return mapError(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1 AND at < $2`, userID, store.StoredTime(since)); err != nil {
			return mapError(err)
		}
		return mapError(tx.QueryRow(ctx, `SELECT COUNT(*) FROM sign_in_failures WHERE user_id = $1 AND at >= $2`, userID, store.StoredTime(since)).Scan(&n))
	}, e)
	return n, mapError(err)
}

// LockUser locks the user until until and clears its failures.
func (s *DB) LockUser(ctx context.Context, userID int64, until time.Time, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET locked_until = $1 WHERE id = $2`, store.StoredTime(until), userID)
		if err := exactlyOne(tag, err, fmt.Sprintf("用户 %d / user %d", userID, userID)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1`, userID)
		return mapError(err)
	}, e))
}

// SetTOTP sets the TOTP state and replaces the recovery codes.
func (s *DB) SetTOTP(ctx context.Context, userID int64, secret []byte, enabled bool, codes []string, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3`, secret, enabled, userID)
		if err := exactlyOne(tag, err, fmt.Sprintf("用户 %d / user %d", userID, userID)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return mapError(err)
		}
		for _, h := range codes {
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES ($1, $2)`, userID, h); err != nil {
				return mapError(err)
			}
		}
		return nil
	}, e))
}

// UseRecoveryCode marks an unused code used.
func (s *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3 AND used_at IS NULL`, store.StoredTime(at), userID, hash)
		return exactlyOne(tag, err, "恢复码 / recovery code")
	}, e))
}

// RecoveryCodesLeft counts the unused codes.
func (s *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, mapError(err)
}

// CreateSession stores a session and clears the user's failures.
func (s *DB) CreateSession(ctx context.Context, ss store.Session, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen) VALUES ($1, $2, $3, $4)`,
			ss.ID, ss.UserID, store.StoredTime(ss.CreatedAt), store.StoredTime(ss.LastSeen))
		if err != nil {
			return mapError(err)
		}
		if err := useTOTPStep(ctx, tx, ss); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1`, ss.UserID)
		return mapError(err)
	}, e))
}

// Session reads a session by ID (the token's digest).
func (s *DB) Session(ctx context.Context, id string) (store.Session, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	ss := store.Session{ID: id}
	var ended *time.Time
	err := s.pool.QueryRow(ctx, `SELECT user_id, created_at, last_seen, ended_at, end_reason FROM sessions WHERE id = $1`, id).
		Scan(&ss.UserID, &ss.CreatedAt, &ss.LastSeen, &ended, &ss.EndReason)
	if err != nil {
		return ss, notFoundPG(err, "会话不存在 / no such session")
	}
	ss.CreatedAt, ss.LastSeen, ss.EndedAt = ss.CreatedAt.UTC(), ss.LastSeen.UTC(), fromNull(ended)
	return ss, nil
}

// TouchSession moves a live session's last-seen time.
func (s *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen = $1 WHERE id = $2 AND ended_at IS NULL`, store.StoredTime(at), id)
	return exactlyOne(tag, err, "会话 / session")
}

// EndSession ends one live session.
func (s *DB) EndSession(ctx context.Context, id string, at time.Time, reason string, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sessions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL`, store.StoredTime(at), reason, id)
		return exactlyOne(tag, err, "会话 / session")
	}, e))
}

// EndUserSessions ends every live session of the user.
func (s *DB) EndUserSessions(ctx context.Context, userID int64, at time.Time, reason string, e audit.Entry) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = endSessions(ctx, tx, userID, at, reason, "")
		return err
	}, e)
	return n, mapError(err)
}

const tokenColumns = `id, secret_hash, name, user_id, role, county, credit_code, created_at, expires_at, revoked_at`

func scanToken(r pgx.Row) (store.APIToken, error) {
	var t store.APIToken
	var role string
	var revoked *time.Time
	err := r.Scan(&t.ID, &t.SecretHash, &t.Name, &t.UserID, &role, &t.County, &t.CreditCode, &t.CreatedAt, &t.ExpiresAt, &revoked)
	t.Role = actor.Role(role)
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), fromNull(revoked)
	return t, err
}

func insertToken(ctx context.Context, tx pgx.Tx, t store.APIToken) error {
	_, err := tx.Exec(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.SecretHash, t.Name, t.UserID, string(t.Role), t.County, t.CreditCode, store.StoredTime(t.CreatedAt), store.StoredTime(t.ExpiresAt), accNull(t.RevokedAt))
	return mapError(err)
}

// CreateToken stores a new API token.
func (s *DB) CreateToken(ctx context.Context, t store.APIToken, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error { return insertToken(ctx, tx, t) }, e))
}

// Token reads a token by ID.
func (s *DB) Token(ctx context.Context, id string) (store.APIToken, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if err != nil {
		return t, notFoundPG(err, "令牌 %s 不存在 / no token %s", id, id)
	}
	return t, nil
}

// Tokens returns one page of matching tokens in ID order.
func (s *DB) Tokens(ctx context.Context, f store.TokenFilter) ([]store.APIToken, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + tokenColumns + ` FROM api_tokens WHERE id > $1`
	args := []any{f.After}
	if f.UserID != 0 {
		args = append(args, f.UserID)
		q += fmt.Sprintf(` AND user_id = $%d`, len(args))
	}
	if !f.IncludeRevoked {
		q += ` AND revoked_at IS NULL`
	}
	q += ` ORDER BY id`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.APIToken, error) { return scanToken(r) })
	return out, mapError(err)
}

// RevokeToken revokes a token that is not revoked yet.
func (s *DB) RevokeToken(ctx context.Context, id string, at time.Time, e audit.Entry) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, store.StoredTime(at), id)
		return exactlyOne(tag, err, fmt.Sprintf("令牌 %s（不存在或已吊销） / token %s (unknown or revoked already)", id, id))
	}, e))
}

// DumpAccounts reads every account, its history, codes and tokens, in one
// repeatable-read transaction so they are one point in time.
func (s *DB) DumpAccounts(ctx context.Context) (store.AccountsDump, error) {
	var d store.AccountsDump
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		d, err = dumpAccounts(ctx, tx)
		return err
	})
	return d, mapError(err)
}

// dumpAccounts reads the accounts inside tx (DumpAccounts', or a
// snapshot's).
func dumpAccounts(ctx context.Context, tx pgx.Tx) (store.AccountsDump, error) {
	var d store.AccountsDump
	err := func() error {
		rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
		if err != nil {
			return err
		}
		if d.Users, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.User, error) { return scanUser(r) }); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id`)
		if err != nil {
			return err
		}
		if d.Tokens, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.APIToken, error) { return scanToken(r) }); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT user_id, hash, at FROM password_history ORDER BY user_id, seq`)
		if err != nil {
			return err
		}
		if d.PasswordHistory, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.PasswordEntry, error) {
			var p store.PasswordEntry
			err := r.Scan(&p.UserID, &p.Hash, &p.At)
			p.At = p.At.UTC()
			return p, err
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT user_id, hash, used_at FROM recovery_codes ORDER BY user_id, hash`)
		if err != nil {
			return err
		}
		d.RecoveryCodes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.RecoveryCode, error) {
			var c store.RecoveryCode
			var used *time.Time
			err := r.Scan(&c.UserID, &c.Hash, &used)
			c.UsedAt = fromNull(used)
			return c, err
		})
		return err
	}()
	return d, mapError(err)
}

// RestoreAccounts writes a dump into a store without users, then moves
// the user ID sequence past the restored IDs.
func (s *DB) RestoreAccounts(ctx context.Context, d store.AccountsDump) error {
	return mapError(s.inTx(ctx, func(tx pgx.Tx) error { return restoreAccounts(ctx, tx, d) }))
}

// restoreAccounts writes a dump inside tx (RestoreAccounts', or a whole
// restore's).
func restoreAccounts(ctx context.Context, tx pgx.Tx, d store.AccountsDump) error {
	{
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return mapError(err)
		}
		if n > 0 {
			return fmt.Errorf("数据库已有 %d 个用户，不能恢复账户 / the database has %d users already; accounts are restored only into an empty one: %w", n, n, store.ErrConflict)
		}
		for _, u := range d.Users {
			if u.ID == 0 {
				return errors.New("恢复的用户缺少 ID / a restored user has no ID")
			}
			if _, err := insertUser(ctx, tx, u); err != nil {
				return err
			}
		}
		if len(d.Users) > 0 {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))`); err != nil {
				return mapError(err)
			}
		}
		for i, p := range d.PasswordHistory {
			if _, err := tx.Exec(ctx, `INSERT INTO password_history (user_id, seq, hash, at) VALUES ($1, $2, $3, $4)`, p.UserID, i+1, p.Hash, store.StoredTime(p.At)); err != nil {
				return mapError(err)
			}
		}
		for _, c := range d.RecoveryCodes {
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash, used_at) VALUES ($1, $2, $3)`, c.UserID, c.Hash, accNull(c.UsedAt)); err != nil {
				return mapError(err)
			}
		}
		for _, t := range d.Tokens {
			if err := insertToken(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	}
}

// useTOTPStep records the sign-in's TOTP step, refusing one not above the
// last (the upsert changes no row then).
func useTOTPStep(ctx context.Context, tx pgx.Tx, ss store.Session) error {
	if ss.TOTPStep <= 0 {
		return nil
	}
	tag, err := tx.Exec(ctx, `INSERT INTO totp_used (user_id, step) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET step = excluded.step WHERE totp_used.step < excluded.step`, ss.UserID, ss.TOTPStep)
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() != 1 {
		return store.ErrCodeReused
	}
	return nil
}
