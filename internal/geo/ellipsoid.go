// Package geo holds the coordinate maths mineplan needs: the CGCS2000
// ellipsoid, ellipsoidal areas and simple polygon types in EPSG:4490.
package geo

import "math"

// Ellipsoid is a reference ellipsoid given by its semi-major axis (metres)
// and flattening.
type Ellipsoid struct {
	Name string
	A    float64 // semi-major axis, m
	F    float64 // flattening
}

// CGCS2000 is the ellipsoid of the China Geodetic Coordinate System 2000
// (EPSG:1024): a = 6378137 m, 1/f = 298.257222101.
var CGCS2000 = Ellipsoid{Name: "CGCS2000", A: 6378137, F: 1 / 298.257222101}

// E2 is the first eccentricity squared.
func (el Ellipsoid) E2() float64 { return el.F * (2 - el.F) }

// q is the authalic function q(φ) (Snyder, Map Projections, eq. 3-12).
func (el Ellipsoid) q(sinPhi float64) float64 {
	e2 := el.E2()
	e := math.Sqrt(e2)
	return (1 - e2) * (sinPhi/(1-e2*sinPhi*sinPhi) - 1/(2*e)*math.Log((1-e*sinPhi)/(1+e*sinPhi)))
}

// AuthalicRadius is the radius of the sphere with the ellipsoid's surface area.
func (el Ellipsoid) AuthalicRadius() float64 {
	return el.A * math.Sqrt(el.q(1)/2)
}

// AuthalicLatitude maps a geodetic latitude (radians) to the latitude on the
// authalic sphere, which preserves areas.
func (el Ellipsoid) AuthalicLatitude(phi float64) float64 {
	r := el.q(math.Sin(phi)) / el.q(1)
	return math.Asin(math.Max(-1, math.Min(1, r)))
}
