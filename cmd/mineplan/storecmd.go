package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/sqlite"
)

// isPostgresURL tells a PostgreSQL URL from an SQLite file path.
func isPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// connect opens the backend that --db names, without checking its schema.
func connect(ctx context.Context, dbArg string) (store.Store, error) {
	if isPostgresURL(dbArg) {
		return postgis.Open(ctx, dbArg)
	}
	return sqlite.Open(dbArg)
}

// openStore opens the database named by --db and refuses a schema this
// program does not know. With create set, a new SQLite file is created and
// migrated (the quick start needs no migrate step); a PostgreSQL database
// is never migrated implicitly: run `mineplan migrate --db URL`.
func openStore(ctx context.Context, dbArg string, create bool) (store.Store, error) {
	if !isPostgresURL(dbArg) {
		if _, err := os.Stat(dbArg); err != nil && !create {
			return nil, fmt.Errorf("no database at %s", dbArg)
		}
	}
	st, err := connect(ctx, dbArg)
	if err != nil {
		return nil, err
	}
	err = st.CheckSchema(ctx)
	if create && !isPostgresURL(dbArg) && errors.Is(err, store.ErrSchemaOutdated) {
		if v, verr := st.SchemaVersion(ctx); verr == nil && v == 0 {
			_, err = st.Migrate(ctx)
		}
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("%s: %w", redact(dbArg), err)
	}
	return st, nil
}

// redact hides a password in a database URL for messages.
func redact(db string) string {
	if i, j := strings.Index(db, "://"), strings.LastIndex(db, "@"); isPostgresURL(db) && i >= 0 && j > i {
		if k := strings.Index(db[i+3:j], ":"); k >= 0 {
			return db[:i+3+k+1] + "***" + db[j:]
		}
	}
	return db
}

func migrateCommand() *cobra.Command {
	return dbCommand("migrate", "升级数据库结构 / apply the database migrations", runMigrate)
}

func runMigrate(ctx context.Context, dbArg string, stdout io.Writer) error {
	st, err := connect(ctx, dbArg)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已执行 %d 个迁移，数据库结构版本 %d\n", n, v)
	return nil
}
