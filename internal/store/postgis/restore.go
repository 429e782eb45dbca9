package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// Settings returns every stored setting.
func (r reader) Settings(ctx context.Context) (map[string]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return settings(ctx, r.q)
}

func settings(ctx context.Context, q pgq) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT key, value FROM settings ORDER BY key COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, mapError(err)
		}
		out[k] = v
	}
	return out, mapError(rows.Err())
}

// Empty returns nil for a database without data.
func (s *DB) Empty(ctx context.Context) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return empty(ctx, s.pool, "")
}

// empty names what the database holds; lock, when set, is appended to the
// audit head's query (FOR UPDATE inside a restore, so a concurrent append
// or restore waits).
func empty(ctx context.Context, q pgq, lock string) error {
	var seq int64
	if err := q.QueryRow(ctx, `SELECT seq FROM audit_head WHERE id = 1`+lock).Scan(&seq); err != nil {
		return mapError(err)
	}
	var held []string
	for _, t := range store.EmptyTables {
		var n bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.Table+`)`).Scan(&n); err != nil {
			return mapError(err)
		}
		if n {
			held = append(held, t.What)
		}
	}
	if seq != 0 && len(held) == 0 {
		held = append(held, "审计日志头 / an audit head")
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: %s", store.ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// Restore runs fn in one transaction of an empty database. The register's
// lock and the audit head's row lock are taken first, so no writer can
// slip in between the emptiness check and the commit.
func (s *DB) Restore(ctx context.Context, fn func(store.RestoreTx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('mineplan:rights', 0))`); err != nil {
		return mapError(err)
	}
	if err := empty(ctx, tx, ` FOR UPDATE`); err != nil {
		return err
	}
	if err := fn(restoreTx{tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return mapError(err)
	}
	// Fresh statistics, as after an import: the planner then uses the
	// spatial indexes of the restored tables.
	_, err = s.pool.Exec(ctx, `ANALYZE layer_features, rights, right_states, zones`)
	return mapError(err)
}

type restoreTx struct{ tx pgx.Tx }

func (r restoreTx) PlanRevision(ctx context.Context, rev store.PlanRevision, files map[string][]byte, zones []store.ZoneFeature) error {
	tx := r.tx
	if _, err := tx.Exec(ctx, `INSERT INTO plan_revisions (plan_id, number, bundle_hash, title, loaded_at) VALUES ($1, $2, $3, $4, $5)`,
		rev.PlanID, rev.Number, rev.Hash, rev.Title, store.StoredTime(rev.LoadedAt)); err != nil {
		return fmt.Errorf("plan %s revision %d: %w", rev.PlanID, rev.Number, mapError(err))
	}
	batch := &pgx.Batch{}
	for p, content := range files {
		batch.Queue(`INSERT INTO plan_files (plan_id, number, path, content) VALUES ($1, $2, $3, $4)`, rev.PlanID, rev.Number, p, content)
	}
	for _, z := range zones {
		var wkb []byte
		if z.Geometry != nil {
			wkb = z.Geometry.WKB()
		}
		batch.Queue(`INSERT INTO zones (plan_id, number, code, name, type, level, illustrative, properties, geom) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromWKB($9, 4490))`,
			rev.PlanID, rev.Number, z.Code, z.Name, z.Type, z.Level, z.Illustrative, string(z.Properties), wkb)
	}
	return mapError(tx.SendBatch(ctx, batch).Close())
}

func (r restoreTx) Layer(ctx context.Context, l store.Layer, features []store.LayerFeature) error {
	tx := r.tx
	if _, err := tx.Exec(ctx, `INSERT INTO layers (name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		l.Name, l.Kind, l.Title, l.Source, l.Features, l.BBox.MinLon, l.BBox.MinLat, l.BBox.MaxLon, l.BBox.MaxLat, store.StoredTime(l.ImportedAt)); err != nil {
		return fmt.Errorf("layer %s: %w", l.Name, mapError(err))
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS layer_restore (id bigint, properties text, wkb bytea) ON COMMIT DROP`); err != nil {
		return mapError(err)
	}
	src := pgx.CopyFromSlice(len(features), func(i int) ([]any, error) {
		f := features[i]
		return []any{f.ID, string(f.Properties), f.Geometry.WKB()}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"layer_restore"}, []string{"id", "properties", "wkb"}, src); err != nil {
		return mapError(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO layer_features (layer, id, properties, geom) SELECT $1, id, properties, ST_GeomFromWKB(wkb, 4490) FROM layer_restore`, l.Name); err != nil {
		return fmt.Errorf("layer %s: %w", l.Name, mapError(err))
	}
	_, err := tx.Exec(ctx, `TRUNCATE layer_restore`)
	return mapError(err)
}

// RightEvents writes each right's events as AppendRightChanges does, event
// by event: the event, the current state, the history row (closing the
// one before) and the totals moved from the old group to the new.
func (r restoreTx) RightEvents(ctx context.Context, events []rights.Event) error {
	for _, evs := range store.ByRight(events) {
		hist, err := store.RestoreHistory(evs)
		if err != nil {
			return err
		}
		var prev *store.TotalsKey
		var prevMicro int64
		for _, h := range hist {
			if err := writeChange(ctx, r.tx, h); err != nil {
				return err
			}
			key, micro := store.TotalsKeyOf(h.Change.State)
			if prev != nil {
				if err := addTotals(ctx, r.tx, *prev, -1, -prevMicro); err != nil {
					return err
				}
			}
			if err := addTotals(ctx, r.tx, key, 1, micro); err != nil {
				return err
			}
			prev, prevMicro = &key, micro
		}
	}
	return nil
}

func (r restoreTx) Review(ctx context.Context, rv store.StoredReview) error {
	_, err := r.tx.Exec(ctx, `INSERT INTO reviews (id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		rv.ID, rv.PlanID, rv.PlanRevision, rv.Verdict, rv.Input, string(rv.Report), store.StoredTime(rv.CreatedAt), rv.OwnerCreditCode, rv.OwnerCounty, rv.CreatedBy)
	if err != nil {
		return fmt.Errorf("review %s: %w", rv.ID, mapError(err))
	}
	return nil
}

func (r restoreTx) Settings(ctx context.Context, settings map[string]string) error {
	for k, v := range settings {
		if _, err := r.tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, k, v); err != nil {
			return fmt.Errorf("setting %s: %w", k, mapError(err))
		}
	}
	return nil
}

func (r restoreTx) AuditEntries(ctx context.Context, entries []audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	src := pgx.CopyFromSlice(len(entries), func(i int) ([]any, error) {
		e := entries[i]
		return []any{e.Seq, e.At.UTC(), e.Actor, e.Role, e.Action, e.Object, e.Before, e.After, e.Address, e.RequestID, e.Detail, e.Alg, e.Prev, e.Hash}, nil
	})
	cols := strings.Split(strings.ReplaceAll(auditColumns, " ", ""), ",")
	if _, err := r.tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, cols, src); err != nil {
		return fmt.Errorf("audit entries %d–%d: %w", entries[0].Seq, entries[len(entries)-1].Seq, mapError(err))
	}
	return nil
}

func (r restoreTx) AuditHead(ctx context.Context, head, start audit.Start) error {
	_, err := r.tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2, start_seq = $3, start_hash = $4 WHERE id = 1`, head.Seq, head.Hash, start.Seq, start.Hash)
	return mapError(err)
}

func (r restoreTx) Accounts(ctx context.Context, d store.AccountsDump) error {
	return restoreAccounts(ctx, r.tx, d)
}
