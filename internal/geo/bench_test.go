package geo_test

import (
	"fmt"
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

// star is an n-vertex polygon of radius about r degrees around (lon, lat).
func star(lon, lat, r float64, n int) geo.Polygon {
	ring := make(geo.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		th := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.1*math.Sin(7*th))
		ring = append(ring, geo.LonLat{Lon: lon + rr*math.Cos(th), Lat: lat + rr*math.Sin(th)})
	}
	return geo.Polygon{append(ring, ring[0])}
}

// BenchmarkOverlapOnBoundary measures the exact overlap of a 1 km²
// application that straddles the edge of a small 20-vertex block and of
// a 5 000-vertex red line: clipping to the application's box keeps the
// second close to the first.
func BenchmarkOverlapOnBoundary(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		r    float64
	}{{"block-20", 20, 0.02}, {"redline-5000", 5000, 0.5}} {
		big := geo.Prepare(geo.MultiPolygon{star(76, 39, c.r, c.n)})
		// The application sits where the boundary crosses the eastern axis.
		app := geo.Prepare(geo.MultiPolygon{star(76+c.r, 39, 0.005, 10)})
		if a := geo.CGCS2000.IntersectionArea(app, big); a <= 0 {
			b.Fatalf("%s: no overlap", c.name)
		}
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				geo.CGCS2000.IntersectionArea(app, big)
			}
		})
	}
}

// wavy is a simple, star-shaped ring of n vertices around (lon, lat) of
// radius about r degrees, its radius waving 5 % eleven times round.
func wavy(lon, lat, r float64, n int) geo.Ring {
	ring := make(geo.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		th := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.05*math.Sin(11*th))
		ring = append(ring, geo.LonLat{Lon: lon + rr*math.Cos(th)/math.Cos(lat*math.Pi/180), Lat: lat + rr*math.Sin(th)})
	}
	return append(ring, ring[0])
}

// holes is a wavy outer ring of n vertices with k small square holes
// (clockwise, eight vertices each) on a grid well inside it.
func holes(lon, lat, r float64, n, k int) geo.Polygon {
	p := geo.Polygon{wavy(lon, lat, r, n)}
	side := int(math.Ceil(math.Sqrt(float64(k))))
	cell := 1.2 * r / float64(side) // the grid spans ±0.6 r
	h := cell / 4
	for i := 0; i < k; i++ {
		cx := lon + (-0.6*r+cell*(float64(i%side)+0.5))/math.Cos(lat*math.Pi/180)
		cy := lat - 0.6*r + cell*(float64(i/side)+0.5)
		p = append(p, geo.Ring{
			{Lon: cx - h, Lat: cy - h}, {Lon: cx - h, Lat: cy}, {Lon: cx - h, Lat: cy + h}, {Lon: cx, Lat: cy + h},
			{Lon: cx + h, Lat: cy + h}, {Lon: cx + h, Lat: cy}, {Lon: cx + h, Lat: cy - h}, {Lon: cx, Lat: cy - h},
			{Lon: cx - h, Lat: cy - h},
		})
	}
	return p
}

// BenchmarkValidate validates simple rings of 10 000 to a million
// vertices near 76°E 39°N (a wavy ring 0.3° across) and the same with
// 400 holes. The growth from one size to the next is about 10 × log
// ratio for an O(n log n) check.
func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		ring := geo.MultiPolygon{{wavy(76, 39, 0.15, n)}}
		b.Run(fmt.Sprintf("ring-%d", n), func(b *testing.B) {
			benchValidate(b, ring)
		})
	}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		p := geo.MultiPolygon{holes(76, 39, 0.15, n-400*9, 400)}
		b.Run(fmt.Sprintf("holes-400-%d", n), func(b *testing.B) {
			benchValidate(b, p)
		})
	}
}

func benchValidate(b *testing.B, m geo.MultiPolygon) {
	if err := geo.ValidateMultiPolygon(m); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := geo.ValidateMultiPolygon(m); err != nil {
			b.Fatal(err)
		}
	}
}
