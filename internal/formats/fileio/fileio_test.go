package fileio

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

const source = `{"type":"FeatureCollection","name":"矿区","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[
{"type":"Feature","properties":{"编号":"GK012","名称":"喀什伽师-玉其铜矿国家规划矿区","面积":925.1,"采矿权":3,"示意":true,"备注":null},
 "geometry":{"type":"Polygon","coordinates":[[[76.51234567891,39.3],[76.9,39.3],[76.9,39.6],[76.5,39.6],[76.51234567891,39.3]],[[76.6,39.4],[76.7,39.4],[76.7,39.5],[76.6,39.4]]]}},
{"type":"Feature","properties":{"编号":"CS001","名称":"喀什市砖瓦用页岩矿集中开采区","面积":6.2921,"采矿权":-8,"示意":false,"备注":"两个地块"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[75.9,39.4],[76.0,39.4],[76.0,39.45],[75.9,39.4]]],[[[76.1,39.4],[76.2,39.4],[76.2,39.45],[76.1,39.4]]]]}}
]}`

// canonical orders a ring counter-clockwise from its smallest vertex, so
// geometry compares whatever orientation a format imposes.
func canonical(r geo.Ring) geo.Ring {
	pts := append(geo.Ring(nil), r[:len(r)-1]...)
	if geo.CGCS2000.RingArea(r) < 0 {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	k := 0
	for i, p := range pts {
		if p.Lon < pts[k].Lon || p.Lon == pts[k].Lon && p.Lat < pts[k].Lat {
			k = i
		}
	}
	return append(pts[k:], pts[:k]...)
}

func sameGeometry(t *testing.T, feature int, a, b geo.MultiPolygon) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("feature %d: %d parts became %d", feature, len(a), len(b))
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			t.Fatalf("feature %d part %d: %d rings became %d", feature, i, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			ra, rb := canonical(a[i][j]), canonical(b[i][j])
			if len(ra) != len(rb) {
				t.Fatalf("feature %d part %d ring %d: %d points became %d", feature, i, j, len(ra), len(rb))
			}
			for k := range ra {
				if math.Abs(ra[k].Lon-rb[k].Lon) > 1e-9 || math.Abs(ra[k].Lat-rb[k].Lat) > 1e-9 {
					t.Fatalf("feature %d part %d ring %d point %d: %v became %v", feature, i, j, k, ra[k], rb[k])
				}
			}
		}
	}
}

// TestRoundTripThroughEveryFormat: GeoJSON → Shapefile (GBK) → GeoPackage
// → GeoJSON keeps geometry to 1e-9° and attributes exactly.
func TestRoundTripThroughEveryFormat(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.geojson")
	if err := os.WriteFile(src, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	orig, _, err := Read(src)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct{ path, encoding string }{
		{filepath.Join(dir, "a.shp"), "GBK"},
		{filepath.Join(dir, "b.gpkg"), ""},
		{filepath.Join(dir, "c.geojson"), ""},
	}
	cur := orig
	for _, s := range steps {
		if _, err := Write(s.path, cur, s.encoding); err != nil {
			t.Fatalf("write %s: %v", s.path, err)
		}
		next, _, err := Read(s.path)
		if err != nil {
			t.Fatalf("read %s: %v", s.path, err)
		}
		cur = next
	}
	if cur.SRID != orig.SRID || len(cur.Features) != len(orig.Features) {
		t.Fatalf("SRID %d, %d features", cur.SRID, len(cur.Features))
	}
	names := func(fs []formats.Field) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name+":"+f.Type.String())
		}
		return out
	}
	if !reflect.DeepEqual(names(cur.Fields), names(orig.Fields)) {
		t.Fatalf("fields %v became %v", names(orig.Fields), names(cur.Fields))
	}
	for i := range orig.Features {
		if !reflect.DeepEqual(orig.Features[i].Values, cur.Features[i].Values) {
			t.Errorf("feature %d values %#v became %#v", i+1, orig.Features[i].Values, cur.Features[i].Values)
		}
		sameGeometry(t, i+1, orig.Features[i].Geometry, cur.Features[i].Geometry)
	}
}

func TestAreasOfACornerPointFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "拐点.txt")
	os.WriteFile(p, []byte("带号=25\n名称=示例\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n4,4371000,25500000\n1,4370000,25500000\n"), 0o644)
	l, _, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	as, err := Areas(l)
	if err != nil || len(as) != 1 {
		t.Fatal(as, err)
	}
	a := as[0]
	// GK is conformal with scale 1 on the central meridian: a 1 km square
	// there has a plane area of 1 km² and nearly the same ellipsoidal area.
	if a.GKZone != 25 || math.Abs(a.GKM2-1e6) > 1e-3 || math.Abs(a.EllipsoidalM2-1e6) > 10 || a.Name != "示例" {
		t.Errorf("%+v", a)
	}
}

func TestWriteRefusesToOverwrite(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.geojson")
	os.WriteFile(p, []byte("keep"), 0o644)
	if _, err := Write(p, &formats.Layer{}, ""); err == nil {
		t.Fatal("overwrote an existing file")
	}
	if b, _ := os.ReadFile(p); string(b) != "keep" {
		t.Fatal("existing file changed")
	}
	if _, _, err := Read(filepath.Join(t.TempDir(), "x.dwg")); err == nil {
		t.Fatal("unsupported extension accepted")
	}
}
