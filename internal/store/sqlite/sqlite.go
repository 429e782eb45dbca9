// Package sqlite is the embedded backend: one SQLite file (pure Go,
// modernc.org/sqlite) in WAL mode with foreign keys on.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlmigrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

var dialect = sqlmigrate.Dialect{
	Exists:      `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`,
	CreateTable: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL)`,
	Insert:      `INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)`,
}

// DB is the SQLite backend.
type DB struct {
	db         *sql.DB
	prepared   *preparedDB // the register's reads (prepared.go)
	migrations []sqlmigrate.Migration
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path. It does not
// migrate: call Migrate, or Check to refuse an unknown schema.
//
// Every connection runs with synchronous=FULL: in WAL mode, NORMAL syncs
// the log only at checkpoints, so a transaction that returned committed
// (a grant, an import) could be lost on a power failure. FULL syncs the
// log on every commit; docs/scaling.md gives the cost.
func Open(path string) (*DB, error) { return open(path, syncFull) }

// Synchronous settings: production always uses syncFull; syncNormal
// exists for the benchmark that measures what FULL costs.
const (
	syncFull   = "FULL"
	syncNormal = "NORMAL"
)

// busyTimeout is how long a statement waits for another connection's lock.
const busyTimeout = 10 * time.Second

func open(path, synchronous string) (*DB, error) { return openWith(path, synchronous, busyTimeout) }

func openWith(path, synchronous string, busy time.Duration) (*DB, error) {
	if synchronous != syncFull && synchronous != syncNormal {
		return nil, fmt.Errorf("synchronous %q is not FULL or NORMAL", synchronous)
	}
	ms, err := sqlmigrate.Read(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	keepConnections(db)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &DB{db: db, prepared: newPreparedDB(db), migrations: ms}, nil
}

// keepConnections bounds the pool and keeps its connections open. A new
// SQLite connection parses the whole schema and applies the pragmas, which
// costs far more than most queries; database/sql's default keeps only two
// idle connections, so under concurrent load nearly every request opened
// and closed one. WAL lets the readers run in parallel, so a few per CPU
// are kept; further requests wait for a free one.
func keepConnections(db *sql.DB) {
	n := min(32, max(4, 4*runtime.GOMAXPROCS(0)))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(10 * time.Minute)
}

// createPrivate creates a new database file readable by its owner only:
// it holds password hashes and the audit log. SQLite gives its -wal and
// -shm files the database file's permissions. An existing file is left
// as it is.
func createPrivate(path string) error {
	if path == "" || path == ":memory:" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return f.Close()
}

// Migrate applies pending migrations and returns how many it applied.
func (s *DB) Migrate(ctx context.Context) (int, error) {
	n, err := sqlmigrate.Apply(ctx, s.db, dialect, s.migrations)
	if err != nil {
		return n, err
	}
	return n, s.backfill(ctx)
}

// CheckSchema refuses a schema this program does not know.
func (s *DB) CheckSchema(ctx context.Context) error {
	_, err := sqlmigrate.Check(ctx, s.db, dialect, s.migrations)
	return err
}

// SchemaVersion is the number of applied migrations.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	return sqlmigrate.Version(ctx, s.db, dialect)
}

// Close closes the database.
func (s *DB) Close() error {
	s.prepared.close()
	return s.db.Close()
}

const timeLayout = time.RFC3339Nano

// SavePlanRevision stores a bundle as the next revision, or returns the
// latest revision unchanged when its hash is the same.
func (s *DB) SavePlanRevision(ctx context.Context, rev store.NewPlanRevision, e audit.Entry) (store.PlanRevision, bool, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.PlanRevision{}, false, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	defer tx.Rollback()
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_revisions (plan_id, number, bundle_hash, title, loaded_at) VALUES (?, ?, ?, ?, ?)`,
		saved.PlanID, saved.Number, saved.Hash, saved.Title, saved.LoadedAt.Format(timeLayout)); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	for p, content := range rev.Files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_files (plan_id, number, path, content) VALUES (?, ?, ?, ?)`, saved.PlanID, saved.Number, p, content); err != nil {
			return store.PlanRevision{}, false, mapError(err)
		}
	}
	for _, z := range rev.Zones {
		var geom []byte
		if z.Geometry != nil {
			geom = z.Geometry.WKB()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO zones (plan_id, number, code, name, type, level, illustrative, properties, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			saved.PlanID, saved.Number, z.Code, z.Name, z.Type, z.Level, z.Illustrative, string(z.Properties), geom)
		if err != nil {
			return store.PlanRevision{}, false, mapError(err)
		}
		if z.Geometry == nil {
			continue
		}
		id, err := res.LastInsertId()
		if err != nil {
			return store.PlanRevision{}, false, mapError(err)
		}
		b := z.Geometry.Bounds()
		if _, err := tx.ExecContext(ctx, `INSERT INTO zones_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)`, id, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat); err != nil {
			return store.PlanRevision{}, false, mapError(err)
		}
	}
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.PlanRevision{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return store.PlanRevision{}, false, mapError(err)
	}
	return saved, true, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const revisionColumns = `r.plan_id, r.number, r.bundle_hash, r.title, r.loaded_at, (SELECT COUNT(*) FROM plan_files f WHERE f.plan_id = r.plan_id AND f.number = r.number)`

func scanRevision(scan func(...any) error) (store.PlanRevision, error) {
	var r store.PlanRevision
	var at string
	if err := scan(&r.PlanID, &r.Number, &r.Hash, &r.Title, &at, &r.Files); err != nil {
		return r, mapError(err)
	}
	t, err := time.Parse(timeLayout, at)
	if err != nil {
		return r, fmt.Errorf("revision %d: bad loaded_at %q: %w", r.Number, at, err)
	}
	r.LoadedAt = t
	return r, nil
}

func latestRevision(ctx context.Context, q querier, planID string) (store.PlanRevision, error) {
	row := q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM plan_revisions r WHERE r.plan_id = ? ORDER BY r.number DESC LIMIT 1`, planID)
	return scanRevision(row.Scan)
}

// LatestPlanRevision returns the newest revision of a plan.
func (s *DB) LatestPlanRevision(ctx context.Context, planID string) (store.PlanRevision, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return latestRevision(ctx, s.db, planID)
}

// PlanRevisions lists a plan's revisions, oldest first.
func (s *DB) PlanRevisions(ctx context.Context, planID string) ([]store.PlanRevision, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT `+revisionColumns+` FROM plan_revisions r WHERE r.plan_id = ? ORDER BY r.number`, planID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []store.PlanRevision
	for rows.Next() {
		r, err := scanRevision(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}

// PlanRevisionFiles returns a revision's files byte for byte.
func (s *DB) PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT path, content FROM plan_files WHERE plan_id = ? AND number = ?`, planID, number)
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

// Zones returns a revision's zones in code order; with a box, only the
// zones whose bounding box meets it.
func (s *DB) Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]store.ZoneFeature, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	q := `SELECT z.code, z.name, z.type, z.level, z.illustrative, z.properties, z.geom FROM zones z WHERE z.plan_id = ? AND z.number = ?`
	args := []any{planID, number}
	if bbox != nil {
		q += ` AND z.id IN (SELECT id FROM zones_rtree WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)`
		args = append(args, bbox.MinLon, bbox.MaxLon, bbox.MinLat, bbox.MaxLat)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY z.code`, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanZones(rows, bbox)
	return out, mapError(err)
}

// PlanIDs lists the plans that have revisions.
func (s *DB) PlanIDs(ctx context.Context) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT plan_id FROM plan_revisions ORDER BY plan_id`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err)
		}
		ids = append(ids, id)
	}
	return ids, mapError(rows.Err())
}
