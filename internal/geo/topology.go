package geo

import (
	"fmt"
	"slices"
)

// Stages 3–5 of ValidateMultiPolygon. Once no edges cross and no segment
// is shared, two rings are either nested or apart, so one vertex of a ring
// that is not on the other ring's boundary, tested against it, decides.

// touchCrossings is stage 3: at each point where two rings touch, the
// later ring must stay on one side of the earlier one. Around the point,
// the two edges of the first ring split the plane in two sectors; the
// second ring crosses when its two edges lie in different sectors.
func (v *validator) touchCrossings() *DefectError {
	slices.SortFunc(v.touches, func(x, y touch) int {
		switch {
		case x.r2 != y.r2:
			return int(x.r2 - y.r2)
		case x.r1 != y.r1:
			return int(x.r1 - y.r1)
		case x.at != y.at:
			if lessXY(x.at, y.at) {
				return -1
			}
			return 1
		case x.e2 != y.e2:
			return int(x.e2 - y.e2)
		}
		return int(x.e1 - y.e1)
	})
	v.touches = slices.CompactFunc(v.touches, func(x, y touch) bool {
		return x.r1 == y.r1 && x.r2 == y.r2 && x.at == y.at
	})
	v.partTouches = make([][]touch, len(v.shells))
	for _, t := range v.touches {
		if p := v.rings[t.r1].part; p == v.rings[t.r2].part {
			v.partTouches[p] = append(v.partTouches[p], t)
		}
	}
	for _, t := range v.touches {
		a1, a2, _ := v.rays(int(t.r1), int(t.e1), t.at)
		b1, b2, _ := v.rays(int(t.r2), int(t.e2), t.at)
		if inSector(t.at, b1, a1, a2) == inSector(t.at, b2, a1, a2) {
			continue
		}
		e := v.touchError(t)
		at := t.at
		e.At, e.Meet = &at, MeetCross
		rA, rB := v.rings[t.r1], v.rings[t.r2]
		if rA.part == rB.part {
			e.Rule = RuleRingsCross
			e.ZH = fmt.Sprintf("%s在 %s 处穿过%s", ringZH(e.Ring), pointText(at), ringZH(e.OtherRing))
			e.EN = fmt.Sprintf("%s crosses %s at %s", ringEN(e.Ring), ringEN(e.OtherRing), pointText(at))
		} else {
			e.Rule = RulePartsOverlap
			e.ZH = fmt.Sprintf("在 %s 处穿过第 %d 个面的%s，两个面重叠", pointText(at), e.OtherPart, ringZH(e.OtherRing))
			e.EN = fmt.Sprintf("the ring crosses %s of part %d at %s: the parts overlap", ringEN(e.OtherRing), e.OtherPart, pointText(at))
		}
		return e
	}
	return nil
}

// touchError fills the positions of a touch: ring r2 here, ring r1 the
// other; the vertex at the point, or the edge that holds it.
func (v *validator) touchError(t touch) *DefectError {
	e := &DefectError{}
	e.Part, e.Ring, e.Vertex, e.Edge = v.position(int(t.r2), int(t.e2), t.at)
	e.OtherPart, e.OtherRing, e.OtherVertex, e.OtherEdge = v.position(int(t.r1), int(t.e1), t.at)
	return e
}

// position is the 1-based place of point at on edge e of ring r: the
// vertex when it is one (edge 0), else the edge (and its first vertex).
func (v *validator) position(r, e int, at LonLat) (part, ring, vertex, edge int) {
	_, _, k := v.rays(r, e, at)
	rr := v.rings[r]
	if k >= 0 {
		return rr.part + 1, rr.ring + 1, v.local(r, k), 0
	}
	return rr.part + 1, rr.ring + 1, v.local(r, e), v.local(r, e)
}

// rays gives the points next to at along ring r, where at lies on edge e:
// the two neighbours of the vertex at, or the two ends of the edge when at
// is inside it (k = −1); k is the vertex.
func (v *validator) rays(r, e int, at LonLat) (u, w LonLat, k int) {
	rr := v.rings[r]
	switch at {
	case v.pts[e]:
		k = e
	case v.pts[e+1]:
		k = e + 1
	default:
		return v.pts[e], v.pts[e+1], -1
	}
	if k == rr.start+rr.n-1 {
		k = rr.start // the closing point is the first
	}
	prev := k - 1
	if k == rr.start {
		prev = rr.start + rr.n - 2
	}
	return v.pts[prev], v.pts[k+1], k
}

// half is 0 for directions from p with angle in [0, π) from east, 1 for
// [π, 2π).
func half(p, u LonLat) int {
	if u.Lat > p.Lat || u.Lat == p.Lat && u.Lon > p.Lon {
		return 0
	}
	return 1
}

// angleLess orders the directions from p to u and to w by angle, counter-
// clockwise from east, exactly.
func angleLess(p, u, w LonLat) bool {
	if hu, hw := half(p, u), half(p, w); hu != hw {
		return hu < hw
	}
	return orient(p, u, w) > 0
}

// inSector reports whether the direction p→r lies strictly inside the
// counter-clockwise turn from p→from to p→to.
func inSector(p, r, from, to LonLat) bool {
	if angleLess(p, from, to) {
		return angleLess(p, from, r) && angleLess(p, r, to)
	}
	return angleLess(p, from, r) || angleLess(p, r, to)
}

type side uint8

const (
	outside side = iota
	inside
	onBoundary
)

// pointInRing locates p against ring g by the crossing number of a ray
// to the east, through the edge index, with exact orientation tests.
func (v *validator) pointInRing(p LonLat, g int) side {
	gr := v.rings[g]
	if p.Lon < gr.box.MinLon || p.Lon > gr.box.MaxLon || p.Lat < gr.box.MinLat || p.Lat > gr.box.MaxLat {
		return outside
	}
	cands := v.edges.search(BBox{p.Lon, p.Lat, gr.box.MaxLon, p.Lat}, v.pbuf[:0])
	v.pbuf = cands
	in := false
	for _, c := range cands {
		L := v.leaves[c]
		if int(L.ring) != g {
			continue
		}
		for e := int(L.lo); e < int(L.hi); e++ {
			a, b := v.pts[e], v.pts[e+1]
			if max(a.Lon, b.Lon) < p.Lon || min(a.Lat, b.Lat) > p.Lat || max(a.Lat, b.Lat) < p.Lat {
				continue
			}
			on, crosses := rayEdge(p, a, b)
			if on {
				return onBoundary
			}
			if crosses {
				in = !in
			}
		}
	}
	if in {
		return inside
	}
	return outside
}

// inside reports whether ring h lies inside ring g, given that they do
// not cross, and the vertex of h (index in pts) that decided.
func (v *validator) inside(h, g int) (bool, int) {
	hr, gr := v.rings[h], v.rings[g]
	last := hr.start + hr.n - 1
	if !gr.box.Contains(hr.box) {
		for k := hr.start; k < last; k++ {
			p := v.pts[k]
			if p.Lon < gr.box.MinLon || p.Lon > gr.box.MaxLon || p.Lat < gr.box.MinLat || p.Lat > gr.box.MaxLat {
				return false, k
			}
		}
	}
	for k := hr.start; k < last; k++ {
		switch v.pointInRing(v.pts[k], g) {
		case inside:
			return true, k
		case outside:
			return false, k
		}
	}
	// Every vertex of h is on g (then the rings touch at three points or
	// more, which the interior rule refuses anyway): try edge midpoints.
	for k := hr.start; k < last; k++ {
		a, b := v.pts[k], v.pts[k+1]
		switch v.pointInRing(LonLat{(a.Lon + b.Lon) / 2, (a.Lat + b.Lat) / 2}, g) {
		case inside:
			return true, k
		case outside:
			return false, k
		}
	}
	return true, hr.start
}

// ringsAt lists, in order, the rings whose boxes hold p.
func (v *validator) ringsAt(p LonLat) []int32 {
	if v.ringTree == nil {
		boxes := make([]BBox, len(v.rings))
		for i, r := range v.rings {
			boxes[i] = r.box
		}
		v.ringTree = buildPacked(boxes, true)
	}
	out := v.ringTree.search(BBox{p.Lon, p.Lat, p.Lon, p.Lat}, nil)
	slices.Sort(out)
	return out
}

// partRings is stage 4 for part p: each hole inside the outer ring, no
// hole inside another, and an interior in one piece.
func (v *validator) partRings(p int) *DefectError {
	shell, end := v.shells[p], v.partEnd(p)
	for h := shell + 1; h < end; h++ {
		if in, k := v.inside(h, shell); !in {
			return &DefectError{Rule: RuleHoleOutside, Part: p + 1, Ring: h - shell + 1, Vertex: v.local(h, k), OtherPart: p + 1, OtherRing: 1,
				ZH: "内环不在外环之内（此点在外环之外）", EN: "the hole is not inside the outer ring (this vertex lies outside it)"}
		}
	}
	if end-shell > 2 {
		for h := shell + 1; h < end; h++ {
			for _, g := range v.ringsAt(v.pts[v.rings[h].start]) {
				if int(g) <= shell || int(g) >= end || int(g) == h {
					continue
				}
				if in, k := v.inside(h, int(g)); in {
					other := int(g) - shell + 1
					return &DefectError{Rule: RuleNestedHoles, Part: p + 1, Ring: h - shell + 1, Vertex: v.local(h, k), OtherPart: p + 1, OtherRing: other,
						ZH: fmt.Sprintf("本内环位于第 %d 个内环之内", other-1), EN: fmt.Sprintf("this hole lies inside hole %d", other-1)}
				}
			}
		}
	}
	return v.connected(p)
}

// connected checks that touches between the rings of part p leave its
// interior in one piece: in the graph whose nodes are the rings and the
// points where they touch, a cycle encloses a piece of the interior (two
// rings touching twice, three rings touching in a loop). Union–find over
// the touches finds the first edge of the graph that closes a cycle.
func (v *validator) connected(p int) *DefectError {
	ts := v.partTouches[p]
	if len(ts) < 2 {
		return nil
	}
	shell, end := v.shells[p], v.partEnd(p)
	parent := make([]int, end-shell, end-shell+2*len(ts))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	points := map[LonLat]int{}
	type incidence struct {
		ring int32
		at   LonLat
	}
	seen := map[incidence]bool{}
	for _, t := range ts {
		pt, ok := points[t.at]
		if !ok {
			pt = len(parent)
			points[t.at] = pt
			parent = append(parent, pt)
		}
		for _, s := range [2]struct{ r, e, or, oe int32 }{{t.r1, t.e1, t.r2, t.e2}, {t.r2, t.e2, t.r1, t.e1}} {
			inc := incidence{s.r, t.at}
			if seen[inc] {
				continue
			}
			seen[inc] = true
			a, b := find(int(s.r)-shell), find(pt)
			if a != b {
				parent[a] = b
				continue
			}
			e := &DefectError{Rule: RuleDisconnected}
			e.Part, e.Ring, e.Vertex, e.Edge = v.position(int(s.r), int(s.e), t.at)
			e.OtherPart, e.OtherRing, e.OtherVertex, e.OtherEdge = v.position(int(s.or), int(s.oe), t.at)
			at := t.at
			e.At, e.Meet = &at, MeetTouch
			e.ZH = fmt.Sprintf("%s与%s在 %s 处相接，连同其他相接点把面的内部分成了不相连的几块", ringZH(e.Ring), ringZH(e.OtherRing), pointText(at))
			e.EN = fmt.Sprintf("%s touches %s at %s, which with the other points where rings touch cuts the polygon's interior apart", ringEN(e.Ring), ringEN(e.OtherRing), pointText(at))
			return e
		}
	}
	return nil
}

// partsContained is stage 5: no part's outer ring lies inside another
// part, unless it is inside one of that part's holes.
func (v *validator) partsContained() *DefectError {
	if len(v.shells) < 2 {
		return nil
	}
	for q, h := range v.shells {
		cands := v.ringsAt(v.pts[v.rings[h].start])
		for _, g := range cands {
			gr := v.rings[g]
			if gr.ring != 0 || gr.part == q {
				continue
			}
			in, k := v.inside(h, int(g))
			if !in {
				continue
			}
			inHole := false
			for _, g2 := range cands {
				if r2 := v.rings[g2]; r2.part == gr.part && r2.ring > 0 {
					if in2, _ := v.inside(h, int(g2)); in2 {
						inHole = true
						break
					}
				}
			}
			if !inHole {
				return &DefectError{Rule: RulePartsOverlap, Part: q + 1, Ring: 1, Vertex: v.local(h, k), OtherPart: gr.part + 1, OtherRing: 1,
					ZH: fmt.Sprintf("本面位于第 %d 个面之内，两个面重叠", gr.part+1), EN: fmt.Sprintf("this part lies inside part %d: the parts overlap", gr.part+1)}
			}
		}
	}
	return nil
}
