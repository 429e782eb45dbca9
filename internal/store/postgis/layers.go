package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// ImportLayer stores a layer in one transaction: features are copied into
// a temporary table with COPY, then inserted with their geometry built
// from WKB.
func (s *DB) ImportLayer(ctx context.Context, l store.Layer, features []store.LayerFeature, e audit.Entry) (store.Layer, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.Layer{}, err
	}
	if err := store.ValidateLayer(l, features); err != nil {
		return store.Layer{}, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.Layer{}, mapError(err)
	}
	defer tx.Rollback(ctx)
	if l, err = importLayer(ctx, tx, l, features, e); err != nil {
		return store.Layer{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return store.Layer{}, mapError(err)
	}
	return l, s.analyzeLayers(ctx)
}

// analyzeLayers refreshes the statistics after an import, so the planner
// uses the GiST index for box queries instead of scanning the layer by
// its primary key.
func (s *DB) analyzeLayers(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `ANALYZE layer_features`); err != nil {
		return mapError(err)
	}
	return nil
}

// importLayer writes a validated layer, its features and its audit entry
// in tx (ImportLayer's, and FinishJob's for an import job).
func importLayer(ctx context.Context, tx pgx.Tx, l store.Layer, features []store.LayerFeature, e audit.Entry) (store.Layer, error) {
	l.Features = len(features)
	l.BBox = store.FeaturesBBox(features)
	l.ImportedAt = store.StoredTime(l.ImportedAt)
	if _, err := tx.Exec(ctx, `INSERT INTO layers (name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		l.Name, l.Kind, l.Title, l.Source, l.Features, l.BBox.MinLon, l.BBox.MinLat, l.BBox.MaxLon, l.BBox.MaxLat, l.ImportedAt); err != nil {
		return store.Layer{}, mapError(err)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE layer_import (id bigint, properties text, wkb bytea) ON COMMIT DROP`); err != nil {
		return store.Layer{}, mapError(err)
	}
	src := pgx.CopyFromSlice(len(features), func(i int) ([]any, error) {
		f := features[i]
		return []any{f.ID, string(f.Properties), f.Geometry.WKB()}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"layer_import"}, []string{"id", "properties", "wkb"}, src); err != nil {
		return store.Layer{}, mapError(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO layer_features (layer, id, properties, geom) SELECT $1, id, properties, ST_GeomFromWKB(wkb, 4490) FROM layer_import`, l.Name); err != nil {
		return store.Layer{}, mapError(err)
	}
	e.BeforeState, e.AfterState = nil, store.LayerAuditState(l, features)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.Layer{}, err
	}
	return l, nil
}

// Layers lists the imported layers by name.
func (r reader) Layers(ctx context.Context) ([]store.Layer, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := r.q.Query(ctx, `SELECT name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at FROM layers ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []store.Layer{}
	for rows.Next() {
		var l store.Layer
		if err := rows.Scan(&l.Name, &l.Kind, &l.Title, &l.Source, &l.Features, &l.BBox.MinLon, &l.BBox.MinLat, &l.BBox.MaxLon, &l.BBox.MaxLat, &l.ImportedAt); err != nil {
			return nil, err
		}
		l.ImportedAt = l.ImportedAt.UTC()
		out = append(out, l)
	}
	return out, mapError(rows.Err())
}

// LayerFeatures returns a layer's features; the box query uses the GiST
// index.
func (r reader) LayerFeatures(ctx context.Context, name string, fq store.FeatureQuery) ([]store.LayerFeature, error) {
	bbox, limit := fq.BBox, fq.Limit
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var exists int
	if err := r.q.QueryRow(ctx, `SELECT 1 FROM layers WHERE name = $1`, name).Scan(&exists); err != nil {
		return nil, fmt.Errorf("layer %q: %w", name, mapError(err))
	}
	q := `SELECT id, properties, ST_AsBinary(geom) FROM layer_features WHERE layer = $1`
	args := []any{name}
	if bbox != nil {
		q += ` AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4490)`
		args = append(args, bbox.MinLon, bbox.MinLat, bbox.MaxLon, bbox.MaxLat)
	}
	args = append(args, fq.After)
	q += fmt.Sprintf(` AND id > $%d ORDER BY id`, len(args))
	if limit > 0 && bbox == nil {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := r.q.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	// && compares single-precision boxes: ScanLayerFeatures filters exactly.
	out, err := store.ScanLayerFeatures(rows, name, bbox, limit)
	return out, mapError(err)
}
