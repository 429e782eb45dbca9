package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/mapconf"
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
	// TLSCert and TLSKey are PEM files; with both, the server speaks TLS
	// 1.2 or newer only, and its cookies are Secure.
	TLSCert, TLSKey string
	// Public serves only the public routes that write nothing, from a
	// database opened read-only, and never seeds it (serve --public).
	Public bool
	// authenticator checks sessions and tokens (tests set a fake one).
	authenticator web.Authenticator
	// Keys locate the personal data key (accounts).
	Keys keyConfig
	// MapConfig is the map's publication configuration file (basemap,
	// 审图号, public layers); empty is the embedded default (offline).
	MapConfig string
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
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "TLS 证书（PEM）；与 --tls-key 同用，仅接受 TLS 1.2 及以上 / TLS certificate (PEM); with --tls-key, TLS 1.2 or newer only")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "TLS 私钥（PEM） / TLS private key (PEM)")
	fs.BoolVar(&cfg.Public, "public", false, "公众门户模式：只提供不写入的公开接口，只读打开数据库（PostgreSQL 请给只读副本），从不写入 / public portal: only the public routes that write nothing, the database opened read-only (give PostgreSQL a replica), never written")
	fs.StringVar(&cfg.MapConfig, "map-config", "", "地图发布配置（YAML：底图、审图号、公开图层与属性；默认离线、无底图，见 docs/tiles.md） / map publication configuration (YAML: basemap, approval number, public layers and attributes; default offline with no basemap, see docs/tiles.md)")
	keyFlags(fs, &cfg.Keys)
	return c
}

func serve(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer) error {
	if _, err := actor.From(ctx); err != nil {
		ctx = actor.NewContext(ctx, operator()) // started by a test, not by run
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return usageError{"--tls-cert 与 --tls-key 须同时给出 / --tls-cert and --tls-key go together"}
	}
	tlsConfig, err := serverTLS(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return err
	}
	var mapConf mapconf.Config
	if cfg.MapConfig != "" {
		if mapConf, err = mapconf.Load(cfg.MapConfig); err != nil {
			return err
		}
	}
	p, err := loadBundle(cfg.Bundle)
	if err != nil {
		return err
	}
	var st store.Store
	var rev store.PlanRevision
	if cfg.Public {
		st, rev, p, err = openPublic(ctx, cfg.DB, p.Meta.ID)
	} else {
		st, err = openStore(ctx, cfg.DB, true)
		if err == nil {
			rev, p, err = app.StartUp(ctx, st, p, app.StartOptions{NoDemo: cfg.NoDemo, Now: cfg.Now, LoadDemo: cfg.loadDemo}, logger)
		}
	}
	if st != nil {
		defer st.Close()
	}
	if err != nil {
		return err
	}
	var svc *accounts.Service
	if !cfg.Public { // the internet-facing process writes nothing, accounts included
		if svc, err = startAccounts(ctx, st, p, cfg.DB, cfg.Keys, !cfg.NoDemo, cfg.Now, stdout); err != nil {
			return err
		}
	}
	authn := cfg.authenticator
	if authn == nil && svc != nil {
		authn = svc
	}
	srv, err := web.New(web.Config{Store: st, PlanID: rev.PlanID, Logger: logger, Now: cfg.Now,
		Authenticator: authn, Accounts: svc, TLS: tlsConfig != nil, Public: cfg.Public, Map: mapConf}, p, rev)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := newHTTPServer(srv.Handler(), tlsConfig, logger)
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	mode := ""
	if cfg.Public {
		mode = "（公众门户，只读 / public portal, read-only）"
	}
	fmt.Fprintf(stdout, "mineplan 正在服务 %s 第 %d 版%s：%s://%s/\n", rev.PlanID, rev.Number, mode, scheme, ln.Addr())
	if cfg.Ready != nil {
		cfg.Ready <- ln.Addr().String()
	}
	// The background jobs (layer imports queued from the web): a job
	// queued or running when the server last stopped runs now. The public
	// portal writes nothing, so it runs none.
	workerCtx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	if cfg.Public {
		close(workerDone)
	} else {
		worker := &app.Worker{Store: st, Logger: logger, Now: cfg.Now}
		go func() { defer close(workerDone); worker.Run(workerCtx) }()
	}
	defer func() { stopWorker(); <-workerDone }()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let requests finish; a running
	// job is queued again for the next start.
	stopWorker()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	<-workerDone
	fmt.Fprintln(stdout, "mineplan 已停止")
	return nil
}
