package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
	"mineplan/internal/plan"
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
	// loadDemo records the illustrative register; nil is
	// app.LoadDemoRegister (a test makes it fail).
	loadDemo func(context.Context, store.Store, *plan.Plan, time.Time) (int, error)
}

// defaultAddr is loopback only: opening the server to the network is a
// choice (--addr :8080).
const defaultAddr = "127.0.0.1:8080"

func serveCommand() *cobra.Command {
	cfg := serveConfig{}
	c := &cobra.Command{
		Use:   "serve",
		Short: "运行服务（默认嵌入式 SQLite，载入喀什规划） / run the server (embedded SQLite by default, with the Kashgar plan)",
		Long: "运行服务；默认只在本机 " + defaultAddr + " 监听，--addr :8080 向网络开放\n" +
			"run the server; by default it listens on " + defaultAddr + " only, --addr :8080 opens it to the network",
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return serve(c.Context(), cfg, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := c.Flags()
	fs.StringVar(&cfg.Addr, "addr", defaultAddr, "监听地址；:8080 监听所有网络接口 / listen address; :8080 listens on every interface")
	fs.StringVar(&cfg.DB, "db", "mineplan.db", "数据库：SQLite 文件路径或 postgres:// URL / database: SQLite file path or postgres:// URL")
	fs.StringVar(&cfg.Bundle, "bundle", "", "数据库为空时载入的规划数据包（默认：内置喀什规划） / plan bundle to load into an empty database (default: the embedded Kashgar plan)")
	fs.BoolVar(&cfg.NoDemo, "no-demo", false, "不向空数据库载入示例登记簿 / do not load the illustrative register into an empty database")
	return c
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
	rev, p, err := startUp(ctx, st, p, cfg, logger)
	if err != nil {
		return err
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

// startUp brings the store to a state that can be served, deciding from
// what it holds before writing anything:
//
//   - the plan is stored: nothing is written (so serve starts on a
//     read-only replica); its latest revision is served as stored;
//   - the plan is not stored: the bundle becomes revision 1, and the
//     illustrative register is recorded first when the register is empty,
//     no illustrative layer exists and --no-demo is not given. A register
//     that has rights (from demo load or rights import) is left as it is,
//     and the log says so.
//
// The register is written before the plan, because a stored revision
// can never be removed: if the register fails, no revision is left
// behind, and the error says what this start stored.
func startUp(ctx context.Context, st store.Store, p *plan.Plan, cfg serveConfig, logger *slog.Logger) (store.PlanRevision, *plan.Plan, error) {
	rev, err := st.LatestPlanRevision(ctx, p.Meta.ID)
	switch {
	case err == nil:
		// Nothing is written; the log still says whose register is served
		// (demo load stores the plan along with its register).
		if _, n, err := st.Rights(ctx, store.RightFilter{Limit: 1}); err != nil {
			return rev, nil, err
		} else if n > 0 {
			logRegisterKept(logger, n)
		}
		stored, err := app.RevisionPlan(ctx, st, rev.PlanID, rev.Number)
		return rev, stored, err
	case !errors.Is(err, store.ErrNotFound):
		return rev, nil, err
	}
	// Decide. Every check that can refuse runs before the first write.
	if _, err := app.ZoneFeatures(p); err != nil {
		return rev, nil, fmt.Errorf("规划 %s 的分区图层有误，未写入任何数据 / the zone layer of plan %s is faulty; nothing was stored: %w", p.Meta.ID, p.Meta.ID, err)
	}
	demo := !cfg.NoDemo
	if demo {
		_, n, err := st.Rights(ctx, store.RightFilter{Limit: 1})
		if err != nil {
			return rev, nil, err
		}
		layers, err := demoLayers(ctx, st)
		if err != nil {
			return rev, nil, err
		}
		switch {
		case n > 0:
			demo = false
			logRegisterKept(logger, n)
		case len(layers) > 0:
			demo = false
			logger.Info(fmt.Sprintf("已有示意图层 %s，不载入示例登记簿 / the illustrative layers %s exist already: the illustrative register is not loaded", strings.Join(layers, "、"), strings.Join(layers, ", ")))
		}
	}
	// Write: the register first, then the plan.
	if demo {
		load := cfg.loadDemo
		if load == nil {
			load = app.LoadDemoRegister
		}
		n, err := load(ctx, st, p, cfg.Now())
		if err != nil {
			zh, en := storedReport(ctx, st)
			return rev, nil, fmt.Errorf("载入示例登记簿失败，%s；规划未写入 / loading the illustrative register failed, %s; the plan was not stored: %w", zh, en, err)
		}
		logger.Info(fmt.Sprintf("已载入示例登记簿：%d 个矿业权 / loaded the illustrative register: %d rights", n, n), "rights", n)
	}
	rev, _, err = app.SavePlan(ctx, st, p, cfg.Now())
	if err != nil {
		if demo {
			return rev, nil, fmt.Errorf("写入规划 %s 失败；本次启动已载入示例登记簿，下次启动只写入规划 / storing plan %s failed; this start stored the illustrative register, the next start stores only the plan: %w", p.Meta.ID, p.Meta.ID, err)
		}
		return rev, nil, fmt.Errorf("写入规划 %s 失败，未写入任何数据 / storing plan %s failed; nothing was stored: %w", p.Meta.ID, p.Meta.ID, err)
	}
	logger.Info(fmt.Sprintf("已将规划数据包存为第 %d 版 / stored the plan bundle as revision %d", rev.Number, rev.Number), "plan", rev.PlanID, "revision", rev.Number, "hash", rev.Hash[:12])
	return rev, p, nil
}

// logRegisterKept says that a register of n rights is served as it is.
func logRegisterKept(logger *slog.Logger, n int) {
	logger.Info(fmt.Sprintf("登记簿已有 %d 个矿业权，不载入示例登记簿 / the register already has %d rights: the illustrative register is not loaded", n, n), "rights", n)
}

// demoLayers lists the illustrative layers the store has.
func demoLayers(ctx context.Context, st store.Store) ([]string, error) {
	ls, err := st.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range ls {
		if l.Name == app.DemoProtectedLayer || l.Name == app.DemoRedLineLayer {
			out = append(out, l.Name)
		}
	}
	return out, nil
}

// storedReport says, in Chinese and English, what a failed demo load left
// in the store: it writes the rights and each layer in transactions of
// their own. It reads even when ctx was cancelled (a signal during start).
func storedReport(ctx context.Context, st store.Store) (zh, en string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	n, layers, err := demoState(ctx, st)
	switch {
	case err != nil:
		return "无法查明已写入的内容（" + err.Error() + "）", "what was stored cannot be told (" + err.Error() + ")"
	case n == 0 && len(layers) == 0:
		return "未写入任何数据", "nothing was stored"
	}
	zh = fmt.Sprintf("本次启动已写入 %d 个矿业权", n)
	en = fmt.Sprintf("this start stored %d rights", n)
	if len(layers) > 0 {
		zh += "和图层 " + strings.Join(layers, "、")
		en += " and the layers " + strings.Join(layers, ", ")
	}
	return zh + "（下次启动时不再载入示例）", en + " (the next start does not load the demo)"
}

func demoState(ctx context.Context, st store.Store) (int, []string, error) {
	_, n, err := st.Rights(ctx, store.RightFilter{Limit: 1})
	if err != nil {
		return 0, nil, err
	}
	layers, err := demoLayers(ctx, st)
	return n, layers, err
}
