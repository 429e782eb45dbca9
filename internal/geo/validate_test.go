package geo_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/geo/geotest"
)

// check asserts the rule and the position a validation reports.
func check(t *testing.T, err error, rule geo.Rule, part, ring, vertex int) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Fatalf("valid geometry refused: %v", err)
		}
		return
	}
	var d *geo.DefectError
	if !errors.As(err, &d) {
		t.Fatalf("err = %v, want a *DefectError with rule %s", err, rule)
	}
	if d.Rule != rule || part != 0 && d.Part != part || ring != 0 && d.Ring != ring || vertex != 0 && d.Vertex != vertex {
		t.Fatalf("got %s at part %d ring %d vertex %d: %v\nwant %s at part %d ring %d vertex %d", d.Rule, d.Part, d.Ring, d.Vertex, err, rule, part, ring, vertex)
	}
	if d.ZH == "" || d.EN == "" {
		t.Fatalf("message missing: %+v", d)
	}
}

func TestValidityCases(t *testing.T) {
	rules := map[geo.Rule]bool{}
	for i, c := range geotest.ValidityCases {
		t.Run(c.Name, func(t *testing.T) {
			m := c.Geometry()
			err := geo.ValidateMultiPolygon(m)
			check(t, err, c.Rule, c.Part, c.Ring, c.Vertex)
			// The same input gives the same defect.
			if again := geo.ValidateMultiPolygon(m); !sameError(err, again) {
				t.Fatalf("second run: %v, first: %v", again, err)
			}
			if len(m) == 1 {
				if perr := geo.ValidatePolygon(m[0]); !sameError(err, perr) {
					t.Fatalf("ValidatePolygon: %v, ValidateMultiPolygon: %v", perr, err)
				}
			}
			// Each case stays in its cell (so valid ones can share a register).
			if c.Rule != geo.RuleRange && len(m) > 0 && c.Rule != geo.RuleEmpty {
				o := geotest.Cell(i)
				b := m.Bounds()
				if b.MinLon < o.Lon || b.MaxLon > o.Lon+0.1 || b.MinLat < o.Lat || b.MaxLat > o.Lat+0.1 {
					t.Fatalf("case %d lies outside its cell at %v: %+v", i, o, b)
				}
			}
		})
		rules[c.Rule] = true
	}
	for _, c := range geotest.GeometryCases {
		t.Run(c.Name, func(t *testing.T) {
			check(t, geo.ValidateMultiPolygon(c.Geometry), c.Rule, c.Part, c.Ring, c.Vertex)
		})
		rules[c.Rule] = true
	}
	for _, r := range []geo.Rule{"", geo.RuleEmpty, geo.RuleVertices, geo.RuleFinite, geo.RuleRange, geo.RuleRepeated, geo.RuleClosed,
		geo.RuleSelfIntersection, geo.RuleRingsCross, geo.RuleHoleOutside, geo.RuleNestedHoles, geo.RuleDisconnected, geo.RulePartsOverlap} {
		if !rules[r] {
			t.Errorf("no case for rule %q", r)
		}
	}
	if len(geotest.ValidityCases) < 35 {
		t.Errorf("%d cases", len(geotest.ValidityCases))
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Error() == b.Error()
}

func TestDefectMessage(t *testing.T) {
	m, err := geo.ParseWKT("POLYGON((76 39,76.02 39,76.02 39.02,76 39.02,76 39),(76.01 39.01,76.03 39.01,76.03 39.015,76.01 39.015,76.01 39.01))")
	if err != nil {
		t.Fatal(err)
	}
	got := geo.ValidateMultiPolygon(m).Error()
	for _, want := range []string{"第 1 个面第 2 环（第 1 个内环）第 1 点：", "part 1 ring 2 (hole 1) vertex 1: ", "外环", "the outer ring", "(rings-cross)"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	// No Go names in messages.
	for _, bad := range []string{"LonLat", "Polygon", "Ring{", "geo."} {
		if strings.Contains(got, bad) {
			t.Errorf("%q contains %q", got, bad)
		}
	}
	if got := geo.ValidateMultiPolygon(nil).Error(); got != "多面没有任何面 / the multipolygon has no parts (empty)" {
		t.Errorf("empty: %q", got)
	}
}

// TestValidatePolygonPart1: a single polygon is reported as part 1, and
// positions count from 1.
func TestValidatePolygonPart1(t *testing.T) {
	p := geo.Polygon{{{Lon: 76, Lat: 39}, {Lon: 76.01, Lat: 39}, {Lon: 76.01, Lat: 39}, {Lon: 76, Lat: 39.01}, {Lon: 76, Lat: 39}}}
	check(t, geo.ValidatePolygon(p), geo.RuleRepeated, 1, 1, 3)
	check(t, geo.ValidatePolygon(geo.Polygon{}), geo.RuleEmpty, 1, 0, 0)
}

// TestBowTieDetails: the crossing reports both edges and where they meet.
func TestBowTieDetails(t *testing.T) {
	m, _ := geo.ParseWKT("POLYGON((0 0,2 2,2 0,0 2,0 0))")
	var d *geo.DefectError
	if !errors.As(geo.ValidateMultiPolygon(m), &d) {
		t.Fatal("bow-tie accepted")
	}
	if d.Edge != 3 || d.OtherEdge != 1 || d.OtherPart != 1 || d.OtherRing != 1 || d.At == nil || *d.At != (geo.LonLat{Lon: 1, Lat: 1}) {
		t.Fatalf("%+v", d)
	}
}

// TestExactPredicates: a vertex a hair off an edge is told from one on it.
func TestExactPredicates(t *testing.T) {
	a, b := geo.LonLat{Lon: 76.34, Lat: 39.04}, geo.LonLat{Lon: 76.3, Lat: 39}
	mid := geo.LonLat{Lon: 76.32, Lat: 39.02}
	// The shell diagonal runs from b to a; the midpoint lies a hair to its
	// outer side in binary (see the geotest case), so a hole with that
	// vertex crosses, while one nudged one unit inwards is valid.
	shell := geo.Ring{{Lon: 76.3, Lat: 39}, {Lon: 76.34, Lat: 39}, a, b}
	hole := func(p geo.LonLat) geo.Ring {
		return geo.Ring{p, {Lon: 76.33, Lat: 39.01}, {Lon: 76.335, Lat: 39.02}, p}
	}
	check(t, geo.ValidatePolygon(geo.Polygon{shell, hole(mid)}), geo.RuleRingsCross, 1, 2, 1)
	check(t, geo.ValidatePolygon(geo.Polygon{shell, hole(geo.LonLat{Lon: math.Nextafter(76.32, 77), Lat: 39.02})}), "", 0, 0, 0)
}

func TestLargeHoles(t *testing.T) {
	p := holes(76, 39, 0.3, 4000, 20)
	if err := geo.ValidatePolygon(p); err != nil {
		t.Fatal(err)
	}
	// Move one hole onto another: nested or crossing, never accepted.
	q := append(geo.Polygon{}, p...)
	q[5] = shift(q[4], 0.0001, 0.0001)
	if err := geo.ValidatePolygon(q); err == nil {
		t.Fatal("overlapping holes accepted")
	}
	// A hole outside the shell.
	q = append(geo.Polygon{}, p...)
	q[7] = shift(q[7], 1, 0)
	check(t, geo.ValidatePolygon(q), geo.RuleHoleOutside, 1, 8, 0)
}

func shift(r geo.Ring, dx, dy float64) geo.Ring {
	out := make(geo.Ring, len(r))
	for i, p := range r {
		out[i] = geo.LonLat{Lon: p.Lon + dx, Lat: p.Lat + dy}
	}
	return out
}

// TestValidateProjected: metres of a Gauss–Krüger zone are judged by the
// same rules, without the longitude/latitude range.
func TestValidateProjected(t *testing.T) {
	square := geo.MultiPolygon{{{{25500000, 4250000}, {25501000, 4250000}, {25501000, 4251000}, {25500000, 4251000}, {25500000, 4250000}}}}
	if err := geo.ValidateProjected(square); err != nil {
		t.Errorf("a GK square: %v", err)
	}
	if err := geo.ValidateMultiPolygon(square); err == nil {
		t.Error("metres passed as degrees")
	}
	bowTie := geo.MultiPolygon{{{{25500000, 4250000}, {25501000, 4251000}, {25501000, 4250000}, {25500000, 4251000}, {25500000, 4250000}}}}
	var d *geo.DefectError
	if err := geo.ValidateProjected(bowTie); !errors.As(err, &d) || d.Rule != geo.RuleSelfIntersection {
		t.Errorf("a GK bow-tie: %v", err)
	}
}
