package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
	"mineplan/internal/web"
)

// The register at national scale: BenchmarkRegister loads a register
// built from the national rights layer (MINEPLAN_BENCH_DATA/national,
// gen.py national) into each backend and measures the register's reads,
// the full-engine review and a burst of concurrent HTTP requests.
//
//	MINEPLAN_BENCH_SIZES=20000,200000   register sizes (default both)
//	MINEPLAN_BENCH_BURSTS=N             at most N bursts of 200 requests
//	MINEPLAN_BENCH_KEEP_SCHEMA=NAME     PostGIS only: load into schema
//	                                    NAME_<size>, keep it, and reuse it
//	                                    on the next run (loading 200 000
//	                                    rights takes minutes); drop it by
//	                                    hand when done
//
// Each operation reports its median and p95 (ms) over b.N runs; run with
// -benchtime=200x or so. scripts/bench-register.sh runs it.

// nationalExtent is the territory of the benchmark's copy of the bundle.
const nationalExtent = "东经73°～135°，北纬18°～53°"

// nationalPlan copies the embedded Kashgar bundle into a temporary folder
// with the national extent as its territory, and loads the copy: the
// shared data covers the country, and the plan refuses geometry outside
// its territory. The copy is never shipped.
func nationalPlan(b *testing.B) *plan.Plan {
	b.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for name, content := range p.Files {
		if name == "plan.yaml" {
			old := p.Meta.Territory.Extent
			if !bytes.Contains(content, []byte(old)) {
				b.Fatalf("plan.yaml has no territory extent %q", old)
			}
			content = bytes.Replace(content, []byte(old), []byte(nationalExtent), 1)
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	np, err := plan.Load(os.DirFS(dir))
	if err != nil {
		b.Fatal(err)
	}
	if np.Meta.Territory.Extent != nationalExtent {
		b.Fatalf("the copy's territory is %q", np.Meta.Territory.Extent)
	}
	return np
}

// benchDay is the day statuses are read on.
var benchDay = rights.D(2026, 1, 1)

// nationalRegister gives n rights on the national layer's polygons with
// deterministic attributes: kind, status, county (the plan's), main
// mineral (the plan's catalogue), design scale, dates and a second event
// for some. Rights whose polygon the register refuses are left out.
func nationalRegister(b *testing.B, p *plan.Plan, n int) []store.RightChange {
	b.Helper()
	fs := readLayer(b, "national", "rights", n)
	var counties []string
	for _, c := range p.Counties {
		counties = append(counties, c.Name)
	}
	minerals := p.MineralNames()
	recorded := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(d rights.Date, days int) rights.Date { return rights.Date{Time: d.AddDate(0, 0, days)} }
	var out []store.RightChange
	for i, f := range fs {
		id := fmt.Sprintf("N%06d", i+1)
		h := mix(uint64(i))
		pick := func(shift, n int) int { return int((h >> shift) % uint64(n)) }
		kind, status := rights.Mining, rights.Producing
		if pick(0, 3) == 0 {
			kind, status = rights.Exploration, rights.Valid
		} else if pick(4, 2) == 1 {
			status = rights.UnderConstruction
		}
		from := day(rights.D(2010, 1, 1), pick(8, 5000))
		r := &rights.Right{Kind: kind, Status: status, Name: id + "矿", Holder: rights.Holder{Name: fmt.Sprintf("企业%05d", pick(24, 20000))},
			MainMineral: minerals[pick(40, len(minerals))], County: counties[pick(52, len(counties))], ValidFrom: from, DeclaredAreaKm2: 1}
		if kind == rights.Exploration {
			r.ValidTo = day(from, 365*(3+pick(20, 5)))
		} else {
			r.ValidTo = day(from, 3650)
			r.DesignScale = &rights.Scale{Value: 0.5 + float64(pick(12, 97))*0.25, Unit: "万吨/年"}
		}
		evs := []rights.Event{{RightID: id, Type: rights.Grant, Date: from, Actor: "基准", Reason: "新立", DocRef: "基准", Change: rights.Change{Geometry: f.Geometry, Right: r}}}
		switch second := pick(58, 10); {
		case kind == rights.Mining && second == 1:
			evs = append(evs, rights.Event{RightID: id, Type: rights.Suspend, Date: day(from, 400), Actor: "基准", Reason: "停产", DocRef: "基准"})
		case second == 3:
			evs = append(evs, rights.Event{RightID: id, Type: rights.Cancel, Date: day(from, 800), Actor: "基准", Reason: "注销", DocRef: "基准"})
		}
		var cur *rights.Right
		var changes []store.RightChange
		for k, ev := range evs {
			ev.Seq, ev.RecordedAt = k+1, recorded.Add(time.Duration(i*2+k)*time.Second)
			next, err := rights.Apply(cur, ev)
			if err != nil {
				changes = nil
				break
			}
			cur = &next
			changes = append(changes, store.RightChange{Event: ev, State: next, Audit: storetest.Entry("rights.import", "right:"+ev.RightID)})
		}
		out = append(out, changes...)
	}
	return out
}

// mix is splitmix64: independent-looking attributes from one index.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// load appends the changes in batches of 2 000 (the register's fast path:
// no overlap checks; the layer overlaps on purpose).
func load(b *testing.B, st store.RightsStore, changes []store.RightChange) {
	b.Helper()
	start := time.Now()
	for i := 0; i < len(changes); i += 2000 {
		if err := st.AppendRightChanges(testutil.Context(), changes[i:min(i+2000, len(changes))], nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("loaded %d changes in %s", len(changes), time.Since(start).Round(time.Millisecond))
}

// schemaURL creates the PostGIS schema name if missing, kept between
// runs, and returns the database URL that reads it.
func schemaURL(b *testing.B, name string) string {
	b.Helper()
	base := os.Getenv(pgtest.EnvVar)
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		b.Fatal(err)
	}
	_, err = conn.Exec(context.Background(), "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{name}.Sanitize())
	conn.Close(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// keptSchema opens and migrates the PostGIS database at pgURL, and says
// whether it already holds the changes' rights (a kept schema).
func keptSchema(b *testing.B, pgURL string, changes []store.RightChange) (store.Store, bool) {
	b.Helper()
	db, err := postgis.Open(context.Background(), pgURL)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	want := map[string]bool{}
	for _, c := range changes {
		want[c.Event.RightID] = true
	}
	_, total, err := db.Rights(context.Background(), store.RightFilter{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	switch total {
	case 0:
		return db, false
	case len(want):
		b.Logf("reusing schema with %d rights", total)
		return db, true
	}
	b.Fatalf("the kept schema holds %d rights, not %d: drop it", total, len(want))
	return nil, false
}

// vacuum does what an operator does after a bulk load: VACUUM ANALYZE,
// so the planner has statistics for the new rows and index-only scans
// need not visit the heap, rather than whatever autovacuum has done by
// the time the runs start.
func vacuum(b *testing.B, pgURL string) {
	b.Helper()
	conn, err := pgx.Connect(context.Background(), pgURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "VACUUM ANALYZE rights, right_events, right_states, right_totals, right_counts"); err != nil {
		b.Fatal(err)
	}
}

func sizes(b *testing.B) []int {
	v := os.Getenv("MINEPLAN_BENCH_SIZES")
	if v == "" {
		v = "20000,200000"
	}
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			b.Fatalf("MINEPLAN_BENCH_SIZES: %v", err)
		}
		out = append(out, n)
	}
	return out
}

// timed runs op b.N times and reports the median and p95 in ms.
func timed(b *testing.B, op func(i int) error) { timedRuns(b, b.N, op) }

// timedRuns is timed with a number of runs of its own.
func timedRuns(b *testing.B, runs int, op func(i int) error) {
	b.Helper()
	ds := make([]time.Duration, 0, runs)
	b.ResetTimer()
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(ds[len(ds)/2]), "p50-ms")
	b.ReportMetric(ms(ds[min(len(ds)-1, (len(ds)*95+99)/100-1)]), "p95-ms")
}

func BenchmarkRegister(b *testing.B) {
	p := nationalPlan(b)
	ctx := testutil.Context()
	apps := readLayer(b, "national", "applications", 0)
	var inputs [][]byte
	var parsed []*review.Application
	for i, a := range apps {
		g, err := json.Marshal(a.Geometry)
		if err != nil {
			b.Fatal(err)
		}
		in := []byte(fmt.Sprintf(`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":%q,"scale":35,"scale_unit":"万吨/年"},"geometry":{"type":"MultiPolygon","coordinates":%s}}`,
			p.Counties[i%len(p.Counties)].Name, g))
		pa, err := review.ParseApplication(in, p)
		if err != nil {
			continue // outside the national extent's margin, or not simple
		}
		inputs, parsed = append(inputs, in), append(parsed, pa)
	}
	engine, err := review.New(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes(b) {
		changes := nationalRegister(b, p, n)
		for _, be := range backends() {
			b.Run(fmt.Sprintf("%d/%s", n, be.name), func(b *testing.B) {
				var st store.Store
				loaded, pgURL := false, ""
				switch keep := os.Getenv("MINEPLAN_BENCH_KEEP_SCHEMA"); {
				case be.name != "postgis":
					st = be.open(b)
				case keep != "":
					pgURL = schemaURL(b, fmt.Sprintf("%s_%d", keep, n))
					st, loaded = keptSchema(b, pgURL, changes)
				default:
					pgURL = pgtest.URL(b)
					st, _ = keptSchema(b, pgURL, nil)
				}
				defer st.Close()
				if !loaded {
					load(b, st, changes)
					if pgURL != "" {
						vacuum(b, pgURL)
					}
				}
				_, total, err := st.Rights(ctx, store.RightFilter{})
				if err != nil {
					b.Fatal(err)
				}
				deep, _, err := st.Rights(ctx, store.RightFilter{Offset: total * 9 / 10, Limit: 1})
				if err != nil || len(deep) != 1 {
					b.Fatalf("deep cursor: %v", err)
				}
				county := p.Counties[0].Name
				asOf := rights.D(2018, 6, 30)
				list := func(f store.RightFilter) func(int) error {
					return func(int) error {
						f.On = &benchDay
						_, _, err := st.Rights(ctx, f)
						return err
					}
				}
				b.Run("page10", func(b *testing.B) { timed(b, list(store.RightFilter{Limit: 10})) })
				b.Run("page100", func(b *testing.B) { timed(b, list(store.RightFilter{Limit: 100})) })
				b.Run("page10-deep-cursor", func(b *testing.B) { timed(b, list(store.RightFilter{Limit: 10, After: deep[0].ID})) })
				b.Run("filter-kind-status-county", func(b *testing.B) {
					timed(b, list(store.RightFilter{Kind: rights.Mining, Status: rights.Producing, County: county, Limit: 100}))
				})
				// What the caps rule countCap reads (the maintained totals).
				b.Run("count-live-mining", func(b *testing.B) {
					timed(b, func(int) error { _, err := (app.StoreData{Store: st}).CountLive(ctx, rights.Mining); return err })
				})
				b.Run("asof-page100", func(b *testing.B) {
					timed(b, func(int) error {
						_, _, err := app.RegisterAsOf(ctx, st, store.RightFilter{Limit: 100}, asOf)
						return err
					})
				})
				b.Run("asof-filter", func(b *testing.B) {
					timed(b, func(int) error {
						_, _, err := app.RegisterAsOf(ctx, st, store.RightFilter{Kind: rights.Exploration, County: county, Limit: 100}, asOf)
						return err
					})
				})
				var cache app.AreaCache
				b.Run("review", func(b *testing.B) {
					timed(b, func(i int) error {
						_, err := engine.Review(ctx, parsed[i%len(parsed)], app.StoreData{Store: st, Cache: &cache}, time.Now())
						return err
					})
				})
				b.Run("http-200-mixed", func(b *testing.B) {
					base := serveBench(b, st, p)
					errs, runs := 0, b.N
					if n, _ := strconv.Atoi(os.Getenv("MINEPLAN_BENCH_BURSTS")); n > 0 && runs > n {
						runs = n // a burst takes about a second: cap the runs
					}
					timedRuns(b, runs, func(int) error {
						s := burst(base, 200, inputs, deep[0].ID, county)
						errs += s.serverErrors + s.failed
						return nil
					})
					b.ReportMetric(float64(errs)/float64(runs), "5xx/op")
				})
			})
		}
	}
}

// serveBench starts the real server on a loopback port.
func serveBench(b *testing.B, st store.Store, p *plan.Plan) string {
	b.Helper()
	rev, _, err := app.SavePlan(testutil.Context(), st, p, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	s, err := web.New(web.Config{Store: st, PlanID: p.Meta.ID, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Authenticator: officer{}}, p, rev)
	if err != nil {
		b.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

type burstResult struct{ serverErrors, failed int }

// burst sends n requests at once through a bounded client (32
// connections): a third reviews, a sixth checks, the rest register pages.
func burst(base string, n int, inputs [][]byte, deep, county string) burstResult {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 32, MaxIdleConnsPerHost: 32}}
	defer client.CloseIdleConnections()
	pages := []string{"", "&after=" + deep, "&kind=mining&status=producing&county=" + url.QueryEscape(county), "&as_of=2018-06-30"}
	var mu sync.Mutex
	var out burstResult
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var req *http.Request
			switch {
			case i%3 == 0:
				req, _ = http.NewRequest("POST", base+"/api/v1/reviews", bytes.NewReader(inputs[i%len(inputs)]))
				req.Header.Set("Authorization", "Bearer "+officerToken)
			case i%6 == 1:
				req, _ = http.NewRequest("POST", base+"/api/v1/check", bytes.NewReader(inputs[i%len(inputs)]))
			default:
				req, _ = http.NewRequest("GET", base+"/api/v1/rights?limit=10"+pages[i%len(pages)], nil)
			}
			resp, err := client.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.failed++
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				out.serverErrors++
			}
		}()
	}
	wg.Wait()
	return out
}
