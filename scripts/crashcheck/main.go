// Command crashcheck is scripts/crash-test.sh's helper: it writes the
// files the crash test imports, and checks a database after a kill (SQLite
// integrity, content hash, audit chain).
//
//	crashcheck rights TEMPLATE.geojson N OUT.geojson [OFFSET]
//	crashcheck layer N OUT.geojson
//	crashcheck check DB
//
// rights writes N rights copied from an exported register's features
// (their attributes are valid for the plan), each on its own square of a
// grid, with new licence numbers; OFFSET shifts the grid, so files made
// with different offsets do not overlap. check prints one line,
// "ok HASH counts=REVISIONS,LAYERS,FEATURES,RIGHTS,EVENTS,REVIEWS,SETTINGS,AUDIT
// audit=VERIFIED" or "corrupt REASON", and exits 3 when the database is
// corrupt. The crash test compares the counts: an import stamps its rows
// with the time, so the content hash after it differs from run to run.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"mineplan/internal/app"
	"mineplan/internal/store/sqlite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "crashcheck:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: crashcheck rights|layer|check …")
	}
	switch args[0] {
	case "rights":
		if len(args) < 4 {
			return fmt.Errorf("usage: crashcheck rights TEMPLATE N OUT [OFFSET]")
		}
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		offset := 0
		if len(args) > 4 {
			if offset, err = strconv.Atoi(args[4]); err != nil {
				return err
			}
		}
		return writeRights(args[1], n, offset, args[3])
	case "layer":
		if len(args) != 3 {
			return fmt.Errorf("usage: crashcheck layer N OUT")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		return writeLayer(n, args[2])
	case "check":
		if len(args) != 2 {
			return fmt.Errorf("usage: crashcheck check DB")
		}
		line, ok := check(args[1])
		fmt.Println(line)
		if !ok {
			os.Exit(3)
		}
		return nil
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

type feature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   map[string]any `json:"geometry"`
}

type collection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

// square is the i-th cell of a grid over Kashgar: 0.01° squares 0.02°
// apart, 250 to a row.
func square(i int) map[string]any {
	lon, lat := 74.0+float64(i%250)*0.02, 36.0+float64(i/250)*0.02
	ring := [][2]float64{{lon, lat}, {lon + 0.01, lat}, {lon + 0.01, lat + 0.01}, {lon, lat + 0.01}, {lon, lat}}
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}
}

// squareKm2 is square(i)'s area, near enough for the declared area.
func squareKm2(i int) float64 {
	lat := 36.0 + float64(i/250)*0.02 + 0.005
	km := 111.32 * math.Cos(lat*math.Pi/180) * 0.01 * 110.95 * 0.01
	return math.Round(km*1000) / 1000
}

func writeRights(template string, n, offset int, out string) error {
	raw, err := os.ReadFile(template)
	if err != nil {
		return err
	}
	var in collection
	if err := json.Unmarshal(raw, &in); err != nil {
		return fmt.Errorf("%s: %w", template, err)
	}
	if len(in.Features) == 0 {
		return fmt.Errorf("%s has no features", template)
	}
	fc := collection{Type: "FeatureCollection"}
	for i := range n {
		t := in.Features[i%len(in.Features)]
		p := map[string]any{}
		for k, v := range t.Properties {
			p[k] = v
		}
		k := offset + i
		lic, _ := p["licence_number"].(string)
		if len(lic) < 7 {
			return fmt.Errorf("template feature %d has no licence number", i%len(in.Features))
		}
		lic = lic[:len(lic)-7] + fmt.Sprintf("%07d", 1000000+k)
		p["licence_number"], p["id"] = lic, lic
		p["project_number"] = fmt.Sprintf("崩溃测试%06d", k)
		p["name"] = fmt.Sprintf("崩溃测试矿%06d", k)
		p["area_km2"] = squareKm2(k)
		fc.Features = append(fc.Features, feature{Type: "Feature", Properties: p, Geometry: square(k)})
	}
	return writeJSON(out, fc)
}

func writeLayer(n int, out string) error {
	fc := collection{Type: "FeatureCollection"}
	for i := range n {
		fc.Features = append(fc.Features, feature{Type: "Feature", Properties: map[string]any{"code": fmt.Sprintf("L%06d", i), "name": "崩溃测试图斑"}, Geometry: square(i)})
	}
	return writeJSON(out, fc)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// check opens the database as any command would (recovering its log),
// then runs SQLite's integrity check, the content hash and the audit
// chain's verification.
func check(path string) (string, bool) {
	ctx := context.Background()
	db, err := sqlite.Open(path)
	if err != nil {
		return "corrupt open: " + err.Error(), false
	}
	defer db.Close()
	if ic, err := db.IntegrityCheck(ctx); err != nil || ic != "ok" {
		return fmt.Sprintf("corrupt integrity_check: %q %v", ic, err), false
	}
	if err := db.CheckSchema(ctx); err != nil {
		return "corrupt schema: " + err.Error(), false
	}
	h, c, err := app.ContentHash(ctx, db)
	if err != nil {
		return "corrupt read: " + err.Error(), false
	}
	// The one verification, as `mineplan audit verify` (which the script
	// also runs) does it.
	v, err := app.VerifyAudit(ctx, db, "")
	n := v.Checked
	if err != nil {
		return "corrupt audit verify: " + err.Error(), false
	}
	return fmt.Sprintf("ok %s counts=%d,%d,%d,%d,%d,%d,%d,%d audit=%d", h, c.Revisions, c.Layers, c.LayerFeatures, c.Rights, c.RightEvents, c.Reviews, c.Settings, c.AuditEntries, n), true
}
