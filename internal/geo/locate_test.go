package geo

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestLocateInRing(t *testing.T) {
	// An L-shaped ring with a horizontal and a vertical edge through the
	// test latitudes, counter-clockwise.
	ring := Ring{{0, 0}, {4, 0}, {4, 2}, {2, 2}, {2, 4}, {0, 4}, {0, 0}}
	cw := slices.Clone(ring)
	slices.Reverse(cw)
	for _, c := range []struct {
		p    LonLat
		want int
	}{
		{LonLat{1, 1}, 1}, {LonLat{3, 1}, 1}, {LonLat{1, 3}, 1},
		{LonLat{3, 3}, -1}, {LonLat{5, 1}, -1}, {LonLat{-1, 2}, -1}, {LonLat{1, 5}, -1},
		{LonLat{2, 2}, 0}, {LonLat{3, 2}, 0}, {LonLat{0, 1}, 0}, {LonLat{4, 0}, 0}, {LonLat{2, 3}, 0},
		// On the ray's line through a vertex, inside and outside.
		{LonLat{1, 2}, 1}, {LonLat{-1, 4}, -1}, {LonLat{1, 0}, 0},
	} {
		if got := LocateInRing(c.p, ring); got != c.want {
			t.Errorf("%v: %d, want %d", c.p, got, c.want)
		}
		if got := LocateInRing(c.p, cw); got != c.want {
			t.Errorf("%v, clockwise ring: %d, want %d", c.p, got, c.want)
		}
	}
	// Away from the boundary it agrees with the float crossing number.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		p := LonLat{rng.Float64()*6 - 1, rng.Float64()*6 - 1}
		in := false
		for j := 0; j+1 < len(ring); j++ {
			a, b := ring[j], ring[j+1]
			if (a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lon < (b.Lon-a.Lon)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
				in = !in
			}
		}
		if got := LocateInRing(p, ring); (got > 0) != in {
			t.Fatalf("%v: %d, the crossing number says inside=%v", p, got, in)
		}
	}
}
