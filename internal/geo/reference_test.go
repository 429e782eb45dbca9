package geo_test

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/testutil"
)

// runTool feeds lines to a reference program and returns its output lines.
func runTool(t *testing.T, bin string, args []string, input string) []string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func fields(t *testing.T, line string, n int) []float64 {
	t.Helper()
	fs := strings.Fields(line)
	if len(fs) < n {
		t.Fatalf("line %q has fewer than %d fields", line, n)
	}
	out := make([]float64, n)
	for i := range out {
		v, err := strconv.ParseFloat(fs[i], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[i] = v
	}
	return out
}

// TestGaussKrugerAgainstPROJ converts 1000 random points in zones 25–27,
// in both EPSG families, with mineplan and with cs2cs, both ways.
func TestGaussKrugerAgainstPROJ(t *testing.T) {
	cs2cs := testutil.RequireTool(t, "cs2cs")
	rng := rand.New(rand.NewPCG(2021, 2025))
	type pt struct {
		crs geo.CRS
		ll  geo.LonLat
	}
	var pts []pt
	for i := 0; i < 1000; i++ {
		zone := 25 + i%3
		crs, _ := geo.ZoneCRS(zone, i%2 == 0)
		lon := crs.CentralMeridian + (rng.Float64()*2-1)*1.6
		lat := 34 + rng.Float64()*8
		pts = append(pts, pt{crs, geo.LonLat{Lon: lon, Lat: lat}})
	}
	var worstFwd, worstInv float64
	byCRS := map[int][]int{}
	for i, p := range pts {
		byCRS[p.crs.EPSG] = append(byCRS[p.crs.EPSG], i)
	}
	for code, idx := range byCRS {
		crs, _ := geo.LookupCRS(code)
		var in, back strings.Builder
		mine := make([]geo.LonLat, len(idx))
		for k, i := range idx {
			fmt.Fprintf(&in, "%.12f %.12f\n", pts[i].ll.Lat, pts[i].ll.Lon) // EPSG:4490 axis order
			p, err := crs.Project(pts[i].ll)
			if err != nil {
				t.Fatal(err)
			}
			mine[k] = p
			fmt.Fprintf(&back, "%.6f %.6f\n", p.Lat, p.Lon) // northing easting
		}
		fwd := runTool(t, cs2cs, []string{"-f", "%.6f", "EPSG:4490", fmt.Sprintf("EPSG:%d", code)}, in.String())
		inv := runTool(t, cs2cs, []string{"-f", "%.12f", fmt.Sprintf("EPSG:%d", code), "EPSG:4490"}, back.String())
		if len(fwd) != len(idx) || len(inv) != len(idx) {
			t.Fatalf("cs2cs gave %d/%d lines for %d points", len(fwd), len(inv), len(idx))
		}
		for k, i := range idx {
			f := fields(t, fwd[k], 2) // northing easting
			d := math.Hypot(f[1]-mine[k].Lon, f[0]-mine[k].Lat)
			worstFwd = math.Max(worstFwd, d)
			if d > 0.001 {
				t.Errorf("EPSG:%d forward %v: mineplan (%.4f, %.4f), PROJ (%.4f, %.4f), %.2f mm apart", code, pts[i].ll, mine[k].Lon, mine[k].Lat, f[1], f[0], d*1000)
			}
			g := fields(t, inv[k], 2) // lat lon
			ours, err := crs.Unproject(mine[k])
			if err != nil {
				t.Fatal(err)
			}
			dist, _, _ := geo.CGCS2000.Inverse(ours, geo.LonLat{Lon: g[1], Lat: g[0]})
			worstInv = math.Max(worstInv, dist)
			if dist > 0.001 {
				t.Errorf("EPSG:%d inverse of %v: %.3f mm from PROJ", code, mine[k], dist*1000)
			}
		}
	}
	t.Logf("worst difference from PROJ: forward %.3g mm, inverse %.3g mm", worstFwd*1000, worstInv*1000)
}

// randomPolygon is a star-shaped polygon of about the given area (km²)
// around a point in western China.
func randomPolygon(rng *rand.Rand, km2 float64) geo.Ring {
	n := 4 + rng.IntN(40)
	c := geo.LonLat{Lon: 74 + rng.Float64()*20, Lat: 30 + rng.Float64()*15}
	r := math.Sqrt(km2 / math.Pi)
	ring := make(geo.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		th := 2 * math.Pi * (float64(i) + 0.3*rng.Float64()) / float64(n)
		rr := r * (0.6 + 0.8*rng.Float64())
		ring = append(ring, geo.LonLat{
			Lon: c.Lon + rr*math.Cos(th)/(111.32*math.Cos(c.Lat*math.Pi/180)),
			Lat: c.Lat + rr*math.Sin(th)/110.57,
		})
	}
	return append(ring, ring[0])
}

// TestAreaAgainstPlanimeter compares ellipsoidal areas with GeographicLib
// on random polygons from 0.01 km² to 5000 km².
func TestAreaAgainstPlanimeter(t *testing.T) {
	bin := testutil.RequireTool(t, "Planimeter")
	rng := rand.New(rand.NewPCG(4490, 1))
	var rings []geo.Ring
	var in strings.Builder
	for i := 0; i < 300; i++ {
		km2 := math.Pow(10, -2+rng.Float64()*(math.Log10(5000)+2))
		r := randomPolygon(rng, km2)
		rings = append(rings, r)
		for _, p := range r[:len(r)-1] {
			fmt.Fprintf(&in, "%.12f %.12f\n", p.Lat, p.Lon)
		}
		in.WriteString("\n")
	}
	out := runTool(t, bin, []string{"-e", "6378137", strconv.FormatFloat(geo.CGCS2000.F, 'g', 17, 64), "-p", "15"}, in.String())
	if len(out) != len(rings) {
		t.Fatalf("Planimeter gave %d results for %d polygons", len(out), len(rings))
	}
	var worst float64
	for i, r := range rings {
		want := math.Abs(fields(t, out[i], 3)[2])
		got := geo.CGCS2000.PolygonArea(geo.Polygon{r})
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
		if rel > 1e-6 {
			t.Errorf("polygon %d (%.4g km², %d vertices): %.6f m², GeographicLib %.6f m², relative %.2e", i, want/1e6, len(r)-1, got, want, rel)
		}
	}
	t.Logf("worst relative difference from GeographicLib over %d polygons: %.3g", len(rings), worst)
}

func TestGeodesicAgainstGeodSolve(t *testing.T) {
	bin := testutil.RequireTool(t, "GeodSolve")
	rng := rand.New(rand.NewPCG(7, 7))
	var in strings.Builder
	type pair struct{ p, q geo.LonLat }
	var pairs []pair
	for i := 0; i < 200; i++ {
		p := geo.LonLat{Lon: 73 + rng.Float64()*10, Lat: 34 + rng.Float64()*8}
		q := geo.LonLat{Lon: p.Lon + (rng.Float64()*2-1)*3, Lat: p.Lat + (rng.Float64()*2-1)*3}
		pairs = append(pairs, pair{p, q})
		fmt.Fprintf(&in, "%.12f %.12f %.12f %.12f\n", p.Lat, p.Lon, q.Lat, q.Lon)
	}
	out := runTool(t, bin, []string{"-i", "-e", "6378137", strconv.FormatFloat(geo.CGCS2000.F, 'g', 17, 64), "-p", "9"}, in.String())
	for i, pr := range pairs {
		f := fields(t, out[i], 3) // azi1 azi2 s12
		s, az, err := geo.CGCS2000.Inverse(pr.p, pr.q)
		if err != nil || math.Abs(s-f[2]) > 1e-4 || math.Abs(az-f[0]) > 1e-7 {
			t.Errorf("%v→%v: %.6f m az %.9f, GeographicLib %.6f m az %.9f (%v)", pr.p, pr.q, s, az, f[2], f[0], err)
		}
		back := geo.CGCS2000.Direct(pr.p, az, s)
		if d, _, _ := geo.CGCS2000.Inverse(back, pr.q); d > 1e-4 {
			t.Errorf("direct from %v misses %v by %.3g m", pr.p, pr.q, d)
		}
	}
}

// TestAreaWithHolesAndParts: a polygon with a hole is the outer area less
// the hole's, and a multipolygon the sum of its parts, each per
// GeographicLib.
func TestAreaWithHolesAndParts(t *testing.T) {
	bin := testutil.RequireTool(t, "Planimeter")
	rng := rand.New(rand.NewPCG(4513, 2))
	outer := randomPolygon(rng, 800)
	c := geo.LonLat{}
	for _, p := range outer[:len(outer)-1] {
		c.Lon += p.Lon / float64(len(outer)-1)
		c.Lat += p.Lat / float64(len(outer)-1)
	}
	hole := make(geo.Ring, len(outer))
	for i := range outer {
		// The outer ring shrunk towards its centre, reversed: inside it.
		p := outer[len(outer)-1-i]
		hole[i] = geo.LonLat{Lon: c.Lon + 0.3*(p.Lon-c.Lon), Lat: c.Lat + 0.3*(p.Lat-c.Lat)}
	}
	other := randomPolygon(rng, 50)
	var in strings.Builder
	for _, r := range []geo.Ring{outer, hole, other} {
		for _, p := range r[:len(r)-1] {
			fmt.Fprintf(&in, "%.12f %.12f\n", p.Lat, p.Lon)
		}
		in.WriteString("\n")
	}
	out := runTool(t, bin, []string{"-e", "6378137", strconv.FormatFloat(geo.CGCS2000.F, 'g', 17, 64), "-p", "15"}, in.String())
	a := func(i int) float64 { return math.Abs(fields(t, out[i], 3)[2]) }
	want := a(0) - a(1) + a(2)
	got := geo.CGCS2000.MultiPolygonArea(geo.MultiPolygon{{outer, hole}, {other}})
	if rel := math.Abs(got-want) / want; rel > 1e-6 {
		t.Errorf("multipolygon with a hole: %.3f m², GeographicLib %.3f m², relative %.2e", got, want, rel)
	}
}
