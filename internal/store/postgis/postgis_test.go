package postgis_test

import (
	"context"
	"errors"
	"testing"

	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/storetest"
)

func newDB(t *testing.T) *postgis.DB {
	t.Helper()
	db, err := postgis.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newDB(t) })
}

func TestRevisionsAreImmutable(t *testing.T) {
	db := newDB(t)
	defer db.Close()
	p := storetest.Kashgar(t)
	ctx := context.Background()
	if _, _, err := db.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: p.Meta.ID, Title: "t", Hash: p.Hash, Files: p.Files}, storetest.Entry("plan.load", "")); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE plan_revisions SET title = 'x'`,
		`DELETE FROM plan_revisions`,
		`UPDATE plan_files SET content = '\x00'`,
		`DELETE FROM plan_files`,
	} {
		if err := db.ExecForTest(ctx, q); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v, want ErrConflict", q, err)
		}
	}
}

func TestSchemaChecks(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("empty schema: %v, want ErrSchemaOutdated", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecForTest(ctx, `INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaUnknown) {
		t.Fatalf("unknown migration: %v, want ErrSchemaUnknown", err)
	}
}

func TestUnreachableDatabaseIsAnError(t *testing.T) {
	pgtest.URL(t) // skip unless PostgreSQL tests are on
	ctx := context.Background()
	if _, err := postgis.Open(ctx, "postgres://nobody:wrong@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		t.Fatal("opening an unreachable database succeeded")
	}
}

func TestBackfill(t *testing.T) {
	db := newDB(t)
	defer db.Close()
	storetest.CheckBackfill(t, db, func() error {
		ctx := context.Background()
		if err := db.ExecForTest(ctx, `DELETE FROM right_states; DELETE FROM right_totals; DELETE FROM right_counts`); err != nil {
			return err
		}
		return db.ExecForTest(ctx, `UPDATE rights SET min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0, valid_from = '', valid_to = '', scale_unit = '', scale_micro = 0`)
	})
}

func TestAuditTamper(t *testing.T) {
	storetest.RunAuditTamper(t, func(t *testing.T) store.Store { return newDB(t) }, storetest.RawSQL{
		Exec:     func(st store.Store, q string) error { return st.(*postgis.DB).ExecForTest(context.Background(), q) },
		Tamper:   func(st store.Store, q string) error { return st.(*postgis.DB).TamperForTest(context.Background(), q) },
		Truncate: true,
	})
}
