package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/geo/geotest"
)

// TestOneValidatorInEveryCommand runs each case of the shared WKT table
// through review, rights import, layers import, convert and coords area:
// every command accepts the valid cases and refuses the others, naming
// the same rule.
func TestOneValidatorInEveryCommand(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.db")
	mustRun(t, "migrate", "--db", empty)
	emptyBytes, err := os.ReadFile(empty)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range geotest.ValidityCases {
		if c.Rule == geo.RuleRange {
			continue // outside the territory too: each command says so first
		}
		coords, err := json.Marshal(c.Geometry())
		if err != nil {
			t.Fatal(err)
		}
		geom := `{"type":"MultiPolygon","coordinates":` + string(coords) + `}`
		files := map[string][]byte{
			"review": []byte(`{"type":"Feature","properties":{"kind":"exploration","mineral":"铜矿","county":"疏附县"},"geometry":` + geom + `}`),
			"rights": []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"V-1","kind":"exploration","name":"校验","holder":"测试公司","main_mineral":"铜矿","county":"疏附县","area_km2":1,"valid_from":"2024-01-01","valid_to":"2029-01-01","status":"valid"},"geometry":` + geom + `}]}`),
			"layer":  []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"图斑"},"geometry":` + geom + `}]}`),
		}
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "m.db")
			if err := os.WriteFile(db, emptyBytes, 0o644); err != nil {
				t.Fatal(err)
			}
			write := func(name string, b []byte) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			app, reg, lay := write("app.geojson", files["review"]), write("rights.geojson", files["rights"]), write("layer.geojson", files["layer"])
			for _, cmd := range [][]string{
				{"review", app},
				{"rights", "import", "--db", db, reg},
				{"layers", "import", "--db", db, "--name", "v", lay},
				{"convert", lay, filepath.Join(dir, "out.gpkg")},
				{"coords", "area", lay},
			} {
				var out, errOut bytes.Buffer
				code := run(context.Background(), cmd, strings.NewReader(""), &out, &errOut)
				text := out.String() + errOut.String()
				switch {
				case c.Rule == "" && code != 0:
					t.Errorf("%s refused a valid geometry (exit %d):\n%s", cmd[0], code, text)
				case c.Rule != "" && code == 0:
					t.Errorf("%s accepted a geometry that breaks %s", cmd[0], c.Rule)
				case c.Rule != "" && !strings.Contains(text, "("+string(c.Rule)+")"):
					t.Errorf("%s refused it without naming %s:\n%s", strings.Join(cmd[:1], " "), c.Rule, text)
				}
			}
		})
	}
}
