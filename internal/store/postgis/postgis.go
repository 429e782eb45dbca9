// Package postgis is the server backend: PostgreSQL with PostGIS through
// jackc/pgx/v5. Geometry is geometry(…, 4490) with GiST indexes; bounding
// box candidate queries run in the database.
package postgis

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlmigrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

var dialect = sqlmigrate.Dialect{
	Exists:      `SELECT (to_regclass('schema_migrations') IS NOT NULL)::int`,
	CreateTable: `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL)`,
	Insert:      `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
}

// DB is the PostGIS backend.
type DB struct {
	// reader holds the read queries, over the pool here and over one
	// transaction in a snapshot (snapshot.go), so both run the same SQL.
	reader
	pool       *pgxpool.Pool
	sqlDB      *sql.DB // the same pool, for the shared migration runner
	migrations []sqlmigrate.Migration
}

var _ store.Store = (*DB)(nil)

// Open connects to a postgres:// URL. It does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	ms, err := sqlmigrate.Read(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	var postgis string
	if err := pool.QueryRow(pingCtx, `SELECT extversion FROM pg_extension WHERE extname = 'postgis'`).Scan(&postgis); err != nil {
		pool.Close()
		return nil, fmt.Errorf("the database has no postgis extension (CREATE EXTENSION postgis): %w", err)
	}
	return &DB{reader: reader{pool}, pool: pool, sqlDB: stdlib.OpenDBFromPool(pool), migrations: ms}, nil
}

// Migrate applies pending migrations.
func (s *DB) Migrate(ctx context.Context) (int, error) {
	n, err := sqlmigrate.Apply(ctx, s.sqlDB, dialect, s.migrations)
	if err != nil {
		return n, err
	}
	return n, s.backfill(ctx)
}

// CheckSchema refuses a schema this program does not know.
func (s *DB) CheckSchema(ctx context.Context) error {
	_, err := sqlmigrate.Check(ctx, s.sqlDB, dialect, s.migrations)
	return err
}

// SchemaVersion is the number of applied migrations.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return sqlmigrate.Version(ctx, s.sqlDB, dialect)
}

// Close closes the pool.
func (s *DB) Close() error {
	s.sqlDB.Close()
	s.pool.Close()
	return nil
}

// SavePlanRevision stores a bundle as the next revision, or returns the
// latest unchanged when its hash is the same. A per-plan advisory lock
// serialises concurrent saves.
func (s *DB) SavePlanRevision(ctx context.Context, rev store.NewPlanRevision, e audit.Entry) (store.PlanRevision, bool, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.PlanRevision{}, false, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "plan:"+rev.PlanID); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	latest, err := latestRevision(ctx, tx, rev.PlanID)
	switch {
	case err == nil && latest.Hash == rev.Hash:
		return latest, false, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return store.PlanRevision{}, false, err
	case err == nil:
		e.BeforeState = []byte(latest.Hash)
	}
	e.AfterState = []byte(rev.Hash)
	saved := store.PlanRevision{PlanID: rev.PlanID, Number: latest.Number + 1, Hash: rev.Hash, Title: rev.Title, LoadedAt: store.StoredTime(rev.At), Files: len(rev.Files)}
	e.Object = store.PlanObject(saved.PlanID, saved.Number)
	if _, err := tx.Exec(ctx, `INSERT INTO plan_revisions (plan_id, number, bundle_hash, title, loaded_at) VALUES ($1, $2, $3, $4, $5)`,
		saved.PlanID, saved.Number, saved.Hash, saved.Title, saved.LoadedAt); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	batch := &pgx.Batch{}
	for p, content := range rev.Files {
		batch.Queue(`INSERT INTO plan_files (plan_id, number, path, content) VALUES ($1, $2, $3, $4)`, saved.PlanID, saved.Number, p, content)
	}
	for _, z := range rev.Zones {
		var wkb []byte
		if z.Geometry != nil {
			wkb = z.Geometry.WKB()
		}
		batch.Queue(`INSERT INTO zones (plan_id, number, code, name, type, level, illustrative, properties, geom) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromWKB($9, 4490))`,
			saved.PlanID, saved.Number, z.Code, z.Name, z.Type, z.Level, z.Illustrative, string(z.Properties), wkb)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.PlanRevision{}, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	return saved, true, nil
}

const revisionColumns = `r.plan_id, r.number, r.bundle_hash, r.title, r.loaded_at, (SELECT COUNT(*) FROM plan_files f WHERE f.plan_id = r.plan_id AND f.number = r.number)`

func scanRevision(row pgx.Row) (store.PlanRevision, error) {
	var r store.PlanRevision
	if err := row.Scan(&r.PlanID, &r.Number, &r.Hash, &r.Title, &r.LoadedAt, &r.Files); err != nil {
		return r, mapError(err)
	}
	r.LoadedAt = r.LoadedAt.UTC()
	return r, nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func latestRevision(ctx context.Context, q querier, planID string) (store.PlanRevision, error) {
	return scanRevision(q.QueryRow(ctx, `SELECT `+revisionColumns+` FROM plan_revisions r WHERE r.plan_id = $1 ORDER BY r.number DESC LIMIT 1`, planID))
}

// LatestPlanRevision returns the newest revision of a plan.
func (s *DB) LatestPlanRevision(ctx context.Context, planID string) (store.PlanRevision, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return latestRevision(ctx, s.pool, planID)
}

// PlanRevisions lists a plan's revisions, oldest first.
func (r reader) PlanRevisions(ctx context.Context, planID string) ([]store.PlanRevision, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := r.q.Query(ctx, `SELECT `+revisionColumns+` FROM plan_revisions r WHERE r.plan_id = $1 ORDER BY r.number`, planID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []store.PlanRevision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}

// PlanRevisionFiles returns a revision's files byte for byte.
func (r reader) PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := r.q.Query(ctx, `SELECT path, content FROM plan_files WHERE plan_id = $1 AND number = $2`, planID, number)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	files := map[string][]byte{}
	for rows.Next() {
		var p string
		var b []byte
		if err := rows.Scan(&p, &b); err != nil {
			return nil, err
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

// Zones returns a revision's zones in code order; the box query uses the
// GiST index (&&).
func (r reader) Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]store.ZoneFeature, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT code, name, type, level, illustrative, properties, ST_AsBinary(geom) FROM zones WHERE plan_id = $1 AND number = $2`
	args := []any{planID, number}
	if bbox != nil {
		q += ` AND geom && ST_MakeEnvelope($3, $4, $5, $6, 4490)`
		args = append(args, bbox.MinLon, bbox.MinLat, bbox.MaxLon, bbox.MaxLat)
	}
	rows, err := r.q.Query(ctx, q+` ORDER BY code COLLATE "C"`, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanZones(rows, bbox)
	return out, mapError(err)
}

// PlanIDs lists the plans that have revisions.
func (r reader) PlanIDs(ctx context.Context) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := r.q.Query(ctx, `SELECT plan_id FROM plan_revisions GROUP BY plan_id ORDER BY plan_id COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, mapError(err)
}
