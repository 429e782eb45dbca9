package geo_test

import (
	"math"
	"testing"

	"mineplan/internal/geo"
)

func BenchmarkGKForward(b *testing.B) {
	crs, _ := geo.ZoneCRS(25, true)
	p := geo.LonLat{Lon: 75.7, Lat: 39.4}
	for i := 0; i < b.N; i++ {
		if _, err := crs.Project(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGKInverse(b *testing.B) {
	crs, _ := geo.ZoneCRS(25, true)
	p, _ := crs.Project(geo.LonLat{Lon: 75.7, Lat: 39.4})
	for i := 0; i < b.N; i++ {
		if _, err := crs.Unproject(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArea10000 measures the ellipsoidal area of a 10 000-vertex
// polygon of about 5 000 km² (edges of about 25 m, so none is cut).
func BenchmarkArea10000(b *testing.B) {
	const n = 10000
	ring := make(geo.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		th := 2 * math.Pi * float64(i) / n
		r := 0.35 * (1 + 0.1*math.Sin(7*th))
		ring = append(ring, geo.LonLat{Lon: 76 + r*math.Cos(th)/math.Cos(39*math.Pi/180), Lat: 39 + r*math.Sin(th)})
	}
	ring = append(ring, ring[0])
	poly := geo.Polygon{ring}
	b.ResetTimer()
	var a float64
	for i := 0; i < b.N; i++ {
		a = geo.CGCS2000.PolygonArea(poly)
	}
	b.ReportMetric(a/1e6, "km²")
}
