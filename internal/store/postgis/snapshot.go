package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/store"
)

// Snapshot calls fn with a Reader over one REPEATABLE READ READ ONLY
// transaction: every table is read as it was when the transaction took
// its snapshot (at its first query), however long the reading takes and
// whatever is committed meanwhile. Writers are not blocked.
func (s *DB) Snapshot(ctx context.Context, fn func(store.Reader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	// The first statement fixes the snapshot: read the head now, so the
	// point in time is the start of Snapshot, not of fn's first read.
	if _, _, err := newSnapshot(tx).AuditHead(ctx); err != nil {
		return err
	}
	if err := fn(newSnapshot(tx)); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
}

// snapshot reads inside the snapshot's transaction: the store's own read
// queries (reader) over the transaction instead of the pool.
type snapshot struct {
	reader
	tx pgx.Tx
}

var _ store.Reader = snapshot{}

func newSnapshot(tx pgx.Tx) snapshot { return snapshot{reader: reader{tx}, tx: tx} }

func (r snapshot) DumpAccounts(ctx context.Context) (store.AccountsDump, error) {
	return dumpAccounts(ctx, r.tx)
}
