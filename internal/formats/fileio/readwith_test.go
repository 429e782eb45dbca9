package fileio

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

func TestReadGeoJSONLines(t *testing.T) {
	dir := t.TempDir()
	coll := filepath.Join(dir, "矿区.geojson")
	if err := os.WriteFile(coll, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	want, _, err := Read(coll)
	if err != nil {
		t.Fatal(err)
	}
	// The same features, one per line (GeoJSON lines carry no crs: 4490).
	body := source[strings.Index(source, "[\n")+2 : strings.LastIndex(source, "]}")]
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\n ", ""), "}},\n{", "}}\n{")
	for _, ext := range []string{".geojsonl", ".geojsons", ".jsonl", ".NDJSON"} {
		p := filepath.Join(dir, "矿区"+ext)
		if err := os.WriteFile(p, []byte("\xEF\xBB\xBF"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		got, ws, err := Read(p)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if len(ws) != 0 || got.SRID != geo.EPSG4490 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: warnings %v, layer\n%+v\nwant\n%+v", ext, ws, got, want)
		}
	}
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(bad, []byte(strings.Replace(body, "76.9,39.6", "76.9,1e999", 1)), 0o644)
	_, _, err = Read(bad)
	if err == nil || !strings.Contains(err.Error(), "line 1: ring 1 vertex 3: coordinate 1e999 is out of range") {
		t.Errorf("err %v", err)
	}
}

func TestReadWithEncoding(t *testing.T) {
	dir := t.TempDir()
	l := &formats.Layer{Name: "r", SRID: 4490, Fields: []formats.Field{{Name: "NAME", Type: formats.String}},
		Features: []formats.Feature{{Geometry: geo.MultiPolygon{{{{Lon: 75, Lat: 39}, {Lon: 75, Lat: 40}, {Lon: 76, Lat: 40}, {Lon: 75, Lat: 39}}}}, Values: []any{"喀什铜矿"}}}}
	shp := filepath.Join(dir, "r.shp")
	if _, err := Write(shp, l, "GBK"); err != nil {
		t.Fatal(err)
	}
	// A GBK .dbf whose .cpg wrongly says UTF-8 (the language driver byte
	// is cleared, as some tools leave it).
	os.WriteFile(filepath.Join(dir, "r.cpg"), []byte("UTF-8"), 0o644)
	dbf, _ := os.ReadFile(filepath.Join(dir, "r.dbf"))
	dbf[29] = 0
	os.WriteFile(filepath.Join(dir, "r.dbf"), dbf, 0o644)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("喀什铜矿")
	if !strings.Contains(string(dbf), gbk) {
		t.Fatal("fixture is not GBK")
	}

	_, _, err := Read(shp)
	if err == nil || !strings.Contains(err.Error(), "第 1 条记录字段 NAME：文本不是有效的 UTF-8") || !strings.Contains(err.Error(), "give --encoding GBK") {
		t.Fatalf("err %v", err)
	}
	got, _, err := ReadWith(shp, ReadOptions{Encoding: "GBK"})
	if err != nil || got.Features[0].Values[0] != "喀什铜矿" {
		t.Fatalf("ReadWith GBK: %v %v", err, got)
	}
	_, _, err = ReadWith(shp, ReadOptions{Encoding: "EBCDIC"})
	if err == nil || !strings.Contains(err.Error(), `unsupported encoding "EBCDIC" (accepted: UTF-8, GBK, GB18030`) {
		t.Fatalf("err %v", err)
	}
	// Other formats ignore the option, with a warning.
	gj := filepath.Join(dir, "r.geojson")
	os.WriteFile(gj, []byte(source), 0o644)
	_, ws, err := ReadWith(gj, ReadOptions{Encoding: "GBK"})
	if err != nil || len(ws) != 1 || !strings.Contains(ws[0], "applies to a Shapefile's .dbf only") {
		t.Errorf("warnings %v, err %v", ws, err)
	}
	_, _, err = Read(filepath.Join(dir, "r.kml"))
	if err == nil || !strings.Contains(err.Error(), ".ndjson") {
		t.Errorf("err %v", err)
	}
}
