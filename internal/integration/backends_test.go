package integration_test

import (
	"context"
	"path/filepath"
	"testing"

	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
)

func newSQLite(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

func newPostGIS(t *testing.T) store.Store {
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

func TestIntegrationSQLite(t *testing.T) { run(t, newSQLite) }

func TestIntegrationPostGIS(t *testing.T) { run(t, newPostGIS) }
