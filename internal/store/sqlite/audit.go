package sqlite

import (
	"context"
	"database/sql"
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
	e.At, err = time.Parse(auditTime, at)
	return e, err
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
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapError(rows.Err())
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
