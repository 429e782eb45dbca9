package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mineplan/internal/testutil"
)

// syncBuffer collects a server's output safely across goroutines.
type syncBuffer = testutil.SyncBuffer

// startServer runs the real server on port 0 with a temporary database and
// returns its base URL; the server stops when the test ends.
func startServer(t *testing.T, dbPath string) string {
	t.Helper()
	return startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: dbPath})
}

func startServerConfig(t *testing.T, cfg serveConfig) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out, errOut syncBuffer
	go func() {
		cfg.Ready = ready
		done <- serve(ctx, cfg, &out, &errOut)
	}()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("server stopped with %v", err)
				}
				if !strings.Contains(out.String(), "已停止") {
					t.Errorf("no graceful-shutdown message in %q", out.String())
				}
			case <-time.After(20 * time.Second):
				t.Error("server did not shut down")
			}
		})
		return "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("server failed to start: %v\n%s", err, errOut.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not start")
	}
	return ""
}

func get(t *testing.T, url string, wantStatus int) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, wantStatus, b)
	}
	return b
}

func TestServeAPI(t *testing.T) {
	base := startServer(t, filepath.Join(t.TempDir(), "m.db"))

	var health map[string]any
	json.Unmarshal(get(t, base+"/healthz", 200), &health)
	if health["status"] != "ok" || health["plan_revision"] != float64(1) {
		t.Errorf("healthz: %v", health)
	}

	var table struct {
		ID     string
		Clause string
		Rows   []map[string]any
		Totals []struct {
			Label  string
			Values map[string]json.Number
		}
	}
	dec := json.NewDecoder(bytes.NewReader(get(t, base+"/api/v1/plan/tables/专栏16", 200)))
	dec.UseNumber()
	if err := dec.Decode(&table); err != nil {
		t.Fatal(err)
	}
	if table.ID != "专栏16" || table.Clause != "三㈢3⑵" || len(table.Rows) != 28 {
		t.Fatalf("专栏16: id %s clause %s rows %d", table.ID, table.Clause, len(table.Rows))
	}
	if len(table.Totals) != 1 || table.Totals[0].Values["area"] != "6072.5" || table.Totals[0].Values["blocks"] != "290" {
		t.Errorf("专栏16 totals: %+v", table.Totals)
	}
	if table.Rows[0]["mineral"] != "煤" {
		t.Errorf("专栏16 row 1: %v", table.Rows[0])
	}
	// The same table by number, and an unknown one.
	get(t, base+"/api/v1/plan/tables/16", 200)
	get(t, base+"/api/v1/plan/tables/专栏21", 404)

	var plan struct {
		Revision struct{ Revision int }
		Counts   map[string]int
	}
	json.Unmarshal(get(t, base+"/api/v1/plan", 200), &plan)
	if plan.Revision.Revision != 1 || plan.Counts["tables"] != 20 || plan.Counts["zones"] != 59 {
		t.Errorf("plan: %+v", plan)
	}

	var minerals struct{ Minerals []map[string]any }
	json.Unmarshal(get(t, base+"/api/v1/minerals", 200), &minerals)
	if len(minerals.Minerals) < 50 {
		t.Errorf("%d minerals", len(minerals.Minerals))
	}

	var fc struct {
		Type     string
		Features []struct {
			ID         string
			Geometry   *struct{ Type string }
			Properties map[string]any
		}
	}
	json.Unmarshal(get(t, base+"/api/v1/zones", 200), &fc)
	if fc.Type != "FeatureCollection" || len(fc.Features) != 59 {
		t.Fatalf("zones: %s with %d features", fc.Type, len(fc.Features))
	}
	for _, f := range fc.Features {
		if f.Properties["illustrative"] != true {
			t.Errorf("zone %s not marked illustrative", f.ID)
		}
	}
	json.Unmarshal(get(t, base+"/api/v1/zones?bbox=76.5,39.0,77.0,39.6&type=national_planning_area", 200), &fc)
	if len(fc.Features) != 1 || fc.Features[0].ID != "GK012" {
		t.Errorf("bbox+type query: %+v", fc.Features)
	}
	var apiErr struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(get(t, base+"/api/v1/zones?bbox=1,2,3", 400), &apiErr)
	if apiErr.Error.Code != "bad_parameter" || !strings.Contains(apiErr.Error.Message, "4 个数") {
		t.Errorf("bad bbox error: %+v", apiErr)
	}

	page := string(get(t, base+"/", 200))
	for _, want := range []string{"/api/v1/plan/tables", "/api/v1/zones", "示意数据", "专栏16"} {
		if !strings.Contains(page, want) {
			t.Errorf("index page lacks %q", want)
		}
	}
}

// TestServeKeepsStoredRevision: a second start on the same database serves
// the stored revision and adds none.
func TestServeKeepsStoredRevision(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"plan", "load", "--db", db}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("plan load: %d %s", code, errOut.String())
	}
	base := startServer(t, db)
	var health map[string]any
	json.Unmarshal(get(t, base+"/healthz", 200), &health)
	if health["plan_revision"] != float64(1) {
		t.Errorf("healthz: %v", health)
	}
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPlanCheckCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "plan", "check", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Checked       int
		Disagreements []struct {
			Where, Message   string
			Stated, Computed json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range rep.Disagreements {
		if d.Where == "二㈢2 与 四㈠" && string(d.Stated) == "8300" && string(d.Computed) == "7800" && d.Message != "" {
			found = true
		}
	}
	if !found || rep.Checked == 0 {
		t.Errorf("8300 vs 7800 not reported among %d disagreements", len(rep.Disagreements))
	}
}

func TestPlanCheckRefusesCorruptBundle(t *testing.T) {
	dir := t.TempDir()
	copyBundle(t, dir)
	path := filepath.Join(dir, "tables", "zl04.yaml")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(b, []byte(`unit: "km²"`), nil, 1), 0o644)
	code, _, errOut := runCLI(t, "plan", "check", "--bundle", dir)
	if code == 0 || !strings.Contains(errOut, "tables/zl04.yaml") || !strings.Contains(errOut, "missing unit") {
		t.Fatalf("exit %d, stderr %q; want a refusal naming tables/zl04.yaml and the missing unit", code, errOut)
	}
}

func copyBundle(t *testing.T, dst string) {
	t.Helper()
	src := filepath.Join("..", "..", "data", "plans", "kashgar-2021-2025")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

func TestRevisionCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	bundle := t.TempDir()
	copyBundle(t, bundle)
	if code, out, e := runCLI(t, "plan", "load", "--db", db, "--bundle", bundle); code != 0 || !strings.Contains(out, "第 1 版") {
		t.Fatalf("first load: %d %q %q", code, out, e)
	}
	if code, out, _ := runCLI(t, "plan", "load", "--db", db, "--bundle", bundle); code != 0 || !strings.Contains(out, "未新建版本") {
		t.Fatalf("identical load: %d %q", code, out)
	}
	// Edit the bundle as a planner would: the next load is revision 2.
	f := filepath.Join(bundle, "plan.yaml")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, append(b, []byte("# 2026 年度调整\n")...), 0o644)
	if code, out, _ := runCLI(t, "plan", "load", "--db", db, "--bundle", bundle); code != 0 || !strings.Contains(out, "第 2 版") {
		t.Fatalf("changed load: %d %q", code, out)
	}
	code, out, _ := runCLI(t, "plan", "revisions", "--db", db, "--json")
	var revs []struct {
		Revision int
		Hash     string `json:"bundle_hash"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &revs) != nil || len(revs) != 2 {
		t.Fatalf("revisions: %d %q", code, out)
	}
	// Revision 1 exported whole is byte-identical to the original bundle.
	exp := filepath.Join(t.TempDir(), "r1")
	if code, out, e := runCLI(t, "plan", "export", "--db", db, "--revision", "1", "--out", exp); code != 0 {
		t.Fatalf("export: %d %q %q", code, out, e)
	}
	orig := filepath.Join("..", "..", "data", "plans", "kashgar-2021-2025")
	filepath.WalkDir(orig, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(orig, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(exp, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("exported %s differs from the original (%v)", rel, err)
		}
		return nil
	})
	if code, _, e := runCLI(t, "plan", "revisions", "--db", filepath.Join(t.TempDir(), "none.db")); code == 0 || !strings.Contains(e, "no database") {
		t.Errorf("revisions on a missing database: %d %q", code, e)
	}
}

func TestTablesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "plan", "tables", "专栏5")
	if code != 0 || !strings.Contains(out, "建筑用砂") || !strings.Contains(out, "59.8") {
		t.Fatalf("plan tables 专栏5: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "plan", "tables", "--json")
	var all []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &all) != nil || len(all) != 20 {
		t.Fatalf("plan tables --json: %d, %d tables", code, len(all))
	}
	if code, _, e := runCLI(t, "plan", "tables", "专栏99"); code == 0 || !strings.Contains(e, "专栏99") {
		t.Errorf("unknown table: %d %q", code, e)
	}
	if code, _, _ := runCLI(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func readFile(p string) ([]byte, error)  { return os.ReadFile(p) }
func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }
func ftoa(f float64) string              { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestCoordsConvert(t *testing.T) {
	var out, errOut bytes.Buffer
	in := "75.5 39.5\n# comment\n\n78.1,38.2 J1\n"
	if code := run(context.Background(), []string{"coords", "convert", "--from", "EPSG:4490", "--to", "EPSG:4513"}, strings.NewReader(in), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || lines[0] != "25543006.8150 4374133.4769" || lines[1] != "# comment" || !strings.HasSuffix(lines[3], " J1") {
		t.Fatalf("output %q", out.String())
	}
	// And back, to degrees with 10 decimals.
	out.Reset()
	if code := run(context.Background(), []string{"coords", "convert", "--from", "EPSG:4513", "--to", "EPSG:4490"}, strings.NewReader("25543006.8150 4374133.4769\n"), &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	if got := strings.TrimSpace(out.String()); got != "75.5000000012 39.4999999999" && got != "75.5000000000 39.5000000000" && !strings.HasPrefix(got, "75.50000000") {
		t.Errorf("inverse: %q", got)
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"coords", "convert", "--from", "EPSG:4490", "--to", "EPSG:4513"}, strings.NewReader("39.5 95.5\n"), &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "line 1") {
		t.Errorf("latitude first: %d %q", code, errOut.String())
	}
}
