package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mineplan/internal/app"
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

// TestCopyBetweenBackends copies SQLite → PostGIS → SQLite verbatim: each
// copy's target hashes as its source (audit log included) and its log
// verifies. Each copy is recorded in its source's log first, so the second
// source holds one entry more than the first. A target that holds data is
// refused and left as it was; the copy that replaced resuming is one
// transaction, so an interrupted copy leaves an empty target.
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
	h1, out1 := copyHash(t, a, pgURL)
	h2, out2 := copyHash(t, pgURL, b)
	// Every copy records itself as the last entry of its source's log, so
	// the second copy carries one entry more than the first.
	n1, n2 := copiedEntries(t, out1), copiedEntries(t, out2)
	if h1 == h2 || n2 != n1+1 || n1 < 2 {
		t.Fatalf("copies (%d, %d entries):\n%s\n%s", n1, n2, out1, out2)
	}
	for db, want := range map[string]int64{pgURL: n2, b: n2} {
		if n, err := auditVerify(t, db); err != nil || n != want {
			t.Errorf("%s: audit verify %d entries, %v; want %d", redact(db), n, err, want)
		}
	}
	// A target that holds data is refused, and left as it was.
	before := mustRun(t, "plan", "revisions", "--db", pgURL)
	if code, _, e := runCLI(t, "copy", "--from", a, "--to", pgURL); code == 0 || !strings.Contains(e, "not empty") {
		t.Fatalf("copy onto a target with data: %d %q", code, e)
	}
	c := filepath.Join(dir, "c.db")
	mustRun(t, "plan", "load", "--db", c)
	if code, _, e := runCLI(t, "copy", "--from", a, "--to", c); code == 0 || !strings.Contains(e, "plan revisions") {
		t.Fatalf("copy onto a target with a plan: %d %q", code, e)
	}
	if out := mustRun(t, "plan", "revisions", "--db", pgURL); out != before {
		t.Errorf("the refused copy changed the target:\n%s\n%s", before, out)
	}
}

var copiedLine = regexp.MustCompile(`(\d+) 条审计记录（含本次复制的第 (\d+) 条）`)

// copiedEntries is the number of audit entries a copy reports, which must
// end with the copy's own.
func copiedEntries(t *testing.T, out string) int64 {
	t.Helper()
	m := copiedLine.FindStringSubmatch(out)
	if m == nil || m[1] != m[2] {
		t.Fatalf("no count of audit entries ending with the copy's own in:\n%s", out)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// auditVerify runs the chain verifier over a database's log.
func auditVerify(t *testing.T, db string) (int64, error) {
	t.Helper()
	st, err := openStore(context.Background(), db, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := app.VerifyAudit(context.Background(), st, "")
	return v.Checked, err
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
