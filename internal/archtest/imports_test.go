// Package archtest holds tests of the code's shape that no single package
// owns: the package table of docs/ARCHITECTURE.md against `go list`.
package archtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the imports column of docs/ARCHITECTURE.md from go list")

const module = "mineplan"

// packageImports runs `go list` on the module and returns, for every
// package, the module's packages it imports (tests excluded, unless the
// package is tests only), as paths without the module prefix.
func packageImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,GoFiles,Imports,TestImports,XTestImports", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	got := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath                         string
			GoFiles                            []string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := short(p.ImportPath)
		got[name] = []string{}
		imports := p.Imports
		if len(p.GoFiles) == 0 { // a package of tests only: what its tests import
			imports = append(p.TestImports, p.XTestImports...)
		}
		for _, imp := range imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				got[name] = append(got[name], short(imp))
			}
		}
		slices.Sort(got[name])
		got[name] = slices.Compact(got[name])
	}
	return got
}

// short is a package path as the table names it: cmd/mineplan, data, or
// the path under internal/.
func short(importPath string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
	return strings.TrimPrefix(p, "internal/")
}

var row = regexp.MustCompile("^\\| `([^`]+)` \\|(.*)\\|([^|]*)\\|\\s*$")

// TestImportTable: the package table of docs/ARCHITECTURE.md has one row
// per package, and its imports column is exactly what `go list` gives,
// so it cannot drift. `go test ./internal/archtest -update` rewrites the
// column (the descriptions stay as written).
func TestImportTable(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "docs", "ARCHITECTURE.md")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := packageImports(t, root)
	lines := strings.Split(string(b), "\n")
	seen := map[string]bool{}
	var problems []string
	for i, line := range lines {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name := strings.TrimPrefix(m[1], "internal/")
		imports, ok := want[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: `%s` is not a package of the module", i+1, m[1]))
			continue
		}
		seen[name] = true
		cell := "—"
		if len(imports) > 0 {
			cell = strings.Join(imports, ", ")
		}
		if strings.TrimSpace(m[3]) != cell {
			if *update {
				lines[i] = "| `" + m[1] + "` |" + m[2] + "| " + cell + " |"
				continue
			}
			problems = append(problems, fmt.Sprintf("line %d: `%s` imports %q, the table says %q", i+1, m[1], cell, strings.TrimSpace(m[3])))
		}
	}
	var missing []string
	for name := range want {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		problems = append(problems, fmt.Sprintf("package %s has no row in the table", name))
	}
	if *update {
		if err := os.WriteFile(doc, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(problems) > 0 {
		t.Errorf("docs/ARCHITECTURE.md's package table differs from go list (run go test ./internal/archtest -update for the imports column):\n%s", strings.Join(problems, "\n"))
	}
}
