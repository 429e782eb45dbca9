package tiles

import (
	"math"

	"github.com/paulmach/orb"

	"mineplan/internal/geo"
)

// scratch holds the buffers one tile reuses for every ring, so the hot
// loop allocates only the output points (in chunks) and the rings' slice
// headers.
type scratch struct {
	pts, tmp []float64 // x, y pairs of the ring being made
	keep     []bool
	stack    []int32
	slab     []orb.Point // output points; rings are slices of it
}

// slabChunk is how many output points are allocated at once.
const slabChunk = 1 << 14

// polygons turns a feature's geometry into tile geometry: nil when nothing
// of it is left in the buffered tile.
func (s *scratch) polygons(pr projection, g geo.MultiPolygon, tol float64) orb.Geometry {
	var out orb.MultiPolygon
	for _, p := range g {
		if len(p) == 0 {
			continue
		}
		outer := s.ring(pr, p[0], tol, true)
		if outer == nil {
			continue
		}
		poly := make(orb.Polygon, 1, len(p))
		poly[0] = outer
		for _, h := range p[1:] {
			if r := s.ring(pr, h, tol, false); r != nil {
				poly = append(poly, r)
			}
		}
		out = append(out, poly)
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// ring projects, clips, simplifies and snaps one ring; nil when it falls
// outside the buffered tile or collapses. Exterior rings come out with a
// positive area in tile coordinates (y down), holes negative, as MVT 2.1
// §4.3.4.4 requires.
func (s *scratch) ring(pr projection, r geo.Ring, tol float64, exterior bool) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	const lo, hi = -Buffer, Extent + Buffer
	pts := s.pts[:0]
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range r[:len(r)-1] { // the closing point is added back below
		x, y := pr.point(q)
		pts = append(pts, x, y)
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y), max(maxY, y)
	}
	s.pts = pts
	if maxX < lo || minX > hi || maxY < lo || minY > hi {
		return nil
	}
	if minX < lo || maxX > hi || minY < lo || maxY > hi {
		pts = s.clip(lo, hi)
	}
	n := len(pts) / 2
	if n < 3 {
		return nil
	}
	// Close the ring for the simplification: it runs from the first point
	// back to itself.
	pts = append(pts, pts[0], pts[1])
	s.pts = pts
	s.simplify(pts, tol)
	// Snap the kept points to the grid, dropping repeats.
	if cap(s.slab)-len(s.slab) < n+1 {
		s.slab = make([]orb.Point, 0, max(slabChunk, n+1))
	}
	start := len(s.slab)
	out := s.slab
	for i := 0; i <= n; i++ {
		if !s.keep[i] {
			continue
		}
		p := orb.Point{math.Round(pts[2*i]), math.Round(pts[2*i+1])}
		if k := len(out); k > start && out[k-1] == p {
			continue
		}
		out = append(out, p)
	}
	s.slab = out
	ring := orb.Ring(out[start:len(out):len(out)])
	if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
		s.slab = out[:start]
		return nil
	}
	a := area2(ring)
	if a == 0 {
		s.slab = out[:start]
		return nil
	}
	if (a < 0) == exterior {
		for i, j := 0, len(ring)-1; i < j; i, j = i+1, j-1 {
			ring[i], ring[j] = ring[j], ring[i]
		}
	}
	return ring
}

// area2 is twice the ring's signed area by the surveyor's formula (exact:
// the points are integers well inside 2^26).
func area2(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}

// clip cuts the open ring in s.pts to the square lo–hi on both axes
// (Sutherland–Hodgman, one pass per edge, between two reused buffers) and
// returns the clipped ring, which may run along the square's edges.
func (s *scratch) clip(lo, hi float64) []float64 {
	in, out := s.pts, s.tmp[:0]
	for edge := range 4 {
		out = out[:0]
		n := len(in) / 2
		if n == 0 {
			break
		}
		inside := func(i int) bool {
			x, y := in[2*i], in[2*i+1]
			switch edge {
			case 0:
				return x >= lo
			case 1:
				return x <= hi
			case 2:
				return y >= lo
			}
			return y <= hi
		}
		cross := func(i, j int) (float64, float64) {
			x0, y0, x1, y1 := in[2*i], in[2*i+1], in[2*j], in[2*j+1]
			switch edge {
			case 0, 1:
				c := lo
				if edge == 1 {
					c = hi
				}
				return c, y0 + (y1-y0)*(c-x0)/(x1-x0)
			}
			c := lo
			if edge == 3 {
				c = hi
			}
			return x0 + (x1-x0)*(c-y0)/(y1-y0), c
		}
		prev := n - 1
		prevIn := inside(prev)
		for i := range n {
			curIn := inside(i)
			if curIn != prevIn {
				x, y := cross(prev, i)
				out = append(out, x, y)
			}
			if curIn {
				out = append(out, in[2*i], in[2*i+1])
			}
			prev, prevIn = i, curIn
		}
		in, out = out, in
	}
	s.pts, s.tmp = in, out // in holds the result; both buffers are kept for the next ring
	return in
}

// simplify marks in s.keep the points of the closed polyline pts (x, y
// pairs, the last equal to the first) that Douglas–Peucker keeps with
// tolerance tol: every dropped point lies within tol of the segment
// between the kept points around it.
func (s *scratch) simplify(pts []float64, tol float64) {
	n := len(pts) / 2
	if cap(s.keep) < n {
		s.keep = make([]bool, n)
	}
	keep := s.keep[:n]
	clear(keep)
	keep[0], keep[n-1] = true, true
	tol2 := tol * tol
	stack := append(s.stack[:0], 0, int32(n-1))
	for len(stack) > 0 {
		a, b := int(stack[len(stack)-2]), int(stack[len(stack)-1])
		stack = stack[:len(stack)-2]
		if b-a < 2 {
			continue
		}
		ax, ay, bx, by := pts[2*a], pts[2*a+1], pts[2*b], pts[2*b+1]
		best, far := -1.0, -1
		for i := a + 1; i < b; i++ {
			if d := segDist2(pts[2*i], pts[2*i+1], ax, ay, bx, by); d > best {
				best, far = d, i
			}
		}
		if best > tol2 {
			keep[far] = true
			stack = append(stack, int32(a), int32(far), int32(far), int32(b))
		}
	}
	s.keep, s.stack = keep, stack
}

// segDist2 is the squared distance from (px, py) to the segment a–b.
func segDist2(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	if l2 > 0 {
		t := ((px-ax)*dx + (py-ay)*dy) / l2
		t = max(0, min(1, t))
		ax, ay = ax+t*dx, ay+t*dy
	}
	ex, ey := px-ax, py-ay
	return ex*ex + ey*ey
}
