package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mineplan/internal/app"
	"mineplan/internal/store/postgis/pgtest"
)

var restoredLine = regexp.MustCompile(`清单 / manifest ([0-9a-f]{64}) = 恢复后 / restored ([0-9a-f]{64})`)

// TestBackupAndRestore backs an SQLite database up, restores it into
// SQLite and PostgreSQL with equal hashes and a verified log, and checks
// every refusal: an existing backup file, a target that holds data (SQLite
// without --force, PostgreSQL even with it), a corrupted member, a
// damaged archive and a truncated file. A refused restore leaves the
// target as it was.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	a, out := filepath.Join(dir, "a.db"), filepath.Join(dir, "a.zip")
	mustRun(t, "demo", "load", "--db", a)
	got := mustRun(t, "backup", "--db", a, "--out", out)
	// The backup's own entry is the last of the log it carries.
	if m := regexp.MustCompile(`(\d+) 条审计记录（本次备份为第 (\d+) 条）`).FindStringSubmatch(got); m == nil || m[1] != m[2] {
		t.Errorf("backup: %s", got)
	}
	if code, _, e := runCLI(t, "backup", "--db", a, "--out", out); code != 1 || !strings.Contains(e, "exists already") {
		t.Errorf("a backup onto an existing file: %d %q", code, e)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	m, _, err := app.OpenBackup(out, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if m.BackupEntry != m.AuditHead.Seq || m.AuditHead.Seq < 2 || m.Counts.Rights != 153 || m.Backend != "sqlite" {
		t.Errorf("manifest %+v", m)
	}

	restored := func(args ...string) string {
		t.Helper()
		got := mustRun(t, append([]string{"restore", out}, args...)...)
		h := restoredLine.FindStringSubmatch(got)
		if h == nil || h[1] != m.ContentHash || h[2] != m.ContentHash || !strings.Contains(got, "审计链校验通过") {
			t.Fatalf("restore %v: %s", args, got)
		}
		return got
	}
	b := filepath.Join(dir, "b.db")
	restored("--db", b)
	if n, err := auditVerify(t, b); err != nil || n != m.AuditHead.Seq {
		t.Fatalf("restored log: %d %v", n, err)
	}
	before, _ := os.ReadFile(b)
	if code, _, e := runCLI(t, "restore", out, "--db", b); code != 1 || !strings.Contains(e, "not empty") || !strings.Contains(e, "--force") {
		t.Errorf("restore onto a database with data: %d %q", code, e)
	}
	if after, _ := os.ReadFile(b); !bytes.Equal(before, after) {
		t.Error("the refused restore changed the target")
	}
	mustRun(t, "layers", "import", "--db", b, "--name", "extra", writeGrid(t, dir))
	restored("--db", b, "--force")
	if got := mustRun(t, "layers", "list", "--db", b); strings.Contains(got, "extra") {
		t.Errorf("--force kept the old database's layer:\n%s", got)
	}

	pgURL := pgtest.URL(t)
	mustRun(t, "migrate", "--db", pgURL)
	if code, _, e := runCLI(t, "restore", out, "--db", pgURL, "--force"); code != 1 || !strings.Contains(e, "--force is refused on PostgreSQL") {
		t.Errorf("--force on PostgreSQL: %d %q", code, e)
	}
	restored("--db", pgURL)
	if code, _, e := runCLI(t, "restore", out, "--db", pgURL); code != 1 || !strings.Contains(e, "not empty") {
		t.Errorf("restore onto PostgreSQL with data: %d %q", code, e)
	}
	// A backup of the PostgreSQL copy restores into SQLite with the hash
	// of the PostgreSQL database (its log has the second backup's entry).
	out2 := filepath.Join(dir, "pg.zip")
	mustRun(t, "backup", "--db", pgURL, "--out", out2)
	m2, _, err := app.OpenBackup(out2, t.TempDir())
	if err != nil || m2.Backend != "postgresql" || m2.BackupEntry != m.AuditHead.Seq+1 || strings.Contains(m2.Source, "mineplan:mineplan") {
		t.Fatalf("PostgreSQL backup: %+v %v", m2, err)
	}
	got = mustRun(t, "restore", out2, "--db", filepath.Join(dir, "c.db"))
	if !strings.Contains(got, m2.ContentHash+" = 恢复后 / restored "+m2.ContentHash) {
		t.Errorf("restore of the PostgreSQL backup: %s", got)
	}

	// Damaged backups are refused before anything is written, naming the
	// member at fault.
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	damaged := map[string]struct {
		file []byte
		want string
	}{
		"truncated":        {raw[:len(raw)/2], "truncated"},
		"corrupt member":   {rezip(t, raw, func(name string, b []byte) []byte { return flip(name, b, app.BackupDatabase) }), "member mineplan.db: SHA-256"},
		"corrupt manifest": {rezip(t, raw, func(name string, b []byte) []byte { return flip(name, b, app.BackupManifest) }), "member manifest.json"},
		"flipped byte":     {flipAt(raw, len(raw)/3), "member mineplan.db"},
		"extra member":     {rezip(t, raw, nil, "notes.txt"), "member notes.txt: is not listed"},
	}
	for name, d := range damaged {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".zip")
		if err := os.WriteFile(path, d.file, 0o644); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, "never-"+strings.ReplaceAll(name, " ", "-")+".db")
		code, _, e := runCLI(t, "restore", path, "--db", target)
		if code != 1 || !strings.Contains(e, d.want) {
			t.Errorf("%s: exit %d, %q; want an error with %q", name, code, e, d.want)
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("%s: the refused restore created %s", name, target)
		}
	}
}

// rezip rewrites a zip, passing each member through change; extra names
// members to add.
func rezip(t *testing.T, raw []byte, change func(name string, b []byte) []byte, extra ...string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if change != nil {
			b = change(f.Name, b)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	for _, name := range extra {
		w, _ := zw.Create(name)
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flip changes one byte in the middle of member target.
func flip(name string, b []byte, target string) []byte {
	if name != target {
		return b
	}
	if target == app.BackupManifest {
		return bytes.Replace(b, []byte(`"format": 1`), []byte(`"format": 2`), 1)
	}
	return flipAt(b, len(b)/2)
}

func flipAt(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}
