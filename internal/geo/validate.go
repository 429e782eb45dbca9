package geo

import (
	"fmt"
	"math"
)

// DefectError says which rule a polygon breaks and where.
type DefectError struct {
	Rule   string // closed, vertices, finite, range, repeated, self-intersection
	Ring   int
	Vertex int
	Detail string
}

func (e *DefectError) Error() string {
	return fmt.Sprintf("ring %d vertex %d: %s (%s)", e.Ring, e.Vertex, e.Detail, e.Rule)
}

// ValidatePolygon checks the rules mineplan relies on: closed rings of at
// least four points, finite coordinates in range, no repeated consecutive
// points and no self-intersecting edges. It reports the first defect and
// never repairs.
func ValidatePolygon(p Polygon) error {
	if len(p) == 0 {
		return &DefectError{Rule: "vertices", Detail: "polygon has no rings"}
	}
	for ri, r := range p {
		if len(r) < 4 {
			return &DefectError{Rule: "vertices", Ring: ri, Detail: fmt.Sprintf("ring has %d points, a closed ring needs at least 4", len(r))}
		}
		for vi, pt := range r {
			if math.IsNaN(pt.Lon) || math.IsNaN(pt.Lat) || math.IsInf(pt.Lon, 0) || math.IsInf(pt.Lat, 0) {
				return &DefectError{Rule: "finite", Ring: ri, Vertex: vi, Detail: "coordinate is not a finite number"}
			}
			if pt.Lon < -180 || pt.Lon > 180 || pt.Lat < -90 || pt.Lat > 90 {
				return &DefectError{Rule: "range", Ring: ri, Vertex: vi, Detail: fmt.Sprintf("(%g, %g) is outside longitude ±180 / latitude ±90", pt.Lon, pt.Lat)}
			}
			if vi > 0 && pt == r[vi-1] {
				return &DefectError{Rule: "repeated", Ring: ri, Vertex: vi, Detail: "point repeats the one before it"}
			}
		}
		if r[0] != r[len(r)-1] {
			return &DefectError{Rule: "closed", Ring: ri, Vertex: len(r) - 1, Detail: "last point does not repeat the first: ring is not closed"}
		}
		n := len(r) - 1
		for i := 0; i < n; i++ {
			for j := i + 2; j < n; j++ {
				if i == 0 && j == n-1 {
					continue // adjacent through the closing point
				}
				if segmentsCross(r[i], r[i+1], r[j], r[j+1]) {
					return &DefectError{Rule: "self-intersection", Ring: ri, Vertex: j, Detail: fmt.Sprintf("edge %d–%d crosses edge %d–%d", i, i+1, j, j+1)}
				}
			}
		}
	}
	return nil
}

func orient(a, b, c LonLat) float64 {
	return (b.Lon-a.Lon)*(c.Lat-a.Lat) - (b.Lat-a.Lat)*(c.Lon-a.Lon)
}

func segmentsCross(a, b, c, d LonLat) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	onSeg := func(p, q, r LonLat) bool {
		return math.Min(p.Lon, q.Lon) <= r.Lon && r.Lon <= math.Max(p.Lon, q.Lon) && math.Min(p.Lat, q.Lat) <= r.Lat && r.Lat <= math.Max(p.Lat, q.Lat)
	}
	return (d1 == 0 && onSeg(c, d, a)) || (d2 == 0 && onSeg(c, d, b)) || (d3 == 0 && onSeg(a, b, c)) || (d4 == 0 && onSeg(a, b, d))
}
