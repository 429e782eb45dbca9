package geo_test

import (
	"math"
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
