package geo

import (
	"math"
	"math/big"
)

// Robust planar predicates in the longitude/latitude plane.
//
// orient decides the side of a point with respect to a directed line
// exactly, so that collinear points, touching edges and shared segments
// are told apart from near misses whatever the rounding. It runs in three
// stages:
//
//  1. the determinant in float64 with Shewchuk's static error bound
//     ("Adaptive precision floating-point arithmetic and fast robust
//     geometric predicates", 1997): when the result is farther from zero
//     than the bound, its sign is right;
//  2. when the coordinate differences are exact (always so within one
//     parcel or map sheet, by Sterbenz's lemma), the two products are
//     split into a rounded value and an exact error term with a fused
//     multiply–add, and compared exactly;
//  3. otherwise math/big rationals, which are exact for any finite input.
//
// Stages 2 and 3 run only when the determinant is within a few units in
// the last place of zero, that is for (nearly) collinear points.

// ccwErrBound is Shewchuk's ccwerrboundA, (3 + 16ε)ε with ε = 2⁻⁵³.
const ccwErrBound = (3.0 + 16.0*epsilon) * epsilon

const epsilon = 1.0 / (1 << 53)

// tinyDet is far above the underflow threshold: below it the float
// products may have lost bits to underflow and the error bound no longer
// holds, so the exact stages decide.
const tinyDet = 1e-290

// orient is +1 when a, b, c turn counter-clockwise (c lies left of the
// directed line a→b), −1 when they turn clockwise and 0 when they are
// collinear, decided exactly. The coordinates must be finite.
func orient(a, b, c LonLat) int {
	acx, bcx := a.Lon-c.Lon, b.Lon-c.Lon
	acy, bcy := a.Lat-c.Lat, b.Lat-c.Lat
	left, right := acx*bcy, acy*bcx
	det := left - right
	sum := math.Abs(left) + math.Abs(right)
	if sum > tinyDet {
		bound := ccwErrBound * sum
		if det > bound {
			return 1
		}
		if -det > bound {
			return -1
		}
	}
	return orientExact(a, b, c)
}

// orientExact is stages 2 and 3 of orient.
func orientExact(a, b, c LonLat) int {
	acx, ok1 := exactDiff(a.Lon, c.Lon)
	bcx, ok2 := exactDiff(b.Lon, c.Lon)
	acy, ok3 := exactDiff(a.Lat, c.Lat)
	bcy, ok4 := exactDiff(b.Lat, c.Lat)
	if ok1 && ok2 && ok3 && ok4 {
		if s, ok := compareProducts(acx, bcy, acy, bcx); ok {
			return s
		}
	}
	return orientBig(a, b, c)
}

// exactDiff returns x−y and whether that difference is exact (Knuth's
// two-sum: the rounding error of the subtraction is zero).
func exactDiff(x, y float64) (float64, bool) {
	d := x - y
	return d, twoDiffTail(x, y, d) == 0
}

// twoDiffTail is the exact rounding error of d = fl(x−y) (Knuth's
// TwoSum applied to x and −y): x − y = d + tail exactly.
func twoDiffTail(x, y, d float64) float64 {
	bvirt := x - d
	avirt := d + bvirt
	bround := bvirt - y
	around := x - avirt
	return around + bround
}

// compareProducts returns the sign of p·q − r·s, exactly, for finite
// factors, and false when an exponent is too small or too large for the
// error terms of the products to be exact.
func compareProducts(p, q, r, s float64) (int, bool) {
	x := p * q
	y := r * s
	if !productSafe(p, q, x) || !productSafe(r, s, y) {
		return 0, false
	}
	// x and y are the rounded products. Rounding is monotonic, so x > y
	// implies p·q > r·s; when they are equal the exact error terms decide.
	switch {
	case x > y:
		return 1, true
	case x < y:
		return -1, true
	}
	ex := math.FMA(p, q, -x)
	ey := math.FMA(r, s, -y)
	switch {
	case ex > ey:
		return 1, true
	case ex < ey:
		return -1, true
	}
	return 0, true
}

// productSafe reports whether x = fl(a·b) is neither infinite nor so small
// that a·b − x is not representable (or was lost to underflow).
func productSafe(a, b, x float64) bool {
	if a == 0 || b == 0 {
		return true // x is exactly zero
	}
	ax := math.Abs(x)
	return ax > tinyDet && !math.IsInf(x, 0)
}

// orientBig is the exact determinant with rational arithmetic.
func orientBig(a, b, c LonLat) int {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	acx := new(big.Rat).Sub(r(a.Lon), r(c.Lon))
	bcx := new(big.Rat).Sub(r(b.Lon), r(c.Lon))
	acy := new(big.Rat).Sub(r(a.Lat), r(c.Lat))
	bcy := new(big.Rat).Sub(r(b.Lat), r(c.Lat))
	left := new(big.Rat).Mul(acx, bcy)
	right := new(big.Rat).Mul(acy, bcx)
	return left.Cmp(right)
}

// lessXY orders points by longitude, then latitude: along a line this is
// a linear order, so it ranks collinear points exactly.
func lessXY(p, q LonLat) bool {
	return p.Lon < q.Lon || p.Lon == q.Lon && p.Lat < q.Lat
}

// meeting is how two segments meet.
type meeting uint8

const (
	apart    meeting = iota // no common point
	crossing                // one common point, interior to both
	touching                // one common point, an endpoint of at least one
	overlap                 // collinear with a common part of positive length
)

// classify decides exactly how segments ab and cd meet; at is the common
// point of a touch (always one of the four endpoints). Each segment must
// have two distinct endpoints.
func classify(a, b, c, d LonLat) (m meeting, at LonLat) {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	if o1 != 0 && o1 == o2 {
		return apart, at
	}
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o3 != 0 && o3 == o4 {
		return apart, at
	}
	if o1 == 0 && o2 == 0 {
		// Collinear: compare the two spans along the line.
		lo1, hi1 := a, b
		if lessXY(b, a) {
			lo1, hi1 = b, a
		}
		lo2, hi2 := c, d
		if lessXY(d, c) {
			lo2, hi2 = d, c
		}
		lo, hi := lo1, hi2
		if lessXY(lo1, lo2) {
			lo = lo2
		}
		if lessXY(hi1, hi2) {
			hi = hi1
		}
		switch {
		case lessXY(lo, hi):
			return overlap, at
		case lo == hi:
			return touching, lo
		}
		return apart, at
	}
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		return crossing, at
	}
	switch {
	case o1 == 0:
		return touching, c
	case o2 == 0:
		return touching, d
	case o3 == 0:
		return touching, a
	}
	return touching, b
}

// crossingPoint is where the lines through ab and cd meet, in float64
// (for messages; the decision is classify's).
func crossingPoint(a, b, c, d LonLat) LonLat {
	d1 := (d.Lon-c.Lon)*(a.Lat-c.Lat) - (d.Lat-c.Lat)*(a.Lon-c.Lon)
	d2 := (d.Lon-c.Lon)*(b.Lat-c.Lat) - (d.Lat-c.Lat)*(b.Lon-c.Lon)
	if d1 == d2 {
		return a
	}
	t := d1 / (d1 - d2)
	return LonLat{Lon: a.Lon + t*(b.Lon-a.Lon), Lat: a.Lat + t*(b.Lat-a.Lat)}
}

// segmentsCross reports whether segments ab and cd have any common point
// (crossing, touching or overlapping), decided exactly.
func segmentsCross(a, b, c, d LonLat) bool {
	if a == b {
		return pointOnSegment(a, c, d)
	}
	if c == d {
		return pointOnSegment(c, a, b)
	}
	m, _ := classify(a, b, c, d)
	return m != apart
}

// pointOnSegment reports whether p lies on the closed segment ab.
func pointOnSegment(p, a, b LonLat) bool {
	if a == b {
		return p == a
	}
	if orient(a, b, p) != 0 {
		return false
	}
	lo, hi := a, b
	if lessXY(b, a) {
		lo, hi = b, a
	}
	return !lessXY(p, lo) && !lessXY(hi, p)
}

// LocateInRing tells where p lies against a closed ring: 1 inside, −1
// outside, 0 on the boundary. It counts the crossings of a ray to the east
// with exact orientation tests, so a point on an edge is never taken for
// one beside it; the ring's orientation does not matter.
func LocateInRing(p LonLat, r Ring) int {
	in := false
	for i := 0; i+1 < len(r); i++ {
		on, crosses := rayEdge(p, r[i], r[i+1])
		if on {
			return 0
		}
		if crosses {
			in = !in
		}
	}
	if in {
		return 1
	}
	return -1
}

// rayEdge tells, exactly, whether p lies on the edge ab, and else whether
// the edge crosses the ray from p to the east (an edge counts when one end
// lies above p's latitude and the other not, so a vertex on the ray's line
// is counted once).
func rayEdge(p, a, b LonLat) (on, crosses bool) {
	upA, upB := a.Lat > p.Lat, b.Lat > p.Lat
	if upA == upB {
		// The edge does not straddle the ray's line: only p on it matters
		// (a horizontal edge, or an end at p's latitude).
		return min(a.Lat, b.Lat) <= p.Lat && p.Lat <= max(a.Lat, b.Lat) && pointOnSegment(p, a, b), false
	}
	o := orient(a, b, p)
	if o == 0 {
		return true, false
	}
	return false, (o > 0) == upB
}
