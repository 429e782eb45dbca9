package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"mineplan/internal/geo"
)

func TestIntersectionArea(t *testing.T) {
	a := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: 75, MinLat: 39, MaxLon: 75.02, MaxLat: 39.02})}
	b := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: 75.01, MinLat: 39.005, MaxLon: 75.05, MaxLat: 39.05})}
	got, err := geo.Intersection(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := geo.CGCS2000.PolygonArea(geo.Rect(geo.BBox{MinLon: 75.01, MinLat: 39.005, MaxLon: 75.02, MaxLat: 39.02}))
	if area := geo.CGCS2000.MultiPolygonArea(got); math.Abs(area-want)/want > 1e-9 {
		t.Fatalf("overlap %.3f m², want %.3f", area, want)
	}
	apart := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: 76, MinLat: 39, MaxLon: 76.01, MaxLat: 39.01})}
	if none, err := geo.Intersection(a, apart); err != nil || len(none) != 0 {
		t.Fatalf("disjoint: %v %v", none, err)
	}
	// Touching along an edge has no area.
	touch := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: 75.02, MinLat: 39, MaxLon: 75.03, MaxLat: 39.02})}
	if g, err := geo.Intersection(a, touch); err != nil || geo.CGCS2000.MultiPolygonArea(g) != 0 {
		t.Fatalf("touching: %v %v", g, err)
	}
}

func TestMultiPolygonWKBRoundTrip(t *testing.T) {
	m := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: 1, MinLat: 2, MaxLon: 3, MaxLat: 4}), geo.Rect(geo.BBox{MinLon: 5, MinLat: 6, MaxLon: 7, MaxLat: 8})}
	back, err := geo.AreaFromWKB(m.WKB())
	if err != nil || len(back) != 2 || back[1][0][2] != m[1][0][2] {
		t.Fatalf("%v %v", back, err)
	}
	if _, err := geo.AreaFromWKB(m.WKB()[:20]); err == nil {
		t.Fatal("truncated WKB accepted")
	}
}

// TestIntersectionAreaAgainstOverlay compares the boundary-integral area
// with simplefeatures' overlay on random star polygons, and on the cases
// where boundaries coincide.
func TestIntersectionAreaAgainstOverlay(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 26))
	star := func(c geo.LonLat, r float64, n int) geo.MultiPolygon {
		ring := make(geo.Ring, 0, n+1)
		for i := 0; i < n; i++ {
			th := 2 * math.Pi * float64(i) / float64(n)
			rr := r * (0.5 + rng.Float64())
			ring = append(ring, geo.LonLat{Lon: c.Lon + rr*math.Cos(th), Lat: c.Lat + rr*math.Sin(th)})
		}
		return geo.MultiPolygon{geo.Polygon{append(ring, ring[0])}}
	}
	for i := 0; i < 300; i++ {
		a := star(geo.LonLat{Lon: 76, Lat: 39}, 0.02, 4+rng.IntN(30))
		b := star(geo.LonLat{Lon: 76 + (rng.Float64()-0.5)*0.05, Lat: 39 + (rng.Float64()-0.5)*0.05}, 0.02, 4+rng.IntN(300))
		if i%3 == 0 {
			// a hole in b
			hole := star(b[0][0][0], 0.004, 8)[0][0]
			for l, r := 0, len(hole)-1; l < r; l, r = l+1, r-1 {
				hole[l], hole[r] = hole[r], hole[l]
			}
			b[0] = append(b[0], hole)
			if geo.ValidatePolygon(b[0]) != nil {
				b[0] = b[0][:1]
			}
		}
		inter, err := geo.Intersection(a, b)
		if err != nil {
			continue // overlay refused a degenerate case
		}
		want := geo.CGCS2000.MultiPolygonArea(inter)
		got := geo.CGCS2000.IntersectionArea(geo.Prepare(a), geo.Prepare(b))
		// The two agree on the plane to 1e-9; on the ellipsoid they may
		// split an edge at different points (a vertex the overlay keeps or
		// drops), and an edge of a kilometre or two treated as one geodesic
		// or two differs by tens of square metres: hence 2e-5.
		if math.Abs(got-want) > 2e-5*math.Max(want, 1) {
			t.Fatalf("case %d: %.6f m², overlay %.6f m²", i, got, want)
		}
	}
	sq := func(x0, y0, x1, y1 float64) geo.MultiPolygon {
		return geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: x0, MinLat: y0, MaxLon: x1, MaxLat: y1})}
	}
	area := func(m geo.MultiPolygon) float64 { return geo.CGCS2000.MultiPolygonArea(m) }
	cases := []struct {
		name string
		a, b geo.MultiPolygon
		want float64
	}{
		{"identical", sq(75, 39, 75.01, 39.01), sq(75, 39, 75.01, 39.01), area(sq(75, 39, 75.01, 39.01))},
		{"shared edge", sq(75, 39, 75.01, 39.01), sq(75.01, 39, 75.02, 39.01), 0},
		{"inside, sharing two edges", sq(75, 39, 75.01, 39.01), sq(75, 39, 75.005, 39.005), area(sq(75, 39, 75.005, 39.005))},
		{"contained", sq(75, 39, 75.01, 39.01), sq(75.002, 39.002, 75.004, 39.004), area(sq(75.002, 39.002, 75.004, 39.004))},
		{"apart", sq(75, 39, 75.01, 39.01), sq(76, 39, 76.01, 39.01), 0},
		{"corner", sq(75, 39, 75.01, 39.01), sq(75.005, 39.005, 75.02, 39.02), area(sq(75.005, 39.005, 75.01, 39.01))},
	}
	for _, c := range cases {
		got := geo.CGCS2000.IntersectionArea(geo.Prepare(c.a), geo.Prepare(c.b))
		if math.Abs(got-c.want) > 1e-6*math.Max(c.want, 1) {
			t.Errorf("%s: %.6f m², want %.6f", c.name, got, c.want)
		}
		if back := geo.CGCS2000.IntersectionArea(geo.Prepare(c.b), geo.Prepare(c.a)); math.Abs(back-got) > 1e-6*math.Max(got, 1) {
			t.Errorf("%s: not symmetric: %.6f / %.6f", c.name, got, back)
		}
	}
}
