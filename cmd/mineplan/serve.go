package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/store"
	"mineplan/internal/web"
)

// serveConfig is the server's whole configuration, built from flags here
// and by tests directly.
type serveConfig struct {
	Addr   string
	DB     string
	Bundle string
	// Ready, if set, receives the listening address once the server accepts
	// connections (tests use port 0).
	Ready chan<- string
	// Now is the clock; tests fix it.
	Now func() time.Time
	// NoDemo keeps the illustrative register out of an empty database.
	NoDemo bool
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := serveConfig{}
	fs.StringVar(&cfg.Addr, "addr", ":8080", "listen address")
	fs.StringVar(&cfg.DB, "db", "mineplan.db", "database: SQLite file path or postgres:// URL")
	fs.StringVar(&cfg.Bundle, "bundle", "", "plan bundle to load into an empty database (default: the embedded Kashgar plan)")
	fs.BoolVar(&cfg.NoDemo, "no-demo", false, "do not load the illustrative register into an empty database")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	return serve(ctx, cfg, stdout, stderr)
}

func serve(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	st, err := openStore(ctx, cfg.DB, true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := loadBundle(cfg.Bundle)
	if err != nil {
		return err
	}
	// An empty database gets the bundle as revision 1; a database that has
	// the plan already serves its latest revision as stored.
	rev, err := st.LatestPlanRevision(ctx, p.Meta.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		rev, _, err = app.SavePlan(ctx, st, p, cfg.Now())
		if err != nil {
			return fmt.Errorf("load plan %s: %w", p.Meta.ID, err)
		}
		logger.Info("loaded plan bundle", "plan", rev.PlanID, "revision", rev.Number, "hash", rev.Hash[:12])
		if !cfg.NoDemo {
			n, err := app.LoadDemoRegister(ctx, st, p, cfg.Now())
			if err != nil {
				return fmt.Errorf("load the illustrative register: %w", err)
			}
			logger.Info("loaded the illustrative register", "rights", n)
		}
	case err != nil:
		return err
	default:
		if p, err = app.RevisionPlan(ctx, st, rev.PlanID, rev.Number); err != nil {
			return err
		}
	}
	srv, err := web.New(web.Config{Store: st, PlanID: rev.PlanID, Logger: logger, Now: cfg.Now}, p, rev)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(stdout, "mineplan 正在服务 %s 第 %d 版：http://%s/\n", rev.PlanID, rev.Number, ln.Addr())
	if cfg.Ready != nil {
		cfg.Ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let requests finish.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "mineplan 已停止")
	return nil
}
