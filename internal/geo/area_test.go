package geo_test

import (
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/testutil"
)

// planimeter asks GeographicLib for the geodesic area of a ring on the
// CGCS2000 ellipsoid.
func planimeter(t *testing.T, bin string, ring geo.Ring) float64 {
	t.Helper()
	var in strings.Builder
	for _, p := range ring[:len(ring)-1] {
		fmt.Fprintf(&in, "%.10f %.10f\n", p.Lat, p.Lon)
	}
	cmd := exec.Command(bin, "-e", "6378137", strconv.FormatFloat(geo.CGCS2000.F, 'g', 17, 64), "-p", "3")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Planimeter: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		t.Fatalf("Planimeter output %q", out)
	}
	a, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func box(lon0, lat0, dlon, dlat float64) geo.Ring {
	return geo.Ring{{lon0, lat0}, {lon0 + dlon, lat0}, {lon0 + dlon, lat0 + dlat}, {lon0, lat0 + dlat}, {lon0, lat0}}
}

func TestRingAreaAgainstGeographicLib(t *testing.T) {
	bin := testutil.RequireTool(t, "Planimeter")
	cases := []struct {
		name string
		ring geo.Ring
		// relative tolerance: great circles on the authalic sphere differ
		// from geodesics by an amount that grows with edge length.
		tol float64
	}{
		{"1 km square at Kashgar", box(75.99, 39.47, 0.0117, 0.009), 1e-6},
		{"10 km square in Taxkorgan", box(75.2, 37.7, 0.113, 0.09), 1e-6},
		{"1 degree box", box(75, 39, 1, 1), 1e-4},
		{"triangle over Yecheng", geo.Ring{{77.0, 37.0}, {77.6, 37.1}, {77.3, 37.7}, {77.0, 37.0}}, 1e-4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := geo.CGCS2000.RingArea(c.ring)
			want := planimeter(t, bin, c.ring)
			if rel := math.Abs(got-want) / want; rel > c.tol {
				t.Errorf("area %.3f m², GeographicLib %.3f m², relative difference %.2e > %.0e", got, want, rel, c.tol)
			}
		})
	}
}

func TestRingAreaOrientation(t *testing.T) {
	ccw := box(75, 39, 0.1, 0.1)
	cw := make(geo.Ring, len(ccw))
	for i := range ccw {
		cw[i] = ccw[len(ccw)-1-i]
	}
	a, b := geo.CGCS2000.RingArea(ccw), geo.CGCS2000.RingArea(cw)
	if a <= 0 || math.Abs(a+b) > 1e-6*a {
		t.Fatalf("ccw %f, cw %f: want equal magnitude, opposite sign", a, b)
	}
	if p := geo.CGCS2000.PolygonArea(geo.Polygon{cw}); math.Abs(p-a) > 1e-6*a {
		t.Fatalf("PolygonArea of a clockwise ring = %f, want %f", p, a)
	}
}
