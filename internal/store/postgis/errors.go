package postgis

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"mineplan/internal/store"
)

// mapError turns PostgreSQL errors into the contract's errors; other
// errors pass through unchanged.
func mapError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505", // unique_violation
		"23503", // foreign_key_violation
		"40001", // serialization_failure
		"40P01", // deadlock_detected
		"P0001": // raise_exception: the immutability triggers
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	case "25006": // read_only_sql_transaction: a replica
		return fmt.Errorf("%w: %v", store.ErrReadOnly, err)
	}
	return err
}
