// Package web serves mineplan over HTTP: the JSON API under /api/v1 and the
// HTML pages. Handlers live one resource per file; errors are mapped to
// statuses in errors.go.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mineplan/internal/accounts"
	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/i18n"
	"mineplan/internal/mapconf"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the server needs; main builds it.
type Config struct {
	Store  store.Store
	PlanID string
	Logger *slog.Logger
	// Now is the clock (derived statuses depend on the day); nil is
	// time.Now.
	Now func() time.Time
	// ReloadInterval is how often, at most, a request asks the store
	// whether a newer plan revision was loaded (by `mineplan plan load`
	// or another server); zero is DefaultReloadInterval.
	ReloadInterval time.Duration
	// Authenticator checks session cookies and bearer tokens; nil serves
	// every caller as the public (a bearer token is then refused).
	Authenticator Authenticator
	// TLS says the server is reached over TLS: cookies are Secure and
	// responses carry Strict-Transport-Security.
	TLS bool
	// Public registers only the routes that the public may take and that
	// write nothing (`serve --public`, the internet-facing process).
	Public bool
	// PublicRate is how many requests a second one client address may
	// make to the public routes, with bursts of PublicBurst; zero is
	// DefaultPublicRate and DefaultPublicBurst.
	PublicRate, PublicBurst float64
	// CheckRate and CheckBurst limit the public check (a whole review per
	// request) per client address; zero is checkRate and checkBurst.
	CheckRate, CheckBurst float64
	// Accounts signs users in and keeps their sessions; nil serves no
	// sign-in (the account pages answer 404).
	Accounts *accounts.Service
	// SignIn is the sign-in the /signin form uses; nil is Accounts'
	// password sign-in (an external identity provider goes here).
	SignIn accounts.Authenticator
	// Map is the publication configuration of the map and its tiles
	// (basemap, 审图号, public layers and attributes); the zero value is
	// mapconf.Default.
	Map mapconf.Config
}

// Rate limits per client address (and per account name for sign-in).
const (
	DefaultPublicRate  = 50
	DefaultPublicBurst = 200
	checkRate          = 5 // the public check runs a whole review
	checkBurst         = 20
	signInRate         = 1.0 / 6 // 10 a minute
	signInBurst        = 10
)

// DefaultReloadInterval bounds how long a newly loaded plan revision
// waits before the server serves it.
const DefaultReloadInterval = time.Second

// Server serves one plan revision at a time, held in memory and replaced
// when the store holds a newer one (see revision.go).
type Server struct {
	cfg Config
	// pages are the page templates, parsed once per language (page.go).
	pages    map[i18n.Lang]*template.Template
	messages *i18n.Catalog
	assets   map[string]asset // by hashed URL path
	// patterns are the registered routes' patterns (the nav offers only
	// pages that exist).
	patterns map[string]bool

	// One limiter type for every rate limit.
	publicLimiter, checkLimiter      *limiter
	signInByAddress, signInByAccount *limiter

	served atomic.Pointer[revision] // read on every request, never locked
	reload reloader
	areas  app.AreaCache // imported layers the review checks, kept prepared

	tileState tileState // the vector tiles' in-memory layers and cache (tiles.go)
	tileOnce  sync.Once
}

type asset struct {
	name  string
	ctype string
	body  []byte
	gzip  *lazyGzip
}

// New checks the templates (a broken template stops start-up, not a
// request) and hashes the static files.
func New(cfg Config, p *plan.Plan, rev store.PlanRevision) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReloadInterval <= 0 {
		cfg.ReloadInterval = DefaultReloadInterval
	}
	cfg.Map = cfg.Map.Effective()
	if err := cfg.Map.Check(); err != nil {
		return nil, fmt.Errorf("地图配置 / map configuration: %w", err)
	}
	first, err := newRevision(p, rev)
	if err != nil {
		return nil, err
	}
	if cfg.PublicRate <= 0 || cfg.PublicBurst <= 0 {
		cfg.PublicRate, cfg.PublicBurst = DefaultPublicRate, DefaultPublicBurst
	}
	if cfg.CheckRate <= 0 || cfg.CheckBurst <= 0 {
		cfg.CheckRate, cfg.CheckBurst = checkRate, checkBurst
	}
	s := &Server{cfg: cfg,
		publicLimiter: newLimiter(cfg.PublicRate, cfg.PublicBurst), checkLimiter: newLimiter(cfg.CheckRate, cfg.CheckBurst),
		signInByAddress: newLimiter(signInRate, signInBurst), signInByAccount: newLimiter(signInRate, signInBurst)}
	s.served.Store(first)
	if err := checkRoutes(s.routes()); err != nil {
		return nil, err
	}
	var urls map[string]string
	if s.assets, urls, err = hashAssets(staticFS, "static"); err != nil {
		return nil, err
	}
	if s.messages, err = i18n.Load(); err != nil {
		return nil, err
	}
	s.patterns = map[string]bool{}
	for _, rt := range s.registered() {
		s.patterns[rt.pattern] = true
	}
	s.pages, err = parsePages(s.messages, template.FuncMap{
		"inc":   func(i int) int { return i + 1 },
		"deref": func(f *float64) float64 { return *f },
		// json is data for a page's script, put in a data-json attribute
		// (the CSP allows no inline script, not even a data block).
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"static": func(name string) (string, error) {
			u, ok := urls[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return u, nil
		},
	})
	if err != nil {
		return nil, err
	}
	// Render every page once now, in every language, with sample data, so
	// a template error or a missing message stops start-up rather than a
	// request.
	if err := checkPages(s.pages, s.pageSamples()); err != nil {
		return nil, err
	}
	return s, nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func contentType(name string) string {
	base := path.Base(name)
	switch ext := path.Ext(name); {
	case ext == ".css":
		return "text/css; charset=utf-8"
	case ext == ".js" || ext == ".mjs": // .mjs: MapLibre's ES modules
		return "text/javascript; charset=utf-8"
	case ext == ".json":
		return "application/json"
	case ext == ".svg":
		return "image/svg+xml"
	case ext == ".png":
		return "image/png"
	case ext == ".txt" || strings.HasPrefix(base, "LICENSE") || base == "NOTICE" || base == "SHA256SUMS":
		// The vendored packages' licence files and their checksums.
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// current returns the plan revision being served.
func (s *Server) current() (*plan.Plan, store.PlanRevision) {
	v := s.served.Load()
	return v.plan, v.rev
}

// currentCheck returns the check report of the plan being served.
func (s *Server) currentCheck() plan.CheckReport { return s.served.Load().check }

// currentEngine returns the review engine of the plan being served.
func (s *Server) currentEngine() *review.Engine { return s.served.Load().engine }

// route is one registered route and the action it needs: every route has
// one (a test walks them), and nothing reaches a handler without the
// authorisation table's consent for that action.
type route struct {
	pattern string
	action  authz.Action
	handler http.HandlerFunc
	// maxBody is the largest request body the route reads, in bytes; 0 is
	// defaultMaxBody (limitBody).
	maxBody int64
	// rate, when set, limits the route per client address.
	rate *limiter
}

func rt(pattern string, action authz.Action, h http.HandlerFunc) route {
	return route{pattern: pattern, action: action, handler: h}
}

// body sets the route's body limit.
func (r route) body(limit int64) route { r.maxBody = limit; return r }

// limit sets the route's rate limit.
func (r route) limit(l *limiter) route { r.rate = l; return r }

// routes is every route the server registers. The public routes are rate
// limited per client address; docs/api.md lists each route's limits.
func (s *Server) routes() []route {
	pub := func(pattern string, h http.HandlerFunc) route {
		return rt(pattern, authz.PublicRead, h).limit(s.publicLimiter)
	}
	return []route{
		pub("GET /{$}", s.handleIndex),
		pub("GET /healthz", s.handleHealth),
		pub("GET /api/v1/plan", s.noParams(s.handlePlan)),
		pub("GET /api/v1/plan/check", s.noParams(s.handlePlanCheck)),
		pub("GET /api/v1/plan/tables", s.noParams(s.handleTables)),
		pub("GET /api/v1/plan/tables/{id}", s.noParams(s.handleTable)),
		pub("GET /api/v1/minerals", s.noParams(s.handleMinerals)),
		pub("GET /api/v1/zones", s.handleZones),
		// The register: public fields for everyone, full fields within
		// the caller's jurisdiction for rights.read (rights.go).
		pub("GET /api/v1/rights", s.handleRights),
		pub("GET /api/v1/rights/{id}", s.noParams(s.handleRight)),
		pub("GET /api/v1/rights/{id}/events", s.noParams(s.handleRightEvents)),
		rt("POST /api/v1/reviews", authz.ReviewCreate, s.handleCreateReview).body(maxReviewBody),
		rt("GET /api/v1/reviews/{id}", authz.ReviewRead, s.noParams(s.handleGetReview)),
		rt("POST /api/v1/reviews/{id}/rerun", authz.ReviewRerun, s.handleRerunReview),
		rt("POST /api/v1/check", authz.ReviewCheck, s.handleCheck).body(maxCheckBody).limit(s.checkLimiter),
		// The self-check page (selfcheck.go): the same check as a form.
		rt("GET /check", authz.ReviewCheck, s.handleSelfCheckPage).limit(s.publicLimiter),
		rt("POST /check", authz.ReviewCheck, s.handleSelfCheck).body(maxSelfCheckBody).limit(s.checkLimiter),
		// The plan's public pages (planpages.go).
		pub("GET /plan", s.handlePlanPage),
		pub("GET /zones/{code}", s.handleZonePage),
		pub("GET /blocks/{code}", s.handleBlockPage),
		rt("GET /api/v1/audit", authz.AuditRead, s.handleAudit),
		rt("GET /api/v1/audit/verify", authz.AuditRead, s.handleAuditVerify),
		rt("GET /reviews/{id}", authz.ReviewRead, s.handleReviewPage),
		pub("GET /static/", s.handleStatic),
		// Vector tiles (tiles.go): public layers for everyone, unpublished
		// ones for officers; applications need review.read.
		pub("GET /tiles/index.json", s.noParams(s.handleTileIndex)),
		pub("GET /tiles/{file}", s.handleTileJSON),
		pub("GET /tiles/{layer}/{z}/{x}/{y}", s.handleTile),
		rt("GET /tiles/applications.json", authz.ReviewRead, s.noParams(s.handleTileJSON)),
		rt("GET /tiles/applications/{z}/{x}/{y}", authz.ReviewRead, s.handleTile),
		pub("GET /api/v1/map/config", s.noParams(s.handleMapConfig)),
		// The officer workspace and a right's page (rightpage.go,
		// registerpage.go, workspace.go).
		pub("GET /rights/{id}", s.handleRightPage),
		rt("GET /register", authz.RightsRead, s.handleRegisterPage),
		rt("GET /workspace", authz.WorkspaceRead, s.handleWorkspace),
		rt("GET /register/export", authz.RightsExport, s.handleRegisterExport),
		rt("GET /reviews", authz.ReviewRead, s.handleReviewsPage),
		rt("POST /reviews/{id}/rerun", authz.ReviewRerun, s.handleRerunPage).body(formBodyLimit),
		rt("GET /signin", authz.SignIn, s.handleSignInPage),
		rt("POST /signin", authz.SignIn, s.handleSignIn).body(formBodyLimit),
		rt("POST /signout", authz.SignOut, s.handleSignOut).body(formBodyLimit),
		rt("GET /account/password", authz.AccountSelf, s.handlePasswordPage),
		rt("POST /account/password", authz.AccountSelf, s.handlePassword).body(formBodyLimit),
		rt("GET /account/totp", authz.AccountSelf, s.handleTOTPPage),
		rt("POST /account/totp", authz.AccountSelf, s.handleTOTP).body(formBodyLimit),
		pub("GET /map", s.handleMapPage),
		pub("GET /api/v1/coords", s.handleCoords),
		// The map's search and measure tools (maptools.go).
		pub("GET /api/v1/search", s.handleSearch),
		rt("POST /api/v1/measure", authz.PublicRead, s.handleMeasure).body(maxMeasureBody).limit(s.publicLimiter),
		// Layer imports as background jobs (layers.go).
		rt("GET /layers", authz.LayersImport, s.handleLayersPage),
		rt("POST /layers/import", authz.LayersImport, s.handleLayerImport).body(maxLayerImportBody),
		rt("GET /layers/jobs/{id}", authz.LayersImport, s.handleLayerJobPage),
		rt("GET /api/v1/jobs/{id}", authz.LayersImport, s.noParams(s.handleJobAPI)),
		pub("GET /print", s.handlePrint), // 出图 (print.go)
	}
}

// checkRoutes refuses a route without a known action (the table in
// internal/authz) or a pattern given twice: New runs it, so such a server
// never starts, and a test runs it on the routes.
func checkRoutes(rs []route) error {
	seen := map[string]bool{}
	for _, rt := range rs {
		if !authz.Known(rt.action) {
			return fmt.Errorf("路由 %q 没有已知的操作（%q）/ route %q has no known action (%q)", rt.pattern, rt.action, rt.pattern, rt.action)
		}
		if rt.handler == nil {
			return fmt.Errorf("路由 %q 没有处理函数 / route %q has no handler", rt.pattern, rt.pattern)
		}
		if seen[rt.pattern] {
			return fmt.Errorf("路由 %q 重复 / route %q is registered twice", rt.pattern, rt.pattern)
		}
		seen[rt.pattern] = true
	}
	return nil
}

// registered are the routes this server registers: all of them, or in public
// mode only those the public may take that write nothing.
func (s *Server) registered() []route {
	all := s.routes()
	if !s.cfg.Public {
		return all
	}
	var out []route
	for _, rt := range all {
		if authz.IsPublic(rt.action) && !authz.Writes(rt.action) {
			out = append(out, rt)
		}
	}
	return out
}

// Handler is the whole chain, outermost first: security headers (so every
// answer has them), the request id, the request log, the cross-origin
// check of unsafe methods (before any credential is read), authentication
// (the actor in the context), no-store for signed-in callers, the served
// plan revision, then the mux; each route then applies its rate limit,
// body limit and authorisation before its handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.registered() {
		var h http.Handler = s.authorize(rt)
		h = s.limitBody(rt.maxBody, h)
		if rt.rate != nil {
			h = s.limited(rt.rate, h)
		}
		mux.Handle(rt.pattern, h)
	}
	return s.securityHeaders(withRequestID(s.logRequests(s.crossOrigin(s.authenticate(privateNoStore(s.withLanguage(s.followRevisions(s.unrouted(mux)))))))))
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		s.cfg.Logger.Debug("request", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r), "took", time.Since(start))
	})
}

// requestTimeout bounds every store query a request makes.
const requestTimeout = 10 * time.Second

func (s *Server) queryContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), requestTimeout)
}

func sampleReviewPage() reviewPage {
	scale := 25.0
	return reviewPage{Page: samplePage(), ID: "sample", Report: &review.Report{Verdict: review.NonConforming, At: time.Unix(0, 0),
		Application: &review.Application{Kind: rights.Mining, Mineral: "铜矿", County: "伽师县", Scale: &scale, ScaleUnit: "万吨/年"},
		Findings:    []review.Finding{{Rule: "sample", Severity: review.Prohibited, Clause: "四㈡1", MessageZH: "示例"}}}}
}
