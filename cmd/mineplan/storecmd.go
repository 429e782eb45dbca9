package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"mineplan/internal/store/sqlite"
)

// openStore opens the database named by --db. A new, empty database is
// migrated when create is set; otherwise a schema this program does not
// know is refused, with the reason.
func openStore(ctx context.Context, dbArg string, create bool) (*sqlite.DB, error) {
	if strings.HasPrefix(dbArg, "postgres://") || strings.HasPrefix(dbArg, "postgresql://") {
		return nil, fmt.Errorf("PostgreSQL is not supported by this build yet; use an SQLite file path")
	}
	if _, err := os.Stat(dbArg); err != nil && !create {
		return nil, fmt.Errorf("no database at %s", dbArg)
	}
	st, err := sqlite.Open(dbArg)
	if err != nil {
		return nil, err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil || v == 0 {
		if create {
			if _, err := st.Migrate(ctx); err != nil {
				st.Close()
				return nil, err
			}
			return st, nil
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("%s: %w", dbArg, err)
	}
	return st, nil
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"migrate needs --db"}
	}
	st, err := sqlite.Open(*dbArg)
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
	fmt.Fprintf(stdout, "applied %d migrations; schema version %d\n", n, v)
	return nil
}
