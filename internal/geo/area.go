package geo

import "math"

// MaxAreaSegment is the longest piece (metres) into which RingArea cuts a
// geodesic edge before treating the piece as a great circle on the
// authalic sphere.
const MaxAreaSegment = 2000

// RingArea returns the area in square metres enclosed by a ring of
// longitude/latitude points (degrees) whose edges are geodesics on the
// ellipsoid, the polygon GeographicLib's Planimeter and PostGIS geography
// measure. Points map to the authalic sphere, which preserves area, where
// the exact spherical excess of each edge is summed; an edge longer than
// MaxAreaSegment is first cut into pieces at points on the true geodesic,
// so the difference between a geodesic and a great circle, which grows as
// the cube of the length, stays far below 1e-6 of the area. The sign
// follows the orientation: positive for counter-clockwise rings.
func (el Ellipsoid) RingArea(ring []LonLat) float64 {
	n := len(ring)
	if n < 3 {
		return 0
	}
	if ring[0] == ring[n-1] {
		n--
	}
	// tan(β/2) of each vertex's authalic latitude, computed once.
	t := make([]float64, n)
	for i := range t {
		t[i] = el.halfTan(ring[i])
	}
	var excess float64
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		excess += el.pathExcess(ring[i], ring[j], t[i], t[j])
	}
	r := el.AuthalicRadius()
	// The sum is clockwise-positive; GeoJSON and GeographicLib count
	// counter-clockwise rings as positive.
	return -excess * r * r
}

// halfTan is tan(β/2) of a point's authalic latitude β.
func (el Ellipsoid) halfTan(p LonLat) float64 {
	return math.Tan(el.AuthalicLatitude(p.Lat*math.Pi/180) / 2)
}

// edgeExcess is the exact spherical excess of the triangle (pole, p, q)
// on the authalic sphere (Karney, "Algorithms for geodesics", eq. 60),
// given tan(β/2) of both points.
func edgeExcess(p, q LonLat, t1, t2 float64) float64 {
	dl := normLon((q.Lon - p.Lon) * math.Pi / 180)
	return 2 * math.Atan2(math.Tan(dl/2)*(t1+t2), 1+t1*t2)
}

// pathExcess is the excess of the geodesic from p to q: one term for a
// short edge or a meridian (a geodesic and a great circle alike), else the
// sum over pieces of at most MaxAreaSegment cut at points on the geodesic.
func (el Ellipsoid) pathExcess(p, q LonLat, tp, tq float64) float64 {
	if p.Lon == q.Lon || roughDistance(p, q) < MaxAreaSegment/2 {
		return edgeExcess(p, q, tp, tq)
	}
	dist, az, err := el.Inverse(p, q)
	if err != nil || dist <= MaxAreaSegment {
		return edgeExcess(p, q, tp, tq)
	}
	k := int(math.Ceil(dist / MaxAreaSegment))
	var sum float64
	prev, tPrev := p, tp
	for m := 1; m < k; m++ {
		next := el.Direct(p, az, dist*float64(m)/float64(k))
		tNext := el.halfTan(next)
		sum += edgeExcess(prev, next, tPrev, tNext)
		prev, tPrev = next, tNext
	}
	return sum + edgeExcess(prev, q, tPrev, tq)
}

// PolygonArea is the area of a polygon (outer ring minus holes) in square
// metres, whatever the rings' orientation.
func (el Ellipsoid) PolygonArea(p Polygon) float64 {
	var a float64
	for i, ring := range p {
		ra := math.Abs(el.RingArea(ring))
		if i == 0 {
			a += ra
		} else {
			a -= ra
		}
	}
	return a
}

func normLon(x float64) float64 {
	for x > math.Pi {
		x -= 2 * math.Pi
	}
	for x < -math.Pi {
		x += 2 * math.Pi
	}
	return x
}

// MultiPolygonArea is the area of all parts, in square metres.
func (el Ellipsoid) MultiPolygonArea(m MultiPolygon) float64 {
	var a float64
	for _, p := range m {
		a += el.PolygonArea(p)
	}
	return a
}

// PlanarArea is the shoelace area of a polygon in projected coordinates
// (m²), holes subtracted, whatever the orientation: the figure a licence
// states for a parcel in its Gauss–Krüger zone.
func PlanarArea(p Polygon) float64 {
	var a float64
	for i, r := range p {
		var s float64
		for j := 0; j+1 < len(r); j++ {
			// Relative to the first point, so large eastings lose no digits.
			x1, y1 := r[j].Lon-r[0].Lon, r[j].Lat-r[0].Lat
			x2, y2 := r[j+1].Lon-r[0].Lon, r[j+1].Lat-r[0].Lat
			s += x1*y2 - x2*y1
		}
		if i == 0 {
			a += math.Abs(s) / 2
		} else {
			a -= math.Abs(s) / 2
		}
	}
	return a
}

// roughDistance is an equirectangular distance in metres, within a few per
// cent of the geodesic one for short edges; it only decides whether an
// edge needs the exact treatment.
func roughDistance(p, q LonLat) float64 {
	const d = math.Pi / 180
	x := (q.Lon - p.Lon) * d * math.Cos((p.Lat+q.Lat)/2*d)
	y := (q.Lat - p.Lat) * d
	return math.Hypot(x, y) * 6371000
}
