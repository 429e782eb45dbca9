package postgis

import "context"

// ExecForTest runs raw SQL, for tests that go around the contract.
func (s *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := s.pool.Exec(ctx, q)
	return mapError(err)
}

// TamperForTest runs raw SQL with the audit tables' triggers disabled (the
// table owner may), in one transaction: what someone holding the owner's
// password could do, which the chain must reveal.
func (s *DB) TamperForTest(ctx context.Context, q string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	for _, stmt := range []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, `ALTER TABLE audit_head DISABLE TRIGGER USER`, q,
		`ALTER TABLE audit_log ENABLE TRIGGER USER`, `ALTER TABLE audit_head ENABLE TRIGGER USER`} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return mapError(err)
		}
	}
	return mapError(tx.Commit(ctx))
}
