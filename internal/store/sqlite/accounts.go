package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// Account times are fixed-width text (auditTime), so text order is time
// order in the lockout count and the expiry checks.
func accTime(t time.Time) string { return store.StoredTime(t).Format(auditTime) }

// accNull is a nullable time: NULL for the zero time.
func accNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return accTime(t)
}

func parseAccTime(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	return time.Parse(auditTime, s.String)
}

// inTx runs fn in one transaction with the audit entries appended.
func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error, entries ...audit.Entry) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if entries != nil {
		if _, err := appendAudit(ctx, tx, entries); err != nil {
			return err
		}
	}
	return mapError(tx.Commit())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const userColumns = `id, name, display_name, role, county, credit_code, email, phone, password_hash, must_change_password, totp_secret, totp_enabled, disabled, illustrative, locked_until, created_at`

type scanner interface{ Scan(...any) error }

func scanUser(r scanner) (store.User, error) {
	var u store.User
	var role string
	var locked sql.NullString
	var created string
	var must, totp, disabled, illus int
	err := r.Scan(&u.ID, &u.Name, &u.DisplayName, &role, &u.County, &u.CreditCode, &u.Email, &u.Phone, &u.PasswordHash, &must, &u.TOTPSecret, &totp, &disabled, &illus, &locked, &created)
	if err != nil {
		return u, err
	}
	u.Role = actor.Role(role)
	u.MustChangePassword, u.TOTPEnabled, u.Disabled, u.Illustrative = must != 0, totp != 0, disabled != 0, illus != 0
	if u.LockedUntil, err = parseAccTime(locked); err != nil {
		return u, err
	}
	u.CreatedAt, err = time.Parse(auditTime, created)
	return u, err
}

func insertUser(ctx context.Context, tx *sql.Tx, u store.User) (int64, error) {
	var id any
	if u.ID != 0 {
		id = u.ID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, u.Name, u.DisplayName, string(u.Role), u.County, u.CreditCode, u.Email, u.Phone, u.PasswordHash, b2i(u.MustChangePassword),
		u.TOTPSecret, b2i(u.TOTPEnabled), b2i(u.Disabled), b2i(u.Illustrative), accNull(u.LockedUntil), accTime(u.CreatedAt))
	if err != nil {
		return 0, mapError(err)
	}
	n, err := res.LastInsertId()
	return n, mapError(err)
}

// CreateUser stores a new user with its first password in the history.
func (s *DB) CreateUser(ctx context.Context, u store.User, e audit.Entry) (store.User, error) {
	u.CreatedAt = store.StoredTime(u.CreatedAt)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := insertUser(ctx, tx, u)
		if err != nil {
			return fmt.Errorf("用户 %s: %w", u.Name, err)
		}
		u.ID = id
		return pushPassword(ctx, tx, id, u.PasswordHash, u.CreatedAt)
	}, e)
	return u, err
}

// pushPassword adds hash to the user's history and keeps the newest
// store.PasswordHistoryLength.
func pushPassword(ctx context.Context, tx *sql.Tx, userID int64, hash string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, seq, hash, at)
		VALUES (?, COALESCE((SELECT MAX(seq) FROM password_history WHERE user_id = ?), 0) + 1, ?, ?)`, userID, userID, hash, accTime(at))
	if err != nil {
		return mapError(err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM password_history WHERE user_id = ? AND seq <= (SELECT MAX(seq) FROM password_history WHERE user_id = ?) - ?`,
		userID, userID, store.PasswordHistoryLength)
	return mapError(err)
}

// User reads a user by ID.
func (s *DB) User(ctx context.Context, id int64) (store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, notFound(err, "用户 %d 不存在 / no user %d", id, id)
	}
	return u, nil
}

// UserByName reads a user by name.
func (s *DB) UserByName(ctx context.Context, name string) (store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if err != nil {
		return u, notFound(err, "用户 %s 不存在 / no user %s", name, name)
	}
	return u, nil
}

// Users returns one page of matching users in ID order.
func (s *DB) Users(ctx context.Context, f store.UserFilter) ([]store.User, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + userColumns + ` FROM users WHERE id > ?`
	args := []any{f.After}
	if f.Role != "" {
		q += ` AND role = ?`
		args = append(args, string(f.Role))
	}
	if f.County != "" {
		q += ` AND county = ?`
		args = append(args, f.County)
	}
	if !f.IncludeDisabled {
		q += ` AND disabled = 0`
	}
	q += ` ORDER BY id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, s.db, func(r *sql.Rows) (store.User, error) { return scanUser(r) }, q, args...)
}

// CountUsers counts every user, disabled ones included.
func (s *DB) CountUsers(ctx context.Context) (int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, mapError(err)
}

func endSessions(ctx context.Context, tx *sql.Tx, userID int64, at time.Time, reason, keep string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_id = ? AND ended_at IS NULL AND id <> ?`,
		accTime(at), reason, userID, keep)
	if err != nil {
		return 0, mapError(err)
	}
	n, err := res.RowsAffected()
	return int(n), mapError(err)
}

func exactlyOne(res sql.Result, err error, what string) error {
	if err != nil {
		return mapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapError(err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// UpdateUser changes a user's profile; disabling ends its sessions.
func (s *DB) UpdateUser(ctx context.Context, id int64, c store.UserChange, at time.Time, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, role = ?, county = ?, credit_code = ?, email = ?, phone = ?, disabled = ? WHERE id = ?`,
			c.DisplayName, string(c.Role), c.County, c.CreditCode, c.Email, c.Phone, b2i(c.Disabled), id)
		if err := exactlyOne(res, err, fmt.Sprintf("用户 %d / user %d", id, id)); err != nil {
			return err
		}
		if c.Disabled {
			_, err = endSessions(ctx, tx, id, at, "disabled", "")
		}
		return err
	}, e)
}

// SetPassword sets a user's password and adds it to the history.
func (s *DB) SetPassword(ctx context.Context, c store.PasswordChange, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, locked_until = NULL WHERE id = ?`,
			c.Hash, b2i(c.MustChange), c.UserID)
		if err := exactlyOne(res, err, fmt.Sprintf("用户 %d / user %d", c.UserID, c.UserID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = ?`, c.UserID); err != nil {
			return mapError(err)
		}
		if err := pushPassword(ctx, tx, c.UserID, c.Hash, c.At); err != nil {
			return err
		}
		if c.EndSessions {
			_, err = endSessions(ctx, tx, c.UserID, c.At, "password", c.KeepSession)
		}
		return err
	}, e)
}

// PasswordHistory returns the user's last hashes, newest first.
func (s *DB) PasswordHistory(ctx context.Context, userID int64) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT hash FROM password_history WHERE user_id = ? ORDER BY seq DESC LIMIT ?`, userID, store.PasswordHistoryLength)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, mapError(err)
		}
		out = append(out, h)
	}
	return out, mapError(rows.Err())
}

// RecordFailedSignIn records a failure and counts those since since.
func (s *DB) RecordFailedSignIn(ctx context.Context, userID int64, at, since time.Time, e audit.Entry) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sign_in_failures (user_id, at) VALUES (?, ?)`, userID, accTime(at)); err != nil {
			return mapError(err)
		}
		// Failures older than the window count for nothing: drop them.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = ? AND at < ?`, userID, accTime(since)); err != nil {
			return mapError(err)
		}
		return mapError(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_in_failures WHERE user_id = ? AND at >= ?`, userID, accTime(since)).Scan(&n))
	}, e)
	return n, err
}

// LockUser locks the user until until and clears its failures.
func (s *DB) LockUser(ctx context.Context, userID int64, until time.Time, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = ? WHERE id = ?`, accTime(until), userID)
		if err := exactlyOne(res, err, fmt.Sprintf("用户 %d / user %d", userID, userID)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = ?`, userID)
		return mapError(err)
	}, e)
}

// SetTOTP sets the TOTP state and replaces the recovery codes.
func (s *DB) SetTOTP(ctx context.Context, userID int64, secret []byte, enabled bool, codes []string, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_enabled = ? WHERE id = ?`, secret, b2i(enabled), userID)
		if err := exactlyOne(res, err, fmt.Sprintf("用户 %d / user %d", userID, userID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return mapError(err)
		}
		for _, h := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, userID, h); err != nil {
				return mapError(err)
			}
		}
		return nil
	}, e)
}

// UseRecoveryCode marks an unused code used.
func (s *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND hash = ? AND used_at IS NULL`, accTime(at), userID, hash)
		return exactlyOne(res, err, "恢复码 / recovery code")
	}, e)
}

// RecoveryCodesLeft counts the unused codes.
func (s *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, mapError(err)
}

// CreateSession stores a session and clears the user's failures.
func (s *DB) CreateSession(ctx context.Context, ss store.Session, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)`,
			ss.ID, ss.UserID, accTime(ss.CreatedAt), accTime(ss.LastSeen))
		if err != nil {
			return mapError(err)
		}
		if err := useTOTPStep(ctx, tx, ss); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = ?`, ss.UserID)
		return mapError(err)
	}, e)
}

// Session reads a session by ID (the token's digest).
func (s *DB) Session(ctx context.Context, id string) (store.Session, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	ss := store.Session{ID: id}
	var created, seen string
	var ended sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT user_id, created_at, last_seen, ended_at, end_reason FROM sessions WHERE id = ?`, id).
		Scan(&ss.UserID, &created, &seen, &ended, &ss.EndReason)
	if err != nil {
		return ss, notFound(err, "会话不存在 / no such session")
	}
	if ss.CreatedAt, err = time.Parse(auditTime, created); err != nil {
		return ss, err
	}
	if ss.LastSeen, err = time.Parse(auditTime, seen); err != nil {
		return ss, err
	}
	ss.EndedAt, err = parseAccTime(ended)
	return ss, err
}

// TouchSession moves a live session's last-seen time.
func (s *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ? AND ended_at IS NULL`, accTime(at), id)
	return exactlyOne(res, err, "会话 / session")
}

// EndSession ends one live session.
func (s *DB) EndSession(ctx context.Context, id string, at time.Time, reason string, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL`, accTime(at), reason, id)
		return exactlyOne(res, err, "会话 / session")
	}, e)
}

// EndUserSessions ends every live session of the user.
func (s *DB) EndUserSessions(ctx context.Context, userID int64, at time.Time, reason string, e audit.Entry) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = endSessions(ctx, tx, userID, at, reason, "")
		return err
	}, e)
	return n, err
}

const tokenColumns = `id, secret_hash, name, user_id, role, county, credit_code, created_at, expires_at, revoked_at`

func scanToken(r scanner) (store.APIToken, error) {
	var t store.APIToken
	var role, created, expires string
	var revoked sql.NullString
	err := r.Scan(&t.ID, &t.SecretHash, &t.Name, &t.UserID, &role, &t.County, &t.CreditCode, &created, &expires, &revoked)
	if err != nil {
		return t, err
	}
	t.Role = actor.Role(role)
	if t.CreatedAt, err = time.Parse(auditTime, created); err != nil {
		return t, err
	}
	if t.ExpiresAt, err = time.Parse(auditTime, expires); err != nil {
		return t, err
	}
	t.RevokedAt, err = parseAccTime(revoked)
	return t, err
}

func insertToken(ctx context.Context, tx *sql.Tx, t store.APIToken) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (`+tokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.SecretHash, t.Name, t.UserID, string(t.Role), t.County, t.CreditCode, accTime(t.CreatedAt), accTime(t.ExpiresAt), accNull(t.RevokedAt))
	return mapError(err)
}

// CreateToken stores a new API token.
func (s *DB) CreateToken(ctx context.Context, t store.APIToken, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return insertToken(ctx, tx, t) }, e)
}

// Token reads a token by ID.
func (s *DB) Token(ctx context.Context, id string) (store.APIToken, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return t, notFound(err, "令牌 %s 不存在 / no token %s", id, id)
	}
	return t, nil
}

// Tokens returns one page of matching tokens in ID order.
func (s *DB) Tokens(ctx context.Context, f store.TokenFilter) ([]store.APIToken, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + tokenColumns + ` FROM api_tokens WHERE id > ?`
	args := []any{f.After}
	if f.UserID != 0 {
		q += ` AND user_id = ?`
		args = append(args, f.UserID)
	}
	if !f.IncludeRevoked {
		q += ` AND revoked_at IS NULL`
	}
	q += ` ORDER BY id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, s.db, func(r *sql.Rows) (store.APIToken, error) { return scanToken(r) }, q, args...)
}

// RevokeToken revokes a token that is not revoked yet.
func (s *DB) RevokeToken(ctx context.Context, id string, at time.Time, e audit.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, accTime(at), id)
		return exactlyOne(res, err, fmt.Sprintf("令牌 %s（不存在或已吊销） / token %s (unknown or revoked already)", id, id))
	}, e)
}

// DumpAccounts reads every account, its history, codes and tokens.
func (s *DB) DumpAccounts(ctx context.Context) (store.AccountsDump, error) {
	var d store.AccountsDump
	var err error
	if d.Users, err = s.Users(ctx, store.UserFilter{IncludeDisabled: true}); err != nil {
		return d, err
	}
	if d.Tokens, err = s.Tokens(ctx, store.TokenFilter{IncludeRevoked: true}); err != nil {
		return d, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, hash, at FROM password_history ORDER BY user_id, seq`)
	if err != nil {
		return d, mapError(err)
	}
	for rows.Next() {
		var p store.PasswordEntry
		var at string
		if err := rows.Scan(&p.UserID, &p.Hash, &at); err != nil {
			rows.Close()
			return d, mapError(err)
		}
		if p.At, err = time.Parse(auditTime, at); err != nil {
			rows.Close()
			return d, err
		}
		d.PasswordHistory = append(d.PasswordHistory, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, mapError(err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT user_id, hash, used_at FROM recovery_codes ORDER BY user_id, hash`)
	if err != nil {
		return d, mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c store.RecoveryCode
		var used sql.NullString
		if err := rows.Scan(&c.UserID, &c.Hash, &used); err != nil {
			return d, mapError(err)
		}
		if c.UsedAt, err = parseAccTime(used); err != nil {
			return d, err
		}
		d.RecoveryCodes = append(d.RecoveryCodes, c)
	}
	return d, mapError(rows.Err())
}

// RestoreAccounts writes a dump into a store without users.
func (s *DB) RestoreAccounts(ctx context.Context, d store.AccountsDump) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return restoreAccounts(ctx, tx, d) })
}

// restoreAccounts writes a dump inside tx (RestoreAccounts', or a whole
// restore's).
func restoreAccounts(ctx context.Context, tx *sql.Tx, d store.AccountsDump) error {
	{
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
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
		for i, p := range d.PasswordHistory {
			if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, seq, hash, at) VALUES (?, ?, ?, ?)`, p.UserID, i+1, p.Hash, accTime(p.At)); err != nil {
				return mapError(err)
			}
		}
		for _, c := range d.RecoveryCodes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash, used_at) VALUES (?, ?, ?)`, c.UserID, c.Hash, accNull(c.UsedAt)); err != nil {
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
func useTOTPStep(ctx context.Context, tx *sql.Tx, ss store.Session) error {
	if ss.TOTPStep <= 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO totp_used (user_id, step) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET step = excluded.step WHERE totp_used.step < excluded.step`, ss.UserID, ss.TOTPStep)
	if err != nil {
		return mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return store.ErrCodeReused
	}
	return nil
}
