package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// cmdBench runs the in-process benchmarks on the shared synthetic layers
// (../shared/bench/gen.py SCALE DIR): `bench review` reviews every
// application against every layer, `bench audit` finds every overlapping
// pair of rights. Timings are per run, not assertions.
func cmdBench(args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "review" && args[0] != "audit") {
		return usageError{"bench needs review or audit"}
	}
	fs := flag.NewFlagSet("bench "+args[0], flag.ContinueOnError)
	dataDir := fs.String("data", "", "directory written by gen.py SCALE DIR")
	rounds := fs.Int("rounds", 3, "timed passes over the applications")
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *dataDir == "" {
		return usageError{"bench needs --data DIR"}
	}
	load := func(layer string) ([]int64, []geo.Polygon, error) {
		path := filepath.Join(*dataDir, layer+".geojsonl")
		if _, err := os.Stat(path); err != nil {
			return nil, nil, err
		}
		return geojson.ReadPolygonFile(path)
	}
	start := time.Now()
	if args[0] == "audit" {
		ids, polys, err := load("rights")
		if err != nil {
			return err
		}
		loaded := time.Since(start)
		var best time.Duration
		var res review.AuditResult
		for i := 0; i < *rounds; i++ {
			t0 := time.Now()
			res = review.AuditOverlaps(ids, polys)
			if d := time.Since(t0); best == 0 || d < best {
				best = d
			}
		}
		fmt.Fprintf(stdout, "rights: %d (read in %s)\noverlapping pairs: %d, total overlap %.3f km²; pairs that only touch: %d (not counted above)\naudit: best of %d runs %s\n%s\n",
			len(ids), loaded.Round(time.Millisecond), len(res.Overlapping), res.TotalM2/1e6, res.Touching, *rounds, best.Round(time.Microsecond), memory())
		return nil
	}
	var x review.LayerIndex
	for _, layer := range []string{"rights", "blocks", "zones", "redlines"} {
		ids, polys, err := load(layer)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", layer, err)
		}
		x.Add(layer, ids, polys)
		fmt.Fprintf(stdout, "%s: %d features\n", layer, len(ids))
	}
	_, apps, err := load("applications")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read in %s\n", time.Since(start).Round(time.Millisecond))
	// Warm-up pass: prepares every candidate once, and totals what was
	// found, to compare with postgis_review.py's hits and total area.
	hits, perLayer, totalM2 := 0, map[string]int{}, 0.0
	for _, a := range apps {
		for _, h := range x.Overlaps(geo.MultiPolygon{a}, 1) {
			hits++
			perLayer[h.Layer]++
			totalM2 += h.AreaM2
		}
	}
	var layerHits []string
	for _, l := range []string{"rights", "blocks", "zones", "redlines"} {
		if n, ok := perLayer[l]; ok {
			layerHits = append(layerHits, fmt.Sprintf("%s %.2f", l, float64(n)/float64(len(apps))))
		}
	}
	var times []time.Duration
	for r := 0; r < *rounds; r++ {
		for _, a := range apps {
			t0 := time.Now()
			x.Overlaps(geo.MultiPolygon{a}, 1)
			times = append(times, time.Since(t0))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	q := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))] }
	fmt.Fprintf(stdout, "applications: %d × %d rounds; overlaps found per application: %.2f (%s); total overlap %.3f km² (overlaps under 1 m² not counted)\nreview per application: median %s, p95 %s, p99 %s\n%s\n",
		len(apps), *rounds, float64(hits)/float64(len(apps)), strings.Join(layerHits, ", "), totalM2/1e6, q(0.5), q(0.95), q(0.99), memory())
	return nil
}

// memory reports the process's resident memory (Linux) and Go heap.
func memory() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := "?"
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				rss = strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
			}
		}
	}
	return fmt.Sprintf("memory: resident %s, Go heap in use %d MiB", rss, ms.HeapInuse>>20)
}

func cmdRightsAudit(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rights audit-overlaps", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"rights audit-overlaps needs --db"}
	}
	st, err := openStore(ctx, *dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, _, err := st.Rights(ctx, store.RightFilter{Live: true})
	if err != nil {
		return err
	}
	ids := make([]int64, len(rs))
	polys := make([]geo.Polygon, 0, len(rs))
	owner := make([]int, 0, len(rs))
	for i, r := range rs {
		ids[i] = int64(i)
		for _, p := range r.Geometry {
			polys = append(polys, p)
			owner = append(owner, i)
		}
	}
	partIDs := make([]int64, len(polys))
	for i := range polys {
		partIDs[i] = int64(i)
	}
	res := review.AuditOverlaps(partIDs, polys)
	type pair struct {
		A, B   string
		AreaM2 float64 `json:"area_m2"`
	}
	var out []pair
	for _, p := range res.Overlapping {
		a, b := rs[owner[p.A]], rs[owner[p.B]]
		if a.ID != b.ID {
			out = append(out, pair{rightLabel(a), rightLabel(b), p.AreaM2})
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"live_rights": len(rs), "overlapping": out, "touching_pairs": res.Touching})
	}
	for _, p := range out {
		fmt.Fprintf(stdout, "%s 与 %s 重叠 %.2f 平方米\n", p.A, p.B, p.AreaM2)
	}
	fmt.Fprintf(stdout, "有效矿业权 %d 个；重叠 %d 对；仅边界相接 %d 对（不计入重叠）\n", len(rs), len(out), res.Touching)
	return nil
}

// rightLabel names a right by licence number, or by ID before it has one.
func rightLabel(r rights.Right) string {
	if r.LicenceNumber != "" {
		return r.LicenceNumber
	}
	return r.ID
}
