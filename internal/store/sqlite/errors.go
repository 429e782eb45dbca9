package sqlite

import (
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"mineplan/internal/store"
)

// mapError turns driver errors into the contract's errors; other errors
// pass through unchanged.
func mapError(err error) error {
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
	return err
}
