package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mineplan/internal/app"
)

// TestExportedFilesAreNotExecutable: every export format writes data
// files, rw for the owner and without execute bits (excelize's SaveAs
// made XLSX exports 0755).
func TestExportedFilesAreNotExecutable(t *testing.T) {
	rs := register(t, demoDB(t))
	for _, format := range []string{"xlsx", "shp", "gpkg", "geojson"} {
		path := filepath.Join(t.TempDir(), "register."+format)
		if _, err := app.ExportRegister(path, format, rs); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		matches, _ := filepath.Glob(strings.TrimSuffix(path, "."+format) + ".*")
		if len(matches) == 0 {
			t.Fatalf("%s: nothing written", format)
		}
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm&0o111 != 0 || perm&0o600 != 0o600 {
				t.Errorf("%s: %s has mode %v, want 0644 less the umask", format, filepath.Base(m), perm)
			}
		}
	}
}
