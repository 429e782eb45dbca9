package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

const fuzzSquare = `[[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46],[77.30,38.45]]]`

// FuzzRegisterGeoJSON feeds arbitrary GeoJSON to the register import, as a
// dry run against the illustrative register: it never panics, and its
// report, whatever it says, encodes as JSON.
func FuzzRegisterGeoJSON(f *testing.F) {
	p, err := data.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(f.TempDir(), "m.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(testutil.Context()); err != nil {
		f.Fatal(err)
	}
	if _, err := app.LoadDemoRegister(testutil.Context(), db, p, clock); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"F-1","kind":"exploration","name":"勘查","holder":"公司","main_mineral":"铜矿","county":"莎车县","area_km2":1,"valid_from":"2024-01-01","valid_to":"2029-01-01","status":"valid"},"geometry":{"type":"Polygon","coordinates":` + fuzzSquare + `}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"F-2","kind":"mining","name":"采矿","holder":"公司","main_mineral":"火星矿","county":"火星县","area_km2":1e308,"design_scale":1e308,"scale_unit":"万吨/年","valid_from":"2024-01-01","valid_to":"2029-01-01","status":"producing"},"geometry":{"type":"MultiPolygon","coordinates":[` + fuzzSquare + `,` + fuzzSquare + `]}}]}`,
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4525"}},"features":[]}`,
		"\uFEFF{\"type\":\"FeatureCollection\",\"features\":[]}",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "r.geojson")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := app.ReadRegisterFile(path, fileio.ReadOptions{})
		if err != nil {
			return
		}
		rep, err := app.ImportRights(testutil.Context(), db, p, rows, importDay, clock, true)
		if err != nil {
			t.Fatalf("the dry run failed instead of reporting: %v", err)
		}
		if rep.Imported != 0 {
			t.Fatalf("a dry run imported %d", rep.Imported)
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("the report does not encode: %v", err)
		}
	})
}

// FuzzLayerImport feeds arbitrary GeoJSON to the layer reader and the
// checks of layers import: every feature that passes has a valid
// geometry and properties that encode.
func FuzzLayerImport(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":0,"name":"红线"},"geometry":{"type":"Polygon","coordinates":` + fuzzSquare + `}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},"geometry":{"type":"MultiPolygon","coordinates":[` + fuzzSquare + `]}}]}`,
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4525"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[25500000,4250000],[25501000,4250000],[25501000,4251000],[25500000,4250000]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"\u202e"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "l.geojson")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		l, _, err := fileio.Read(path)
		if err != nil {
			return
		}
		fs, err := app.LayerFeatures(testutil.Context(), l)
		if err != nil {
			return
		}
		for _, lf := range fs {
			var props map[string]any
			if err := json.Unmarshal(lf.Properties, &props); err != nil {
				t.Fatalf("feature %d: stored properties do not decode: %v", lf.ID, err)
			}
		}
	})
}
