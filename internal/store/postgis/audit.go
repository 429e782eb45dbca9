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
	// One round trip for the whole batch: an import appends an entry per
	// right.
	batch := &pgx.Batch{}
	now := time.Now()
	for _, e := range entries {
		at := e.At
		if at.IsZero() {
			at = now
		}
		sealed, err := audit.Seal(seq, prev, e, at, h)
		if err != nil {
			return nil, err
		}
		batch.Queue(`INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			sealed.Seq, sealed.At, sealed.Actor, sealed.Role, sealed.Action, sealed.Object, sealed.Before, sealed.After,
			sealed.Address, sealed.RequestID, sealed.Detail, sealed.Alg, sealed.Prev, sealed.Hash)
		seq, prev = sealed.Seq, sealed.Hash
		out = append(out, sealed)
	}
	batch.Queue(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, prev)
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
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
func (r reader) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := r.q.Query(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
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
func (r reader) AuditHead(ctx context.Context) (head, start audit.Start, err error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	err = r.q.QueryRow(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_head WHERE id = 1`).
		Scan(&head.Seq, &head.Hash, &start.Seq, &start.Hash)
	return head, start, mapError(err)
}

// Setting returns a setting's value, or a known key's default.
func (s *DB) Setting(ctx context.Context, key string) (string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return setting(ctx, s.pool, key)
}

func setting(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The head's lock first, so two changes of a setting serialise.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
			return err
		}
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
		_, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	return mapError(err)
}

// PruneAudit deletes old entries from the start of the log, moves its
// start and appends e, in one transaction.
func (s *DB) PruneAudit(ctx context.Context, before time.Time, e audit.Entry) (int, error) {
	if err := store.CheckAudit(e); err != nil {
		return 0, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var startSeq, headSeq int64
		if err := tx.QueryRow(ctx, `SELECT start_seq, seq FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&startSeq, &headSeq); err != nil {
			return err
		}
		v, err := setting(ctx, tx, store.SettingAuditRetentionDays)
		if err != nil {
			return err
		}
		days, err := store.RetentionDays(v)
		if err != nil {
			return err
		}
		// now() is the transaction's time, as the trigger sees it.
		var now time.Time
		if err := tx.QueryRow(ctx, `SELECT now()`).Scan(&now); err != nil {
			return err
		}
		cutoff := store.PruneCutoff(before, now, days)
		last := headSeq
		var kept *int64
		if err := tx.QueryRow(ctx, `SELECT MIN(seq) FROM audit_log WHERE at >= $1`, cutoff).Scan(&kept); err != nil {
			return err
		}
		if kept != nil {
			last = *kept - 1
		}
		if last > startSeq {
			var hash string
			if err := tx.QueryRow(ctx, `SELECT hash FROM audit_log WHERE seq = $1`, last).Scan(&hash); err != nil {
				return fmt.Errorf("审计记录第 %d 条缺失 / audit entry %d: %w", last, last, mapError(err))
			}
			tag, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE seq <= $1`, last)
			if err != nil {
				return err
			}
			n = int(tag.RowsAffected())
			if _, err := tx.Exec(ctx, `UPDATE audit_head SET start_seq = $1, start_hash = $2 WHERE id = 1`, last, hash); err != nil {
				return err
			}
		}
		if e.Detail == "" {
			e.Detail = store.PruneDetail(n, max(last, startSeq), cutoff)
		}
		_, err = appendAudit(ctx, tx, []audit.Entry{e})
		return err
	})
	if err != nil {
		return 0, mapError(err)
	}
	return n, nil
}
