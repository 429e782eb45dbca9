package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// appendAudit seals entries onto the log's head inside tx, the transaction
// of the change they record. The head row is locked (FOR UPDATE), so
// concurrent writers append one after another and the chain stays linear.
func appendAudit(ctx context.Context, tx pgx.Tx, entries []audit.Entry) ([]audit.Entry, error) {
	if len(entries) == 0 {
		return nil, store.ErrNoAudit
	}
	var seq int64
	var prev string
	if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq, &prev); err != nil {
		return nil, mapError(err)
	}
	var alg string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, store.SettingAuditHash).Scan(&alg)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
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
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			sealed.Seq, sealed.At, sealed.Actor, sealed.Role, sealed.Action, sealed.Object, sealed.Before, sealed.After,
			sealed.Address, sealed.RequestID, sealed.Detail, sealed.Alg, sealed.Prev, sealed.Hash)
		if err != nil {
			return nil, mapError(err)
		}
		seq, prev = sealed.Seq, sealed.Hash
		out = append(out, sealed)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, prev); err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// AppendAudit appends entries that record no other change.
func (s *DB) AppendAudit(ctx context.Context, entries ...audit.Entry) ([]audit.Entry, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var out []audit.Entry
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = appendAudit(ctx, tx, entries)
		return err
	})
	return out, mapError(err)
}

const auditColumns = `seq, at, actor, role, action, object, before_digest, after_digest, address, request_id, detail, alg, prev, hash`

func scanAudit(row pgx.CollectableRow) (audit.Entry, error) {
	var e audit.Entry
	err := row.Scan(&e.Seq, &e.At, &e.Actor, &e.Role, &e.Action, &e.Object, &e.Before, &e.After, &e.Address, &e.RequestID, &e.Detail, &e.Alg, &e.Prev, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// AuditEntries returns one page of matching entries, in Seq order.
func (s *DB) AuditEntries(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE seq > $1`
	args := []any{f.After}
	for _, c := range []struct{ col, v string }{{"actor", f.Actor}, {"object", f.Object}, {"action", f.Action}} {
		if c.v != "" {
			args = append(args, c.v)
			q += fmt.Sprintf(` AND %s = $%d`, c.col, len(args))
		}
	}
	if !f.From.IsZero() {
		args = append(args, store.StoredTime(f.From))
		q += fmt.Sprintf(` AND at >= $%d`, len(args))
	}
	if !f.Until.IsZero() {
		args = append(args, store.StoredTime(f.Until))
		q += fmt.Sprintf(` AND at < $%d`, len(args))
	}
	q += ` ORDER BY seq`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	out, err := pgx.CollectRows(rows, scanAudit)
	return out, mapError(err)
}

// EachAuditEntry streams every entry in Seq order.
func (s *DB) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return mapError(err)
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
	err = s.pool.QueryRow(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_head WHERE id = 1`).
		Scan(&head.Seq, &head.Hash, &start.Seq, &start.Hash)
	return head, start, mapError(err)
}
