package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
)

// Rights stored without the import's overlap check (legacy data, a copy)
// can overlap; the audit finds them and measures the shared area.
func TestRightsAuditOverlaps(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "a.db")
	st, err := openStore(ctx, db, true)
	if err != nil {
		t.Fatal(err)
	}
	evs := []rights.Event{
		storetest.GrantEvent("C1", "甲公司", rights.Mining, 76.7, 39.5, 0.01),
		storetest.GrantEvent("C2", "乙公司", rights.Mining, 76.705, 39.5, 0.01), // half over C1
		storetest.GrantEvent("C3", "丙公司", rights.Mining, 76.715, 39.5, 0.01), // touches C2 only
	}
	for _, ev := range evs { // straight to the store: the app's own overlap check would refuse C2
		state, err := rights.Apply(nil, ev)
		if err != nil {
			t.Fatal(err)
		}
		ev.Seq, ev.RecordedAt = 1, time.Now()
		if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: ev, State: state, Audit: storetest.Entry("rights.record", "right:"+ev.RightID)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	var got struct {
		Live        int `json:"live_rights"`
		Overlapping []struct {
			A, B   string
			AreaM2 float64 `json:"area_m2"`
		}
		Touching int `json:"touching_pairs"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "rights", "audit-overlaps", "--db", db, "--json")), &got); err != nil {
		t.Fatal(err)
	}
	want := geo.CGCS2000.PolygonArea(geo.Rect(geo.BBox{MinLon: 76.705, MinLat: 39.5, MaxLon: 76.71, MaxLat: 39.51}))
	if got.Live != 3 || len(got.Overlapping) != 1 || got.Touching != 1 {
		t.Fatalf("audit: %+v", got)
	}
	o := got.Overlapping[0]
	if o.A+o.B != "C1C2" && o.A+o.B != "C2C1" || math.Abs(o.AreaM2-want) > 1e-6*want {
		t.Errorf("overlap %+v, want C1/C2 %.3f m²", o, want)
	}
	if out := mustRun(t, "rights", "audit-overlaps", "--db", db); !strings.Contains(out, "重叠 1 对；仅边界相接 1 对") {
		t.Errorf("text: %s", out)
	}
}

// The bench command reads the shared generator's GeoJSON-lines layout.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	square := func(id int, lon float64) string {
		return fmt.Sprintf(`{"type":"Feature","id":%d,"properties":{"id":%d},"geometry":{"type":"Polygon","coordinates":[[[%g,39.5],[%g,39.5],[%g,39.51],[%g,39.51],[%g,39.5]]]}}`,
			id, id, lon, lon+0.01, lon+0.01, lon, lon)
	}
	write := func(name string, lines ...string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("rights.geojsonl", square(1, 76.7), square(2, 76.705), square(3, 76.8))
	write("zones.geojsonl", square(1, 76.6))
	write("applications.geojsonl", square(1, 76.702), square(2, 77))
	out := mustRun(t, "bench", "audit", "--data", dir, "--rounds", "1")
	if !strings.Contains(out, "rights: 3") || !strings.Contains(out, "overlapping pairs: 1,") {
		t.Errorf("bench audit: %s", out)
	}
	out = mustRun(t, "bench", "review", "--data", dir, "--rounds", "2")
	// The first application meets rights 1 and 2; the second nothing.
	if !strings.Contains(out, "applications: 2 × 2 rounds; overlaps found per application: 1.00") || !strings.Contains(out, "resident") {
		t.Errorf("bench review: %s", out)
	}
	if code, _, errOut := runCLI(t, "bench", "review", "--data", filepath.Join(dir, "missing")); code == 0 || errOut == "" {
		t.Errorf("missing dir: %d %q", code, errOut)
	}
}

// demoEngine opens a new SQLite database with the plan and the demo
// register loaded, and the review engine for it; the store closes with tb.
func demoEngine(tb testing.TB) (store.Store, *review.Engine) {
	tb.Helper()
	ctx := context.Background()
	db := filepath.Join(tb.TempDir(), "demo.db")
	var out, errOut strings.Builder
	for _, args := range [][]string{{"plan", "load", "--db", db}, {"demo", "load", "--db", db}} {
		if code := run(ctx, args, strings.NewReader(""), &out, &errOut); code != 0 {
			tb.Fatal(errOut.String())
		}
	}
	st, err := openStore(ctx, db, false)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	e, err := storedEngine(ctx, st, db)
	if err != nil {
		tb.Fatal(err)
	}
	return st, e
}

// BenchmarkEngineReview: one op is the whole review the API runs — parse
// and validate the application, every rule of the Kashgar bundle, live
// rights and layers from the store's spatial index (SQLite, demo register),
// exact ellipsoidal overlaps — for one application of the shared kashgar
// synthetic layers, given as mining copper ore. Compare with
// postgis_review.py kashgar, which only measures the overlap statement.
func BenchmarkEngineReview(b *testing.B) {
	dir := os.Getenv("MINEPLAN_BENCH_DATA")
	if dir == "" {
		b.Skip("MINEPLAN_BENCH_DATA is not set")
	}
	_, apps, err := geojson.ReadPolygonFile(filepath.Join(dir, "kashgar", "applications.geojsonl"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, e := demoEngine(b)
	inputs := make([][]byte, len(apps))
	for i, poly := range apps {
		inputs[i], _ = json.Marshal(map[string]any{"type": "Feature",
			"geometry":   map[string]any{"type": "Polygon", "coordinates": poly},
			"properties": map[string]any{"kind": "mining", "mineral": "铜矿", "method": "underground", "scale": 35, "scale_unit": "万吨/年", "service_years": 15, "county": "莎车县", "holder": "示例公司"}})
	}
	var cache app.AreaCache
	findings := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := app.RunReview(ctx, st, e, &cache, inputs[i%len(inputs)], time.Now())
		if err != nil {
			b.Fatal(err)
		}
		findings += len(rep.Findings)
	}
	b.ReportMetric(float64(findings)/float64(b.N), "findings/op")
}
