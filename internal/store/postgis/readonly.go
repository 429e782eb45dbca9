package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"mineplan/internal/store/sqlmigrate"
)

// OpenReadOnly connects for reading only, as `serve --public` does (to a
// replica): every connection starts with default_transaction_read_only
// on, so PostgreSQL refuses any write even on a primary.
func OpenReadOnly(ctx context.Context, url string) (*DB, error) {
	ms, err := sqlmigrate.Read(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &DB{reader: reader{pool}, pool: pool, sqlDB: stdlib.OpenDBFromPool(pool), migrations: ms}, nil
}
