package shapefile

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/testutil"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestGDALReadsOurs: ogrinfo sees our files' feature count, extent, CRS and
// Chinese values, and ogr2ogr's GeoJSON of them has our polygons, holes
// and parts.
func TestGDALReadsOurs(t *testing.T) {
	ogrinfo := testutil.RequireTool(t, "ogrinfo")
	ogr2ogr := testutil.RequireTool(t, "ogr2ogr")
	for _, enc := range []string{"GBK", "UTF-8"} {
		for _, srid := range []int{4490, 4513} {
			t.Run(fmt.Sprintf("%s/%d", enc, srid), func(t *testing.T) {
				l := sampleLayer(srid)
				dir := t.TempDir()
				if err := Write(dir, "ours", l, WriteOptions{Encoding: enc}); err != nil {
					t.Fatal(err)
				}
				shp := filepath.Join(dir, "ours.shp")
				sum := run(t, ogrinfo, "-ro", "-al", "-so", shp)
				b := l.Features[0].Geometry.Bounds()
				for _, f := range l.Features[1:] {
					fb := f.Geometry.Bounds()
					b.MinLon, b.MinLat = math.Min(b.MinLon, fb.MinLon), math.Min(b.MinLat, fb.MinLat)
					b.MaxLon, b.MaxLat = math.Max(b.MaxLon, fb.MaxLon), math.Max(b.MaxLat, fb.MaxLat)
				}
				for _, want := range []string{
					"Geometry: Polygon",
					"Feature Count: 3",
					fmt.Sprintf("Extent: (%f, %f) - (%f, %f)", b.MinLon, b.MinLat, b.MaxLon, b.MaxLat),
					fmt.Sprintf(`ID["EPSG",%d]`, srid),
					"名称: String", "矿种: String", "编号: Integer", "面积: Real", "有效: ",
				} {
					if !strings.Contains(sum, want) {
						t.Errorf("ogrinfo -so lacks %q:\n%s", want, sum)
					}
				}
				all := run(t, ogrinfo, "-ro", "-al", shp)
				for _, want := range []string{
					"名称 (String) = 喀什伽师铜矿",
					"矿种 (String) = 铜",
					"名称 (String) = 阿克陶县铅锌矿（二区）",
					"名称 (String) = 乌恰县",
					"矿种 (String) = 金",
					"编号 (Integer) = 42",
					"编号 (Integer) = -7",
					"note (String) = Kashi, Jiashi",
					"矿种 (String) = (null)",
					"编号 (Integer) = (null)",
					"面积 (Real) = (null)",
				} {
					if !strings.Contains(all, want) {
						t.Errorf("ogrinfo lacks %q:\n%s", want, all)
					}
				}
				if strings.Contains(all, "Warning") || strings.Contains(all, "ERROR") {
					t.Errorf("GDAL complained:\n%s", all)
				}

				// GDAL's reading of the geometry and numbers, through GeoJSON.
				js := filepath.Join(dir, "back.geojson")
				run(t, ogr2ogr, "-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=17", js, shp)
				back := readGeoJSON(t, js)
				want := wantBack(l)
				if len(back) != len(want.Features) {
					t.Fatalf("GDAL read %d features", len(back))
				}
				for i, f := range back {
					if err := sameGeometry(f.geom, want.Features[i].Geometry, 1e-9); err != nil {
						t.Errorf("feature %d: %v", i+1, err)
					}
					if v := want.Features[i].Values[3]; v != nil && f.props["面积"] != v {
						t.Errorf("feature %d 面积 = %v, want %v", i+1, f.props["面积"], v)
					}
				}
			})
		}
	}
}

type jsonFeature struct {
	props map[string]any
	geom  geo.MultiPolygon
}

func readGeoJSON(t *testing.T, path string) []jsonFeature {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	var out []jsonFeature
	for _, f := range fc.Features {
		var mp [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				t.Fatal(err)
			}
			mp = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("geometry type %s", f.Geometry.Type)
		}
		var g geo.MultiPolygon
		for _, p := range mp {
			var poly geo.Polygon
			for _, r := range p {
				var ring geo.Ring
				for _, c := range r {
					ring = append(ring, geo.LonLat{Lon: c[0], Lat: c[1]})
				}
				poly = append(poly, ring)
			}
			g = append(g, poly)
		}
		out = append(out, jsonFeature{props: f.Properties, geom: g})
	}
	return out
}

// sameGeometry compares polygons part by part and ring by ring, each ring
// either in the same or in the reverse order (writers may reorient), to
// within tol.
func sameGeometry(got, want geo.MultiPolygon, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d polygons, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			return fmt.Errorf("polygon %d has %d rings, want %d", i+1, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if !ringClose(got[i][j], want[i][j], tol) && !ringClose(got[i][j], reversed(want[i][j]), tol) {
				return fmt.Errorf("polygon %d ring %d = %v, want %v", i+1, j+1, got[i][j], want[i][j])
			}
		}
	}
	return nil
}

func ringClose(a, b geo.Ring, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if math.Abs(a[k].Lon-b[k].Lon) > tol || math.Abs(a[k].Lat-b[k].Lat) > tol {
			return false
		}
	}
	return true
}

// TestReadGDAL reads shapefiles written by ogr2ogr from a GeoJSON with
// Chinese attributes, in GBK and in UTF-8, and compares them with the
// source.
func TestReadGDAL(t *testing.T) {
	ogr2ogr := testutil.RequireTool(t, "ogr2ogr")
	type src struct {
		props map[string]any
		geom  geo.MultiPolygon
	}
	for _, srid := range []int{4490, 4513} {
		p := place(srid)
		feats := []src{
			{map[string]any{"名称": "喀什伽师铜矿", "矿种": "铜", "编号": 42, "面积": 925.1, "备注": nil},
				geo.MultiPolygon{{ring(p, 0, 0, 10, 0, 10, 10, 0, 10), ring(p, 2, 2, 2, 8, 8, 8, 8, 2)}}},
			{map[string]any{"名称": "阿克陶县铅锌矿（二区）", "矿种": nil, "编号": -7, "面积": 0.000123, "备注": "两块"},
				geo.MultiPolygon{{ring(p, 20, 0, 25, 0, 25, 5, 20, 5)}, {ring(p, 30, 0, 35, 0, 32.5, 4.25)}}},
			{map[string]any{"名称": "乌恰县", "矿种": "金", "编号": nil, "面积": nil, "备注": "Ulugqat"},
				geo.MultiPolygon{{ring(p, 40, 0, 45, 0, 45, 5, 40, 5)}}},
		}
		source := func(i int) (map[string]any, geo.MultiPolygon) { return feats[i].props, feats[i].geom }
		var js strings.Builder
		js.WriteString(`{"type":"FeatureCollection","features":[`)
		for i, f := range feats {
			if i > 0 {
				js.WriteString(",")
			}
			props, _ := json.Marshal(f.props)
			var coords [][][][2]float64
			for _, poly := range f.geom {
				var pc [][][2]float64
				for _, r := range poly {
					var rc [][2]float64
					for _, pt := range r {
						rc = append(rc, [2]float64{pt.Lon, pt.Lat})
					}
					pc = append(pc, rc)
				}
				coords = append(coords, pc)
			}
			cj, _ := json.Marshal(coords)
			fmt.Fprintf(&js, `{"type":"Feature","properties":%s,"geometry":{"type":"MultiPolygon","coordinates":%s}}`, props, cj)
		}
		js.WriteString("]}")
		dir := t.TempDir()
		in := filepath.Join(dir, "src.geojson")
		if err := os.WriteFile(in, []byte(js.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, enc := range []string{"GBK", "UTF-8"} {
			t.Run(fmt.Sprintf("%s/%d", enc, srid), func(t *testing.T) {
				out := filepath.Join(dir, "gdal_"+strings.ReplaceAll(enc, "-", "")+".shp")
				run(t, ogr2ogr, "-f", "ESRI Shapefile", "-lco", "ENCODING="+enc, "-a_srs", fmt.Sprintf("EPSG:%d", srid), out, in)
				got, warns, err := ReadDir(out)
				if err != nil {
					t.Fatal(err)
				}
				if len(warns) != 0 {
					t.Errorf("warnings %v", warns)
				}
				checkGDALLayer(t, got, srid, source, len(feats))
				// The same as PolygonZ and PolygonM, whose Z and M are skipped.
				for _, dim := range []string{"XYZ", "XYM"} {
					outZ := filepath.Join(dir, "gdal_"+dim+"_"+strings.ReplaceAll(enc, "-", "")+".shp")
					run(t, ogr2ogr, "-f", "ESRI Shapefile", "-dim", dim, "-lco", "ENCODING="+enc, "-a_srs", fmt.Sprintf("EPSG:%d", srid), outZ, in)
					shp, err := os.ReadFile(outZ)
					if err != nil {
						t.Fatal(err)
					}
					if st := le.Uint32(shp[32:]); st != map[string]uint32{"XYZ": shapePolygonZ, "XYM": shapePolygonM}[dim] {
						t.Errorf("%s: GDAL wrote shape type %d", dim, st)
					}
					got, _, err := ReadDir(outZ)
					if err != nil {
						t.Fatalf("%s: %v", dim, err)
					}
					checkGDALLayer(t, got, srid, source, len(feats))
				}
				if enc == "GBK" {
					// Without its .cpg (GDAL writes no language driver),
					// the GBK text is recognised from its bytes.
					if err := os.Remove(strings.TrimSuffix(out, ".shp") + ".cpg"); err != nil {
						t.Fatal(err)
					}
					got, warns, err := ReadDir(out)
					if err != nil {
						t.Fatal(err)
					}
					if !hasWarning(warns, "read as GBK") {
						t.Errorf("warnings %v", warns)
					}
					checkGDALLayer(t, got, srid, source, len(feats))
				}
			})
		}
	}
}

func checkGDALLayer(t *testing.T, got *formats.Layer, srid int, src func(int) (map[string]any, geo.MultiPolygon), n int) {
	t.Helper()
	if got.SRID != srid {
		t.Errorf("SRID %d, want %d", got.SRID, srid)
	}
	types := map[string]formats.FieldType{"名称": formats.String, "矿种": formats.String, "编号": formats.Integer, "面积": formats.Real, "备注": formats.String}
	for name, typ := range types {
		i := got.FieldIndex(name)
		if i < 0 {
			t.Fatalf("no field %s in %+v", name, got.Fields)
		}
		if got.Fields[i].Type != typ {
			t.Errorf("field %s is %s, want %s", name, got.Fields[i].Type, typ)
		}
	}
	if len(got.Features) != n {
		t.Fatalf("%d features, want %d", len(got.Features), n)
	}
	for k, f := range got.Features {
		props, geom := src(k)
		for name, want := range props {
			v := f.Values[got.FieldIndex(name)]
			switch w := want.(type) {
			case int:
				want = int64(w)
			}
			if v != want {
				t.Errorf("feature %d %s = %#v, want %#v", k+1, name, v, want)
			}
		}
		if err := sameGeometry(f.Geometry, geom, 1e-9); err != nil {
			t.Errorf("feature %d: %v", k+1, err)
		}
	}
}

// TestGDALEmptyLayer: a layer without features is a valid shapefile.
func TestGDALEmptyLayer(t *testing.T) {
	ogrinfo := testutil.RequireTool(t, "ogrinfo")
	l := sampleLayer(4490)
	l.Features = nil
	dir := t.TempDir()
	if err := Write(dir, "empty", l, WriteOptions{Encoding: "GBK"}); err != nil {
		t.Fatal(err)
	}
	out := run(t, ogrinfo, "-ro", "-al", "-so", filepath.Join(dir, "empty.shp"))
	for _, want := range []string{"Feature Count: 0", "名称: String", `ID["EPSG",4490]`} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, out)
		}
	}
	got, _, err := ReadDir(filepath.Join(dir, "empty.shp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != 0 || len(got.Fields) != len(l.Fields) {
		t.Errorf("got %+v", got)
	}
}
