package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mineplan/internal/store/postgis/pgtest"
)

// TestSameAnswersOnBothBackends serves the demo data from SQLite and from
// PostGIS and requires byte-identical API responses.
func TestSameAnswersOnBothBackends(t *testing.T) {
	pgURL := pgtest.URL(t)
	if code, out, e := runCLI(t, "migrate", "--db", pgURL); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, e)
	}
	clock := func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	lite := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "m.db"), Now: clock})
	pg := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: pgURL, Now: clock})
	paths := []string{
		"/healthz", "/api/v1/plan", "/api/v1/plan/check", "/api/v1/plan/tables", "/api/v1/minerals",
		"/api/v1/zones", "/api/v1/zones?bbox=76.5,39.0,77.0,39.6", "/api/v1/zones?type=sand_gravel_zone",
		"/api/v1/plan/tables/专栏99",
		"/api/v1/rights?limit=1000", "/api/v1/rights?kind=mining&mineral=铜矿", "/api/v1/rights?as_of=2021-12-31&status=suspended",
		"/api/v1/rights?bbox=74,36,80,40&limit=7&offset=3",
	}
	for n := 1; n <= 20; n++ {
		paths = append(paths, "/api/v1/plan/tables/专栏"+strconv.Itoa(n))
	}
	// One right and its events, by a licence number the demo register has.
	var first struct {
		Features []struct{ Properties map[string]any }
	}
	json.Unmarshal(get(t, lite+"/api/v1/rights?limit=1", 200), &first)
	if len(first.Features) != 1 {
		t.Fatal("no rights served")
	}
	id := first.Features[0].Properties["licence_number"].(string)
	paths = append(paths, "/api/v1/rights/"+id, "/api/v1/rights/"+id+"/events")
	// The review gives byte-identical reports on both backends, including
	// one that overlaps an illustrative right.
	var one struct {
		Geometry json.RawMessage
	}
	json.Unmarshal(get(t, lite+"/api/v1/rights/"+id, 200), &one)
	overlapping := []byte(`{"type":"Feature","properties":{"kind":"exploration","mineral":"铜矿","county":"伽师县"},"geometry":{"type":"MultiPolygon","coordinates":` + string(one.Geometry) + `}}`)
	for _, body := range [][]byte{copperAt25, overlapping} {
		a, b := post(t, lite+"/api/v1/check", body, 200), post(t, pg+"/api/v1/check", body, 200)
		if !bytes.Equal(a, b) || !bytes.Contains(a, []byte(`"findings"`)) {
			t.Errorf("review reports differ between SQLite and PostGIS:\n%.400s\n%.400s", a, b)
		}
	}
	for _, p := range paths {
		status := 200
		if strings.HasSuffix(p, "专栏99") {
			status = 404
		}
		a, b := get(t, lite+p, status), get(t, pg+p, status)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between SQLite and PostGIS:\nsqlite:  %.300s\npostgis: %.300s", p, a, b)
		}
	}
}

var hashLine = regexp.MustCompile(`内容哈希 源 ([0-9a-f]{64}) = 目标 ([0-9a-f]{64})`)

func copyHash(t *testing.T, from, to string) (string, string) {
	t.Helper()
	code, out, e := runCLI(t, "copy", "--from", from, "--to", to)
	if code != 0 {
		t.Fatalf("copy %s → %s: %d\n%s\n%s", from, to, code, out, e)
	}
	m := hashLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no hash line in %q", out)
	}
	return m[1], out
}

// TestCopyBetweenBackends copies SQLite → PostGIS → SQLite and requires the
// same content hash at every step; a second copy only adds what is new.
func TestCopyBetweenBackends(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	bundle := t.TempDir()
	copyBundle(t, bundle)
	mustRun(t, "plan", "load", "--db", a, "--bundle", bundle)
	appendTo(t, filepath.Join(bundle, "plan.yaml"), "# 年度调整\n")
	mustRun(t, "plan", "load", "--db", a, "--bundle", bundle)
	mustRun(t, "layers", "import", "--db", a, "--name", "grid", writeGrid(t, dir))
	mustRun(t, "demo", "load", "--db", a)

	pgURL := pgtest.URL(t)
	mustRun(t, "migrate", "--db", pgURL)
	h1, _ := copyHash(t, a, pgURL)
	h2, _ := copyHash(t, pgURL, b)
	if h1 != h2 {
		t.Fatalf("content hash changed: SQLite→PostGIS %s, PostGIS→SQLite %s", h1, h2)
	}
	// Resumable: a new revision in the source is the only thing copied.
	appendTo(t, filepath.Join(bundle, "plan.yaml"), "# 第二次调整\n")
	mustRun(t, "plan", "load", "--db", a, "--bundle", bundle)
	h3, out := copyHash(t, a, pgURL)
	if h3 == h1 || !strings.Contains(out, "新复制 1 个版本、0 个图层、0 条矿业权事件，已有 5 项跳过") {
		t.Fatalf("second copy: %s", out)
	}
	// A target whose history differs is refused, and left as it was.
	c := filepath.Join(dir, "c.db")
	mustRun(t, "plan", "load", "--db", c)
	if code, _, e := runCLI(t, "copy", "--from", a, "--to", c); code == 0 || !strings.Contains(e, "diverged") {
		t.Fatalf("copy onto a diverged target: %d %q", code, e)
	}
	if out := mustRun(t, "plan", "revisions", "--db", c); strings.Count(out, "kashgar-2021-2025") != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("the refused copy changed the target:\n%s", out)
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, e := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, e)
	}
	return out
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	b, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, append(b, s...)); err != nil {
		t.Fatal(err)
	}
}

// writeGrid writes a small GeoJSON lines layer.
func writeGrid(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 12; i++ {
		lon, lat := 75+float64(i%4)*0.1, 38+float64(i/4)*0.1
		b.WriteString(`{"type":"Feature","properties":{"id":` + strconv.Itoa(i+1) + `,"name":"图斑"},"geometry":{"type":"Polygon","coordinates":[[`)
		for j, c := range [][2]float64{{lon, lat}, {lon + 0.05, lat}, {lon + 0.05, lat + 0.05}, {lon, lat + 0.05}, {lon, lat}} {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("[" + ftoa(c[0]) + "," + ftoa(c[1]) + "]")
		}
		b.WriteString("]]}}\n")
	}
	p := filepath.Join(dir, "grid.geojsonl")
	if err := writeFile(p, []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeOnReadOnlyReplica: with every transaction read-only, as on a
// streaming replica, a database that has the plan still serves it.
func TestServeOnReadOnlyReplica(t *testing.T) {
	pgURL := pgtest.URL(t)
	mustRun(t, "migrate", "--db", pgURL)
	mustRun(t, "plan", "load", "--db", pgURL)
	replica := pgURL + "&default_transaction_read_only=on"
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: replica})
	get(t, base+"/api/v1/plan/tables/专栏16", 200)
	get(t, base+"/api/v1/zones?bbox=76.5,39.0,77.0,39.6", 200)
	// A write on the replica is refused, not half-done.
	if code, _, e := runCLI(t, "layers", "import", "--db", replica, writeGrid(t, t.TempDir())); code == 0 || !strings.Contains(e, "read-only") {
		t.Errorf("import on a read-only database: %d %q", code, e)
	}
}
