package shapefile

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// place maps local grid units to the layer's CRS: degrees for 4490, GK
// zone 25 metres (with the zone prefix) for 4513. Offsets are deliberately
// not round so that any loss of precision shows.
func place(srid int) func(u, v float64) geo.LonLat {
	if srid == 4513 {
		return func(u, v float64) geo.LonLat {
			return geo.LonLat{Lon: 25412345.678901 + u*1000, Lat: 4367890.123456 + v*1000}
		}
	}
	return func(u, v float64) geo.LonLat {
		return geo.LonLat{Lon: 75.123456789012345 + u*0.01, Lat: 39.40987654321 + v*0.01}
	}
}

// ring builds a closed ring from local (u, v) corners.
func ring(p func(u, v float64) geo.LonLat, uv ...float64) geo.Ring {
	var r geo.Ring
	for i := 0; i+1 < len(uv); i += 2 {
		r = append(r, p(uv[i], uv[i+1]))
	}
	return append(r, r[0])
}

// sampleLayer has a polygon with a hole and a two-part multipolygon, both
// already in shapefile orientation (shells clockwise, holes
// counter-clockwise), and a third polygon given counter-clockwise, which
// the writer must reverse.
func sampleLayer(srid int) *formats.Layer {
	p := place(srid)
	return &formats.Layer{
		Name: "矿权",
		SRID: srid,
		Fields: []formats.Field{
			{Name: "名称", Type: formats.String},
			{Name: "矿种", Type: formats.String},
			{Name: "编号", Type: formats.Integer},
			{Name: "面积", Type: formats.Real},
			{Name: "有效", Type: formats.Bool},
			{Name: "note", Type: formats.String},
		},
		Features: []formats.Feature{
			{
				Geometry: geo.MultiPolygon{{
					ring(p, 0, 0, 0, 10, 10, 10, 10, 0), // clockwise
					ring(p, 2, 2, 8, 2, 8, 8.5, 2, 8.5), // counter-clockwise hole
				}},
				Values: []any{"喀什伽师铜矿", "铜", int64(42), 925.1, true, "Kashi, Jiashi"},
			},
			{
				Geometry: geo.MultiPolygon{
					{ring(p, 20, 0, 20, 5, 25, 5, 25, 0)},
					{ring(p, 30, 0, 32.5, 4.25, 35, 0)},
				},
				Values: []any{"阿克陶县铅锌矿（二区）", nil, int64(-7), 0.000123, false, nil},
			},
			{
				Geometry: geo.MultiPolygon{{ring(p, 40, 0, 45, 0, 45, 5, 40, 5)}}, // counter-clockwise
				Values:   []any{"乌恰县", "金", nil, nil, nil, ""},
			},
		},
	}
}

// wantBack is the layer as a reader must return it: the third ring
// reversed to clockwise, the empty string read as nil (dBASE cannot tell
// them apart).
func wantBack(l *formats.Layer) *formats.Layer {
	w := *l
	w.Features = append([]formats.Feature(nil), l.Features...)
	f := w.Features[2]
	f.Geometry = geo.MultiPolygon{{reversed(f.Geometry[0][0])}}
	f.Values = append([]any(nil), f.Values...)
	f.Values[5] = nil
	w.Features[2] = f
	return &w
}

func compareLayers(t *testing.T, got, want *formats.Layer) {
	t.Helper()
	if got.SRID != want.SRID {
		t.Errorf("SRID = %d, want %d", got.SRID, want.SRID)
	}
	if len(got.Fields) != len(want.Fields) {
		t.Fatalf("%d fields, want %d: %+v", len(got.Fields), len(want.Fields), got.Fields)
	}
	for i := range want.Fields {
		if got.Fields[i].Name != want.Fields[i].Name || got.Fields[i].Type != want.Fields[i].Type {
			t.Errorf("field %d = %s %s, want %s %s", i, got.Fields[i].Name, got.Fields[i].Type, want.Fields[i].Name, want.Fields[i].Type)
		}
	}
	if len(got.Features) != len(want.Features) {
		t.Fatalf("%d features, want %d", len(got.Features), len(want.Features))
	}
	for i := range want.Features {
		g, w := got.Features[i], want.Features[i]
		if !reflect.DeepEqual(g.Values, w.Values) {
			t.Errorf("feature %d values = %#v, want %#v", i+1, g.Values, w.Values)
		}
		if !reflect.DeepEqual(g.Geometry, w.Geometry) {
			t.Errorf("feature %d geometry = %v, want %v", i+1, g.Geometry, w.Geometry)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, enc := range []string{"GBK", "UTF-8"} {
		for _, srid := range []int{4490, 4513} {
			t.Run(fmt.Sprintf("%s/%d", enc, srid), func(t *testing.T) {
				l := sampleLayer(srid)
				files, rep, err := Encode(l, WriteOptions{Encoding: enc})
				if err != nil {
					t.Fatal(err)
				}
				if string(files.CPG) != enc {
					t.Errorf(".cpg = %q, want %q", files.CPG, enc)
				}
				if len(rep.Warnings) != 0 {
					t.Errorf("warnings: %v", rep.Warnings)
				}
				if !reflect.DeepEqual(rep.FieldNames, []string{"名称", "矿种", "编号", "面积", "有效", "note"}) {
					t.Errorf("field names %q", rep.FieldNames)
				}
				got, warns, err := Read(*files)
				if err != nil {
					t.Fatal(err)
				}
				if len(warns) != 0 {
					t.Errorf("warnings: %v", warns)
				}
				compareLayers(t, got, wantBack(l))

				// The same through the file system.
				dir := t.TempDir()
				if err := Write(dir, "矿权", l, WriteOptions{Encoding: enc}); err != nil {
					t.Fatal(err)
				}
				for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
					if _, err := os.Stat(filepath.Join(dir, "矿权"+ext)); err != nil {
						t.Error(err)
					}
				}
				got, _, err = ReadDir(filepath.Join(dir, "矿权.shp"))
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != "矿权" {
					t.Errorf("layer name %q", got.Name)
				}
				compareLayers(t, got, wantBack(l))
				got, _, err = ReadDir(dir) // a folder with one .shp
				if err != nil {
					t.Fatal(err)
				}
				compareLayers(t, got, wantBack(l))
			})
		}
	}
}

func TestWriteOrientation(t *testing.T) {
	// A polygon given counter-clockwise with a clockwise hole is written
	// clockwise with a counter-clockwise hole: the same points reversed.
	p := place(4490)
	outer := ring(p, 0, 0, 10, 0, 10, 10, 0, 10)
	hole := ring(p, 2, 2, 2, 8, 8, 8, 8, 2)
	l := &formats.Layer{SRID: 4490, Features: []formats.Feature{{Geometry: geo.MultiPolygon{{outer, hole}}, Values: []any{}}}}
	files, _, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	g := got.Features[0].Geometry
	if len(g) != 1 || len(g[0]) != 2 {
		t.Fatalf("geometry %v", g)
	}
	if !reflect.DeepEqual(g[0][0], reversed(outer)) || !reflect.DeepEqual(g[0][1], reversed(hole)) {
		t.Errorf("got %v", g)
	}
	if ringArea2(g[0][0]) >= 0 || ringArea2(g[0][1]) <= 0 {
		t.Error("shell not clockwise or hole not counter-clockwise")
	}
}

func TestNoPRJ(t *testing.T) {
	l := sampleLayer(4490)
	l.SRID = 0
	dir := t.TempDir()
	// A stale .prj from an earlier write must go.
	if err := os.WriteFile(filepath.Join(dir, "a.prj"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, "a", l, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.prj")); !os.IsNotExist(err) {
		t.Errorf("a.prj still there: %v", err)
	}
	got, warns, err := ReadDir(filepath.Join(dir, "a.shp"))
	if err != nil {
		t.Fatal(err)
	}
	if got.SRID != 0 || !hasWarning(warns, "no .prj file") {
		t.Errorf("SRID %d, warnings %v", got.SRID, warns)
	}
}

func TestUnsupportedPRJ(t *testing.T) {
	files, _, err := Encode(sampleLayer(4490), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files.PRJ = []byte(`PROJCS["Xian_1980_3_Degree_GK_CM_75E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",75.0],UNIT["Meter",1.0]]`)
	_, _, err = Read(*files)
	wantErr(t, err, ".prj", "unrecognised CRS")
}

func TestUppercaseExtensions(t *testing.T) {
	files, _, err := Encode(sampleLayer(4490), WriteOptions{Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for ext, b := range map[string][]byte{".SHP": files.SHP, ".SHX": files.SHX, ".DBF": files.DBF, ".PRJ": files.PRJ, ".CPG": files.CPG} {
		if err := os.WriteFile(filepath.Join(dir, "PARCELS"+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, warns, err := ReadDir(filepath.Join(dir, "PARCELS.SHP"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	compareLayers(t, got, wantBack(sampleLayer(4490)))
}

func TestReals(t *testing.T) {
	vals := []float64{925.1, 0.000123, math.Copysign(0, -1), 5, -1234567.125, 0.1, 1e-15, 12345678901234567890}
	l := &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "v", Type: formats.Real}}}
	sq := Polygon4490()
	for _, v := range vals {
		l.Features = append(l.Features, formats.Feature{Geometry: sq, Values: []any{v}})
	}
	// 12345678901234567890 has 20 integer digits, 1e-15 needs 15
	// decimals: too wide together.
	_, _, err := Encode(l, WriteOptions{})
	wantErr(t, err, "第 8 个要素：字段 v", "feature 8: field v: values need 20 integer digits (this feature) and 15 decimals (feature 7), width 36 over the limit of 24")
	vals = vals[:len(vals)-1]
	l.Features = l.Features[:len(vals)]
	files, _, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fields[0].Type != formats.Real {
		t.Fatalf("type %s", got.Fields[0].Type)
	}
	for i, f := range got.Features {
		v := f.Values[0].(float64)
		if v != vals[i] || math.Signbit(v) != math.Signbit(vals[i]) {
			t.Errorf("value %d = %v, want %v", i, v, vals[i])
		}
	}
	// Integral reals stay Real.
	l.Features = l.Features[3:4]
	files, _, _ = Encode(l, WriteOptions{})
	got, _, _ = Read(*files)
	if got.Fields[0].Type != formats.Real || got.Features[0].Values[0] != 5.0 {
		t.Errorf("got %s %v", got.Fields[0].Type, got.Features[0].Values[0])
	}

	for _, tc := range []struct {
		v    float64
		want string
	}{
		{func() float64 { a := 0.1; return a + 0.2 }(), "feature 2: field v: value 0.30000000000000004 needs 17 decimals"},
		{1e30, "feature 2: field v: value 1000000000000000000000000000000 has 31 integer digits"},
		{math.NaN(), "feature 2: field v: value NaN is not finite"},
		{math.Inf(-1), "feature 2: field v: value -Inf is not finite"},
	} {
		l.Features = []formats.Feature{{Geometry: sq, Values: []any{1.5}}, {Geometry: sq, Values: []any{tc.v}}}
		_, _, err := Encode(l, WriteOptions{})
		wantErr(t, err, tc.want, "第 2 个要素：字段 v")
	}
}

func TestIntegers(t *testing.T) {
	vals := []any{int64(math.MaxInt64), int64(math.MinInt64), int64(0), nil}
	l := &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "n", Type: formats.Integer}}}
	for _, v := range vals {
		l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{v}})
	}
	files, _, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fields[0].Type != formats.Integer {
		t.Fatalf("type %s", got.Fields[0].Type)
	}
	for i, f := range got.Features {
		if f.Values[0] != vals[i] {
			t.Errorf("value %d = %v, want %v", i, f.Values[0], vals[i])
		}
	}
}

func TestWriteErrors(t *testing.T) {
	p := place(4490)
	open := geo.Ring{p(0, 0), p(0, 1), p(1, 1), p(1, 0)}
	for _, tc := range []struct {
		name string
		l    *formats.Layer
		opts WriteOptions
		want []string
	}{
		{"unclosed", &formats.Layer{SRID: 4490, Features: []formats.Feature{{Geometry: Polygon4490(), Values: []any{}}, {Geometry: geo.MultiPolygon{{open}}, Values: []any{}}}},
			WriteOptions{}, []string{"第 2 个要素第 1 个多边形第 1 个环未闭合", "feature 2 polygon 1 ring 1 is not closed"}},
		{"degenerate", &formats.Layer{SRID: 4490, Features: []formats.Feature{{Geometry: geo.MultiPolygon{{{{Lon: 0, Lat: 0}, {Lon: 1, Lat: 1}, {Lon: 2, Lat: 2}, {Lon: 0, Lat: 0}}}}, Values: []any{}}}},
			WriteOptions{}, []string{"feature 1 polygon 1 ring 1 has zero area"}},
		{"encoding", sampleLayer(4490), WriteOptions{Encoding: "Big5"}, []string{"不支持的编码", `unsupported encoding "Big5"`}},
		{"srid", &formats.Layer{SRID: 2383}, WriteOptions{}, []string{"EPSG:2383"}},
		{"gbk lacks", &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "s", Type: formats.String}},
			Features: []formats.Feature{{Geometry: Polygon4490(), Values: []any{"矿😀"}}}},
			WriteOptions{Encoding: "gbk"}, []string{"feature 1: field s: the value cannot be encoded in GBK"}},
		{"invalid", &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "s", Type: formats.String}},
			Features: []formats.Feature{{Geometry: Polygon4490(), Values: []any{int64(3)}}}},
			WriteOptions{}, []string{"invalid layer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Encode(tc.l, tc.opts)
			wantErr(t, err, tc.want...)
		})
	}
	if err := Write(t.TempDir(), "../x", sampleLayer(4490), WriteOptions{}); err == nil {
		t.Error("Write accepted the name ../x")
	}
}

func TestDates(t *testing.T) {
	// A D field, which mineplan never writes: patch an 8-wide C field.
	l := &formats.Layer{SRID: 4490, Fields: []formats.Field{{Name: "d", Type: formats.String}}}
	for _, s := range []string{"20240229", "        ", "20241301"} {
		l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{s}})
	}
	files, _, err := Encode(l, WriteOptions{Modified: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if files.DBF[1] != 124 || files.DBF[2] != 5 || files.DBF[3] != 6 {
		t.Errorf("date bytes % x", files.DBF[1:4])
	}
	files.DBF[32+11] = 'D'
	got, warns, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"2024-02-29", nil, nil}
	for i, f := range got.Features {
		if f.Values[0] != want[i] {
			t.Errorf("record %d: %v, want %v", i+1, f.Values[0], want[i])
		}
	}
	if got.Fields[0].Type != formats.String || !hasWarning(warns, `record 3 field d: `, `date "20241301" is invalid`) {
		t.Errorf("field %+v warnings %v", got.Fields[0], warns)
	}
}

func TestDeletedRecord(t *testing.T) {
	files, _, err := Encode(sampleLayer(4490), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hdr := int(le.Uint16(files.DBF[8:]))
	rl := int(le.Uint16(files.DBF[10:]))
	files.DBF[hdr+rl] = '*' // record 2
	got, warns, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	want := wantBack(sampleLayer(4490))
	want.Features = []formats.Feature{want.Features[0], want.Features[2]}
	compareLayers(t, got, want)
	if !hasWarning(warns, "1 records are marked deleted") {
		t.Errorf("warnings %v", warns)
	}
}

// Polygon4490 is a small clockwise square.
func Polygon4490() geo.MultiPolygon {
	return geo.MultiPolygon{{ring(place(4490), 0, 0, 0, 1, 1, 1, 1, 0)}}
}

func wantErr(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func hasWarning(ws []Warning, subs ...string) bool {
	for _, w := range ws {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(w.String(), s)
		}
		if all {
			return true
		}
	}
	return false
}

func TestNoFields(t *testing.T) {
	l := &formats.Layer{SRID: 4490, Features: []formats.Feature{{Geometry: Polygon4490(), Values: []any{}}, {Geometry: Polygon4490(), Values: []any{}}}}
	files, rep, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.FieldNames) != 0 {
		t.Errorf("names %q", rep.FieldNames)
	}
	got, _, err := Read(*files)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Fields) != 1 || got.Fields[0].Name != "FID" || got.Fields[0].Type != formats.Integer ||
		got.Features[0].Values[0] != int64(0) || got.Features[1].Values[0] != int64(1) {
		t.Errorf("fields %+v, values %v %v", got.Fields, got.Features[0].Values, got.Features[1].Values)
	}
}
