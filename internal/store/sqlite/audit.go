package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// auditTime is how entry times are stored: fixed width, so text order is
// time order (the retention trigger compares them as text).
const auditTime = "2006-01-02T15:04:05.000000Z"

// appendAudit seals entries onto the log's head inside tx, the transaction
// of the change they record. SQLite's transactions take the write lock at
// BEGIN (_txlock=immediate), so appends are serialised.
func appendAudit(ctx context.Context, tx *sql.Tx, entries []audit.Entry) ([]audit.Entry, error) {
	if len(entries) == 0 {
		return nil, store.ErrNoAudit
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &prev); err != nil {
		return nil, mapError(err)
	}
	var alg string
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, store.SettingAuditHash).Scan(&alg)
	if err != nil && err != sql.ErrNoRows {
		return nil, mapError(err)
	}
	h, err := audit.HasherNamed(alg)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Entry, 0, len(entries))
	for _, e := range entries {
		at := e.At
		if at.IsZero() {
			at = time.Now()
		}
		sealed, err := audit.Seal(seq, prev, e, at, h)
		if err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, role, action, object, before_digest, after_digest, address, request_id, detail, alg, prev, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sealed.Seq, sealed.At.Format(auditTime), sealed.Actor, sealed.Role, sealed.Action, sealed.Object, sealed.Before, sealed.After,
			sealed.Address, sealed.RequestID, sealed.Detail, sealed.Alg, sealed.Prev, sealed.Hash)
		if err != nil {
			return nil, mapError(err)
		}
		seq, prev = sealed.Seq, sealed.Hash
		out = append(out, sealed)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, prev); err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// AppendAudit appends entries that record no other change.
func (s *DB) AppendAudit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback()
	out, err := appendAudit(ctx, tx, entries)
	if err != nil {
		return nil, err
	}
	return out, mapError(tx.Commit())
}

const auditColumns = `seq, at, actor, role, action, object, before_digest, after_digest, address, request_id, detail, alg, prev, hash`

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at string
	err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.Object, &e.Before, &e.After, &e.Address, &e.RequestID, &e.Detail, &e.Alg, &e.Prev, &e.Hash)
	if err != nil {
		return e, mapError(err)
	}
	if e.At, err = time.Parse(auditTime, at); err != nil {
		return e, &audit.Fault{Seq: e.Seq, Reason: fmt.Sprintf("its time %q cannot be read (the entry was changed)", at), ZH: fmt.Sprintf("时间 %q 无法读取（记录被修改）", at)}
	}
	return e, nil
}

// AuditEntries returns one page of matching entries, in Seq order.
func (s *DB) AuditEntries(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE seq > ?`
	args := []any{f.After}
	for _, c := range []struct{ col, v string }{{"actor", f.Actor}, {"object", f.Object}, {"action", f.Action}} {
		if c.v != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, store.StoredTime(f.From).Format(auditTime))
	}
	if !f.Until.IsZero() {
		q += ` AND at < ?`
		args = append(args, store.StoredTime(f.Until).Format(auditTime))
	}
	q += ` ORDER BY seq`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, s.db, scanAudit, q, args...)
}

// EachAuditEntry streams every entry in Seq order. It reads in one
// transaction, so the entries and the head it is compared with are one
// point in time.
func (s *DB) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// AuditHead returns the log's head and start.
func (s *DB) AuditHead(ctx context.Context) (head, start audit.Start, err error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	err = s.db.QueryRowContext(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_head WHERE id = 1`).
		Scan(&head.Seq, &head.Hash, &start.Seq, &start.Hash)
	return head, start, mapError(err)
}

// Setting returns a setting's value, or a known key's default.
func (s *DB) Setting(ctx context.Context, key string) (string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return setting(ctx, s.db, key)
}

func setting(ctx context.Context, q dbtx, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if d, ok := store.SettingDefault(key); ok {
			return d, nil
		}
		return "", fmt.Errorf("设置项 %s 未设置 / setting %s: %w", key, key, store.ErrNotFound)
	}
	return v, mapError(err)
}

// SetSetting stores a checked setting with its audit entry. The entry is
// sealed before the change, so a new audit.hash applies from the entry
// after it.
func (s *DB) SetSetting(ctx context.Context, key, value string, e audit.Entry) error {
	if err := store.CheckAudit(e); err != nil {
		return err
	}
	if err := store.CheckSetting(key, value); err != nil {
		return err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	old, err := setting(ctx, tx, key)
	switch {
	case err == nil:
		e.BeforeState = []byte(old)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	e.AfterState = []byte(value)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return mapError(err)
	}
	return mapError(tx.Commit())
}

// PruneAudit deletes old entries from the start of the log, moves its
// start and appends e, in one transaction.
func (s *DB) PruneAudit(ctx context.Context, before time.Time, e audit.Entry) (int, error) {
	if err := store.CheckAudit(e); err != nil {
		return 0, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, mapError(err)
	}
	defer tx.Rollback()
	v, err := setting(ctx, tx, store.SettingAuditRetentionDays)
	if err != nil {
		return 0, err
	}
	days, err := store.RetentionDays(v)
	if err != nil {
		return 0, err
	}
	cutoff := store.PruneCutoff(before, time.Now(), days)
	var startSeq, headSeq int64
	if err := tx.QueryRowContext(ctx, `SELECT start_seq, seq FROM audit_head WHERE id = 1`).Scan(&startSeq, &headSeq); err != nil {
		return 0, mapError(err)
	}
	// The last entry to delete: the one before the first kept.
	last := headSeq
	var kept sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(seq) FROM audit_log WHERE at >= ?`, cutoff.Format(auditTime)).Scan(&kept); err != nil {
		return 0, mapError(err)
	}
	if kept.Valid {
		last = kept.Int64 - 1
	}
	n := 0
	if last > startSeq {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, last).Scan(&hash); err != nil {
			return 0, fmt.Errorf("审计记录第 %d 条缺失 / audit entry %d: %w", last, last, mapError(err))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE seq <= ?`, last)
		if err != nil {
			return 0, mapError(err)
		}
		deleted, err := res.RowsAffected()
		if err != nil {
			return 0, mapError(err)
		}
		n = int(deleted)
		if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET start_seq = ?, start_hash = ? WHERE id = 1`, last, hash); err != nil {
			return 0, mapError(err)
		}
	}
	if e.Detail == "" {
		e.Detail = store.PruneDetail(n, max(last, startSeq), cutoff)
	}
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return 0, err
	}
	return n, mapError(tx.Commit())
}
