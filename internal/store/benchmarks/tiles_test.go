package benchmarks

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/tiles"
	"mineplan/internal/tilesrc"
)

// tileSample are the tiles measured: at each zoom 6–14, the tiles holding
// every (n/perZoom)-th feature's first vertex, without repeats — tiles
// where the features are, chosen the same way every run.
func tileSample(fs []store.LayerFeature, perZoom int) []tiles.Tile {
	var out []tiles.Tile
	for z := 6; z <= 14; z++ {
		seen := map[tiles.Tile]bool{}
		for i := 0; i < perZoom; i++ {
			f := fs[i*len(fs)/perZoom]
			t := tiles.TileAt(z, f.Geometry[0][0][0])
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// tileAttrs are the attributes the benchmark's tiles carry (the ST_AsMVT
// query selects the same).
var tileAttrs = []string{"id", "illustrative", "name", "code"}

// stAsMVT is the reference: PostGIS makes the same tile from the same
// rows (the layer's features in the buffered tile, name and code from the
// properties), with ST_AsMVTGeom's clipping and simplification.
const stAsMVT = `SELECT ST_AsMVT(q, 'rights', 4096, 'geom') FROM (
  SELECT 'rights:' || id AS id, properties::json->>'name' AS name, properties::json->>'code' AS code,
         ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM layer_features
   WHERE layer = 'rights' AND geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4490)
) q WHERE geom IS NOT NULL`

// BenchmarkTiles makes the province-scale rights layer's tiles, z6–z14,
// with mineplan on SQLite and PostGIS and with ST_AsMVT on the same
// PostGIS rows, in one run. One op is the whole sample once; the metrics
// are per tile: median and p95 milliseconds and the largest tile's bytes
// (scripts/bench-tiles.sh prints the ratios).
func BenchmarkTiles(b *testing.B) {
	fs := readLayer(b, "province", "rights", 0)
	sample := tileSample(fs, 40)
	ctx := context.Background()
	layer := store.Layer{Kind: plan.LayerOther, Name: "rights", ImportedAt: time.Now()}
	load := func(b *testing.B, st store.Store) store.Layer {
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		l, err := st.ImportLayer(ctx, layer, fs, storetest.Entry("layers.import", "layer:rights"))
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	mineplan := func(st store.Store, l store.Layer) func(tiles.Tile) (int, error) {
		src := tilesrc.Layers(st, []store.Layer{l}, tileAttrs)
		return func(t tiles.Tile) (int, error) {
			res, err := tiles.Render(ctx, src, "rights", t)
			return len(res.Data), err
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(b.TempDir() + "/tiles.db")
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		measure(b, sample, mineplan(st, load(b, st)))
	})
	// PostGIS: one schema, loaded once, for mineplan and ST_AsMVT alike.
	url := pgtest.URL(b)
	st, err := postgis.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	l := load(b, st)
	b.Run("postgis", func(b *testing.B) { measure(b, sample, mineplan(st, l)) })
	b.Run("st_asmvt", func(b *testing.B) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		measure(b, sample, func(t tiles.Tile) (int, error) {
			var mvt []byte
			err := conn.QueryRow(ctx, stAsMVT, t.Z, t.X, t.Y).Scan(&mvt)
			return len(mvt), err
		})
	})
}

// measure runs render over the sample b.N times and reports per-tile
// median, p95 and the largest tile, overall and (logged) per zoom.
func measure(b *testing.B, sample []tiles.Tile, render func(tiles.Tile) (int, error)) {
	for _, t := range sample[:min(len(sample), 20)] { // warm the caches
		if _, err := render(t); err != nil {
			b.Fatal(err)
		}
	}
	var all []time.Duration
	byZoom := map[int][]time.Duration{}
	maxBytes := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range sample {
			start := time.Now()
			n, err := render(t)
			d := time.Since(start)
			if err != nil {
				b.Fatalf("%v: %v", t, err)
			}
			all = append(all, d)
			byZoom[t.Z] = append(byZoom[t.Z], d)
			maxBytes = max(maxBytes, n)
		}
	}
	b.StopTimer()
	med, p95 := quantiles(all)
	b.ReportMetric(med, "median-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(float64(maxBytes), "max-bytes")
	b.ReportMetric(0, "ns/op")
	zs := make([]int, 0, len(byZoom))
	for z := range byZoom {
		zs = append(zs, z)
	}
	sort.Ints(zs)
	line := ""
	for _, z := range zs {
		m, p := quantiles(byZoom[z])
		line += fmt.Sprintf(" z%d %.2f/%.2f", z, m, p)
	}
	b.Logf("%d tiles; per zoom median/p95 ms:%s", len(sample), line)
}

// quantiles are the median and the nearest-rank p95, in milliseconds.
func quantiles(ds []time.Duration) (median, p95 float64) {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q*float64(len(s))+0.999999) - 1
		return float64(s[max(0, min(len(s)-1, i))]) / 1e6
	}
	return at(0.5), at(0.95)
}
