package geo

import "math"

// Prepared is a polygon set made ready for repeated overlap queries: rings
// oriented (outer counter-clockwise, holes clockwise in the lon/lat
// plane), and edges binned by latitude so a point test touches few edges.
type Prepared struct {
	edges  []segment
	box    BBox
	bins   [][]int32
	binMin float64
	binH   float64
}

type segment struct {
	a, b LonLat
	box  BBox
}

// Prepare orients and indexes a multipolygon.
func Prepare(m MultiPolygon) *Prepared {
	p := &Prepared{box: m.Bounds()}
	for _, poly := range m {
		for ri, r := range poly {
			ring := r
			if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
				ring = ring[:len(ring)-1]
			}
			if len(ring) < 3 {
				continue
			}
			ccw := planarSigned(ring) > 0
			if (ri == 0) != ccw { // outer rings counter-clockwise, holes clockwise
				rev := make(Ring, len(ring))
				for i := range ring {
					rev[i] = ring[len(ring)-1-i]
				}
				ring = rev
			}
			for i := range ring {
				a, b := ring[i], ring[(i+1)%len(ring)]
				if a == b {
					continue
				}
				p.edges = append(p.edges, segment{a, b, BBox{math.Min(a.Lon, b.Lon), math.Min(a.Lat, b.Lat), math.Max(a.Lon, b.Lon), math.Max(a.Lat, b.Lat)}})
			}
		}
	}
	k := len(p.edges)/8 + 1
	p.binMin, p.binH = p.box.MinLat, (p.box.MaxLat-p.box.MinLat)/float64(k)
	if p.binH <= 0 {
		p.binH = 1
	}
	p.bins = make([][]int32, k)
	for i, e := range p.edges {
		lo, hi := p.bin(e.box.MinLat), p.bin(e.box.MaxLat)
		for j := lo; j <= hi; j++ {
			p.bins[j] = append(p.bins[j], int32(i))
		}
	}
	return p
}

// Bounds is the prepared polygon's box.
func (p *Prepared) Bounds() BBox { return p.box }

func (p *Prepared) bin(lat float64) int {
	i := int((lat - p.binMin) / p.binH)
	return max(0, min(i, len(p.bins)-1))
}

func planarSigned(r Ring) float64 {
	var s float64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += (a.Lon-r[0].Lon)*(b.Lat-r[0].Lat) - (b.Lon-r[0].Lon)*(a.Lat-r[0].Lat)
	}
	return s / 2
}

// contains reports whether a point lies strictly inside (crossing number;
// points on the boundary are decided by the caller).
func (p *Prepared) contains(pt LonLat) bool {
	if pt.Lon < p.box.MinLon || pt.Lon > p.box.MaxLon || pt.Lat < p.box.MinLat || pt.Lat > p.box.MaxLat {
		return false
	}
	in := false
	for _, i := range p.bins[p.bin(pt.Lat)] {
		e := p.edges[i]
		if (e.a.Lat > pt.Lat) != (e.b.Lat > pt.Lat) && pt.Lon < (e.b.Lon-e.a.Lon)*(pt.Lat-e.a.Lat)/(e.b.Lat-e.a.Lat)+e.a.Lon {
			in = !in
		}
	}
	return in
}

// IntersectionArea is the ellipsoidal area (m²) common to two prepared
// polygon sets, computed without building the intersection: by Green's
// theorem the common region's boundary is the part of each boundary that
// lies inside the other (edges they share counted once, where both
// interiors are on the same side), and its area is the sum of the
// exact spherical excess of those pieces on the authalic sphere. Crossing
// points are found in the lon/lat plane, as an overlay library would.
func (el Ellipsoid) IntersectionArea(a, b *Prepared) float64 {
	if !a.box.Intersects(b.box) {
		return 0
	}
	box := BBox{math.Max(a.box.MinLon, b.box.MinLon), math.Max(a.box.MinLat, b.box.MinLat), math.Min(a.box.MaxLon, b.box.MaxLon), math.Min(a.box.MaxLat, b.box.MaxLat)}
	ea, eb := a.within(box), b.within(box)
	excess := el.insideExcess(a, ea, b, eb, true) + el.insideExcess(b, eb, a, ea, false)
	r := el.AuthalicRadius()
	return math.Abs(-excess * r * r)
}

// within lists the edges that reach into a box: the polygon clipped to
// the box before the overlay. Only the latitude bins the box spans are
// read, so a 5 000-vertex red line costs about as much as a small block
// when the application covers a small part of it.
func (p *Prepared) within(box BBox) []int32 {
	var out []int32
	lo, hi := p.bin(box.MinLat), p.bin(box.MaxLat)
	for j := lo; j <= hi; j++ {
		for _, i := range p.bins[j] {
			e := p.edges[i]
			// An edge spanning several bins is listed once, from the first
			// bin of the range that holds it.
			if max(lo, p.bin(e.box.MinLat)) == j && e.box.Intersects(box) {
				out = append(out, i)
			}
		}
	}
	return out
}

// insideExcess sums the excess of the parts of own edges (those listed)
// inside other. Parts along an edge of other count only when keepShared
// and both run the same way.
func (el Ellipsoid) insideExcess(own *Prepared, ownEdges []int32, other *Prepared, otherEdges []int32, keepShared bool) float64 {
	var sum float64
	ts := make([]float64, 0, 8)
	type span struct {
		t0, t1 float64
		same   bool
	}
	var shared []span
	for _, oi := range ownEdges {
		e := own.edges[oi]
		ts = append(ts[:0], 0, 1)
		shared = shared[:0]
		r := LonLat{e.b.Lon - e.a.Lon, e.b.Lat - e.a.Lat}
		rr := r.Lon*r.Lon + r.Lat*r.Lat
		for _, xi := range otherEdges {
			f := other.edges[xi]
			if !f.box.Intersects(e.box) {
				continue
			}
			s := LonLat{f.b.Lon - f.a.Lon, f.b.Lat - f.a.Lat}
			qp := LonLat{f.a.Lon - e.a.Lon, f.a.Lat - e.a.Lat}
			denom := r.Lon*s.Lat - r.Lat*s.Lon
			eps := 1e-12 * math.Sqrt(rr*(s.Lon*s.Lon+s.Lat*s.Lat))
			if math.Abs(denom) > eps {
				t := (qp.Lon*s.Lat - qp.Lat*s.Lon) / denom
				u := (qp.Lon*r.Lat - qp.Lat*r.Lon) / denom
				if t > 0 && t < 1 && u >= -1e-12 && u <= 1+1e-12 {
					ts = append(ts, t)
				}
				continue
			}
			if math.Abs(qp.Lon*r.Lat-qp.Lat*r.Lon) > eps*10 {
				continue // parallel, not on the same line
			}
			// Collinear: the overlap of the two edges along this one.
			t0 := (qp.Lon*r.Lon + qp.Lat*r.Lat) / rr
			t1 := t0 + (s.Lon*r.Lon+s.Lat*r.Lat)/rr
			lo, hi := math.Max(0, math.Min(t0, t1)), math.Min(1, math.Max(t0, t1))
			if hi-lo > 1e-12 {
				ts = append(ts, lo, hi)
				shared = append(shared, span{lo, hi, s.Lon*r.Lon+s.Lat*r.Lat > 0})
			}
		}
		sortFloats(ts)
		for k := 0; k+1 < len(ts); k++ {
			t0, t1 := ts[k], ts[k+1]
			if t1-t0 <= 1e-15 {
				continue
			}
			mid := (t0 + t1) / 2
			onShared, same := false, false
			for _, sp := range shared {
				if mid > sp.t0 && mid < sp.t1 {
					onShared, same = true, sp.same
				}
			}
			var inside bool
			if onShared {
				inside = keepShared && same
			} else {
				inside = other.contains(LonLat{e.a.Lon + mid*r.Lon, e.a.Lat + mid*r.Lat})
			}
			if !inside {
				continue
			}
			p := LonLat{e.a.Lon + t0*r.Lon, e.a.Lat + t0*r.Lat}
			q := LonLat{e.a.Lon + t1*r.Lon, e.a.Lat + t1*r.Lat}
			if t0 == 0 {
				p = e.a
			}
			if t1 == 1 {
				q = e.b
			}
			sum += el.pathExcess(p, q, el.halfTan(p), el.halfTan(q))
		}
	}
	return sum
}

// sortFloats is an insertion sort: the lists are a handful of crossings.
func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// OverlapArea is the ellipsoidal area (m²) two multipolygons share.
func OverlapArea(a, b MultiPolygon) float64 {
	return CGCS2000.IntersectionArea(Prepare(a), Prepare(b))
}

// Meets reports whether two prepared polygon sets touch or overlap: an
// edge of one meets an edge of the other, or one lies inside the other.
func (p *Prepared) Meets(q *Prepared) bool {
	if !p.box.Intersects(q.box) {
		return false
	}
	box := BBox{math.Max(p.box.MinLon, q.box.MinLon), math.Max(p.box.MinLat, q.box.MinLat), math.Min(p.box.MaxLon, q.box.MaxLon), math.Min(p.box.MaxLat, q.box.MaxLat)}
	pe, qe := p.within(box), q.within(box)
	for _, i := range pe {
		e := p.edges[i]
		for _, j := range qe {
			f := q.edges[j]
			if e.box.Intersects(f.box) && segmentsCross(e.a, e.b, f.a, f.b) {
				return true
			}
		}
	}
	return len(p.edges) > 0 && q.contains(p.edges[0].a) || len(q.edges) > 0 && p.contains(q.edges[0].a)
}
