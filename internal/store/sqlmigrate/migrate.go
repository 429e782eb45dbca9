// Package sqlmigrate applies a backend's embedded .sql migrations in order,
// each in its own transaction, and compares a database's applied list with
// the program's so that a program never runs on a schema it does not know.
package sqlmigrate

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"mineplan/internal/store"
)

// Migration is one embedded .sql file.
type Migration struct {
	Version  int
	Name     string
	SQL      string
	Checksum string
}

// Read lists the migrations in a folder; files are named NNNN_name.sql.
func Read(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a 4-digit version", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: versions must run 1, 2, 3… without gaps", m.Name)
		}
	}
	return ms, nil
}

// Dialect holds the few statements that differ between backends.
type Dialect struct {
	// Exists returns 1 when the bookkeeping table exists, else 0. Check
	// uses it rather than creating the table, so it works read-only (on a
	// replica).
	Exists string
	// CreateTable creates the bookkeeping table if it is missing.
	CreateTable string
	// Insert records a migration; its placeholders are the backend's.
	Insert string
}

type applied struct {
	version  int
	name     string
	checksum string
}

func appliedList(ctx context.Context, db *sql.DB, d Dialect) ([]applied, error) {
	var exists int
	if err := db.QueryRowContext(ctx, d.Exists).Scan(&exists); err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	if exists == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT version, name, checksum FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []applied
	for rows.Next() {
		var a applied
		if err := rows.Scan(&a.version, &a.name, &a.checksum); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Check compares the database with the program's migrations. It returns
// the applied count; store.ErrSchemaOutdated when migrations are pending,
// store.ErrSchemaUnknown when the database has migrations the program does
// not know or whose content differs.
func Check(ctx context.Context, db *sql.DB, d Dialect, ms []Migration) (int, error) {
	have, err := appliedList(ctx, db, d)
	if err != nil {
		return 0, err
	}
	for i, a := range have {
		if i >= len(ms) {
			return len(have), fmt.Errorf("%w: database has migration %d (%s), this program knows %d", store.ErrSchemaUnknown, a.version, a.name, len(ms))
		}
		if ms[i].Name != a.name || ms[i].Checksum != a.checksum {
			return len(have), fmt.Errorf("%w: migration %d is %s in the database but %s here", store.ErrSchemaUnknown, a.version, a.name, ms[i].Name)
		}
	}
	if len(have) < len(ms) {
		return len(have), fmt.Errorf("%w (database at %d, program at %d)", store.ErrSchemaOutdated, len(have), len(ms))
	}
	return len(have), nil
}

// Apply runs the pending migrations, each with its bookkeeping row in one
// transaction, and returns how many it applied.
func Apply(ctx context.Context, db *sql.DB, d Dialect, ms []Migration) (int, error) {
	n, err := Check(ctx, db, d, ms)
	if err == nil {
		return 0, nil
	}
	if !isOutdated(err) {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, d.CreateTable); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	done := 0
	for _, m := range ms[n:] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return done, err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, d.Insert, m.Version, m.Name, m.Checksum); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("record migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return done, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		done++
	}
	return done, nil
}

func isOutdated(err error) bool { return errors.Is(err, store.ErrSchemaOutdated) }

// Version is the number of applied migrations (0 for a new database).
func Version(ctx context.Context, db *sql.DB, d Dialect) (int, error) {
	have, err := appliedList(ctx, db, d)
	return len(have), err
}
