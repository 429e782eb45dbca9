package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeoJSONDocumentShapes: every command that reads GeoJSON takes a
// FeatureCollection, a single Feature and a bare geometry (issue 10).
func TestGeoJSONDocumentShapes(t *testing.T) {
	geom := `{"type":"Polygon","coordinates":[` + square + `]}`
	layerFeature := `{"type":"Feature","properties":{"name":"图斑"},"geometry":` + geom + `}`
	appFeature := `{"type":"Feature","properties":{` + applicationProps + `},"geometry":` + geom + `}`
	right := `{"type":"Feature","properties":{"id":"D-1","kind":"exploration","name":"文档","holder":"测试公司","main_mineral":"铜矿","county":"莎车县","area_km2":1.2,"valid_from":"2024-01-01","valid_to":"2029-01-01","status":"valid"},"geometry":` + geom + `}`
	collection := func(f string) string { return `{"type":"FeatureCollection","features":[` + f + `]}` }
	shapes := []struct{ name, layer, app, right string }{
		{"collection", collection(layerFeature), collection(appFeature), collection(right)},
		{"feature", layerFeature, appFeature, right},
		// A bare geometry has no attributes: the layer commands read it;
		// review and rights import need the fields only a Feature carries.
		{"geometry", geom, "", ""},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "m.db")
			write := func(name, body string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			lay := write("layer.geojson", s.layer)
			if out := mustRun(t, "coords", "area", lay); !strings.Contains(out, "km²") {
				t.Errorf("coords area:\n%s", out)
			}
			out := filepath.Join(dir, "out.gpkg")
			mustRun(t, "convert", lay, out)
			if st, err := os.Stat(out); err != nil || st.Size() == 0 {
				t.Errorf("convert wrote nothing: %v", err)
			}
			mustRun(t, "layers", "import", "--db", db, "--name", "v", lay)
			if s.app != "" {
				if rep := mustRun(t, "review", "--json", write("app.geojson", s.app)); !strings.Contains(rep, `"verdict"`) {
					t.Errorf("review:\n%s", rep)
				}
			}
			if s.right != "" {
				mustRun(t, "rights", "import", "--db", db, write("rights.geojson", s.right))
				if got := mustRun(t, "rights", "show", "--db", db, "D-1"); !strings.Contains(got, "文档") {
					t.Errorf("rights show after import:\n%s", got)
				}
			}
		})
	}
	// A bare geometry given to review is read, and the application's
	// fields are asked for.
	p := filepath.Join(t.TempDir(), "g.geojson")
	if err := os.WriteFile(p, []byte(geom), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "review", p)
	if code == 0 || !strings.Contains(out+errOut, "properties") {
		t.Errorf("review of a bare geometry: exit %d\n%s%s", code, out, errOut)
	}
}
