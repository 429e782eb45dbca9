package benchmarks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/store"
	"mineplan/internal/testutil"
	"mineplan/internal/web"
)

// BenchmarkPortal measures the public portal on the national-scale data:
// a register of MINEPLAN_BENCH_PORTAL_SIZE national rights (default 20 000)
// and the national red lines imported as a red-line layer, so the public
// check runs the full engine against national layers.
//
//   - check-server: POST /api/v1/check handled in process (server side,
//     no network), one national application per run: p50/p95.
//   - portal-500: 500 concurrent clients on loopback, each sending
//     MINEPLAN_BENCH_PORTAL_REQUESTS requests (default 20) that mix vector
//     tiles around the applications (z6–z14), rights' public pages and the
//     public check: p50/p95/p99 over every request, and the errors (status
//     ≥ 400 or a failed request).
//
// The rate limits are raised for the run: 500 clients share one loopback
// address.
func BenchmarkPortal(b *testing.B) {
	p := nationalPlan(b)
	ctx := testutil.Context()
	inputs := nationalChecks(b, p)
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("MINEPLAN_BENCH_PORTAL_SIZE")); err == nil && v > 0 {
		n = v
	}
	changes := nationalRegister(b, p, n)
	redLines := readLayer(b, "national", "redlines", 0)
	for _, be := range backends() {
		b.Run(fmt.Sprintf("%d/%s", n, be.name), func(b *testing.B) {
			st := be.open(b)
			defer st.Close()
			load(b, st, changes)
			if _, err := app.ImportLayer(ctx, st, store.Layer{Name: "national_red_lines", Kind: plan.LayerRedLine, Title: "红线（基准）", Source: "bench", ImportedAt: time.Now()}, redLines); err != nil {
				b.Fatal(err)
			}
			srv := portalServer(b, st, p)
			h := srv.Handler()
			ids := make([]string, 0, 100)
			for _, c := range changes[:min(100, len(changes))] {
				ids = append(ids, c.Event.RightID)
			}
			tiles := portalTiles(inputs)
			check := func(i int) error {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("POST", "/api/v1/check", bytes.NewReader(inputs[i%len(inputs)].body))
				req.RemoteAddr = "127.0.0.1:1"
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					return fmt.Errorf("check: %d %s", rec.Code, rec.Body.String())
				}
				return nil
			}
			get := func(path string) error {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", path, nil)
				req.RemoteAddr = "127.0.0.1:1"
				h.ServeHTTP(rec, req)
				if rec.Code >= 400 {
					return fmt.Errorf("%s: %d", path, rec.Code)
				}
				return nil
			}
			// Cold start, reported apart: the first check prepares the
			// imported layers, the first tile builds the tile index.
			t0 := time.Now()
			if err := check(0); err != nil {
				b.Fatal(err)
			}
			coldCheck := time.Since(t0)
			t0 = time.Now()
			if err := get(tiles[0]); err != nil {
				b.Fatal(err)
			}
			coldTile := time.Since(t0)
			b.Logf("cold start: first check %v, first tile %v", coldCheck, coldTile)
			b.Run("check-server", func(b *testing.B) {
				// Every application once per run (server side, in process).
				timedRuns(b, b.N*len(inputs), check)
			})
			b.Run("portal-500", func(b *testing.B) {
				base := listen(b, h)
				per := 20
				if v, err := strconv.Atoi(os.Getenv("MINEPLAN_BENCH_PORTAL_REQUESTS")); err == nil && v > 0 {
					per = v
				}
				var all []time.Duration
				errs := 0
				b.ResetTimer()
				for range b.N {
					ds, e := portalLoad(base, 500, per, inputs, ids, tiles)
					all, errs = append(all, ds...), errs+e
				}
				b.StopTimer()
				slices.Sort(all)
				q := func(f float64) float64 {
					return float64(all[min(len(all)-1, int(math.Ceil(float64(len(all))*f))-1)].Microseconds()) / 1000
				}
				b.ReportMetric(q(0.5), "p50-ms")
				b.ReportMetric(q(0.95), "p95-ms")
				b.ReportMetric(q(0.99), "p99-ms")
				b.ReportMetric(float64(errs), "errors")
				b.ReportMetric(float64(len(all)), "requests")
			})
		})
	}
}

type portalCheck struct {
	body     []byte
	lon, lat float64 // a vertex of the application, for its tiles
}

// nationalChecks are the national applications as public check bodies.
func nationalChecks(b *testing.B, p *plan.Plan) []portalCheck {
	var out []portalCheck
	for i, a := range readLayer(b, "national", "applications", 0) {
		g, err := json.Marshal(a.Geometry)
		if err != nil {
			b.Fatal(err)
		}
		in := []byte(fmt.Sprintf(`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":%q,"scale":35,"scale_unit":"万吨/年"},"geometry":{"type":"MultiPolygon","coordinates":%s}}`,
			p.Counties[i%len(p.Counties)].Name, g))
		if _, err := review.ParseApplication(in, p); err != nil {
			continue // outside the national extent's margin, or not simple
		}
		v := a.Geometry[0][0][0]
		out = append(out, portalCheck{body: in, lon: v.Lon, lat: v.Lat})
	}
	if len(out) == 0 {
		b.Fatal("no national application parses")
	}
	return out
}

// portalTiles are tile addresses around the applications, z6–z14.
func portalTiles(cs []portalCheck) []string {
	var out []string
	for i, c := range cs {
		z := 6 + i%9
		n := math.Exp2(float64(z))
		x := int((c.lon + 180) / 360 * n)
		lat := c.lat * math.Pi / 180
		y := int((1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * n)
		out = append(out, fmt.Sprintf("/tiles/rights/%d/%d/%d.mvt", z, x, y))
	}
	return out
}

func portalServer(b *testing.B, st store.Store, p *plan.Plan) *web.Server {
	b.Helper()
	rev, _, err := app.SavePlan(testutil.Context(), st, p, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	s, err := web.New(web.Config{Store: st, PlanID: p.Meta.ID, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PublicRate: 1e9, PublicBurst: 1e9, CheckRate: 1e9, CheckBurst: 1e9}, p, rev)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func listen(b *testing.B, h http.Handler) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// portalLoad runs clients goroutines, each with its own connection, each
// sending per requests in turn: a tile, a right's page, a tile, a check.
func portalLoad(base string, clients, per int, checks []portalCheck, ids, tiles []string) ([]time.Duration, int) {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			ds := make([]time.Duration, 0, per)
			bad := 0
			for i := range per {
				k := c*per + i
				var req *http.Request
				switch k % 4 {
				case 0, 2:
					req, _ = http.NewRequest("GET", base+tiles[k%len(tiles)], nil)
				case 1:
					req, _ = http.NewRequest("GET", base+"/rights/"+ids[k%len(ids)], nil)
				case 3:
					req, _ = http.NewRequest("POST", base+"/api/v1/check", bytes.NewReader(checks[k%len(checks)].body))
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				ds = append(ds, time.Since(t0))
				if resp.StatusCode >= 400 {
					bad++
				}
			}
			mu.Lock()
			all, errs = append(all, ds...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, errs
}
