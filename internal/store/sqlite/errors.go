package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"mineplan/internal/store"
)

// mapError turns driver errors into the contract's errors: no row is
// ErrNotFound, a constraint or a lock is ErrConflict. Every query's error
// goes through it; other errors pass through unchanged, wrapped as
// SQLite's so the cause reads in a log.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3lib.SQLITE_CONSTRAINT_UNIQUE,
		sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3lib.SQLITE_CONSTRAINT_TRIGGER,
		sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	if se.Code()&0xff == sqlite3lib.SQLITE_READONLY {
		return fmt.Errorf("%w: %v", store.ErrReadOnly, err)
	}
	return fmt.Errorf("SQLite: %w", err)
}

// notFound maps err, naming what was missing when there is no row.
func notFound(err error, format string, args ...any) error {
	err = mapError(err)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf(format+": %w", append(args, store.ErrNotFound)...)
	}
	return err
}
