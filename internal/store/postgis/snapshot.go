package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// Snapshot calls fn with a Reader over one REPEATABLE READ READ ONLY
// transaction: every table is read as it was when the transaction took
// its snapshot (at its first query), however long the reading takes and
// whatever is committed meanwhile. Writers are not blocked.
func (s *DB) Snapshot(ctx context.Context, fn func(store.Reader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	// The first statement fixes the snapshot: read the head now, so the
	// point in time is the start of Snapshot, not of fn's first read.
	if _, _, err := (snapshot{tx}).AuditHead(ctx); err != nil {
		return err
	}
	if err := fn(snapshot{tx}); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
}

// snapshot reads inside the snapshot's transaction. Its queries are the
// store's own (postgis.go, layers.go, reviews.go, audit.go) over the
// transaction instead of the pool; the conformance suite compares the two
// through the content hash.
type snapshot struct{ tx pgx.Tx }

var _ store.Reader = snapshot{}

func (r snapshot) PlanIDs(ctx context.Context) ([]string, error) {
	rows, err := r.tx.Query(ctx, `SELECT plan_id FROM plan_revisions GROUP BY plan_id ORDER BY plan_id COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, mapError(err)
}

func (r snapshot) PlanRevisions(ctx context.Context, planID string) ([]store.PlanRevision, error) {
	rows, err := r.tx.Query(ctx, `SELECT `+revisionColumns+` FROM plan_revisions r WHERE r.plan_id = $1 ORDER BY r.number`, planID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []store.PlanRevision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, mapError(rows.Err())
}

func (r snapshot) PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error) {
	rows, err := r.tx.Query(ctx, `SELECT path, content FROM plan_files WHERE plan_id = $1 AND number = $2`, planID, number)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	files := map[string][]byte{}
	for rows.Next() {
		var p string
		var b []byte
		if err := rows.Scan(&p, &b); err != nil {
			return nil, mapError(err)
		}
		files[p] = b
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("plan %s revision %d: %w", planID, number, store.ErrNotFound)
	}
	return files, nil
}

func (r snapshot) Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]store.ZoneFeature, error) {
	q := `SELECT code, name, type, level, illustrative, properties, ST_AsBinary(geom) FROM zones WHERE plan_id = $1 AND number = $2`
	args := []any{planID, number}
	if bbox != nil {
		q += ` AND geom && ST_MakeEnvelope($3, $4, $5, $6, 4490)`
		args = append(args, bbox.MinLon, bbox.MinLat, bbox.MaxLon, bbox.MaxLat)
	}
	rows, err := r.tx.Query(ctx, q+` ORDER BY code COLLATE "C"`, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanZones(rows, bbox)
	return out, mapError(err)
}

func (r snapshot) Layers(ctx context.Context) ([]store.Layer, error) {
	rows, err := r.tx.Query(ctx, `SELECT name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at FROM layers ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []store.Layer{}
	for rows.Next() {
		var l store.Layer
		if err := rows.Scan(&l.Name, &l.Kind, &l.Title, &l.Source, &l.Features, &l.BBox.MinLon, &l.BBox.MinLat, &l.BBox.MaxLon, &l.BBox.MaxLat, &l.ImportedAt); err != nil {
			return nil, mapError(err)
		}
		l.ImportedAt = l.ImportedAt.UTC()
		out = append(out, l)
	}
	return out, mapError(rows.Err())
}

func (r snapshot) LayerFeatures(ctx context.Context, name string, fq store.FeatureQuery) ([]store.LayerFeature, error) {
	var exists int
	if err := r.tx.QueryRow(ctx, `SELECT 1 FROM layers WHERE name = $1`, name).Scan(&exists); err != nil {
		return nil, fmt.Errorf("layer %q: %w", name, mapError(err))
	}
	q := `SELECT id, properties, ST_AsBinary(geom) FROM layer_features WHERE layer = $1`
	args := []any{name}
	if fq.BBox != nil {
		q += ` AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4490)`
		args = append(args, fq.BBox.MinLon, fq.BBox.MinLat, fq.BBox.MaxLon, fq.BBox.MaxLat)
	}
	args = append(args, fq.After)
	q += fmt.Sprintf(` AND id > $%d ORDER BY id`, len(args))
	if fq.Limit > 0 && fq.BBox == nil {
		q += fmt.Sprintf(` LIMIT %d`, fq.Limit)
	}
	rows, err := r.tx.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanLayerFeatures(rows, name, fq.BBox, fq.Limit)
	return out, mapError(err)
}

func (r snapshot) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	return rightsReader{r.tx}.AllRightEvents(ctx)
}

func (r snapshot) ReviewIDs(ctx context.Context) ([]string, error) {
	rows, err := r.tx.Query(ctx, `SELECT id FROM reviews ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, mapError(err)
}

func (r snapshot) Review(ctx context.Context, id string) (store.StoredReview, error) {
	return readReview(ctx, r.tx, id)
}

func (r snapshot) Settings(ctx context.Context) (map[string]string, error) {
	return settings(ctx, r.tx)
}

// EachAuditEntry reads the log in pages of auditPage entries (keyset on
// seq), so fn may read through the same transaction between pages and a
// long log is never held whole.
func (r snapshot) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	var after int64
	for {
		rows, err := r.tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, auditPage)
		if err != nil {
			return mapError(err)
		}
		page, err := pgx.CollectRows(rows, scanAudit)
		if err != nil {
			return mapError(err)
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < auditPage {
			return nil
		}
		after = page[len(page)-1].Seq
	}
}

const auditPage = 5000

func (r snapshot) AuditHead(ctx context.Context) (head, start audit.Start, err error) {
	err = r.tx.QueryRow(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_head WHERE id = 1`).
		Scan(&head.Seq, &head.Hash, &start.Seq, &start.Hash)
	return head, start, mapError(err)
}

func (r snapshot) DumpAccounts(ctx context.Context) (store.AccountsDump, error) {
	return dumpAccounts(ctx, r.tx)
}
