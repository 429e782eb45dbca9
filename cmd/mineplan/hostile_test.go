package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mineplan/internal/formats"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
)

// The hostile and careless inputs of every input path. Each case is
// refused with a bilingual message that names its row, field or vertex,
// and leaves the store as it was. The base inputs they mutate are accepted
// (TestHostileBasesAreAccepted), so a refusal is the mutation's doing.

const (
	// A 0.01° square near the seat of 莎车县.
	square    = `[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46],[77.30,38.45]]`
	bigSquare = `[[77.30,38.45],[77.32,38.45],[77.32,38.47],[77.30,38.47],[77.30,38.45]]`
	bowTie    = `[[77.30,38.45],[77.31,38.46],[77.31,38.45],[77.30,38.46],[77.30,38.45]]`
	holeOut   = `[[77.33,38.45],[77.332,38.45],[77.332,38.452],[77.33,38.452],[77.33,38.45]]`
	holeA     = `[[77.302,38.452],[77.306,38.452],[77.306,38.456],[77.302,38.456],[77.302,38.452]]`
	holeB     = `[[77.304,38.454],[77.308,38.454],[77.308,38.458],[77.304,38.458],[77.304,38.454]]`
	holeIn    = `[[77.303,38.453],[77.305,38.453],[77.305,38.455],[77.303,38.455],[77.303,38.453]]`
	spike     = `[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.31,38.47],[77.31,38.46],[77.30,38.46],[77.30,38.45]]`
	beijing   = `[[116.40,39.90],[116.41,39.90],[116.41,39.91],[116.40,39.91],[116.40,39.90]]`
	swapped   = `[[38.45,77.30],[38.45,77.31],[38.46,77.31],[38.46,77.30],[38.45,77.30]]`
	unclosed  = `[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46]]`
	three     = `[[77.30,38.45],[77.31,38.45],[77.30,38.45]]`
)

var applicationProps = `"kind":"mining","mineral":"铜矿","county":"莎车县","scale":35,"scale_unit":"万吨/年"`

// application is a GeoJSON Feature with the base properties, extra ones
// merged in, and a geometry.
func application(extra, geomType, coords string) []byte {
	props := applicationProps
	if extra != "" {
		props += "," + extra
	}
	return []byte(`{"type":"Feature","properties":{` + props + `},"geometry":{"type":"` + geomType + `","coordinates":` + coords + `}}`)
}

// withScale is the base application with another design scale.
func withScale(coords, scale string) []byte {
	return []byte(strings.Replace(string(application("", "Polygon", coords)), `"scale":35`, `"scale":`+scale, 1))
}

var rightProps = `"id":"HX-1","kind":"exploration","name":"敌意测试勘查","holder":"测试矿业有限公司","main_mineral":"铜矿","county":"莎车县","area_km2":1.0,"valid_from":"2024-01-01","valid_to":"2029-01-01","status":"valid"`

// rightCollection is a register file of one right with the base
// properties, some replaced or added.
func rightCollection(replace map[string]string, geomType, coords string) []byte {
	props := rightProps
	for k, v := range replace {
		re := regexp.MustCompile(`"` + regexp.QuoteMeta(k) + `":("[^"]*"|[^,]*)`)
		if !re.MatchString(props) {
			props += `,"` + k + `":` + v
			continue
		}
		props = re.ReplaceAllLiteralString(props, `"`+k+`":`+v)
	}
	return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{` + props + `},"geometry":{"type":"` + geomType + `","coordinates":` + coords + `}}]}`)
}

// layerCollection is a layer of features, each a Polygon given by its
// coordinates, with a name property.
func layerCollection(coords ...string) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, c := range coords {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"name":"图斑%d"},"geometry":{"type":"Polygon","coordinates":%s}}`, i+1, c)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// parcel is the Polygon coordinates of a 0.01° square at lon, lat.
func parcel(lon, lat float64) string {
	return fmt.Sprintf(`[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]`, lon, lat, lon+0.01, lat, lon+0.01, lat+0.01, lon, lat+0.01, lon, lat)
}

type hostileCase struct {
	name string
	// cmd is review, rights-import, layers-import, convert, coords-area or
	// coords-convert.
	cmd   string
	file  string                          // file name; its extension chooses the reader
	body  []byte                          // the file, or
	build func(t *testing.T, path string) // writes the file at path
	stdin string                          // coords-convert input
	want  []string                        // substrings of the output, each required
}

func hostileCases() []hostileCase {
	app := func(name string, body []byte, want ...string) hostileCase {
		return hostileCase{name: "review/" + name, cmd: "review", file: "a.geojson", body: body, want: want}
	}
	imp := func(name string, body []byte, want ...string) hostileCase {
		return hostileCase{name: "rights-import/" + name, cmd: "rights-import", file: "r.geojson", body: body, want: want}
	}
	lay := func(name string, body []byte, want ...string) hostileCase {
		return hostileCase{name: "layers-import/" + name, cmd: "layers-import", file: "l.geojson", body: body, want: want}
	}
	poly := func(rings ...string) string { return "[" + strings.Join(rings, ",") + "]" }
	long := strings.Repeat("矿", 201)
	cases := []hostileCase{
		// Non-finite and absurd numbers.
		app("scale-1e308", withScale(poly(square), "1e308"), "scale: the design scale"),
		app("scale-negative", withScale(poly(square), "-5"), "scale: the design scale (in its unit) -5"),
		app("scale-1e999", withScale(poly(square), "1e999"), "scale"),
		app("scale-as-text", withScale(poly(square), `"35"`), "scale", "a number"),
		app("hole-equals-shell-with-area", application(`"area_km2":1`, "Polygon", poly(square, square)), "geometry", "ring 2"),
		app("area-zero", application(`"area_km2":0`, "Polygon", poly(square)), "area_km2"),
		app("area-huge", application(`"area_km2":1e300`, "Polygon", poly(square)), "area_km2"),
		app("service-years-huge", application(`"service_years":1e6`, "Polygon", poly(square)), "service_years"),
		app("ash-over-100", application(`"coal":{"ash_pct":150}`, "Polygon", poly(square)), "coal.ash_pct"),
		app("coordinate-1e999", application("", "Polygon", `[[[1e999,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.45]]]`), "geometry"),
		// Geometry validity.
		app("empty-multipolygon", application("", "MultiPolygon", `[]`), "geometry", "empty"),
		app("empty-ring", application("", "Polygon", `[[]]`), "geometry", "ring 1"),
		app("hole-outside", application("", "Polygon", poly(square, holeOut)), "geometry", "ring 2"),
		app("hole-crossing-shell", application("", "Polygon", poly(square, `[[77.305,38.455],[77.315,38.455],[77.315,38.458],[77.305,38.458],[77.305,38.455]]`)), "geometry", "ring 2"),
		app("holes-crossing", application("", "Polygon", poly(bigSquare, holeA, holeB)), "geometry", "ring 3"),
		app("hole-in-hole", application("", "Polygon", poly(bigSquare, holeA, holeIn)), "geometry", "ring 3"),
		app("duplicated-part", application("", "MultiPolygon", "["+poly(square)+","+poly(square)+"]"), "geometry", "part 2"),
		app("overlapping-parts", application("", "MultiPolygon", "["+poly(bigSquare)+","+poly(square)+"]"), "geometry", "part 2"),
		app("bow-tie", application("", "Polygon", poly(bowTie)), "geometry", "ring 1"),
		app("spike", application("", "Polygon", poly(spike)), "geometry", "ring 1"),
		app("not-closed", application("", "Polygon", poly(unclosed)), "geometry", "ring 1"),
		app("three-points", application("", "Polygon", poly(three)), "geometry", "ring 1"),
		app("missing-geometry", []byte(`{"type":"Feature","properties":{`+applicationProps+`},"geometry":null}`), "geometry", "missing"),
		app("point-geometry", application("", "Point", `[77.3,38.45]`), "geometry.type"),
		// Plausibility.
		app("beijing-in-taxkorgan", []byte(strings.Replace(string(application("", "Polygon", poly(beijing))), "莎车县", "塔什库尔干县", 1)), "geometry", "喀什地区"),
		app("lon-lat-swapped", application("", "Polygon", poly(swapped)), "geometry", "swapped"),
		app("unknown-county", []byte(strings.Replace(string(application("", "Polygon", poly(square))), "莎车县", "火星县", 1)), "county", "closest"),
		app("unknown-mineral", []byte(strings.Replace(string(application("", "Polygon", poly(square))), "铜矿", "火星矿", 1)), "mineral", "closest"),
		// Text.
		app("holder-bidi-override", application(`"holder":"甲公司\u202e司公乙"`, "Polygon", poly(square)), "holder", "U+202E"),
		app("holder-nul", application(`"holder":"甲\u0000"`, "Polygon", poly(square)), "holder", "U+0000"),
		app("holder-too-long", application(`"holder":"`+long+`"`, "Polygon", poly(square)), "holder", "200"),
		// Documents.
		app("not-json", []byte(`{"type":"Feature",`), "(document)"),
		app("collection-not-feature", []byte(`{"type":"FeatureCollection","features":[]}`), "type"),
		app("unknown-property", application(`"colour":"红"`, "Polygon", poly(square)), "properties", "colour"),

		// The register, as GeoJSON.
		imp("unknown-county", rightCollection(map[string]string{"county": `"火星县"`}, "Polygon", poly(square)), "所在县（市）", "closest"),
		imp("empty-county", rightCollection(map[string]string{"county": `""`}, "Polygon", poly(square)), "county"),
		imp("unknown-mineral", rightCollection(map[string]string{"main_mineral": `"火星矿"`}, "Polygon", poly(square)), "主矿种", "火星矿"),
		imp("beijing", rightCollection(nil, "Polygon", poly(beijing)), "row 1", "喀什地区"),
		imp("hole-outside", rightCollection(nil, "Polygon", poly(square, holeOut)), "ring 2"),
		imp("duplicated-part", rightCollection(nil, "MultiPolygon", "["+poly(square)+","+poly(square)+"]"), "part 2"),
		imp("bow-tie", rightCollection(nil, "Polygon", poly(bowTie)), "ring 1"),
		imp("name-bidi", rightCollection(map[string]string{"name": `"矿\u202e名"`}, "Polygon", poly(square)), "U+202E"),
		imp("name-too-long", rightCollection(map[string]string{"name": `"` + long + `"`}, "Polygon", poly(square)), "200"),
		imp("holder-nul", rightCollection(map[string]string{"holder": `"公司\u0000"`}, "Polygon", poly(square)), "U+0000"),
		imp("area-1e308", rightCollection(map[string]string{"area_km2": `1e308`}, "Polygon", poly(square)), "area"),
		imp("scale-1e308", rightCollection(map[string]string{"design_scale": `1e308`, "scale_unit": `"万吨/年"`}, "Polygon", poly(square)), "design"),
		imp("elevation-absurd", rightCollection(map[string]string{"elevation_top": `1000000`}, "Polygon", poly(square)), "elevation"),
		{name: "rights-import/xlsx-parcel-2000000000", cmd: "rights-import", file: "r.xlsx", build: registerXLSX("2000000000", "1"), want: []string{"地块", "2000000000"}},
		{name: "rights-import/xlsx-parcel-1e308", cmd: "rights-import", file: "r.xlsx", build: registerXLSX("1e308", "1"), want: []string{"地块"}},
		{name: "rights-import/xlsx-ring-0", cmd: "rights-import", file: "r.xlsx", build: registerXLSX("1", "0"), want: []string{"圈"}},
		{name: "rights-import/shp-gbk-says-utf8", cmd: "rights-import", file: "r.shp", build: mislabelledShapefile("UTF-8", "GBK"), want: []string{"--encoding"}},

		// Layers.
		lay("bow-tie-in-feature-3", layerCollection(parcel(77.3, 38.4), parcel(77.32, 38.4), poly(bowTie)), "feature 3"),
		lay("hole-outside-in-feature-2", layerCollection(parcel(77.3, 38.4), poly(square, holeOut)), "feature 2", "ring 2"),
		lay("hole-in-hole", layerCollection(poly(bigSquare, holeA, holeIn)), "feature 1", "ring 3"),
		lay("property-bidi", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"红线\u202e"},"geometry":{"type":"Polygon","coordinates":`+poly(square)+`}}]}`), "feature 1", "U+202E"),
		lay("duplicate-ids", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":0},"geometry":{"type":"Polygon","coordinates":`+poly(square)+`}},{"type":"Feature","properties":{"id":0},"geometry":{"type":"Polygon","coordinates":`+parcel(77.4, 38.4)+`}}]}`), "feature 2", "id 0"),
		lay("no-geometry", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`), "feature 1"),
		{name: "layers-import/unknown-format", cmd: "layers-import", file: "l.kml", body: []byte("<kml/>"), want: []string{".kml"}},
		{name: "layers-import/lines-broken-line-2", cmd: "layers-import", file: "l.geojsonl", body: []byte(`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":` + poly(square) + `}}` + "\n" + `{"type":"Feature",` + "\n"), want: []string{"line 2"}},
		{name: "layers-import/shp-gbk-says-utf8", cmd: "layers-import", file: "l.shp", build: mislabelledShapefile("UTF-8", "GBK"), want: []string{"--encoding", "record 1"}},
		{name: "layers-import/shp-utf8-says-gbk", cmd: "layers-import", file: "l.shp", build: mislabelledShapefile("GBK", "UTF-8"), want: []string{"--encoding"}},

		// convert and coords area.
		{name: "convert/bow-tie-to-corner-points", cmd: "convert", file: "c.geojson", body: layerCollection(poly(bowTie)), want: []string{"feature 1", "ring 1"}},
		{name: "convert/hole-outside", cmd: "convert", file: "c.geojson", body: layerCollection(poly(square, holeOut)), want: []string{"ring 2"}},
		{name: "coords-area/bow-tie", cmd: "coords-area", file: "c.geojson", body: layerCollection(poly(bowTie)), want: []string{"feature 1", "ring 1"}},
		{name: "coords-area/duplicated-part", cmd: "coords-area", file: "c.geojson", body: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[` + poly(square) + `,` + poly(square) + `]}}]}`), want: []string{"part 2"}},

		// coords convert.
		{name: "coords-convert/nan", cmd: "coords-convert", stdin: "77.3 38.45\nNaN NaN\n", want: []string{"line 2"}},
		{name: "coords-convert/inf", cmd: "coords-convert", stdin: "Inf 38\n", want: []string{"line 1"}},
		{name: "coords-convert/words", cmd: "coords-convert", stdin: "\n\nabc def\n", want: []string{"line 3"}},
		{name: "coords-convert/long-line", cmd: "coords-convert", stdin: "77.3 38.45\n" + strings.Repeat("7", 2<<20) + "\n", want: []string{"line 2"}},
	}
	return cases
}

// registerXLSX writes a register workbook of one right whose only corner
// point row has the given parcel and ring numbers.
func registerXLSX(parcel, ringNo string) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "矿业权")
		f.SetSheetRow("矿业权", "A1", &[]any{"登记编号", "种类", "项目（矿山）名称", "矿业权人", "主矿种", "所在县（市）", "申报面积（平方千米）", "有效期起", "有效期止", "状态"})
		f.SetSheetRow("矿业权", "A2", &[]any{"HX-1", "探矿权", "敌意测试勘查", "测试矿业有限公司", "铜矿", "莎车县", "1", "2024-01-01", "2029-01-01", "有效"})
		f.NewSheet("拐点坐标")
		f.SetSheetRow("拐点坐标", "A1", &[]any{"登记编号", "地块", "圈", "点号", "经度", "纬度"})
		pts := [][2]float64{{77.30, 38.45}, {77.31, 38.45}, {77.31, 38.46}, {77.30, 38.46}}
		for i, p := range pts {
			part, rg := "1", "1"
			if i == 2 {
				part, rg = parcel, ringNo
			}
			f.SetSheetRow("拐点坐标", fmt.Sprintf("A%d", i+2), &[]any{"HX-1", part, rg, i + 1, fmt.Sprint(p[0]), fmt.Sprint(p[1])})
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
	}
}

// mislabelledShapefile writes a one-feature Shapefile whose text is in
// one encoding and whose .cpg names another.
func mislabelledShapefile(cpg, actual string) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		sq, err := geo.ParseWKT("POLYGON ((77.30 38.45, 77.31 38.45, 77.31 38.46, 77.30 38.46, 77.30 38.45))")
		if err != nil {
			t.Fatal(err)
		}
		l := &formats.Layer{Name: "x", SRID: geo.EPSG4490, Fields: []formats.Field{{Name: "NAME", Type: formats.String}, {Name: "COUNTY", Type: formats.String}},
			Features: []formats.Feature{{Geometry: sq, Values: []any{"莎车县铜矿勘查", "莎车县"}}}}
		if _, err := fileio.Write(path, l, actual); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(strings.TrimSuffix(path, ".shp")+".cpg", []byte(cpg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goIdentifier finds Go names in a message: package-qualified names,
// Go type words and encoding/json's wording.
var goIdentifier = regexp.MustCompile(`Go (value|struct)|\[\][a-z]+[0-9]*|map\[|\*?\b(review|geo|app|store|formats|geojson|rights|plan|shapefile|excelize|json)\.[A-Za-z]+|unmarshal|bufio|token too long`)

var han = regexp.MustCompile(`\p{Han}`)

func TestHostileInputs(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base.db")
	mustRun(t, "demo", "load", "--db", base)
	mustRun(t, "plan", "load", "--db", base)
	want := storeHash(t, base)
	baseBytes, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	cases := hostileCases()
	if len(cases) < 60 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "m.db")
			if err := os.WriteFile(db, baseBytes, 0o644); err != nil {
				t.Fatal(err)
			}
			code, out := runHostile(t, tc, dir, db)
			if code == 0 {
				t.Fatalf("accepted (exit 0):\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the message lacks %q:\n%s", w, out)
				}
			}
			if !han.MatchString(out) || !strings.Contains(out, "/ ") {
				t.Errorf("the message is not bilingual:\n%s", out)
			}
			if m := goIdentifier.FindString(out); m != "" {
				t.Errorf("the message shows a Go name %q:\n%s", m, out)
			}
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Errorf("crashed:\n%s", out)
			}
			if got := storeHash(t, db); got != want {
				t.Errorf("the store changed: content hash %s, want %s", got, want)
			}
		})
	}
}

// runHostile writes the case's file and runs its command; it returns the
// exit code and everything printed.
func runHostile(t *testing.T, tc hostileCase, dir, db string) (int, string) {
	t.Helper()
	path := filepath.Join(dir, tc.file)
	switch {
	case tc.build != nil:
		tc.build(t, path)
	case tc.file != "":
		if err := os.WriteFile(path, tc.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var args []string
	switch tc.cmd {
	case "review":
		args = []string{"review", "--db", db, path}
	case "rights-import":
		args = []string{"rights", "import", "--db", db, path}
	case "layers-import":
		args = []string{"layers", "import", "--db", db, "--kind", "red_line", path}
	case "convert":
		args = []string{"convert", path, filepath.Join(dir, "out.txt")}
	case "coords-area":
		args = []string{"coords", "area", path}
	case "coords-convert":
		args = []string{"coords", "convert", "--from", "EPSG:4490", "--to", "EPSG:4525"}
	default:
		t.Fatalf("unknown command %q", tc.cmd)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(tc.stdin), &out, &errOut)
	if tc.cmd == "convert" && code != 0 {
		if _, err := os.Stat(filepath.Join(dir, "out.txt")); err == nil {
			t.Errorf("convert wrote its output although it failed")
		}
	}
	return code, out.String() + errOut.String()
}

// TestHostileBasesAreAccepted: the inputs the hostile cases mutate are
// accepted, so each refusal above comes from its mutation.
func TestHostileBasesAreAccepted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	mustRun(t, "demo", "load", "--db", db)
	mustRun(t, "plan", "load", "--db", db)
	poly := "[" + square + "]"
	for _, tc := range []hostileCase{
		{name: "review", cmd: "review", file: "a.geojson", body: application("", "Polygon", poly)},
		{name: "review-bom", cmd: "review", file: "b.geojson", body: append([]byte("\uFEFF"), application("", "Polygon", poly)...)},
		{name: "rights-import", cmd: "rights-import", file: "r.geojson", body: rightCollection(nil, "Polygon", poly)},
		{name: "rights-import-xlsx", cmd: "rights-import", file: "x.xlsx", build: func(t *testing.T, path string) {
			registerXLSX("1", "1")(t, path)
			// Another id, so it does not repeat the GeoJSON right.
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f.SetCellValue("矿业权", "A2", "HX-2")
			f.SetCellValue("矿业权", "D2", "测试矿业有限公司")
			for r := 2; r <= 5; r++ {
				f.SetCellValue("拐点坐标", fmt.Sprintf("A%d", r), "HX-2")
				v, _ := f.GetCellValue("拐点坐标", fmt.Sprintf("E%d", r))
				f.SetCellValue("拐点坐标", fmt.Sprintf("E%d", r), strings.Replace(v, "77.3", "77.5", 1))
			}
			if err := f.Save(); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}},
		{name: "layers-import", cmd: "layers-import", file: "l.geojson", body: layerCollection(parcel(77.3, 38.4), parcel(77.32, 38.4), poly)},
		{name: "layers-import-zero-ids", cmd: "layers-import", file: "z.geojson", body: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":0},"geometry":{"type":"Polygon","coordinates":` + poly + `}},{"type":"Feature","properties":{"id":1},"geometry":{"type":"MultiPolygon","coordinates":[` + parcel(77.4, 38.4) + `]}}]}`)},
		{name: "layers-import-shp", cmd: "layers-import", file: "s.shp", build: mislabelledShapefile("GBK", "GBK")},
		{name: "convert", cmd: "convert", file: "c.geojson", body: layerCollection(poly)},
		{name: "coords-area", cmd: "coords-area", file: "c.geojson", body: layerCollection(poly)},
		{name: "coords-convert", cmd: "coords-convert", stdin: "77.3 38.45\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, out := runHostile(t, tc, t.TempDir(), db); code != 0 {
				t.Fatalf("refused (exit %d):\n%s", code, out)
			}
		})
	}
}
