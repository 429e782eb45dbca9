package geojson

import (
	"bytes"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"mineplan/internal/formats"
)

const bomText = "\xEF\xBB\xBF"

// goWords are what a message must never show: Go's own wording of a
// decoding fault, or a Go type.
var goWords = []string{"Go value", "Go struct", "json:", "[]float64", "float64", "map[string]", "RawMessage", "bufio.Scanner", "\uFFFD"}

func plain(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, w := range goWords {
		if strings.Contains(msg, w) {
			t.Errorf("message shows %q: %s", w, msg)
		}
	}
	zh, _, ok := strings.Cut(msg, " / ")
	if !ok || !strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("message is not Chinese first, then English: %s", msg)
	}
}

func wantErr(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error containing %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	plain(t, err)
}

func TestBOM(t *testing.T) {
	want, err := ReadLayer(strings.NewReader(sample), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadLayer(strings.NewReader(bomText+sample), "")
	if err != nil {
		t.Fatalf("with a byte order mark: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("byte order mark changed the layer")
	}

	coll := `{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":{"名称":"甲"},"geometry":{"type":"Polygon","coordinates":[[[75,39],[76,39],[76,40],[75,39]]]}}]}`
	cl, err := ReadCollection(strings.NewReader(bomText + coll))
	if err != nil {
		t.Fatalf("ReadCollection with a byte order mark: %v", err)
	}
	fs := cl.Features
	if len(fs) != 1 || fs[0].ID != "7" || formats.Properties(cl.Fields, fs[0])["名称"] != "甲" || len(fs[0].Geometry[0][0]) != 4 {
		t.Errorf("features %+v", fs)
	}

	line := `{"type":"Feature","properties":{"id":1},"geometry":{"type":"Polygon","coordinates":[[[75,39],[76,39],[76,40],[75,39]]]}}`
	n := 0
	if err := ReadLines(strings.NewReader(bomText+line+"\n"+line+"\n"), func(formats.Record) error { n++; return nil }); err != nil || n != 2 {
		t.Fatalf("ReadLines with a byte order mark: %d features, %v", n, err)
	}
	l, err := ReadLayerLines(strings.NewReader(bomText+line+"\n"), "x")
	if err != nil || len(l.Features) != 1 {
		t.Fatalf("ReadLayerLines with a byte order mark: %v", err)
	}
	// A mark anywhere else is an error, named by its line.
	err = ReadLines(strings.NewReader(line+"\n"+bomText+line+"\n"), func(formats.Record) error { return nil })
	wantErr(t, err, "第 2 行", "line 2: JSON syntax error at byte 1")
}

func featuresOf(l *formats.Layer) []formats.Feature {
	if l == nil {
		return nil
	}
	return l.Features
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",\n") + `]}`
}

func poly(coords string) string {
	return `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":` + coords + `}}`
}

const okRing = `[[[75,39],[76,39],[76,40],[75,39]]]`

func TestReadLayerMessages(t *testing.T) {
	syntax := `{"type":"FeatureCollection","features":[` + poly(okRing) + `,{"type":"Feature",}]}`
	start := strings.Index(syntax, `,{"type":"Feature",}`) // feature 2 starts after this many bytes
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"coordinates a string", collection(poly(okRing), poly(`"abc"`)),
			[]string{"第 2 个要素：面的坐标应为环的数组，而不是文本", "feature 2: polygon coordinates must be an array of rings, not a string"}},
		{"coordinate a string", collection(poly(`[[[75,39],[76,"x"],[76,40],[75,39]]]`)),
			[]string{"第 1 个要素：第 1 环第 2 点：第 2 个坐标应为数字，而不是文本", "feature 1: ring 1 vertex 2: coordinate 2 must be a number, not a string"}},
		{"ring a number", collection(poly(`[[[75,39],[76,39],[76,40],[75,39]],5]`)),
			[]string{"feature 1: ring 2: a ring must be an array of positions, not a number"}},
		{"position an object", collection(poly(`[[[75,39],{"x":1},[76,40],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 2: a position must be an array [x, y], not an object"}},
		{"one coordinate", collection(poly(`[[[75,39],[76],[76,40],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 2: has 1 coordinates; needs 2"}},
		{"1e999", collection(poly(okRing), poly(`[[[75,39],[76,39],[1e999,40],[75,39]]]`)),
			[]string{"第 2 个要素：第 1 环第 3 点：坐标 1e999 超出数值范围", "feature 2: ring 1 vertex 3: coordinate 1e999 is out of range"}},
		{"-1e999", collection(poly(`[[[75,-1e999],[76,39],[76,40],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 1: coordinate -1e999 is out of range"}},
		{"absurd", collection(`{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[` + okRing + `,[[[1e300,39],[76,39],[76,40],[75,39]]]]}}`),
			[]string{"第 1 个要素：第 2 个面第 1 环第 1 点：坐标 1e300 超出任何坐标系的范围", "feature 1: part 2 ring 1 vertex 1: coordinate 1e300 is outside any coordinate system"}},
		{"longitude", collection(poly(`[[[75,39],[200,39],[76,40],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 2: longitude 200 is outside −180°…180° (EPSG:4326 is in degrees)"}},
		{"latitude", collection(poly(`[[[75,39],[76,39],[76,95],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 3: latitude 95 is outside −90°…90°"}},
		{"short ring", collection(poly(`[[[75,39],[76,39],[75,39]]]`)),
			[]string{"feature 1: part 1 ring 1 (outer ring): the ring has 3 points; a closed ring needs at least 4 (the last repeating the first) (vertices)"}},
		{"no rings", collection(poly(`[]`)), []string{"feature 1: part 1: the part has no rings (empty)"}},
		{"empty part", collection(`{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[]]}}`),
			[]string{"feature 1: part 1: the part has no rings (empty)"}},
		{"property 1e999", collection(`{"type":"Feature","properties":{"面积":1e999},"geometry":{"type":"Polygon","coordinates":` + okRing + `}}`),
			[]string{"第 1 个要素：字段 面积：数值 1e999 超出范围", "feature 1: field 面积: the number 1e999 is out of range"}},
		{"type a number", collection(`{"type":1,"geometry":null}`),
			[]string{"feature 1: type must be the string \"Feature\", not a number"}},
		{"feature an array", collection(`[1]`), []string{"feature 1: a feature must be an object, not an array"}},
		{"geometry a string", collection(`{"type":"Feature","geometry":"x"}`), []string{"feature 1: geometry must be an object, not a string"}},
		{"features an object", `{"type":"FeatureCollection","features":{}}`, []string{"features must be an array, not an object"}},
		{"features null", `{"type":"FeatureCollection","features":null}`, []string{"features must be an array, not null"}},
		{"syntax in feature 2", syntax,
			[]string{"第 2 个要素：JSON 语法错误（该值在第 " + strconv.Itoa(start) + " 字节之后开始）", "feature 2: JSON syntax error (the value starts after byte " + strconv.Itoa(start) + "): invalid character '}'"}},
		{"ends early", `{"type":"FeatureCollection","features":[` + poly(okRing) + `,{"type":"Feat`, []string{"feature 2: the JSON ends too early"}},
		{"not UTF-8", collection(`{"type":"Feature","properties":{"名称":"` + "\xD6\xD0" + `"},"geometry":{"type":"Polygon","coordinates":` + okRing + `}}`),
			[]string{"feature 1: the text is not valid UTF-8 (GeoJSON must be UTF-8; convert a GBK file to UTF-8 first)"}},
		{"trailing text", collection(poly(okRing)) + ` {}`, []string{"content after the end of the document"}},
		// A Feature is read (issue 10), and refused for what it lacks.
		{"type Feature", `{"type":"Feature","geometry":null}`, []string{"第 1 个要素：没有几何图形", "feature 1: no geometry"}},
		{"not json", `not json`, []string{"不是有效的 GeoJSON", "not valid GeoJSON: JSON syntax error at byte 2"}},
		{"empty", ``, []string{"the file is empty"}},
		{"crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:99999999999999"}},"features":[]}`, []string{"unrecognised crs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The reader, then the one validator, as fileio runs them.
			l, err := ReadLayer(strings.NewReader(tc.in), "x")
			if err == nil {
				err = l.ValidateGeometry()
			}
			wantErr(t, err, tc.want...)
		})
	}
}

// TestCrsAfterFeatures: the crs member may come after the features (the
// range check waits for it).
func TestCrsAfterFeatures(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[` + poly(`[[[25500000,4370000],[25503000,4370000],[25503000,4373000],[25500000,4370000]]]`) +
		`],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4513"}}}`
	l, err := ReadLayer(strings.NewReader(in), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.SRID != 4513 || l.Features[0].Geometry[0][0][1].Lon != 25503000 {
		t.Errorf("SRID %d geometry %v", l.SRID, l.Features[0].Geometry)
	}
}

func TestReadCollectionMessages(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"MultiPolygon", collection(poly(okRing), `{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[`+okRing+`]}}`),
			[]string{"第 2 个要素：几何类型 \"MultiPolygon\" 不是 Polygon", "feature 2: geometry type \"MultiPolygon\" is not Polygon"}},
		{"coordinate 1e999", collection(poly(`[[[75,39],[76,39],[76,1e999],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 3: coordinate 1e999 is out of range"}},
		{"coordinate a string", collection(poly(`[[[75,39],["76",39],[76,40],[75,39]]]`)),
			[]string{"feature 1: ring 1 vertex 2: coordinate 1 must be a number, not a string"}},
		{"properties an array", collection(`{"type":"Feature","properties":[1],"geometry":null}`),
			[]string{"第 1 个要素：properties 应为对象，而不是数组", "feature 1: properties must be an object, not an array"}},
		{"nested property 1e999", collection(`{"type":"Feature","properties":{"a":{"b":[1e999]}},"geometry":null}`),
			[]string{"feature 1: field a: the number 1e999 is out of range"}},
		{"id 1e999", collection(`{"type":"Feature","id":1e999,"properties":{},"geometry":null}`),
			[]string{"feature 1: id: the number 1e999 is out of range"}},
		{"name a number", `{"type":"FeatureCollection","name":5,"features":[]}`, []string{"name must be a string, not a number"}},
		{"longitude", collection(poly(`[[[75,39],[181,39],[76,40],[75,39]]]`)), []string{"feature 1: ring 1 vertex 2: longitude 181 is outside"}},
		{"type", `{"type":"Topology"}`, []string{`type is "Topology", want FeatureCollection`}},
		{"not json", `{"type":`, []string{"not valid GeoJSON: the JSON ends too early"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// geo.ParseFeatureCollection alone would answer in Go's words
			// for most of these; ReadCollection must not.
			_, err := ReadCollection(strings.NewReader(tc.in))
			wantErr(t, err, tc.want...)
		})
	}
}

func TestReadLinesMessages(t *testing.T) {
	ok := poly(okRing)
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"1e999", ok + "\n" + poly(`[[[1e999,39],[76,39],[76,40],[75,39]]]`) + "\n", []string{"第 2 行：第 1 环第 1 点：坐标 1e999 超出数值范围", "line 2: ring 1 vertex 1: coordinate 1e999 is out of range"}},
		{"not a feature", ok + "\n\n" + collection() + "\n", []string{`line 3: type is "FeatureCollection", want Feature`}},
		{"an array", "[1,2]\n", []string{"line 1: each line must be a Feature object, not an array"}},
		{"syntax", "{\"type\":\n", []string{"第 1 行：JSON 不完整（提前结束）", "line 1: the JSON ends too early"}},
		{"property", `{"type":"Feature","properties":{"x":[1e400]},"geometry":null}` + "\n", []string{"line 1: field x: the number 1e400 is out of range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ReadLines(strings.NewReader(tc.in), func(formats.Record) error { return nil })
			wantErr(t, err, tc.want...)
		})
	}
}

func TestReadLineTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 64 MiB line")
	}
	long := poly(okRing) + "\n" + `{"type":"Feature","properties":{"x":"` + strings.Repeat("a", MaxLine) + `"}}` + "\n"
	err := ReadLines(strings.NewReader(long), func(formats.Record) error { return nil })
	wantErr(t, err, "第 2 行：行长超过 67108864 字节的上限", "line 2: the line is longer than the limit of 67108864 bytes")
	_, err = ReadLayerLines(strings.NewReader(long), "x")
	wantErr(t, err, "line 2: the line is longer than the limit")
}

// TestReadLayerLines: the same layer as ReadLayer from the same features,
// one per line (with the RFC 8142 separator on some and blank lines), in
// EPSG:4490.
func TestReadLayerLines(t *testing.T) {
	want, err := ReadLayer(strings.NewReader(sample), "分区")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	start := strings.Index(sample, "[\n") + 2
	body := strings.TrimSuffix(strings.TrimSpace(sample[start:]), "]}")
	feats := strings.Split(body, "},\n{")
	for i, f := range feats {
		if i > 0 {
			f = "{" + f
		}
		if i < len(feats)-1 {
			f += "}"
		}
		f = strings.ReplaceAll(strings.TrimSpace(f), "\n", "")
		if i == 1 {
			buf.WriteString("\x1e")
		}
		buf.WriteString(f + "\r\n\n")
	}
	got, err := ReadLayerLines(&buf, "分区")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layer from lines\n%+v\nwant\n%+v", got, want)
	}

	in := poly(okRing) + "\n\n" + `{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}` + "\n"
	_, err = ReadLayerLines(strings.NewReader(in), "x")
	wantErr(t, err, "第 3 行：几何类型 \"Point\" 不是面", "line 3: geometry type \"Point\" is not Polygon or MultiPolygon")

	in = poly(okRing) + "\n" + poly(`[[[75,39],[76,39],[76,40],[75,39]]]`) + "\n" + poly(`[[[75,39],[76,39],[76,91],[75,39]]]`) + "\n"
	_, err = ReadLayerLines(strings.NewReader(in), "x")
	wantErr(t, err, "line 3: ring 1 vertex 3: latitude 91 is outside −90°…90° (EPSG:4490 is in degrees)")
}

func TestFieldLimit(t *testing.T) {
	var props []string
	for i := 0; i <= formats.MaxFields; i++ {
		props = append(props, `"f`+strconv.Itoa(i)+`":1`)
	}
	f := `{"type":"Feature","properties":{` + strings.Join(props, ",") + `},"geometry":{"type":"Polygon","coordinates":` + okRing + `}}`
	_, err := ReadLayer(strings.NewReader(collection(poly(okRing), f)), "x")
	wantErr(t, err, "第 2 个要素：字段", "feature 2: field", "takes the layer past the limit of 1000 fields")
}

func TestVertexLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 30 MB feature")
	}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[`)
	for i := 0; i <= formats.MaxVerticesPerFeature; i++ {
		b.WriteString("[1,2],")
	}
	b.WriteString(`[1,2]]]}}]}`)
	_, err := ReadLayer(strings.NewReader(b.String()), "x")
	wantErr(t, err, "第 1 个要素：第 1 环第 5000001 点：要素的点数超过 5000000 个的上限", "feature 1: ring 1 vertex 5000001: the feature has more than the limit of 5000000 vertices")
}

// finite checks that no accepted coordinate is NaN or infinite.
func finite(t *testing.T, l *formats.Layer) {
	for i, f := range l.Features {
		for _, p := range f.Geometry {
			for _, r := range p {
				for _, v := range r {
					if math.IsNaN(v.Lon) || math.IsNaN(v.Lat) || math.IsInf(v.Lon, 0) || math.IsInf(v.Lat, 0) || math.Abs(v.Lon) > formats.MaxAbsCoordinate || math.Abs(v.Lat) > formats.MaxAbsCoordinate {
						t.Fatalf("feature %d: coordinate %v accepted", i+1, v)
					}
				}
			}
		}
		for j, v := range f.Values {
			if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
				t.Fatalf("feature %d field %d: %v accepted", i+1, j+1, x)
			}
		}
	}
}

func FuzzReadLayerLines(f *testing.F) {
	f.Add([]byte(poly(okRing) + "\n"))
	f.Add([]byte(bomText + `{"type":"Feature","properties":{"名称":"甲","面积":1.5,"n":3,"ok":true,"x":null,"o":{"a":[1]}},"geometry":{"type":"MultiPolygon","coordinates":[` + okRing + `]}}` + "\n\x1e" + poly(okRing)))
	f.Add([]byte(poly(`[[[75,39],[76,39],[1e999,40],[75,39]]]`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadLayerLines(bytes.NewReader(b), "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), " / ") {
				t.Fatalf("not bilingual: %v", err)
			}
			for _, w := range goWords[:5] {
				if strings.Contains(err.Error(), w) {
					t.Fatalf("message shows %q: %v", w, err)
				}
			}
			return
		}
		finite(t, l)
		var buf bytes.Buffer
		if err := WriteLayer(&buf, l); err != nil {
			t.Fatalf("a layer that was read cannot be written: %v", err)
		}
	})
}

func FuzzReadCollection(f *testing.F) {
	f.Add([]byte(collection(poly(okRing))))
	f.Add([]byte(bomText + collection(`{"type":"Feature","id":"a","properties":{"a":{"b":[1,"x"]}},"geometry":null}`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadCollection(bytes.NewReader(b))
		for _, f := range featuresOf(l) {
			for _, p := range f.Geometry {
				for _, r := range p {
					for _, v := range r {
						if math.IsNaN(v.Lon) || math.IsInf(v.Lon, 0) || math.Abs(v.Lon) > 180 || math.Abs(v.Lat) > 90 {
							t.Fatalf("coordinate %v accepted", v)
						}
					}
				}
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), " / ") {
				t.Fatalf("not bilingual: %v", err)
			}
			for _, w := range goWords[:5] {
				if strings.Contains(err.Error(), w) {
					t.Fatalf("message shows %q: %v", w, err)
				}
			}
		}
	})
}

// TestValueLimit: one feature with 1000 fields, then many with one: the
// value slots (features × fields) are bounded as they grow, not once the
// whole document is held.
func TestValueLimit(t *testing.T) {
	var props []string
	for i := 0; i < formats.MaxFields; i++ {
		props = append(props, `"f`+strconv.Itoa(i)+`":1`)
	}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{` + strings.Join(props, ",") + `},"geometry":{"type":"Polygon","coordinates":` + okRing + `}}`)
	n := formats.MaxValues/formats.MaxFields + 1
	for i := 0; i < n; i++ {
		b.WriteString(`,{"type":"Feature","properties":{"f1":2},"geometry":{"type":"Polygon","coordinates":` + okRing + `}}`)
	}
	b.WriteString(`]}`)
	_, err := ReadLayer(strings.NewReader(b.String()), "x")
	wantErr(t, err, "第 10001 个要素：10001 个要素 × 1000 个字段超过 10000000 个属性值的上限", "feature 10001: 10001 features × 1000 fields exceed the limit of 10000000 values")
}
