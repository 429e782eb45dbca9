package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// ImportLayer stores a layer and its features in one transaction.
func (s *DB) ImportLayer(ctx context.Context, l store.Layer, features []store.LayerFeature, e audit.Entry) (store.Layer, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.Layer{}, err
	}
	if err := store.ValidateLayer(l, features); err != nil {
		return store.Layer{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Layer{}, mapError(err)
	}
	defer tx.Rollback()
	if l, err = importLayer(ctx, tx, l, features, e); err != nil {
		return store.Layer{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Layer{}, mapError(err)
	}
	return l, nil
}

// importLayer writes a validated layer, its features and its audit entry
// in tx (ImportLayer's, and FinishJob's for an import job).
func importLayer(ctx context.Context, tx *sql.Tx, l store.Layer, features []store.LayerFeature, e audit.Entry) (store.Layer, error) {
	l.Features = len(features)
	l.BBox = store.FeaturesBBox(features)
	l.ImportedAt = store.StoredTime(l.ImportedAt)
	if _, err := tx.ExecContext(ctx, `INSERT INTO layers (name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Name, l.Kind, l.Title, l.Source, l.Features, l.BBox.MinLon, l.BBox.MinLat, l.BBox.MaxLon, l.BBox.MaxLat, l.ImportedAt.Format(timeLayout)); err != nil {
		return store.Layer{}, mapError(err)
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO layer_features (layer, id, properties, geom) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return store.Layer{}, mapError(err)
	}
	defer insert.Close()
	index, err := tx.PrepareContext(ctx, `INSERT INTO layer_features_rtree (rid, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return store.Layer{}, mapError(err)
	}
	defer index.Close()
	for _, f := range features {
		res, err := insert.ExecContext(ctx, l.Name, f.ID, string(f.Properties), f.Geometry.WKB())
		if err != nil {
			return store.Layer{}, fmt.Errorf("feature %d: %w", f.ID, mapError(err))
		}
		rid, err := res.LastInsertId()
		if err != nil {
			return store.Layer{}, mapError(err)
		}
		b := f.Geometry.Bounds()
		if _, err := index.ExecContext(ctx, rid, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat); err != nil {
			return store.Layer{}, mapError(err)
		}
	}
	e.BeforeState, e.AfterState = nil, store.LayerAuditState(l, features)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.Layer{}, err
	}
	return l, nil
}

// Layers lists the imported layers by name.
func (s *DB) Layers(ctx context.Context) ([]store.Layer, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT name, kind, title, source, features, min_lon, min_lat, max_lon, max_lat, imported_at FROM layers ORDER BY name`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []store.Layer{}
	for rows.Next() {
		var l store.Layer
		var at string
		if err := rows.Scan(&l.Name, &l.Kind, &l.Title, &l.Source, &l.Features, &l.BBox.MinLon, &l.BBox.MinLat, &l.BBox.MaxLon, &l.BBox.MaxLat, &at); err != nil {
			return nil, mapError(err)
		}
		if l.ImportedAt, err = time.Parse(timeLayout, at); err != nil {
			return nil, fmt.Errorf("layer %s: bad imported_at %q", l.Name, at)
		}
		out = append(out, l)
	}
	return out, mapError(rows.Err())
}

// LayerFeatures returns a layer's features; the box query uses the R*Tree.
func (s *DB) LayerFeatures(ctx context.Context, name string, fq store.FeatureQuery) ([]store.LayerFeature, error) {
	bbox, limit := fq.BBox, fq.Limit
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var exists int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM layers WHERE name = ?`, name).Scan(&exists); err != nil {
		return nil, notFound(err, "图层 %q 不存在 / layer %q", name, name)
	}
	q := `SELECT f.id, f.properties, f.geom FROM layer_features f WHERE f.layer = ?`
	args := []any{name}
	if bbox != nil {
		// CROSS JOIN makes SQLite drive the query from the R*Tree (a plain
		// join scanned the whole layer). The R*Tree's 32-bit boxes are
		// rounded outwards, so candidates are filtered exactly below.
		q = `SELECT f.id, f.properties, f.geom FROM layer_features_rtree r CROSS JOIN layer_features f ON f.rid = r.rid
		      WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ? AND f.layer = ?`
		args = []any{bbox.MinLon, bbox.MaxLon, bbox.MinLat, bbox.MaxLat, name}
	}
	q += ` AND f.id > ?`
	args = append(args, fq.After)
	q += ` ORDER BY f.id`
	if limit > 0 && bbox == nil {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanLayerFeatures(rows, name, bbox, limit)
	return out, mapError(err)
}
