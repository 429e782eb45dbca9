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
