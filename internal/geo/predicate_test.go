package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestOrientExact compares orient with the rational determinant on points
// that are nearly or exactly collinear, at ordinary and extreme
// magnitudes, where the float64 determinant alone goes wrong.
func TestOrientExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scales := []float64{1, 76, 1e-3, 1e-200, 1e-310, 1e150, 1e300}
	stages := map[string]int{}
	for i := 0; i < 50000; i++ {
		s := scales[i%len(scales)]
		a := LonLat{(rng.Float64() - 0.5) * s, (rng.Float64() - 0.5) * s}
		b := LonLat{(rng.Float64() - 0.5) * s, (rng.Float64() - 0.5) * s}
		if i%3 == 0 { // around 76°E 39°N, as the validator sees parcels
			a = LonLat{76 + rng.Float64()*0.05, 39 + rng.Float64()*0.05}
			b = LonLat{76 + rng.Float64()*0.05, 39 + rng.Float64()*0.05}
		}
		// c on the line ab, rounded, then nudged by a few units in the
		// last place.
		u := rng.Float64()*3 - 1
		c := LonLat{a.Lon + u*(b.Lon-a.Lon), a.Lat + u*(b.Lat-a.Lat)}
		for k := rng.IntN(3); k > 0; k-- {
			if rng.IntN(2) == 0 {
				c.Lon = math.Nextafter(c.Lon, math.Inf(1))
			} else {
				c.Lat = math.Nextafter(c.Lat, math.Inf(-1))
			}
		}
		if i%5 == 0 { // axis-aligned
			c.Lat, b.Lat = a.Lat, a.Lat
		}
		if math.IsInf(c.Lon, 0) || math.IsInf(c.Lat, 0) || math.IsNaN(c.Lon) || math.IsNaN(c.Lat) {
			continue
		}
		want := orientBig(a, b, c)
		for _, perm := range [][3]LonLat{{a, b, c}, {b, c, a}, {c, a, b}} {
			if got := orient(perm[0], perm[1], perm[2]); got != want {
				t.Fatalf("orient(%v, %v, %v) = %d, exact %d", perm[0], perm[1], perm[2], got, want)
			}
		}
		if got := orient(b, a, c); got != -want {
			t.Fatalf("orient(%v, %v, %v) = %d, exact %d", b, a, c, got, -want)
		}
		if want == 0 {
			stages["collinear"]++
		} else {
			stages["not collinear"]++
		}
	}
	t.Logf("%v", stages)
}

func TestClassify(t *testing.T) {
	p := func(x, y float64) LonLat { return LonLat{x, y} }
	cases := []struct {
		name       string
		a, b, c, d LonLat
		want       meeting
		at         LonLat
	}{
		{"cross", p(0, 0), p(2, 2), p(0, 2), p(2, 0), crossing, LonLat{}},
		{"apart", p(0, 0), p(1, 0), p(0, 1), p(1, 1), apart, LonLat{}},
		{"T", p(0, 0), p(2, 0), p(1, 0), p(1, 1), touching, p(1, 0)},
		{"T reversed", p(1, 1), p(1, 0), p(0, 0), p(2, 0), touching, p(1, 0)},
		{"shared end", p(0, 0), p(1, 0), p(1, 0), p(1, 1), touching, p(1, 0)},
		{"collinear end to end", p(0, 0), p(1, 0), p(1, 0), p(2, 0), touching, p(1, 0)},
		{"collinear apart", p(0, 0), p(1, 0), p(2, 0), p(3, 0), apart, LonLat{}},
		{"collinear overlap", p(0, 0), p(2, 0), p(3, 0), p(1, 0), overlap, LonLat{}},
		{"collinear inside", p(0, 0), p(3, 3), p(1, 1), p(2, 2), overlap, LonLat{}},
		{"equal", p(0, 0), p(1, 1), p(1, 1), p(0, 0), overlap, LonLat{}},
		{"vertical overlap", p(5, 0), p(5, 2), p(5, 1), p(5, 3), overlap, LonLat{}},
		{"near miss", p(0, 0), p(2, 0), p(1, math.SmallestNonzeroFloat64), p(1, 1), apart, LonLat{}},
	}
	for _, c := range cases {
		m, at := classify(c.a, c.b, c.c, c.d)
		if m != c.want || m == touching && at != c.at {
			t.Errorf("%s: %v at %v, want %v at %v", c.name, m, at, c.want, c.at)
		}
		if m2, _ := classify(c.c, c.d, c.a, c.b); m2 != m {
			t.Errorf("%s: not symmetric: %v then %v", c.name, m, m2)
		}
		if segmentsCross(c.a, c.b, c.c, c.d) != (m != apart) {
			t.Errorf("%s: segmentsCross disagrees", c.name)
		}
	}
}

func TestPackedIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 15, 16, 17, 300, 5000} {
		boxes := make([]BBox, n)
		for i := range boxes {
			x, y := rng.Float64()*100, rng.Float64()*100
			boxes[i] = BBox{x, y, x + rng.Float64()*3, y + rng.Float64()*3}
		}
		for _, sorted := range []bool{false, true} {
			tr := buildPacked(boxes, sorted)
			for k := 0; k < 50; k++ {
				x, y := rng.Float64()*100, rng.Float64()*100
				q := BBox{x, y, x + rng.Float64()*10, y + rng.Float64()*10}
				got := map[int32]bool{}
				for _, id := range tr.search(q, nil) {
					if got[id] {
						t.Fatalf("n=%d: item %d twice", n, id)
					}
					got[id] = true
				}
				for i, b := range boxes {
					if b.Intersects(q) != got[int32(i)] {
						t.Fatalf("n=%d sorted=%v: item %d: index says %v", n, sorted, i, got[int32(i)])
					}
				}
			}
		}
	}
}
