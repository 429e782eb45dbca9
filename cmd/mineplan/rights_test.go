package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRightsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	if out := mustRun(t, "demo", "load", "--db", db); !strings.Contains(out, "153 个矿业权") {
		t.Fatalf("demo load: %s", out)
	}
	out := mustRun(t, "rights", "list", "--db", db, "--kind", "mining", "--status", "under_construction")
	if !strings.Contains(out, "共 1 个矿业权") {
		t.Fatalf("list: %s", out)
	}
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal([]byte(mustRun(t, "rights", "list", "--db", db, "--json", "--county", "伽师县")), &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("list --json: %v", err)
	}
	p := fc.Features[0].Properties
	for _, k := range []string{"licence_number", "kind", "status", "main_mineral", "area_km2"} {
		if _, ok := p[k]; !ok {
			t.Errorf("property %s missing: %v", k, p)
		}
	}
	id := p["licence_number"].(string)
	if out := mustRun(t, "rights", "show", "--db", db, id); !strings.Contains(out, id) || !strings.Contains(out, "示意数据") {
		t.Errorf("show: %s", out)
	}
	if out := mustRun(t, "rights", "history", "--db", db, id); !strings.Contains(out, "新立") {
		t.Errorf("history: %s", out)
	}
	// Before any grant, the register was empty.
	if out := mustRun(t, "rights", "list", "--db", db, "--as-of", "2000-01-01"); !strings.Contains(out, "共 0 个矿业权") {
		t.Errorf("as of 2000: %s", out)
	}
	// Export, then import into a new database with a dry run first.
	x := filepath.Join(dir, "r.xlsx")
	mustRun(t, "rights", "export", "--db", db, "--format", "xlsx", "-o", x)
	db2 := filepath.Join(dir, "r2.db")
	if out := mustRun(t, "rights", "import", "--db", db2, "--dry-run", x); !strings.Contains(out, "全部通过校验") {
		t.Errorf("dry run: %s", out)
	}
	if out := mustRun(t, "rights", "import", "--db", db2, x); !strings.Contains(out, "已导入 153 个矿业权") {
		t.Errorf("import: %s", out)
	}
	// A second import of the same file is refused row by row.
	if code, out, _ := runCLI(t, "rights", "import", "--db", db2, x); code == 0 || !strings.Contains(out, "已在登记簿中") {
		t.Errorf("second import: %d %s", code, out)
	}
}

func TestRightsAPI(t *testing.T) {
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "m.db"), Now: func() time.Time { return time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) }})
	var fc struct {
		Type           string
		NumberMatched  int
		NumberReturned int
		Features       []struct {
			Geometry   struct{ Type string }
			Properties map[string]any
		}
	}
	json.Unmarshal(get(t, base+"/api/v1/rights?kind=exploration&limit=10&offset=5", 200), &fc)
	if fc.Type != "FeatureCollection" || fc.NumberMatched != 76 || fc.NumberReturned != 10 || fc.Features[0].Properties["kind"] != "exploration" {
		t.Fatalf("rights page: %+v", fc)
	}
	id := fc.Features[0].Properties["licence_number"].(string)
	var one struct{ Right map[string]any }
	json.Unmarshal(get(t, base+"/api/v1/rights/"+id, 200), &one)
	if one.Right["licence_number"] != id || one.Right["illustrative"] != true {
		t.Errorf("right: %v", one.Right)
	}
	var evs struct{ Events []map[string]any }
	json.Unmarshal(get(t, base+"/api/v1/rights/"+id+"/events", 200), &evs)
	if len(evs.Events) == 0 || evs.Events[0]["type"] != "grant" {
		t.Errorf("events: %v", evs.Events)
	}
	get(t, base+"/api/v1/rights/nope", 404)
	get(t, base+"/api/v1/rights?kind=oil", 400)
	get(t, base+"/api/v1/rights?as_of=2021-13-01", 400)
	json.Unmarshal(get(t, base+"/api/v1/rights?as_of=2021-12-31&kind=mining&status=producing&limit=1000", 200), &fc)
	if fc.NumberMatched != 42 {
		t.Errorf("producing mining rights at the end of 2021: %d, want 42", fc.NumberMatched)
	}
}
