// Package testutil holds helpers shared by tests: finding the external
// reference tools (GeographicLib, PROJ, GDAL) the tests compare against.
package testutil

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTool returns the path of an external program. When it is missing
// the test is skipped on a developer machine, but fails when
// MINEPLAN_REQUIRE_TOOLS=1 (as CI sets it), so CI never passes by skipping.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("MINEPLAN_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is required (MINEPLAN_REQUIRE_TOOLS=1) but not on PATH: %v", name, err)
	}
	t.Skipf("%s not on PATH; set MINEPLAN_REQUIRE_TOOLS=1 to make this a failure", name)
	return ""
}
