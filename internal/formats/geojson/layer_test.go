package geojson

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"mineplan/internal/formats"
)

const sample = `{"type":"FeatureCollection","name":"分区","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[
{"type":"Feature","properties":{"编号":"GK012","名称":"喀什伽师-玉其铜矿国家规划矿区","面积":925.1,"采矿权":3,"示意":true,"备注":null},
 "geometry":{"type":"Polygon","coordinates":[[[76.5,39.3],[76.9,39.3],[76.9,39.6],[76.5,39.6],[76.5,39.3]],[[76.6,39.4],[76.7,39.4],[76.7,39.5],[76.6,39.4]]]}},
{"type":"Feature","properties":{"编号":"CS001","名称":"喀什市砖瓦用页岩矿集中开采区","面积":6.0,"采矿权":8,"示意":false},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[75.9,39.4],[76.0,39.4],[76.0,39.45],[75.9,39.4]]],[[[76.1,39.4],[76.2,39.4],[76.2,39.45],[76.1,39.4]]]]}}
]}`

func TestReadLayer(t *testing.T) {
	l, err := ReadLayer(strings.NewReader(sample), "")
	if err != nil {
		t.Fatal(err)
	}
	wantFields := []formats.Field{{Name: "编号"}, {Name: "名称"}, {Name: "面积", Type: formats.Real}, {Name: "采矿权", Type: formats.Integer}, {Name: "示意", Type: formats.Bool}, {Name: "备注"}}
	if l.Name != "分区" || l.SRID != 4490 || !reflect.DeepEqual(l.Fields, wantFields) {
		t.Fatalf("layer %q SRID %d fields %+v", l.Name, l.SRID, l.Fields)
	}
	if got := l.Features[0].Values; !reflect.DeepEqual(got, []any{"GK012", "喀什伽师-玉其铜矿国家规划矿区", 925.1, int64(3), true, nil}) {
		t.Errorf("feature 1 values %#v", got)
	}
	if len(l.Features[0].Geometry) != 1 || len(l.Features[0].Geometry[0]) != 2 || len(l.Features[1].Geometry) != 2 {
		t.Errorf("geometry shapes: %d/%d parts", len(l.Features[0].Geometry), len(l.Features[1].Geometry))
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	l, err := ReadLayer(strings.NewReader(sample), "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteLayer(&buf, l); err != nil {
		t.Fatal(err)
	}
	back, err := ReadLayer(&buf, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l, back) {
		t.Fatalf("round trip changed the layer:\n%+v\n%+v", l, back)
	}
}

func TestReadLayerErrors(t *testing.T) {
	cases := map[string]string{
		// A Feature is read (issue 10), and refused for what it lacks.
		`{"type":"Feature"}`:                               "feature 1: no geometry",
		`{"type":"Topology"}`:                              "want FeatureCollection, Feature, Polygon or MultiPolygon",
		`{"type":"Feature","features":[],"geometry":null}`: "no features member",
		`{"type":"Point","coordinates":[1,2]}`:             "not Polygon or MultiPolygon",
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}`:     "不是面",
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`:                                     "没有几何图形",
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],"geometry":{"type":"Polygon","coordinates":[]}}]}`:     "feature 1",
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2385"}},"features":[]}`:                               "EPSG:2385",
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1]]]}}]}`: "vertex 1",
		`not json`: "not valid GeoJSON",
	}
	for in, want := range cases {
		_, err := ReadLayer(strings.NewReader(in), "x")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.60s: %v, want an error mentioning %q", in, err, want)
		}
	}
}

func TestReadLinesNamesTheLine(t *testing.T) {
	in := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}

{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]`
	n := 0
	err := ReadLines(strings.NewReader(in), func(formats.Record) error { n++; return nil })
	if err == nil || !strings.Contains(err.Error(), "line 3") || n != 1 {
		t.Fatalf("err %v after %d features; want line 3", err, n)
	}
}

func FuzzReadLayer(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadLayer(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteLayer(&buf, l); err != nil {
			t.Fatalf("a layer that was read cannot be written: %v", err)
		}
	})
}

func FuzzReadLines(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","properties":{"id":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadLines(bytes.NewReader(b), func(formats.Record) error { return nil })
	})
}

// TestReadLayerOneFeatureOrGeometry: every reader of GeoJSON takes a
// FeatureCollection, a Feature and a bare geometry, giving the same layer.
func TestReadLayerOneFeatureOrGeometry(t *testing.T) {
	geom := `{"type":"Polygon","coordinates":[[[75,39],[76,39],[76,40],[75,39]]]}`
	feature := `{"type":"Feature","id":"a","properties":{"名称":"甲","n":2},"geometry":` + geom + `}`
	coll, err := ReadLayer(strings.NewReader(`{"type":"FeatureCollection","features":[`+feature+`]}`), "x")
	if err != nil {
		t.Fatal(err)
	}
	one, err := ReadLayer(strings.NewReader(feature), "x")
	if err != nil {
		t.Fatalf("a Feature: %v", err)
	}
	if !reflect.DeepEqual(one, coll) {
		t.Errorf("a Feature read as\n%+v, its collection as\n%+v", one, coll)
	}
	if one.Features[0].ID != "a" || formats.Properties(one.Fields, one.Features[0])["名称"] != "甲" {
		t.Errorf("feature %+v", one.Features[0])
	}
	bare, err := ReadLayer(strings.NewReader(geom), "x")
	if err != nil {
		t.Fatalf("a bare geometry: %v", err)
	}
	if len(bare.Features) != 1 || len(bare.Fields) != 0 || !reflect.DeepEqual(bare.Features[0].Geometry, coll.Features[0].Geometry) {
		t.Errorf("bare geometry read as %+v", bare)
	}
	multi := `{"type":"MultiPolygon","coordinates":[[[[75,39],[76,39],[76,40],[75,39]]],[[[77,39],[78,39],[78,40],[77,39]]]]}`
	if m, err := ReadLayer(strings.NewReader(multi), "x"); err != nil || len(m.Features[0].Geometry) != 2 {
		t.Errorf("bare MultiPolygon: %v", err)
	}
	// The bundle's reader takes them too.
	if c, err := ReadCollection(strings.NewReader(feature)); err != nil || len(c.Features) != 1 {
		t.Errorf("ReadCollection of a Feature: %v", err)
	}
	// A fault in a lone Feature is named as its feature 1.
	_, err = ReadLayer(strings.NewReader(`{"type":"Feature","properties":{"a":1e999},"geometry":`+geom+`}`), "x")
	if err == nil || !strings.Contains(err.Error(), "feature 1: field a: the number 1e999 is out of range") {
		t.Errorf("lone feature fault: %v", err)
	}
}
