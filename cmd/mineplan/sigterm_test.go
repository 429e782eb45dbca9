package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/store/sqlite"
)

// buildBinary builds mineplan once per test into a temporary folder, so a
// test can signal a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mineplan")
	// The same build settings as the test binary's, so the build cache
	// serves every dependency.
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// bigLayer writes a GeoJSON layer of n small squares inside Kashgar.
func bigLayer(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.geojson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		lon, lat := 75.0+float64(i%1000)*0.004, 37.0+float64(i/1000)*0.004
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"type":"Feature","properties":{"name":"图斑%d"},"geometry":{"type":"Polygon","coordinates":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}`,
			i, lon, lat, lon+0.003, lat, lon+0.003, lat+0.003, lon, lat+0.003, lon, lat)
	}
	w.WriteString("]}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func storeHash(t *testing.T, path string) string {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, _, err := app.ContentHash(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestSIGTERMDuringImport: a SIGTERM in the middle of an import rolls the
// transaction back, the process exits within 2 s, and the store is as it
// was (content hash and SQLite's integrity check).
func TestSIGTERMDuringImport(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "m.db")
	mustRun(t, "demo", "load", "--db", db)
	before := storeHash(t, db)
	layer := bigLayer(t, 150_000)

	cmd := exec.Command(bin, "layers", "import", "--db", db, "--name", "big", layer)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the file is read and validation has begun, then signal.
	sc := bufio.NewScanner(stdout)
	started := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "正在校验") {
			started = true
			break
		}
	}
	if !started {
		cmd.Wait()
		t.Fatalf("the import never started: %s", stderr.String())
	}
	time.Sleep(300 * time.Millisecond)
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() {
		for sc.Scan() {
		}
	}()
	err = cmd.Wait()
	took := time.Since(signalled)
	if err == nil {
		t.Fatalf("the import finished before the signal; make the layer bigger (stderr %s)", stderr.String())
	}
	if took > 2*time.Second {
		t.Errorf("exited %s after SIGTERM; want within 2 s", took)
	}
	if !strings.Contains(stderr.String(), "中止") {
		t.Errorf("stderr does not say the import was interrupted: %s", stderr.String())
	}
	if after := storeHash(t, db); after != before {
		t.Errorf("content hash changed from %s to %s", before, after)
	}
	if out := mustRun(t, "layers", "list", "--db", db); strings.Contains(out, "big") {
		t.Errorf("the interrupted layer is listed:\n%s", out)
	}
	sq, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer sq.Close()
	if res, err := sq.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Errorf("integrity check: %q %v", res, err)
	}
}
