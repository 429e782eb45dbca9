package geo

import (
	"fmt"
	"math"
	"strings"
)

// Rule names a polygon validity rule: the simple-features rules of the
// OGC (ISO 19125-1, §6.1.11), plus mineplan's own refusal of repeated
// points. Ring orientation is not a rule: GeoJSON readers must accept
// either.
type Rule string

const (
	// RuleEmpty: the multipolygon has no parts, or a part has no rings.
	RuleEmpty Rule = "empty"
	// RuleVertices: a ring has fewer than 4 points (closed), or fewer
	// than 3 distinct points.
	RuleVertices Rule = "vertices"
	// RuleFinite: a coordinate is NaN or infinite.
	RuleFinite Rule = "finite"
	// RuleRange: a point lies outside longitude ±180° or latitude ±90°.
	RuleRange Rule = "range"
	// RuleRepeated: a point repeats the one before it.
	RuleRepeated Rule = "repeated"
	// RuleClosed: a ring's last point is not its first.
	RuleClosed Rule = "closed"
	// RuleSelfIntersection: two edges of one ring that are not neighbours
	// share a point (crossing or touching), or two neighbouring edges run
	// back along each other (a spike).
	RuleSelfIntersection Rule = "self-intersection"
	// RuleRingsCross: two rings of one polygon cross, at an edge or at a
	// vertex, or share part of an edge. Touching at single points is
	// allowed.
	RuleRingsCross Rule = "rings-cross"
	// RuleHoleOutside: a hole is not inside its polygon's outer ring.
	RuleHoleOutside Rule = "hole-outside"
	// RuleNestedHoles: a hole lies inside another hole of the polygon.
	RuleNestedHoles Rule = "nested-holes"
	// RuleDisconnected: rings that touch at points cut the polygon's
	// interior into pieces (a hole touching the outer ring at two points,
	// holes touching each other around a closed loop).
	RuleDisconnected Rule = "disconnected-interior"
	// RulePartsOverlap: the interiors of two parts of a multipolygon meet:
	// their edges cross, they share part of an edge, or one part lies
	// inside another (and not in one of its holes). Parts may touch at
	// points.
	RulePartsOverlap Rule = "parts-overlap"
)

// DefectError says which rule a geometry breaks and where. Positions
// count from 1; 0 means the position does not apply. Ring 1 is a part's
// outer ring and ring 2, 3 … are its holes 1, 2 …; vertex k is the k-th
// point of the ring as given (the closing point is the last), and edge k
// runs from vertex k to vertex k+1.
type DefectError struct {
	Rule   Rule
	Part   int // 1-based part of the multipolygon (a single polygon is part 1)
	Ring   int // 1-based ring of the part: 1 the outer ring, 2… the holes
	Vertex int // 1-based vertex of the ring
	Edge   int // 1-based edge of the ring, when the defect is on an edge
	// The other place involved, when there is one: the edge crossed, the
	// ring or part this one lies in or touches.
	OtherPart, OtherRing, OtherVertex, OtherEdge int
	// Meet says how edges meet when the defect is between edges or rings
	// (MeetCross, MeetTouch, MeetOverlap, MeetSpike); "" otherwise.
	Meet string
	// At is where two edges meet, for crossings and touches; nil otherwise.
	At *LonLat
	// ZH and EN are the message without its position.
	ZH, EN string
}

// How edges meet, in DefectError.Meet.
const (
	MeetCross   = "cross"   // the edges (or the rings, at a shared vertex) cross
	MeetTouch   = "touch"   // a vertex of one lies on the other
	MeetOverlap = "overlap" // they share a segment
	MeetSpike   = "spike"   // neighbouring edges of a ring run back along each other
)

// Error gives the position and the message in Chinese, then in English,
// then the rule: "第 1 个面第 2 环（第 1 个内环）第 3 点：… / part 1 ring 2
// (hole 1) vertex 3: … (rings-cross)".
func (e *DefectError) Error() string {
	zh, en := e.Where()
	if zh == "" {
		return fmt.Sprintf("%s / %s (%s)", e.ZH, e.EN, e.Rule)
	}
	return fmt.Sprintf("%s：%s / %s: %s (%s)", zh, e.ZH, en, e.EN, e.Rule)
}

// Where is the position in words, in Chinese and in English; empty when
// the defect concerns the whole geometry.
func (e *DefectError) Where() (zh, en string) {
	var z, g []string
	if e.Part > 0 {
		z = append(z, fmt.Sprintf("第 %d 个面", e.Part))
		g = append(g, fmt.Sprintf("part %d", e.Part))
	}
	if e.Ring > 0 {
		z = append(z, fmt.Sprintf("第 %d 环（%s）", e.Ring, ringZH(e.Ring)))
		g = append(g, fmt.Sprintf("ring %d (%s)", e.Ring, ringNameEN(e.Ring)))
	}
	if e.Vertex > 0 {
		z = append(z, fmt.Sprintf("第 %d 点", e.Vertex))
		g = append(g, fmt.Sprintf("vertex %d", e.Vertex))
	}
	return strings.Join(z, ""), strings.Join(g, " ")
}

// ringZH names a 1-based ring of a part: 外环, 第 N 个内环.
func ringZH(ring int) string {
	if ring == 1 {
		return "外环"
	}
	return fmt.Sprintf("第 %d 个内环", ring-1)
}

// ringNameEN names a 1-based ring of a part: outer ring, hole N.
func ringNameEN(ring int) string {
	if ring == 1 {
		return "outer ring"
	}
	return fmt.Sprintf("hole %d", ring-1)
}

func ringEN(ring int) string {
	if ring == 1 {
		return "the outer ring"
	}
	return ringNameEN(ring)
}

func edgeName(e int) string { return fmt.Sprintf("%d–%d", e, e+1) }

func pointText(p LonLat) string { return fmt.Sprintf("(%.7f, %.7f)", p.Lon, p.Lat) }

// ValidatePolygon validates one polygon: ValidateMultiPolygon of a
// multipolygon with this polygon as its only part (reported as part 1).
func ValidatePolygon(p Polygon) error {
	return ValidateMultiPolygon(MultiPolygon{p})
}

// ValidateMultiPolygon checks a multipolygon against the OGC
// simple-features rules and returns the first defect as a *DefectError,
// or nil when the geometry is valid. It never repairs. The checks run in
// this order, so the same input always gives the same defect:
//
//  1. each ring in turn (parts, then rings, in order): empty, vertices,
//     finite, range, repeated, closed;
//  2. all edges of all rings at once, through a packed R-tree of edge
//     boxes: self-intersection, rings-cross and parts-overlap where edges
//     cross or share a segment (the first edge in reading order that
//     meets another, and the first edge it meets);
//  3. points where rings touch: a ring that passes through another there
//     (rings-cross, parts-overlap);
//  4. each part: hole-outside, nested-holes, disconnected-interior;
//  5. each part against the others: parts-overlap by containment.
//
// Every decision is exact (robust orientation tests, see orient), so
// touching and collinear cases do not depend on rounding; edges are
// straight lines in the longitude/latitude plane. For ordinary geometry
// the cost is O(n log n) in the number of vertices.
func ValidateMultiPolygon(m MultiPolygon) error {
	return validate(m, true)
}

// ValidateProjected is ValidateMultiPolygon for coordinates in metres (a
// Gauss–Krüger zone): the same rules but the longitude/latitude range.
func ValidateProjected(m MultiPolygon) error {
	return validate(m, false)
}

func validate(m MultiPolygon, geographic bool) error {
	if d := validateStructure(m, geographic); d != nil {
		return d
	}
	v := newValidator(m)
	if d := v.edgePass(); d != nil {
		return d
	}
	if d := v.touchCrossings(); d != nil {
		return d
	}
	for p := range v.shells {
		if d := v.partRings(p); d != nil {
			return d
		}
	}
	if d := v.partsContained(); d != nil {
		return d
	}
	return nil
}

// validateStructure is stage 1: the rules one ring at a time.
func validateStructure(m MultiPolygon, geographic bool) *DefectError {
	if len(m) == 0 {
		return &DefectError{Rule: RuleEmpty, ZH: "多面没有任何面", EN: "the multipolygon has no parts"}
	}
	for pi, p := range m {
		if len(p) == 0 {
			return &DefectError{Rule: RuleEmpty, Part: pi + 1, ZH: "面没有任何环", EN: "the part has no rings"}
		}
		for ri, r := range p {
			at := func(rule Rule, vertex int, zh, en string, a ...any) *DefectError {
				return &DefectError{Rule: rule, Part: pi + 1, Ring: ri + 1, Vertex: vertex, ZH: fmt.Sprintf(zh, a...), EN: fmt.Sprintf(en, a...)}
			}
			if len(r) == 0 {
				return at(RuleVertices, 0, "环没有任何点", "the ring has no points")
			}
			if len(r) < 4 {
				return at(RuleVertices, 0, "环只有 %d 个点，闭合的环至少需要 4 个点（末点重复首点）", "the ring has %d points; a closed ring needs at least 4 (the last repeating the first)", len(r))
			}
			for vi, pt := range r {
				if math.IsNaN(pt.Lon) || math.IsNaN(pt.Lat) || math.IsInf(pt.Lon, 0) || math.IsInf(pt.Lat, 0) {
					return at(RuleFinite, vi+1, "坐标不是有限的数", "a coordinate is not a finite number")
				}
				if geographic && (pt.Lon < -180 || pt.Lon > 180 || pt.Lat < -90 || pt.Lat > 90) {
					return at(RuleRange, vi+1, "(%g, %g) 超出经度 ±180°、纬度 ±90° 的范围", "(%g, %g) is outside longitude ±180° / latitude ±90°", pt.Lon, pt.Lat)
				}
				if vi > 0 && pt == r[vi-1] {
					return at(RuleRepeated, vi+1, "此点与上一点重复", "the point repeats the one before it")
				}
			}
			if r[0] != r[len(r)-1] {
				return at(RuleClosed, len(r), "末点与首点不同：环未闭合", "the last point does not repeat the first: the ring is not closed")
			}
			// At least three distinct points, without a map: a second
			// point unlike the first, and a third unlike both.
			second, third := -1, -1
			for vi, pt := range r {
				if second < 0 && pt != r[0] {
					second = vi
				} else if second >= 0 && pt != r[0] && pt != r[second] {
					third = vi
					break
				}
			}
			if third < 0 {
				n := 1
				if second >= 0 {
					n = 2
				}
				return at(RuleVertices, 0, "环只有 %d 个不同的点，至少需要 3 个", "the ring has %d distinct points; at least 3 are needed", n)
			}
		}
	}
	return nil
}

// vring is a ring of the multipolygon: its points are
// pts[start:start+n], closed (the last repeats the first).
type vring struct {
	part, ring int // 0-based
	start, n   int
	box        BBox
}

// leaf is a run of up to leafSize consecutive edges of one ring: edges
// lo ≤ e < hi, an edge being named by the index in pts of its first point.
type leaf struct{ ring, lo, hi int32 }

// leafSize is the number of consecutive edges of a ring per leaf of the
// edge index. Consecutive edges of a ring lie next to each other, so the
// leaves are small boxes without any sorting; the leaves are then packed
// along a Hilbert curve.
const leafSize = 8

// touch is a point where two different rings meet without crossing edges
// or sharing a segment: a vertex of one on the other.
type touch struct {
	at     LonLat
	r1, r2 int32 // rings, r1 < r2
	e1, e2 int32 // an edge of each whose closed segment holds at
}

type validator struct {
	pts      []LonLat
	rings    []vring
	shells   []int // the index in rings of each part's outer ring
	leaves   []leaf
	leafBox  []BBox
	edges    *packedIndex // over leaves
	ringTree *packedIndex // over rings, built when needed
	touches  []touch
	// partTouches are the touches between rings of the same part, by part.
	partTouches [][]touch
	buf         []int32 // edge-pass scratch
	pbuf        []int32 // point-in-ring scratch
}

func newValidator(m MultiPolygon) *validator {
	v := &validator{}
	total, nr := 0, 0
	for _, p := range m {
		nr += len(p)
		for _, r := range p {
			total += len(r)
		}
	}
	v.pts = make([]LonLat, 0, total)
	v.rings = make([]vring, 0, nr)
	v.shells = make([]int, 0, len(m))
	nl := 0
	for _, p := range m {
		for _, r := range p {
			nl += (len(r) - 1 + leafSize - 1) / leafSize
		}
	}
	v.leaves = make([]leaf, 0, nl)
	v.leafBox = make([]BBox, 0, nl)
	for pi, p := range m {
		v.shells = append(v.shells, len(v.rings))
		for ri, r := range p {
			start := len(v.pts)
			v.pts = append(v.pts, r...)
			rb := BBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			ringIdx := int32(len(v.rings))
			for lo := start; lo < start+len(r)-1; lo += leafSize {
				hi := min(lo+leafSize, start+len(r)-1)
				b := pointBox(v.pts[lo : hi+1])
				v.leaves = append(v.leaves, leaf{ringIdx, int32(lo), int32(hi)})
				v.leafBox = append(v.leafBox, b)
				rb = union(rb, b)
			}
			v.rings = append(v.rings, vring{part: pi, ring: ri, start: start, n: len(r), box: rb})
		}
	}
	v.edges = buildPacked(v.leafBox, true)
	return v
}

func pointBox(ps []LonLat) BBox {
	b := BBox{ps[0].Lon, ps[0].Lat, ps[0].Lon, ps[0].Lat}
	for _, p := range ps[1:] {
		b.MinLon, b.MaxLon = min(b.MinLon, p.Lon), max(b.MaxLon, p.Lon)
		b.MinLat, b.MaxLat = min(b.MinLat, p.Lat), max(b.MaxLat, p.Lat)
	}
	return b
}

func union(a, b BBox) BBox {
	return BBox{min(a.MinLon, b.MinLon), min(a.MinLat, b.MinLat), max(a.MaxLon, b.MaxLon), max(a.MaxLat, b.MaxLat)}
}

// partEnd is one past the last ring of part p.
func (v *validator) partEnd(p int) int {
	if p+1 < len(v.shells) {
		return v.shells[p+1]
	}
	return len(v.rings)
}

// local is the 1-based number, within its ring, of the point pts[i].
func (v *validator) local(r int, i int) int { return i - v.rings[r].start + 1 }

// pairDefect is what the edge pass found wrong with edges i < j.
type pairDefect struct {
	kind meeting // crossing, touching, overlap; spike is overlap of neighbours
	i, j int
	ri   int
	rj   int
	at   LonLat
	tip  bool // neighbouring edges running back along each other
}

// edgePass is stage 2. Leaves are visited in reading order; for each edge
// the index gives the edges after it whose boxes meet its box, and each
// such pair is decided exactly. The first edge with a defect is reported,
// with the first edge after it that it meets.
func (v *validator) edgePass() *DefectError {
	pts := v.pts
	cands := v.buf[:0]
	for l := range v.leaves {
		L := v.leaves[l]
		cands = v.edges.search(v.leafBox[l], cands[:0])
		k := 0
		for _, c := range cands {
			if int(c) >= l {
				cands[k] = c
				k++
			}
		}
		cands = cands[:k]
		for i := int(L.lo); i < int(L.hi); i++ {
			a, b := pts[i], pts[i+1]
			minX, maxX := min(a.Lon, b.Lon), max(a.Lon, b.Lon)
			minY, maxY := min(a.Lat, b.Lat), max(a.Lat, b.Lat)
			var best *pairDefect
			for _, c := range cands {
				M := v.leaves[c]
				j0 := int(M.lo)
				if int(c) == l {
					j0 = i + 1
				}
				for j := j0; j < int(M.hi); j++ {
					if best != nil && j >= best.j {
						break
					}
					p, q := pts[j], pts[j+1]
					if max(p.Lon, q.Lon) < minX || min(p.Lon, q.Lon) > maxX || max(p.Lat, q.Lat) < minY || min(p.Lat, q.Lat) > maxY {
						continue
					}
					if d := v.pair(i, j, int(L.ring), int(M.ring)); d != nil {
						best = d
					}
				}
			}
			if best != nil {
				v.buf = cands
				return v.pairError(best)
			}
		}
	}
	v.buf = cands
	return nil
}

// pair decides edges i < j (of rings ri ≤ rj), whose boxes meet; it
// records touches between rings and returns a defect.
func (v *validator) pair(i, j, ri, rj int) *pairDefect {
	pts := v.pts
	if ri == rj {
		r := v.rings[ri]
		last := r.start + r.n - 2 // the closing edge
		switch {
		case j == i+1:
			if spike(pts[i], pts[j], pts[j+1]) {
				return &pairDefect{kind: overlap, i: i, j: j, ri: ri, rj: rj, at: pts[j], tip: true}
			}
			return nil
		case i == r.start && j == last:
			if spike(pts[last], pts[i], pts[i+1]) {
				return &pairDefect{kind: overlap, i: i, j: j, ri: ri, rj: rj, at: pts[i], tip: true}
			}
			return nil
		}
	}
	m, at := classify(pts[i], pts[i+1], pts[j], pts[j+1])
	switch {
	case m == apart:
		return nil
	case m == touching && ri != rj:
		v.touches = append(v.touches, touch{at: at, r1: int32(ri), r2: int32(rj), e1: int32(i), e2: int32(j)})
		return nil
	case m == crossing:
		at = crossingPoint(pts[i], pts[i+1], pts[j], pts[j+1])
	}
	return &pairDefect{kind: m, i: i, j: j, ri: ri, rj: rj, at: at}
}

// spike reports whether the path a→b→c turns straight back at b.
func spike(a, b, c LonLat) bool {
	return orient(a, b, c) == 0 && lessXY(a, b) != lessXY(b, c)
}

func (v *validator) pairError(d *pairDefect) *DefectError {
	ri, rj := v.rings[d.ri], v.rings[d.rj]
	at := d.at
	e := &DefectError{
		Part: rj.part + 1, Ring: rj.ring + 1, Vertex: v.local(d.rj, d.j), Edge: v.local(d.rj, d.j),
		OtherPart: ri.part + 1, OtherRing: ri.ring + 1, OtherVertex: v.local(d.ri, d.i), OtherEdge: v.local(d.ri, d.i),
		At: &at,
	}
	mine, other := edgeName(e.Edge), edgeName(e.OtherEdge)
	switch d.kind {
	case crossing:
		e.Meet = MeetCross
	case touching:
		e.Meet = MeetTouch
	default:
		e.Meet = MeetOverlap
	}
	switch {
	case d.tip:
		e.Rule = RuleSelfIntersection
		e.Meet = MeetSpike
		e.At = nil
		if d.j == d.i+1 { // edge i ends where edge j starts, at the tip
			e.Edge, e.OtherEdge = v.local(d.rj, d.j), v.local(d.ri, d.i)
		} else { // the closing edge j and edge 1 meet at vertex 1
			e.Edge, e.OtherEdge = 1, v.local(d.rj, d.j)
		}
		e.Vertex, e.OtherVertex = e.Edge, e.OtherEdge
		before, after := edgeName(e.OtherEdge), edgeName(e.Edge)
		e.ZH = fmt.Sprintf("环在此点折返：边 %s 与边 %s 重合", before, after)
		e.EN = fmt.Sprintf("the ring turns back on itself here: edges %s and %s overlap", before, after)
	case d.ri == d.rj:
		e.Rule = RuleSelfIntersection
		switch d.kind {
		case crossing:
			e.ZH = fmt.Sprintf("边 %s 与本环的边 %s 相交于 %s", mine, other, pointText(at))
			e.EN = fmt.Sprintf("edge %s crosses edge %s of the same ring at %s", mine, other, pointText(at))
		case touching:
			e.ZH = fmt.Sprintf("边 %s 与本环的边 %s 相接于 %s（环不能与自身接触）", mine, other, pointText(at))
			e.EN = fmt.Sprintf("edge %s touches edge %s of the same ring at %s (a ring may not touch itself)", mine, other, pointText(at))
		default:
			e.At = nil
			e.ZH = fmt.Sprintf("边 %s 与本环的边 %s 部分重合", mine, other)
			e.EN = fmt.Sprintf("edge %s runs along edge %s of the same ring", mine, other)
		}
	case ri.part == rj.part:
		e.Rule = RuleRingsCross
		if d.kind == crossing {
			e.ZH = fmt.Sprintf("%s的边 %s 与%s的边 %s 相交于 %s", ringZH(e.Ring), mine, ringZH(e.OtherRing), other, pointText(at))
			e.EN = fmt.Sprintf("edge %s of %s crosses edge %s of %s at %s", mine, ringEN(e.Ring), other, ringEN(e.OtherRing), pointText(at))
		} else {
			e.At = nil
			e.ZH = fmt.Sprintf("%s的边 %s 与%s的边 %s 部分重合", ringZH(e.Ring), mine, ringZH(e.OtherRing), other)
			e.EN = fmt.Sprintf("edge %s of %s runs along edge %s of %s", mine, ringEN(e.Ring), other, ringEN(e.OtherRing))
		}
	default:
		e.Rule = RulePartsOverlap
		if d.kind == crossing {
			e.ZH = fmt.Sprintf("边 %s 与第 %d 个面%s的边 %s 相交于 %s，两个面重叠", mine, e.OtherPart, ringZH(e.OtherRing), other, pointText(at))
			e.EN = fmt.Sprintf("edge %s crosses edge %s of %s of part %d at %s: the parts overlap", mine, other, ringEN(e.OtherRing), e.OtherPart, pointText(at))
		} else {
			e.At = nil
			e.ZH = fmt.Sprintf("边 %s 与第 %d 个面%s的边 %s 部分重合（面与面之间只能在点上相接）", mine, e.OtherPart, ringZH(e.OtherRing), other)
			e.EN = fmt.Sprintf("edge %s runs along edge %s of %s of part %d (parts may touch only at points)", mine, other, ringEN(e.OtherRing), e.OtherPart)
		}
	}
	return e
}
