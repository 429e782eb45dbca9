package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/review"
)

// The in-process benchmarks on the shared synthetic layers
// (../shared/bench/gen.py SCALE DIR). Timings are measurements, not
// assertions.

// benchLayers are the layers a review is measured against, in the order
// they are reported.
var benchLayers = []string{"rights", "blocks", "zones", "redlines"}

// readBenchLayer reads DIR/LAYER.geojsonl.
func readBenchLayer(dir, layer string) ([]int64, []geo.Polygon, error) {
	path := filepath.Join(dir, layer+".geojsonl")
	if _, err := os.Stat(path); err != nil {
		return nil, nil, err
	}
	return geojson.ReadPolygonFile(path)
}

// AuditBench is the result of BenchAudit.
type AuditBench struct {
	Rights int
	Read   time.Duration // reading the rights layer
	Best   time.Duration // the fastest of the rounds
	Result review.AuditResult
}

// BenchAudit finds every overlapping pair of the rights layer in dir,
// rounds times, and keeps the fastest run.
func BenchAudit(dir string, rounds int) (AuditBench, error) {
	start := time.Now()
	ids, polys, err := readBenchLayer(dir, "rights")
	if err != nil {
		return AuditBench{}, err
	}
	b := AuditBench{Rights: len(ids), Read: time.Since(start)}
	for range rounds {
		t0 := time.Now()
		b.Result = review.AuditOverlaps(ids, polys)
		if d := time.Since(t0); b.Best == 0 || d < b.Best {
			b.Best = d
		}
	}
	return b, nil
}

// ReviewBench is the result of BenchReview.
type ReviewBench struct {
	Layers       []LayerCount // the layers found, in benchLayers order
	Applications int
	Rounds       int
	Read         time.Duration
	// Hits and TotalM2 total the overlaps of one pass (compare with
	// postgis_review.py); PerLayer gives the hits per application.
	Hits     int
	PerLayer []LayerCount
	TotalM2  float64
	// Median, P95 and P99 are per application over every round.
	Median, P95, P99 time.Duration
}

// LayerCount is a number for one layer.
type LayerCount struct {
	Layer string
	N     int
}

// BenchReview reviews every application in dir against every layer there
// (a missing layer is left out), rounds times, after a warm-up pass.
func BenchReview(dir string, rounds int) (ReviewBench, error) {
	start := time.Now()
	var x review.LayerIndex
	b := ReviewBench{Rounds: rounds}
	for _, layer := range benchLayers {
		ids, polys, err := readBenchLayer(dir, layer)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return b, fmt.Errorf("%s: %w", layer, err)
		}
		x.Add(layer, ids, polys)
		b.Layers = append(b.Layers, LayerCount{layer, len(ids)})
	}
	_, apps, err := readBenchLayer(dir, "applications")
	if err != nil {
		return b, err
	}
	b.Applications, b.Read = len(apps), time.Since(start)
	// Warm-up pass: prepares every candidate once, and totals what was found.
	perLayer := map[string]int{}
	for _, a := range apps {
		for _, h := range x.Overlaps(geo.MultiPolygon{a}, 1) {
			b.Hits++
			perLayer[h.Layer]++
			b.TotalM2 += h.AreaM2
		}
	}
	for _, l := range benchLayers {
		if n, ok := perLayer[l]; ok {
			b.PerLayer = append(b.PerLayer, LayerCount{l, n})
		}
	}
	var times []time.Duration
	for range rounds {
		for _, a := range apps {
			t0 := time.Now()
			x.Overlaps(geo.MultiPolygon{a}, 1)
			times = append(times, time.Since(t0))
		}
	}
	if len(times) > 0 {
		slices.Sort(times)
		q := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))] }
		b.Median, b.P95, b.P99 = q(0.5), q(0.95), q(0.99)
	}
	return b, nil
}

// Memory reports the process's resident memory (Linux) and Go heap.
func Memory() string {
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
