package postgis

import "context"

// ExecForTest runs raw SQL, for tests that go around the contract.
func (s *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := s.pool.Exec(ctx, q)
	return mapError(err)
}
