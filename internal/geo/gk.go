package geo

import (
	"fmt"
	"math"
)

// Gauss–Krüger (transverse Mercator) projection on the CGCS2000 ellipsoid
// with scale factor 1, by the Krüger series to sixth order in the third
// flattening n (Karney, "Transverse Mercator with an accuracy of a few
// nanometers", J. Geodesy 85, 2011, eqs. 35–36). Inside the 3° zones the
// truncation error is far below a millimetre; tests compare with PROJ.

// tmSeries holds the ellipsoid's series coefficients.
type tmSeries struct {
	e, a1 float64    // eccentricity; rectifying radius A
	alpha [7]float64 // forward, index 1–6
	beta  [7]float64 // inverse, index 1–6
}

func newTMSeries(el Ellipsoid) tmSeries {
	n := el.F / (2 - el.F)
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	s := tmSeries{e: math.Sqrt(el.E2())}
	s.a1 = el.A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	s.alpha = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	s.beta = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return s
}

var cgcsTM = newTMSeries(CGCS2000)

// taup is τ' (tangent of the conformal latitude) for τ = tan φ.
func (s tmSeries) taup(tau float64) float64 {
	tau1 := math.Hypot(1, tau)
	sig := math.Sinh(s.e * math.Atanh(s.e*tau/tau1))
	return math.Hypot(1, sig)*tau - sig*tau1
}

// tauFromTaup inverts taup by Newton's method (Karney 2011, eqs. 19–21).
func (s tmSeries) tauFromTaup(taup float64) float64 {
	e2m := 1 - s.e*s.e
	tau := taup / e2m
	for i := 0; i < 10; i++ {
		tp := s.taup(tau)
		d := (taup - tp) / math.Hypot(1, tp) * (1 + e2m*tau*tau) / (e2m * math.Hypot(1, tau))
		tau += d
		if math.Abs(d) < 1e-15*math.Max(1, math.Abs(tau)) {
			break
		}
	}
	return tau
}

// Project converts a CGCS2000 geographic point (degrees) to the CRS's
// easting and northing (metres). It refuses a geographic CRS.
func (c CRS) Project(p LonLat) (LonLat, error) {
	if c.Geographic {
		return LonLat{}, fmt.Errorf("EPSG:%d is geographic", c.EPSG)
	}
	x, y := cgcsTM.forward(p.Lon-c.CentralMeridian, p.Lat)
	return LonLat{Lon: x + c.FalseEasting, Lat: y}, nil
}

// Unproject converts easting and northing (metres) in the CRS to CGCS2000
// degrees.
func (c CRS) Unproject(p LonLat) (LonLat, error) {
	if c.Geographic {
		return LonLat{}, fmt.Errorf("EPSG:%d is geographic", c.EPSG)
	}
	dlon, lat := cgcsTM.inverse(p.Lon-c.FalseEasting, p.Lat)
	return LonLat{Lon: dlon + c.CentralMeridian, Lat: lat}, nil
}

// forward maps (λ from the central meridian, φ) in degrees to (x, y) metres.
func (s tmSeries) forward(dlon, lat float64) (x, y float64) {
	const d = math.Pi / 180
	lam := dlon * d
	tau := math.Tan(lat * d)
	tp := s.taup(tau)
	xip := math.Atan2(tp, math.Cos(lam))
	etap := math.Asinh(math.Sin(lam) / math.Hypot(tp, math.Cos(lam)))
	xi, eta := xip, etap
	for j := 1; j <= 6; j++ {
		k := 2 * float64(j)
		xi += s.alpha[j] * math.Sin(k*xip) * math.Cosh(k*etap)
		eta += s.alpha[j] * math.Cos(k*xip) * math.Sinh(k*etap)
	}
	return s.a1 * eta, s.a1 * xi
}

// inverse maps (x, y) metres to (λ from the central meridian, φ) degrees.
func (s tmSeries) inverse(x, y float64) (dlon, lat float64) {
	xi, eta := y/s.a1, x/s.a1
	xip, etap := xi, eta
	for j := 1; j <= 6; j++ {
		k := 2 * float64(j)
		xip -= s.beta[j] * math.Sin(k*xi) * math.Cosh(k*eta)
		etap -= s.beta[j] * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	tp := math.Sin(xip) / math.Hypot(math.Sinh(etap), math.Cos(xip))
	lam := math.Atan2(math.Sinh(etap), math.Cos(xip))
	tau := s.tauFromTaup(tp)
	return lam * 180 / math.Pi, math.Atan(tau) * 180 / math.Pi
}

// Transform converts a point between two supported CRSs (EPSG:4326 is
// taken as equal to EPSG:4490: the two differ by well under a metre).
func Transform(from, to CRS, p LonLat) (LonLat, error) {
	geo := p
	if !from.Geographic {
		var err error
		if geo, err = from.Unproject(p); err != nil {
			return LonLat{}, err
		}
	}
	if to.Geographic {
		return geo, nil
	}
	return to.Project(geo)
}
