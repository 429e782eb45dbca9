package sqlite

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"

	"mineplan/internal/store/sqlmigrate"
)

// OpenReadOnly opens an existing database file for reading only, as
// `serve --public` does: the file is opened with mode=ro and every
// connection runs with query_only, so any write fails in SQLite itself,
// whatever the caller does. A missing file is an error (nothing is
// created).
func OpenReadOnly(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("只读打开 %s：%w / open %s read-only: %w", path, err, path, err)
	}
	ms, err := sqlmigrate.Read(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	keepConnections(db)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	return &DB{db: db, prepared: newPreparedDB(db), migrations: ms}, nil
}
