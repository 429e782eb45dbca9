// Package geotest holds geometry test cases shared by the tests of several
// packages: a table of valid and invalid polygons in well-known text, each
// with the validity rule it breaks and where.
//
// Every case lies in the Kashgar prefecture in its own cell of 0.1° × 0.1°:
// case i (its position in ValidityCases) lies in the cell whose south-west
// corner is longitude 75.5 + 0.1·(i mod 10), latitude 38.6 + 0.1·⌊i/10⌋,
// with parcels 0.01°–0.05° across, so the valid cases can be loaded
// together into one register without overlapping each other. (The one
// exception is the out-of-range case, which has a vertex beyond 180°E.)
// GeometryCases continue the numbering of the cells.
package geotest

import (
	"fmt"
	"math"

	"mineplan/internal/geo"
)

// Case is a geometry in WKT with the validity rule it breaks ("" when it
// is valid) and the 1-based position geo.ValidateMultiPolygon reports (0:
// not checked).
type Case struct {
	Name               string
	WKT                string
	Rule               geo.Rule
	Part, Ring, Vertex int
}

// Geometry parses the case's WKT; it panics on a bad table entry.
func (c Case) Geometry() geo.MultiPolygon {
	m, err := geo.ParseWKT(c.WKT)
	if err != nil {
		panic(fmt.Sprintf("geotest case %q: %v", c.Name, err))
	}
	return m
}

// Cell is the south-west corner of the 0.1° cell of case i.
func Cell(i int) geo.LonLat {
	return geo.LonLat{Lon: float64(755+i%10) / 10, Lat: float64(386+i/10) / 10}
}

// ValidCases are the cases of ValidityCases without a rule.
func ValidCases() []Case {
	var out []Case
	for _, c := range ValidityCases {
		if c.Rule == "" {
			out = append(out, c)
		}
	}
	return out
}

// ValidityCases covers every rule of geo.ValidateMultiPolygon and the
// valid edge cases (touching at single points, orientation, slivers,
// decisions that rest on the last bit of a coordinate).
var ValidityCases = []Case{
	{Name: "valid square", WKT: "POLYGON((75.5 38.6,75.52 38.6,75.52 38.62,75.5 38.62,75.5 38.6))"},                                                                                                                                                                                                       // cell 0
	{Name: "valid with hole", WKT: "POLYGON((75.6 38.6,75.64 38.6,75.64 38.64,75.6 38.64,75.6 38.6),(75.61 38.61,75.61 38.63,75.63 38.63,75.63 38.61,75.61 38.61))"},                                                                                                                                      // cell 1
	{Name: "hole touching the shell at one point of an edge", WKT: "POLYGON((75.7 38.6,75.74 38.6,75.74 38.64,75.7 38.64,75.7 38.6),(75.7 38.62,75.72 38.61,75.72 38.63,75.7 38.62))"},                                                                                                                    // cell 2
	{Name: "hole touching the shell at a corner", WKT: "POLYGON((75.8 38.6,75.84 38.6,75.84 38.64,75.8 38.64,75.8 38.6),(75.8 38.6,75.81 38.62,75.82 38.61,75.8 38.6))"},                                                                                                                                  // cell 3
	{Name: "two holes touching at one point", WKT: "POLYGON((75.9 38.6,75.94 38.6,75.94 38.64,75.9 38.64,75.9 38.6),(75.905 38.605,75.915 38.605,75.915 38.615,75.905 38.615,75.905 38.605),(75.915 38.615,75.925 38.615,75.925 38.625,75.915 38.625,75.915 38.615))"},                                    // cell 4
	{Name: "two parts touching at one point", WKT: "MULTIPOLYGON(((76 38.6,76.02 38.6,76.02 38.62,76 38.62,76 38.6)),((76.02 38.62,76.04 38.62,76.04 38.64,76.02 38.64,76.02 38.62)))"},                                                                                                                   // cell 5
	{Name: "two parts touching at two points", WKT: "MULTIPOLYGON(((76.1 38.6,76.12 38.6,76.12 38.62,76.1 38.62,76.1 38.6)),((76.12 38.6,76.13 38.61,76.12 38.62,76.125 38.61,76.12 38.6)))"},                                                                                                             // cell 6
	{Name: "part inside another part's hole", WKT: "MULTIPOLYGON(((76.2 38.6,76.24 38.6,76.24 38.64,76.2 38.64,76.2 38.6),(76.21 38.61,76.23 38.61,76.23 38.63,76.21 38.63,76.21 38.61)),((76.215 38.615,76.225 38.615,76.225 38.625,76.215 38.625,76.215 38.615)))"},                                     // cell 7
	{Name: "part inside a hole touching it at a corner", WKT: "MULTIPOLYGON(((76.3 38.6,76.34 38.6,76.34 38.64,76.3 38.64,76.3 38.6),(76.31 38.61,76.33 38.61,76.33 38.63,76.31 38.63,76.31 38.61)),((76.31 38.61,76.325 38.615,76.315 38.625,76.31 38.61)))"},                                            // cell 8
	{Name: "clockwise shell", WKT: "POLYGON((76.4 38.6,76.4 38.62,76.42 38.62,76.42 38.6,76.4 38.6))"},                                                                                                                                                                                                    // cell 9
	{Name: "hole with the shell's orientation", WKT: "POLYGON((75.5 38.7,75.54 38.7,75.54 38.74,75.5 38.74,75.5 38.7),(75.51 38.71,75.53 38.71,75.53 38.73,75.51 38.73,75.51 38.71))"},                                                                                                                    // cell 10
	{Name: "collinear vertices along an edge", WKT: "POLYGON((75.6 38.7,75.61 38.7,75.62 38.7,75.62 38.72,75.6 38.72,75.6 38.71,75.6 38.7))"},                                                                                                                                                             // cell 11
	{Name: "very thin but valid sliver", WKT: "POLYGON((75.7 38.7,75.75 38.7,75.75 38.700000001,75.7 38.7))"},                                                                                                                                                                                             // cell 12
	{Name: "parts a hair apart", WKT: "MULTIPOLYGON(((75.8 38.7,75.82 38.7,75.82 38.72,75.8 38.72,75.8 38.7)),((75.820000001 38.7,75.84 38.7,75.84 38.72,75.820000001 38.72,75.820000001 38.7)))"},                                                                                                        // cell 13
	{Name: "bow-tie", WKT: "POLYGON((75.9 38.7,75.92 38.72,75.92 38.7,75.9 38.72,75.9 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 3},                                                                                                                                               // cell 14
	{Name: "figure-8 touching at a vertex", WKT: "POLYGON((76 38.7,76.02 38.7,76.01 38.71,76.02 38.72,76 38.72,76.01 38.71,76 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 5},                                                                                                       // cell 15
	{Name: "ring touching itself at a vertex on an edge", WKT: "POLYGON((76.1 38.7,76.13 38.7,76.13 38.73,76.115 38.7,76.1 38.73,76.1 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 3},                                                                                               // cell 16
	{Name: "spike A B A", WKT: "POLYGON((76.2 38.7,76.22 38.7,76.22 38.72,76.23 38.72,76.22 38.72,76.2 38.72,76.2 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 4},                                                                                                                   // cell 17
	{Name: "spike turning back along an edge", WKT: "POLYGON((76.3 38.7,76.32 38.7,76.32 38.72,76.32 38.71,76.3 38.72,76.3 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 3},                                                                                                          // cell 18
	{Name: "collinear ring", WKT: "POLYGON((76.4 38.7,76.41 38.7,76.42 38.7,76.4 38.7))", Rule: geo.RuleSelfIntersection, Part: 1, Ring: 1, Vertex: 1},                                                                                                                                                    // cell 19
	{Name: "not closed", WKT: "POLYGON((75.5 38.8,75.52 38.8,75.52 38.82,75.5 38.82))", Rule: geo.RuleClosed, Part: 1, Ring: 1, Vertex: 4},                                                                                                                                                                // cell 20
	{Name: "3 points", WKT: "POLYGON((75.6 38.8,75.62 38.8,75.6 38.8))", Rule: geo.RuleVertices, Part: 1, Ring: 1},                                                                                                                                                                                        // cell 21
	{Name: "2 distinct points", WKT: "POLYGON((75.7 38.8,75.72 38.8,75.7 38.8,75.72 38.8,75.7 38.8))", Rule: geo.RuleVertices, Part: 1, Ring: 1},                                                                                                                                                          // cell 22
	{Name: "longitude out of range", WKT: "POLYGON((75.8 38.8,180.8 38.8,75.82 38.82,75.8 38.8))", Rule: geo.RuleRange, Part: 1, Ring: 1, Vertex: 2},                                                                                                                                                      // cell 23
	{Name: "repeated point", WKT: "POLYGON((75.9 38.8,75.92 38.8,75.92 38.8,75.92 38.82,75.9 38.82,75.9 38.8))", Rule: geo.RuleRepeated, Part: 1, Ring: 1, Vertex: 3},                                                                                                                                     // cell 24
	{Name: "hole outside the shell", WKT: "POLYGON((76 38.8,76.02 38.8,76.02 38.82,76 38.82,76 38.8),(76.03 38.83,76.04 38.83,76.04 38.84,76.03 38.84,76.03 38.83))", Rule: geo.RuleHoleOutside, Part: 1, Ring: 2, Vertex: 1},                                                                             // cell 25
	{Name: "hole touching the shell from outside", WKT: "POLYGON((76.1 38.8,76.12 38.8,76.12 38.82,76.1 38.82,76.1 38.8),(76.12 38.81,76.13 38.805,76.13 38.815,76.12 38.81))", Rule: geo.RuleHoleOutside, Part: 1, Ring: 2, Vertex: 2},                                                                   // cell 26
	{Name: "hole around the shell", WKT: "POLYGON((76.21 38.81,76.22 38.81,76.22 38.82,76.21 38.82,76.21 38.81),(76.2 38.8,76.24 38.8,76.24 38.84,76.2 38.84,76.2 38.8))", Rule: geo.RuleHoleOutside, Part: 1, Ring: 2, Vertex: 1},                                                                        // cell 27
	{Name: "hole crossing the shell", WKT: "POLYGON((76.3 38.8,76.32 38.8,76.32 38.82,76.3 38.82,76.3 38.8),(76.31 38.81,76.33 38.81,76.33 38.815,76.31 38.815,76.31 38.81))", Rule: geo.RuleRingsCross, Part: 1, Ring: 2, Vertex: 1},                                                                     // cell 28
	{Name: "hole crossing the shell through vertices", WKT: "POLYGON((76.4 38.8,76.43 38.8,76.43 38.83,76.4 38.83,76.4 38.8),(76.41 38.81,76.43 38.81,76.44 38.815,76.43 38.82,76.41 38.82,76.41 38.81))", Rule: geo.RuleRingsCross, Part: 1, Ring: 2, Vertex: 2},                                         // cell 29
	{Name: "hole equal to the shell", WKT: "POLYGON((75.5 38.9,75.52 38.9,75.52 38.92,75.5 38.92,75.5 38.9),(75.5 38.9,75.52 38.9,75.52 38.92,75.5 38.92,75.5 38.9))", Rule: geo.RuleRingsCross, Part: 1, Ring: 2, Vertex: 1},                                                                             // cell 30
	{Name: "hole sharing an edge with the shell", WKT: "POLYGON((75.6 38.9,75.63 38.9,75.63 38.93,75.6 38.93,75.6 38.9),(75.6 38.91,75.61 38.91,75.61 38.92,75.6 38.92,75.6 38.91))", Rule: geo.RuleRingsCross, Part: 1, Ring: 2, Vertex: 4},                                                              // cell 31
	{Name: "two holes crossing", WKT: "POLYGON((75.7 38.9,75.74 38.9,75.74 38.94,75.7 38.94,75.7 38.9),(75.705 38.905,75.72 38.905,75.72 38.92,75.705 38.92,75.705 38.905),(75.715 38.915,75.73 38.915,75.73 38.93,75.715 38.93,75.715 38.915))", Rule: geo.RuleRingsCross, Part: 1, Ring: 3, Vertex: 1},  // cell 32
	{Name: "hole inside hole", WKT: "POLYGON((75.8 38.9,75.84 38.9,75.84 38.94,75.8 38.94,75.8 38.9),(75.805 38.905,75.835 38.905,75.835 38.935,75.805 38.935,75.805 38.905),(75.81 38.91,75.82 38.91,75.82 38.92,75.81 38.92,75.81 38.91))", Rule: geo.RuleNestedHoles, Part: 1, Ring: 3, Vertex: 1},     // cell 33
	{Name: "hole touching the shell at two points", WKT: "POLYGON((75.9 38.9,75.93 38.9,75.93 38.93,75.9 38.93,75.9 38.9),(75.9 38.915,75.915 38.905,75.93 38.915,75.915 38.925,75.9 38.915))", Rule: geo.RuleDisconnected, Part: 1, Ring: 2, Vertex: 3},                                                  // cell 34
	{Name: "two holes touching at two points", WKT: "POLYGON((76 38.9,76.04 38.9,76.04 38.94,76 38.94,76 38.9),(76.01 38.91,76.02 38.91,76.02 38.92,76.01 38.92,76.01 38.91),(76.02 38.91,76.03 38.915,76.02 38.92,76.025 38.915,76.02 38.91))", Rule: geo.RuleDisconnected, Part: 1, Ring: 3, Vertex: 3}, // cell 35
	{Name: "two overlapping parts", WKT: "MULTIPOLYGON(((76.1 38.9,76.12 38.9,76.12 38.92,76.1 38.92,76.1 38.9)),((76.11 38.91,76.13 38.91,76.13 38.93,76.11 38.93,76.11 38.91)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 1},                                                              // cell 36
	{Name: "duplicated part", WKT: "MULTIPOLYGON(((76.2 38.9,76.22 38.9,76.22 38.92,76.2 38.92,76.2 38.9)),((76.2 38.9,76.22 38.9,76.22 38.92,76.2 38.92,76.2 38.9)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 1},                                                                          // cell 37
	{Name: "part inside part", WKT: "MULTIPOLYGON(((76.3 38.9,76.34 38.9,76.34 38.94,76.3 38.94,76.3 38.9)),((76.31 38.91,76.32 38.91,76.32 38.92,76.31 38.92,76.31 38.91)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 1},                                                                   // cell 38
	{Name: "part around an earlier part", WKT: "MULTIPOLYGON(((76.41 38.91,76.42 38.91,76.42 38.92,76.41 38.92,76.41 38.91)),((76.4 38.9,76.44 38.9,76.44 38.94,76.4 38.94,76.4 38.9)))", Rule: geo.RulePartsOverlap, Part: 1, Ring: 1, Vertex: 1},                                                        // cell 39
	{Name: "part inside part touching its shell", WKT: "MULTIPOLYGON(((75.5 39,75.54 39,75.54 39.04,75.5 39.04,75.5 39)),((75.5 39.02,75.52 39.01,75.52 39.03,75.5 39.02)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 2},                                                                    // cell 40
	{Name: "parts sharing an edge", WKT: "MULTIPOLYGON(((75.6 39,75.62 39,75.62 39.02,75.6 39.02,75.6 39)),((75.62 39,75.64 39,75.64 39.02,75.62 39.02,75.62 39)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 4},                                                                             // cell 41
	{Name: "parts sharing part of an edge", WKT: "MULTIPOLYGON(((75.7 39,75.72 39,75.72 39.02,75.7 39.02,75.7 39)),((75.72 39.005,75.73 39.005,75.73 39.015,75.72 39.015,75.72 39.005)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 4},                                                       // cell 42
	{Name: "part crossing another through vertices", WKT: "MULTIPOLYGON(((75.8 39,75.82 39,75.82 39.02,75.8 39.02,75.8 39)),((75.82 39.005,75.83 39.005,75.83 39.015,75.82 39.015,75.81 39.01,75.82 39.005)))", Rule: geo.RulePartsOverlap, Part: 2, Ring: 1, Vertex: 1},                                  // cell 43
	{Name: "empty multipolygon", WKT: "MULTIPOLYGON EMPTY", Rule: geo.RuleEmpty},                                                                            // cell 44
	{Name: "empty polygon", WKT: "POLYGON EMPTY", Rule: geo.RuleEmpty},                                                                                      // cell 45
	{Name: "multipolygon with an empty part", WKT: "MULTIPOLYGON(((76.1 39,76.12 39,76.12 39.02,76.1 39.02,76.1 39)),EMPTY)", Rule: geo.RuleEmpty, Part: 2}, // cell 46
	{Name: "polygon with an empty ring", WKT: "POLYGON((76.2 39,76.22 39,76.22 39.02,76.2 39.02,76.2 39),EMPTY)", Rule: geo.RuleVertices, Part: 1, Ring: 2}, // cell 47
	{Name: "hole vertex at the decimal midpoint of a diagonal shell edge, a hair outside it in binary", WKT: "POLYGON((76.3 39,76.34 39,76.34 39.04,76.3 39),(76.32 39.02,76.33 39.01,76.335 39.02,76.32 39.02))", Rule: geo.RuleRingsCross, Part: 1, Ring: 2, Vertex: 1}, // cell 48
	{Name: "hole vertex at the decimal midpoint of a diagonal shell edge, a hair inside it in binary (valid)", WKT: "POLYGON((76.4 39,76.44 39,76.44 39.02,76.4 39),(76.42 39.01,76.43 39.005,76.435 39.01,76.42 39.01))"},                                                // cell 49
	{Name: "thin triangle 1e-13 degrees off its base (valid)", WKT: "POLYGON((75.5 39.1,75.54 39.14,75.52 39.1200000000001,75.5 39.1))"},                                                                                                                                  // cell 50
	{Name: "hole touching the shell and another hole at one point", WKT: "POLYGON((75.6 39.1,75.64 39.1,75.64 39.14,75.6 39.14,75.6 39.1),(75.6 39.12,75.61 39.11,75.61 39.12,75.6 39.12),(75.6 39.12,75.61 39.125,75.61 39.135,75.6 39.12))"},                            // cell 51
	{Name: "hole vertex at the decimal midpoint of a diagonal shell edge, exactly on it in binary (valid)", WKT: "POLYGON((75.7 39.1,75.74 39.1,75.74 39.13,75.7 39.1),(75.72 39.115,75.73 39.1075,75.735 39.115,75.72 39.115))"},                                         // cell 52
}

// GeometryCase is a case that WKT cannot express (NaN, infinities).
type GeometryCase struct {
	Name               string
	Geometry           geo.MultiPolygon
	Rule               geo.Rule
	Part, Ring, Vertex int
}

// GeometryCases are built in Go, in the cells after those of
// ValidityCases.
var GeometryCases = []GeometryCase{
	{Name: "NaN longitude", Geometry: square(len(ValidityCases), math.NaN(), 0), Rule: geo.RuleFinite, Part: 1, Ring: 1, Vertex: 3},
	{Name: "infinite latitude", Geometry: square(len(ValidityCases)+1, 0, math.Inf(1)), Rule: geo.RuleFinite, Part: 1, Ring: 1, Vertex: 3},
}

// square is a 0.02° square in cell i whose third vertex is moved to
// (lon, lat) when either is not finite.
func square(i int, lon, lat float64) geo.MultiPolygon {
	o := Cell(i)
	r := geo.Ring{{Lon: o.Lon, Lat: o.Lat}, {Lon: o.Lon + 0.02, Lat: o.Lat}, {Lon: o.Lon + 0.02, Lat: o.Lat + 0.02}, {Lon: o.Lon, Lat: o.Lat + 0.02}, {Lon: o.Lon, Lat: o.Lat}}
	if math.IsNaN(lon) || math.IsInf(lon, 0) {
		r[2].Lon = lon
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) {
		r[2].Lat = lat
	}
	return geo.MultiPolygon{{r}}
}
