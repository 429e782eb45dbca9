package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// Settings returns every stored setting.
func (s *DB) Settings(ctx context.Context) (map[string]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return settings(ctx, s.db)
}

func settings(ctx context.Context, q dbtx) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings ORDER BY key`)
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

// Snapshot copies the database with VACUUM INTO, which reads it in one
// read transaction while writers go on (WAL), into a temporary file, and
// calls fn with the copy opened read-only in spirit (nothing writes to
// it); the copy is removed afterwards. It needs free space for one copy
// of the database in the temporary directory ($TMPDIR).
func (s *DB) Snapshot(ctx context.Context, fn func(store.Reader) error) error {
	dir, err := os.MkdirTemp("", "mineplan-snapshot-")
	if err != nil {
		return fmt.Errorf("快照临时目录 / snapshot directory: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "snapshot.db")
	if err := s.VacuumInto(ctx, path); err != nil {
		return err
	}
	snap, err := Open(path)
	if err != nil {
		return err
	}
	defer snap.Close()
	if err := snap.CheckSchema(ctx); err != nil {
		return fmt.Errorf("快照 / snapshot: %w", err)
	}
	return fn(snap)
}

// VacuumInto writes a consistent, compacted copy of the database to path,
// which must not exist: the copy is one point in time, taken while other
// connections keep writing.
func (s *DB) VacuumInto(ctx context.Context, path string) error {
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("VACUUM INTO %s: %w", path, mapError(err))
	}
	return nil
}

// Empty returns nil for a database without data.
func (s *DB) Empty(ctx context.Context) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return empty(ctx, s.db)
}

func empty(ctx context.Context, q dbtx) error {
	var held []string
	for _, t := range store.EmptyTables {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.Table+`)`).Scan(&n); err != nil {
			return mapError(err)
		}
		if n != 0 {
			held = append(held, t.What)
		}
	}
	var seq int64
	if err := q.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil {
		return mapError(err)
	}
	if seq != 0 && len(held) == 0 {
		held = append(held, "审计日志头 / an audit head")
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: %s", store.ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// Restore runs fn in one immediate transaction of an empty database.
func (s *DB) Restore(ctx context.Context, fn func(store.RestoreTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if err := empty(ctx, tx); err != nil {
		return err
	}
	if err := fn(restoreTx{tx}); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

type restoreTx struct{ tx *sql.Tx }

func (r restoreTx) PlanRevision(ctx context.Context, rev store.PlanRevision, files map[string][]byte, zones []store.ZoneFeature) error {
	tx := r.tx
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_revisions (plan_id, number, bundle_hash, title, loaded_at) VALUES (?, ?, ?, ?, ?)`,
		rev.PlanID, rev.Number, rev.Hash, rev.Title, store.StoredTime(rev.LoadedAt).Format(timeLayout)); err != nil {
		return fmt.Errorf("plan %s revision %d: %w", rev.PlanID, rev.Number, mapError(err))
	}
	for p, content := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_files (plan_id, number, path, content) VALUES (?, ?, ?, ?)`, rev.PlanID, rev.Number, p, content); err != nil {
			return mapError(err)
		}
	}
	for _, z := range zones {
		var geom []byte
		if z.Geometry != nil {
			geom = z.Geometry.WKB()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO zones (plan_id, number, code, name, type, level, illustrative, properties, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			rev.PlanID, rev.Number, z.Code, z.Name, z.Type, z.Level, z.Illustrative, string(z.Properties), geom)
		if err != nil {
			return mapError(err)
		}
		if z.Geometry == nil {
			continue
		}
		id, err := res.LastInsertId()
		if err != nil {
			return mapError(err)
		}
		b := z.Geometry.Bounds()
		if _, err := tx.ExecContext(ctx, `INSERT INTO zones_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`, id, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat); err != nil {
			return mapError(err)
		}
	}
	return nil
}

func (r restoreTx) Layer(ctx context.Context, l store.Layer, features []store.LayerFeature) error {
	tx := r.tx
	if _, err := tx.ExecContext(ctx, `INSERT INTO layers (name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Name, l.Kind, l.Title, l.Source, l.Features, l.BBox.MinLon, l.BBox.MinLat, l.BBox.MaxLon, l.BBox.MaxLat, store.StoredTime(l.ImportedAt).Format(timeLayout)); err != nil {
		return fmt.Errorf("layer %s: %w", l.Name, mapError(err))
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO layer_features (layer, id, properties, geom) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return mapError(err)
	}
	defer insert.Close()
	index, err := tx.PrepareContext(ctx, `INSERT INTO layer_features_rtree (rid, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return mapError(err)
	}
	defer index.Close()
	for _, f := range features {
		res, err := insert.ExecContext(ctx, l.Name, f.ID, string(f.Properties), f.Geometry.WKB())
		if err != nil {
			return fmt.Errorf("layer %s feature %d: %w", l.Name, f.ID, mapError(err))
		}
		rid, err := res.LastInsertId()
		if err != nil {
			return mapError(err)
		}
		b := f.Geometry.Bounds()
		if _, err := index.ExecContext(ctx, rid, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat); err != nil {
			return mapError(err)
		}
	}
	return nil
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
	_, err := r.tx.ExecContext(ctx, `INSERT INTO reviews (id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rv.ID, rv.PlanID, rv.PlanRevision, rv.Verdict, rv.Input, string(rv.Report), store.StoredTime(rv.CreatedAt).Format(timeLayout), rv.OwnerCreditCode, rv.OwnerCounty, rv.CreatedBy)
	if err != nil {
		return fmt.Errorf("review %s: %w", rv.ID, mapError(err))
	}
	return nil
}

func (r restoreTx) Settings(ctx context.Context, settings map[string]string) error {
	for k, v := range settings {
		if _, err := r.tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, k, v); err != nil {
			return fmt.Errorf("setting %s: %w", k, mapError(err))
		}
	}
	return nil
}

func (r restoreTx) AuditEntries(ctx context.Context, entries []audit.Entry) error {
	for _, e := range entries {
		_, err := r.tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.At.UTC().Format(auditTime), e.Actor, e.Role, e.Action, e.Object, e.Before, e.After,
			e.Address, e.RequestID, e.Detail, e.Alg, e.Prev, e.Hash)
		if err != nil {
			return fmt.Errorf("audit entry %d: %w", e.Seq, mapError(err))
		}
	}
	return nil
}

func (r restoreTx) AuditHead(ctx context.Context, head, start audit.Start) error {
	_, err := r.tx.ExecContext(ctx, `UPDATE audit_head SET seq = ?, hash = ?, start_seq = ?, start_hash = ? WHERE id = 1`, head.Seq, head.Hash, start.Seq, start.Hash)
	return mapError(err)
}

func (r restoreTx) Accounts(ctx context.Context, d store.AccountsDump) error {
	return restoreAccounts(ctx, r.tx, d)
}
