package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditCommands: every write of the demo load, an export and the
// settings are in the log; verify, head, search, config and prune work on
// it; a changed entry makes verify exit 1 naming it.
func TestAuditCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	mustRun(t, "demo", "load", "--db", db)
	// 263 events of 153 rights, 2 layers, 1 revision.
	out := mustRun(t, "audit", "verify", "--db", db)
	if !strings.Contains(out, "266 entries checked") {
		t.Fatalf("verify after demo load: %s", out)
	}
	head := strings.Fields(mustRun(t, "audit", "head", "--db", db))
	if len(head) != 2 || len(head[0]) != 64 || head[1] != "266" {
		t.Fatalf("head: %v", head)
	}
	mustRun(t, "rights", "export", "--db", db, "-o", filepath.Join(dir, "r.geojson"))
	if code, _, e := runCLI(t, "config", "set", "audit.retention_days", "90", "--db", db); code != 1 || !strings.Contains(e, "至少保存 180 天") || !strings.Contains(e, "at least 180 days") {
		t.Errorf("retention of 90 days: exit %d, %s", code, e)
	}
	if code, _, e := runCLI(t, "config", "set", "audit.hash", "md5", "--db", db); code != 1 || !strings.Contains(e, "sha256 or sm3") {
		t.Errorf("hash md5: exit %d, %s", code, e)
	}
	mustRun(t, "config", "set", "audit.hash", "sm3", "--db", db)
	if v := strings.TrimSpace(mustRun(t, "config", "get", "audit.hash", "--db", db)); v != "sm3" {
		t.Errorf("config get audit.hash: %q", v)
	}
	mustRun(t, "layers", "import", "--db", db, "--name", "after-sm3", writeSquare(t, dir))

	type auditPage struct {
		Entries []struct {
			Seq    int64
			Actor  string
			Action string
			Object string
			Detail string
			Alg    string
		}
		Next int64
	}
	var page auditPage
	page = auditPage{}
	json.Unmarshal([]byte(mustRun(t, "audit", "search", "--db", db, "--action", "rights.export", "--json")), &page)
	if len(page.Entries) != 1 || page.Entries[0].Object != "register" || !strings.HasPrefix(page.Entries[0].Actor, "operator:") || !strings.Contains(page.Entries[0].Detail, "153 rights") {
		t.Errorf("the export's entry: %+v", page)
	}
	page = auditPage{}
	json.Unmarshal([]byte(mustRun(t, "audit", "search", "--db", db, "--object", "layer:after-sm3", "--json")), &page)
	if len(page.Entries) != 1 || page.Entries[0].Alg != "sm3" {
		t.Errorf("the entry after the change of hash: %+v", page)
	}
	page = auditPage{}
	json.Unmarshal([]byte(mustRun(t, "audit", "search", "--db", db, "--action", "rights.record", "--limit", "100", "--json")), &page)
	if len(page.Entries) != 100 || page.Next != page.Entries[99].Seq {
		t.Errorf("a first page of 100: %d entries, next %d", len(page.Entries), page.Next)
	}
	next := page.Next
	page = auditPage{}
	json.Unmarshal([]byte(mustRun(t, "audit", "search", "--db", db, "--action", "rights.record", "--after", fmt.Sprint(next), "--limit", "1000", "--json")), &page)
	if len(page.Entries) != 163 || page.Next != 0 {
		t.Errorf("the second page: %d entries, next %d", len(page.Entries), page.Next)
	}
	if out := mustRun(t, "audit", "search", "--db", db, "--from", "2000-01-01", "--until", "2000-01-02"); out != "" {
		t.Errorf("a period with no entries: %q", out)
	}
	if code, _, e := runCLI(t, "audit", "search", "--db", db, "--from", "yesterday"); code != 2 || !strings.Contains(e, "--from") {
		t.Errorf("a bad --from: exit %d, %s", code, e)
	}
	// Nothing is older than the retention: prune deletes nothing, and says
	// so in the log.
	if out := mustRun(t, "audit", "prune", "--db", db, "--before", "2100-01-01"); !strings.Contains(out, "deleted 0 audit entries") {
		t.Errorf("prune: %s", out)
	}
	out = mustRun(t, "audit", "verify", "--db", db, "--anchor", head[0])
	// 269 entries, the prune's, and the five searches' own (the sixth was a
	// usage error and ran none).
	if !strings.Contains(out, "275 entries checked") || !strings.Contains(out, "extends the anchored head") {
		t.Errorf("verify against the anchor: %s", out)
	}

	// Change one entry around the store.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TRIGGER audit_log_immutable; UPDATE audit_log SET detail = 'grant!' WHERE seq = 40`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, e := runCLI(t, "audit", "verify", "--db", db)
	if code != 1 || !strings.Contains(e, "audit entry 40:") || !strings.Contains(e, "审计记录第 40 条") {
		t.Errorf("verify of a changed entry: exit %d\n%s\n%s", code, out, e)
	}
	code, out, _ = runCLI(t, "audit", "verify", "--db", db, "--json")
	var v struct{ Fault struct{ Seq int64 } }
	if json.Unmarshal([]byte(out), &v); code != 1 || v.Fault.Seq != 40 {
		t.Errorf("verify --json of a changed entry: exit %d\n%s", code, out)
	}
}

// writeSquare writes a one-feature GeoJSON layer in Kashgar.
func writeSquare(t *testing.T, dir string) string {
	t.Helper()
	f := filepath.Join(dir, "square.geojson")
	writeFile(f, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"方块"},"geometry":{"type":"Polygon","coordinates":[[[76,39],[76.01,39],[76.01,39.01],[76,39.01],[76,39]]]}}]}`))
	return f
}
