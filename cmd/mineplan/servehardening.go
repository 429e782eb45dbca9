package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/sqlite"
)

// The HTTP server's timeouts: a client that sends its headers or body
// slowly, or reads slowly, is cut off, and idle keep-alive connections
// close (a slow-loris cannot hold connections open).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second // a 4 MiB review body on a slow link
	writeTimeout      = 60 * time.Second // the longest review or register page
	idleTimeout       = 120 * time.Second
)

func newHTTPServer(h http.Handler, tlsConfig *tls.Config, logger *slog.Logger) *http.Server {
	return &http.Server{
		// The server's own messages (TLS handshakes refused) go to the log.
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		Handler:           h,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// serverTLS loads the certificate and key (nil when none is given):
// TLS 1.2 at least; Go's default cipher suites for 1.2 are the AEAD
// ones with forward secrecy.
func serverTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS 证书或私钥无法读取 / TLS certificate or key: %w", err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}

// openPublic opens the database for serve --public: read-only (SQLite
// mode=ro with query_only; PostgreSQL with every transaction read-only,
// normally on a replica), its schema checked, and the plan's latest
// revision read as stored. It never writes, so an empty database is an
// error rather than seeded.
func openPublic(ctx context.Context, db, planID string) (store.Store, store.PlanRevision, *plan.Plan, error) {
	var st store.Store
	var err error
	if isPostgresURL(db) {
		st, err = postgis.OpenReadOnly(ctx, db)
	} else {
		st, err = sqlite.OpenReadOnly(db)
	}
	if err != nil {
		return nil, store.PlanRevision{}, nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, store.PlanRevision{}, nil, fmt.Errorf("%s: %w", redact(db), err)
	}
	rev, err := st.LatestPlanRevision(ctx, planID)
	if errors.Is(err, store.ErrNotFound) {
		st.Close()
		return nil, rev, nil, fmt.Errorf("数据库 %s 中没有规划 %s：--public 从不写入数据库，请先在主库上运行 serve 或 plan load / the database %s holds no plan %s: --public never writes, so run serve or plan load on the primary first",
			redact(db), planID, redact(db), planID)
	}
	if err != nil {
		st.Close()
		return nil, rev, nil, err
	}
	p, err := app.RevisionPlan(ctx, st, rev.PlanID, rev.Number)
	if err != nil {
		st.Close()
		return nil, rev, nil, err
	}
	return st, rev, p, nil
}
