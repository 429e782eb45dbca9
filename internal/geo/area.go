package geo

import "math"

// RingArea returns the area in square metres enclosed by a ring of
// longitude/latitude points (degrees) on the ellipsoid. Points map to the
// authalic sphere, which preserves area, and each edge is taken as a great
// circle there; for edges of up to tens of kilometres this differs from the
// geodesic polygon area by far less than a square metre per km² (the
// geodesy issue checks it against GeographicLib). The sign follows the
// orientation: positive for counter-clockwise rings.
func (el Ellipsoid) RingArea(ring []LonLat) float64 {
	n := len(ring)
	if n < 3 {
		return 0
	}
	if ring[0] == ring[n-1] {
		n--
	}
	var excess float64
	for i := 0; i < n; i++ {
		p, q := ring[i], ring[(i+1)%n]
		b1 := el.AuthalicLatitude(p.Lat * math.Pi / 180)
		b2 := el.AuthalicLatitude(q.Lat * math.Pi / 180)
		dl := normLon((q.Lon - p.Lon) * math.Pi / 180)
		// Exact spherical excess of the triangle (pole, p, q); see
		// Karney, "Algorithms for geodesics", eq. 60.
		t1, t2 := math.Tan(b1/2), math.Tan(b2/2)
		excess += 2 * math.Atan2(math.Tan(dl/2)*(t1+t2), 1+t1*t2)
	}
	r := el.AuthalicRadius()
	// The sum above is clockwise-positive; GeoJSON and GeographicLib count
	// counter-clockwise rings as positive.
	return -excess * r * r
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
