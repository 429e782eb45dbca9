package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	if _, _, err := db.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: p.Meta.ID, Title: "t", Hash: p.Hash, Files: p.Files}, storetest.Entry("plan.load", "")); err != nil {
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

// TestReadErrorsAreMapped: a read that meets another connection's lock
// returns the contract's error, as writes do, on every read path.
func TestReadErrorsAreMapped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "locked.db")
	db, err := sqlite.OpenBusyForTest(path, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// An exclusive lock (as a backup tool may take) shuts out readers
	// even in WAL mode.
	db.CloseIdleForTest()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=locking_mode(EXCLUSIVE)&_pragma=busy_timeout(50)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE; INSERT INTO reviews (id, plan_id, plan_revision, verdict, input, report, created_at) VALUES ('RV', 'p', 1, 'v', x'00', '{}', 't'); COMMIT; SELECT 1 FROM reviews`); err != nil {
		t.Fatal(err)
	}
	reads := map[string]func() error{
		"Right":       func() error { _, err := db.Right(ctx, "C1"); return err },
		"Rights":      func() error { _, _, err := db.Rights(ctx, store.RightFilter{}); return err },
		"RightTotals": func() error { _, err := db.RightTotals(ctx, store.TotalsFilter{Kind: "mining"}); return err },
		"Events":      func() error { _, err := db.AllRightEvents(ctx); return err },
		"Layers":      func() error { _, err := db.Layers(ctx); return err },
		"Features":    func() error { _, err := db.LayerFeatures(ctx, "x", store.FeatureQuery{}); return err },
		"Review":      func() error { _, err := db.Review(ctx, "RV"); return err },
		"ReviewIDs":   func() error { _, err := db.ReviewIDs(ctx); return err },
		"Revisions":   func() error { _, err := db.PlanRevisions(ctx, "p"); return err },
		"Latest":      func() error { _, err := db.LatestPlanRevision(ctx, "p"); return err },
		"Files":       func() error { _, err := db.PlanRevisionFiles(ctx, "p", 1); return err },
		"Zones":       func() error { _, err := db.Zones(ctx, "p", 1, nil); return err },
		"PlanIDs":     func() error { _, err := db.PlanIDs(ctx); return err },
	}
	for name, read := range reads {
		if err := read(); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s on a locked database: %v, want ErrConflict", name, err)
		}
	}
}

func TestBackfill(t *testing.T) {
	db := newDB(t)
	defer db.Close()
	storetest.CheckBackfill(t, db, func() error {
		return db.ExecForTest(context.Background(), `DELETE FROM right_states; DELETE FROM right_totals; DELETE FROM right_counts;
			UPDATE rights SET min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0, valid_from = '', valid_to = '', scale_unit = '', scale_micro = 0`)
	})
}

func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) store.Store { return newDB(t) }, storetest.RawSQL{
		Exec:   func(st store.Store, q string) error { return st.(*sqlite.DB).ExecForTest(context.Background(), q) },
		Tamper: func(st store.Store, q string) error { return st.(*sqlite.DB).TamperForTest(context.Background(), q) },
	})
}

// TestNewFileIsPrivate: a new database (password hashes, the audit log)
// and its log files are readable by the owner only.
func TestNewFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
}
