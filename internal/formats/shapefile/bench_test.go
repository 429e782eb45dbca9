package shapefile

import (
	"fmt"
	"math"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// benchLayer has n polygons of 64 vertices in a GK zone, every fifth with
// a hole, and four attributes including Chinese text.
func benchLayer(n int) *formats.Layer {
	l := &formats.Layer{Name: "bench", SRID: 4513, Fields: []formats.Field{
		{Name: "名称", Type: formats.String}, {Name: "编号", Type: formats.Integer},
		{Name: "面积", Type: formats.Real}, {Name: "有效", Type: formats.Bool},
	}}
	circle := func(cx, cy, r float64, k int, cw bool) geo.Ring {
		ring := make(geo.Ring, 0, k+1)
		for i := 0; i < k; i++ {
			a := 2 * math.Pi * float64(i) / float64(k)
			if cw {
				a = -a
			}
			ring = append(ring, geo.LonLat{Lon: cx + r*math.Cos(a), Lat: cy + r*math.Sin(a)})
		}
		return append(ring, ring[0])
	}
	for i := 0; i < n; i++ {
		cx, cy := 25400000+float64(i%100)*1000, 4300000+float64(i/100)*1000
		p := geo.Polygon{circle(cx, cy, 400, 64, true)}
		if i%5 == 0 {
			p = append(p, circle(cx, cy, 100, 16, false))
		}
		l.Features = append(l.Features, formats.Feature{Geometry: geo.MultiPolygon{p},
			Values: []any{fmt.Sprintf("喀什伽师铜矿%d号", i), int64(i), float64(i) + 0.25, i%2 == 0}})
	}
	return l
}

func BenchmarkRead(b *testing.B) {
	for _, enc := range []string{"GBK", "UTF-8"} {
		b.Run(enc, func(b *testing.B) {
			files, _, err := Encode(benchLayer(10000), WriteOptions{Encoding: enc})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(files.SHP) + len(files.SHX) + len(files.DBF) + len(files.PRJ) + len(files.CPG)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				l, _, err := Read(*files)
				if err != nil || len(l.Features) != 10000 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	l := benchLayer(10000)
	files, _, err := Encode(l, WriteOptions{Encoding: "GBK"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(files.SHP) + len(files.SHX) + len(files.DBF)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Encode(l, WriteOptions{Encoding: "GBK"}); err != nil {
			b.Fatal(err)
		}
	}
}
