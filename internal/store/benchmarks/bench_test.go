// Package benchmarks measures both backends on the shared synthetic layers
// (../shared/bench/gen.py), so figures compare as ratios with each other
// and with the PostGIS baselines in ../shared/bench/README.md.
//
//	MINEPLAN_BENCH_DATA=DIR            DIR/<scale>/<layer>.geojsonl from gen.py
//	MINEPLAN_TEST_POSTGRES=URL         to include PostGIS
//
// Run with scripts/bench.sh, which generates the data and prints ratios.
package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
)

func readLayer(b *testing.B, scale, layer string, limit int) []store.LayerFeature {
	b.Helper()
	dir := os.Getenv("MINEPLAN_BENCH_DATA")
	if dir == "" {
		b.Skip("MINEPLAN_BENCH_DATA is not set")
	}
	f, err := os.Open(filepath.Join(dir, scale, layer+".geojsonl"))
	if err != nil {
		b.Skipf("no %s data: %v", scale, err)
	}
	defer f.Close()
	var out []store.LayerFeature
	stop := errStop{}
	err = geojson.ReadLines(f, func(g formats.Record) error {
		lf, err := app.LayerFeature(g, len(out)+1)
		if err != nil {
			return err
		}
		out = append(out, lf)
		if limit > 0 && len(out) == limit {
			return stop
		}
		return nil
	})
	if err != nil && len(out) != limit {
		b.Fatal(err)
	}
	return out
}

type errStop struct{}

func (errStop) Error() string { return "stop" }

type backend struct {
	name string
	open func(b *testing.B) store.Store
}

func backends() []backend {
	return []backend{
		{"sqlite", func(b *testing.B) store.Store {
			db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			return db
		}},
		{"postgis", func(b *testing.B) store.Store {
			db, err := postgis.Open(context.Background(), pgtest.URL(b))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			return db
		}},
	}
}

// BenchmarkBBoxQuery: for each application of the scale, the candidate
// blocks, zones and rights whose boxes meet the application's box; one op
// is one application (three layer queries).
func BenchmarkBBoxQuery(b *testing.B) {
	for _, scale := range []string{"kashgar", "province"} {
		for _, be := range backends() {
			b.Run(scale+"/"+be.name, func(b *testing.B) {
				apps := readLayer(b, scale, "applications", 0)
				st := be.open(b)
				defer st.Close()
				ctx := context.Background()
				for _, layer := range []string{"blocks", "zones", "rights"} {
					if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: layer, ImportedAt: time.Now()}, readLayer(b, scale, layer, 0), storetest.Entry("layers.import", "layer:"+layer)); err != nil {
						b.Fatal(err)
					}
				}
				boxes := make([]geo.BBox, len(apps))
				for i, a := range apps {
					boxes[i] = a.Geometry.Bounds()
				}
				hits := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					box := boxes[i%len(boxes)]
					for _, layer := range []string{"blocks", "zones", "rights"} {
						fs, err := st.LayerFeatures(ctx, layer, store.FeatureQuery{BBox: &box})
						if err != nil {
							b.Fatal(err)
						}
						hits += len(fs)
					}
				}
				b.ReportMetric(float64(hits)/float64(b.N), "candidates/op")
			})
		}
	}
}

// BenchmarkInsert10000Rights: one op imports 10 000 right polygons (the
// first 10 000 of the province layer) as a layer, in one transaction.
func BenchmarkInsert10000Rights(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			rights := readLayer(b, "province", "rights", 10000)
			st := be.open(b)
			defer st.Close()
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				name := "rights-" + time.Now().Format("150405.000000000")
				if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: name, ImportedAt: time.Now()}, rights, storetest.Entry("layers.import", "layer:"+name)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rights)*b.N)/b.Elapsed().Seconds(), "rights/s")
		})
	}
}
