package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// preparedDB runs the register's reads through statements prepared once per
// statement text: modernc's driver otherwise parses each statement again on
// every call, about a sixth of the serving CPU of the public portal under
// load. database/sql prepares a kept statement once on each pooled
// connection. The register's statements are few texts (a filter's shape,
// not its values, makes the text), so at most maxPrepared are kept; past
// that, a statement runs unprepared.
type preparedDB struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const maxPrepared = 256

var _ dbtx = (*preparedDB)(nil)

func newPreparedDB(db *sql.DB) *preparedDB { return &preparedDB{db: db, stmts: map[string]*sql.Stmt{}} }

// stmt is the kept statement of a text, preparing it the first time; nil
// when the cache is full or the text does not prepare (the caller then
// runs it unprepared, and gets the database's own error for a bad one).
func (p *preparedDB) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if len(p.stmts) >= maxPrepared {
		return nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

func (p *preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...) // writes stay in their transactions
}

func (p *preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// close closes the kept statements.
func (p *preparedDB) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}
