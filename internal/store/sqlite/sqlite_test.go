package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
)

func newDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newDB(t) })
}

// TestRevisionsAreImmutable goes around the contract with plain SQL: the
// database itself refuses to change a stored revision.
func TestRevisionsAreImmutable(t *testing.T) {
	db := newDB(t)
	p := storetest.Kashgar(t)
	ctx := context.Background()
	if _, _, err := db.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: p.Meta.ID, Title: "t", Hash: p.Hash, Files: p.Files}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE plan_revisions SET title = 'x'`,
		`DELETE FROM plan_revisions`,
		`UPDATE plan_files SET content = x'00'`,
		`DELETE FROM plan_files`,
	} {
		if err := db.ExecForTest(ctx, q); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v, want ErrConflict", q, err)
		}
	}
	files, err := db.PlanRevisionFiles(ctx, p.Meta.ID, 1)
	if err != nil || len(files) != len(p.Files) {
		t.Fatalf("files after refused changes: %d, %v", len(files), err)
	}
}

func TestSchemaChecks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("empty database: %v, want ErrSchemaOutdated", err)
	}
	if n, err := db.Migrate(ctx); err != nil || n == 0 {
		t.Fatalf("migrate: %d, %v", n, err)
	}
	if n, err := db.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second migrate: %d, %v; want nothing to do", n, err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("migrated database: %v", err)
	}
	// A migration from a newer program: refused.
	if err := db.ExecForTest(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES (999, '0999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaUnknown) {
		t.Fatalf("database with an unknown migration: %v, want ErrSchemaUnknown", err)
	}
}
