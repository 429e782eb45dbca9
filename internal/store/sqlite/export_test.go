package sqlite

import (
	"context"
	"time"
)

// ExecForTest runs raw SQL, for tests that go around the contract.
func (s *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := s.db.ExecContext(ctx, q)
	return mapError(err)
}

// OpenBusyForTest opens with a short lock wait, for tests of lock errors.
func OpenBusyForTest(path string, busy time.Duration) (*DB, error) {
	return openWith(path, syncFull, busy)
}

// CloseIdleForTest closes the pool's idle connections, so another
// connection can take the file's exclusive lock.
func (s *DB) CloseIdleForTest() {
	s.db.SetMaxIdleConns(0)
	s.db.SetMaxIdleConns(2)
}

// TamperForTest runs raw SQL with the audit tables' triggers dropped, and
// puts them back, in one transaction: what someone who holds the database
// file could do, which the chain must reveal.
func (s *DB) TamperForTest(ctx context.Context, q string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_log', 'audit_head')`)
	if err != nil {
		return mapError(err)
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return mapError(err)
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+n); err != nil {
			return mapError(err)
		}
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return mapError(err)
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, d); err != nil {
			return mapError(err)
		}
	}
	return mapError(tx.Commit())
}
