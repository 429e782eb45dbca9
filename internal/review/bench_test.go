package review_test

import (
	"os"
	"path/filepath"
	"testing"

	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/review"
)

// benchLayer reads one layer of ../shared/bench/gen.py output.
func benchLayer(b *testing.B, scale, layer string) ([]int64, []geo.Polygon) {
	b.Helper()
	dir := os.Getenv("MINEPLAN_BENCH_DATA")
	if dir == "" {
		b.Skip("MINEPLAN_BENCH_DATA is not set")
	}
	path := filepath.Join(dir, scale, layer+".geojsonl")
	if _, err := os.Stat(path); err != nil {
		if layer == "redlines" {
			return nil, nil
		}
		b.Skipf("no %s data: %v", scale, err)
	}
	ids, polys, err := geojson.ReadPolygonFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return ids, polys
}

// BenchmarkOverlapReview: one op reviews one application of the shared
// synthetic data against every layer (rights, blocks, zones, red lines),
// with exact overlap areas on the ellipsoid — the work of the PostGIS
// baseline statement in ../shared/bench.
func BenchmarkOverlapReview(b *testing.B) {
	for _, scale := range []string{"kashgar", "province", "national"} {
		b.Run(scale, func(b *testing.B) {
			var x review.LayerIndex
			for _, layer := range []string{"rights", "blocks", "zones", "redlines"} {
				ids, polys := benchLayer(b, scale, layer)
				if len(ids) > 0 {
					x.Add(layer, ids, polys)
				}
			}
			_, apps := benchLayer(b, scale, "applications")
			b.ResetTimer()
			hits := 0
			for i := 0; i < b.N; i++ {
				hits += len(x.Overlaps(geo.MultiPolygon{apps[i%len(apps)]}, 0))
			}
			b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
		})
	}
}

// BenchmarkAuditOverlaps: one op finds every overlapping pair of rights
// of a scale (the work of postgis_overlap_audit.sql).
func BenchmarkAuditOverlaps(b *testing.B) {
	for _, scale := range []string{"kashgar", "province", "national"} {
		b.Run(scale, func(b *testing.B) {
			ids, polys := benchLayer(b, scale, "rights")
			b.ResetTimer()
			var res review.AuditResult
			for i := 0; i < b.N; i++ {
				res = review.AuditOverlaps(ids, polys)
			}
			b.ReportMetric(float64(len(res.Overlapping)), "pairs")
			b.ReportMetric(float64(res.Touching), "touching")
			b.ReportMetric(res.TotalM2/1e6, "km²")
		})
	}
}
