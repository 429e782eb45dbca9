package geo_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	sf "github.com/peterstace/simplefeatures/geom"

	"mineplan/internal/geo"
)

// randomMulti is a multipolygon of 1–3 parts of 1–3 rings of 3–7 random
// vertices on a small integer grid, so that touching, collinear and
// shared vertices are frequent.
func randomMulti(rng *rand.Rand, grid int) geo.MultiPolygon {
	var m geo.MultiPolygon
	for range 1 + rng.IntN(3) {
		var p geo.Polygon
		for range 1 + rng.IntN(3) {
			var r geo.Ring
			for range 3 + rng.IntN(5) {
				pt := geo.LonLat{Lon: float64(rng.IntN(grid)), Lat: float64(rng.IntN(grid))}
				if len(r) == 0 || r[len(r)-1] != pt {
					r = append(r, pt)
				}
			}
			if r[len(r)-1] != r[0] {
				r = append(r, r[0])
			}
			p = append(p, r)
		}
		m = append(m, p)
	}
	return m
}

func wkt(m geo.MultiPolygon) string {
	var b strings.Builder
	b.WriteString("MULTIPOLYGON(")
	for i, p := range m {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(")
		for j, r := range p {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("(")
			for k, pt := range r {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%g %g", pt.Lon, pt.Lat)
			}
			b.WriteString(")")
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	return b.String()
}

// boxy is a multipolygon of 1–3 grid rectangles, each with 0–3 holes that
// are triangles on grid points of its closed box: holes and parts often
// touch each other and the outer rings at points or along segments.
func boxy(rng *rand.Rand, grid int) geo.MultiPolygon {
	var m geo.MultiPolygon
	for range 1 + rng.IntN(3) {
		x0, y0 := rng.IntN(grid-2), rng.IntN(grid-2)
		x1, y1 := x0+2+rng.IntN(grid-x0-1), y0+2+rng.IntN(grid-y0-1)
		pt := func(x, y int) geo.LonLat { return geo.LonLat{Lon: float64(x), Lat: float64(y)} }
		p := geo.Polygon{{pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1), pt(x0, y0)}}
		for range rng.IntN(4) {
			var r geo.Ring
			corners := 3 + rng.IntN(2)
			for range corners {
				q := pt(x0+rng.IntN(x1-x0+1), y0+rng.IntN(y1-y0+1))
				if len(r) == 0 || r[len(r)-1] != q {
					r = append(r, q)
				}
			}
			p = append(p, append(r, r[0]))
		}
		m = append(m, p)
	}
	return m
}

// TestAgainstSimplefeatures compares validity with simplefeatures' OGC
// validation on random grid geometry (exact in float64 for both), where
// the structural rules (ring size, repeated points) pass.
func TestAgainstSimplefeatures(t *testing.T) {
	seed := 7
	if v, err := strconv.Atoi(os.Getenv("MINEPLAN_CROSSCHECK_SEED")); err == nil {
		seed = v
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 11))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	counts := map[string]int{}
	bad := 0
	for i := range n {
		var m geo.MultiPolygon
		if i%2 == 0 {
			m = randomMulti(rng, 4+rng.IntN(6))
		} else {
			m = boxy(rng, 4+rng.IntN(6))
		}
		err := geo.ValidateMultiPolygon(m)
		var d *geo.DefectError
		if err != nil {
			d = err.(*geo.DefectError)
			if d.Rule == geo.RuleVertices || d.Rule == geo.RuleRepeated {
				continue
			}
		}
		text := wkt(m)
		sfErr := simplefeaturesVerdict(m, d)
		if (err == nil) != (sfErr == nil) {
			bad++
			if bad <= 10 {
				t.Errorf("%s\nmineplan: %v\nsimplefeatures: %v", text, err, sfErr)
			}
		}
		if err == nil {
			counts["valid"]++
		} else {
			counts[string(d.Rule)]++
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements", bad)
	}
	t.Logf("%v", counts)
}

// snappedStar is a star-shaped ring of n vertices of radius about r around
// (cx, cy), rounded to a grid of 1/8: rounding makes touching,
// collinear and crossing edges here and there.
func snappedStar(rng *rand.Rand, cx, cy, r float64, n int) geo.Ring {
	var ring geo.Ring
	for i := range n {
		th := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (0.7 + 0.3*rng.Float64())
		p := geo.LonLat{Lon: math.Round(8*(cx+rr*math.Cos(th))) / 8, Lat: math.Round(8*(cy+rr*math.Sin(th))) / 8}
		if len(ring) == 0 || ring[len(ring)-1] != p {
			ring = append(ring, p)
		}
	}
	if len(ring) > 1 && ring[len(ring)-1] == ring[0] {
		ring = ring[:len(ring)-1]
	}
	return append(ring, ring[0])
}

// TestAgainstSimplefeaturesLarge does the same on rings of tens to
// hundreds of vertices, many leaves and levels of the edge index.
func TestAgainstSimplefeaturesLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	n := 1500
	if testing.Short() {
		n = 150
	}
	counts := map[string]int{}
	for range n {
		var m geo.MultiPolygon
		for range 1 + rng.IntN(3) {
			cx, cy := float64(rng.IntN(100)), float64(rng.IntN(60))
			r := 5 + 20*rng.Float64()
			p := geo.Polygon{snappedStar(rng, cx, cy, r, 20+rng.IntN(400))}
			for range rng.IntN(4) {
				hx, hy := cx+(rng.Float64()-0.5)*r, cy+(rng.Float64()-0.5)*r
				p = append(p, snappedStar(rng, hx, hy, 3+rng.Float64()*r/3, 4+rng.IntN(40)))
			}
			m = append(m, p)
		}
		err := geo.ValidateMultiPolygon(m)
		var d *geo.DefectError
		if err != nil {
			d = err.(*geo.DefectError)
			if d.Rule == geo.RuleVertices || d.Rule == geo.RuleRepeated {
				continue
			}
		}
		_, sfErr := sf.UnmarshalWKT(wkt(m))
		if (err == nil) != (sfErr == nil) {
			t.Fatalf("%s\nmineplan: %v\nsimplefeatures: %v", wkt(m), err, sfErr)
		}
		if err == nil {
			counts["valid"]++
		} else {
			counts[string(d.Rule)]++
		}
	}
	t.Logf("%v", counts)
}

// simplefeaturesVerdict is simplefeatures' validity of m. simplefeatures
// takes a hole whose first vertex lies on the outer ring to be inside it,
// so when mineplan reports hole-outside (d) the hole is started at the
// vertex mineplan names (off the outer ring) and simplefeatures is asked
// again.
func simplefeaturesVerdict(m geo.MultiPolygon, d *geo.DefectError) error {
	_, err := sf.UnmarshalWKT(wkt(m))
	if d != nil && d.Rule == geo.RuleHoleOutside && err == nil {
		h := m[d.Part-1][d.Ring-1]
		k := d.Vertex - 1
		rot := append(append(geo.Ring{}, h[k:len(h)-1]...), h[:k+1]...)
		m2 := append(geo.MultiPolygon{}, m...)
		m2[d.Part-1] = append(geo.Polygon{}, m[d.Part-1]...)
		m2[d.Part-1][d.Ring-1] = rot
		_, err = sf.UnmarshalWKT(wkt(m2))
	}
	return err
}
