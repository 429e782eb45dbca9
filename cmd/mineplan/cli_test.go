package main

import (
	"bytes"
	"cmp"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/data"
	"mineplan/internal/plan"
)

// tree is a fresh command tree whose output goes nowhere.
func tree() *cobra.Command { return newRootCommand(strings.NewReader(""), io.Discard, io.Discard) }

// commandPaths lists every available command of a fresh tree, as the
// words after "mineplan" (the root is the empty list).
func commandPaths() [][]string {
	var out [][]string
	walk(tree(), func(c *cobra.Command) {
		if c.HasParent() && !c.IsAvailableCommand() && c.Name() != "help" {
			return // cobra's hidden __complete commands
		}
		words := strings.Fields(c.CommandPath())[1:]
		out = append(out, words)
	})
	return out
}

// leafCommands lists the commands that run something, as they are written
// after "mineplan".
func leafCommands() []string {
	var out []string
	walk(tree(), func(c *cobra.Command) {
		if c.HasParent() && c.IsAvailableCommand() && !c.HasAvailableSubCommands() {
			out = append(out, strings.TrimPrefix(c.CommandPath(), "mineplan "))
		}
	})
	return out
}

// TestEveryCommandHasHelp walks the command tree: `mineplan COMMAND -h`,
// `--help` and `mineplan help COMMAND` print that command's usage with
// every flag and its description, on stdout, and exit 0.
func TestEveryCommandHasHelp(t *testing.T) {
	paths := commandPaths()
	if len(paths) < 30 {
		t.Fatalf("only %d commands in the tree", len(paths))
	}
	for _, words := range paths {
		name := strings.Join(append([]string{"mineplan"}, words...), " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd, _, err := tree().Find(words)
			if err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{append(words, "-h"), append(words, "--help"), append([]string{"help"}, words...)} {
				code, out, errOut := runCLI(t, args...)
				if code != 0 || errOut != "" {
					t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
				}
				if !strings.Contains(out, "用法 / usage:") || !strings.Contains(out, cmp.Or(cmd.Long, cmd.Short)) || !strings.Contains(out, " / ") {
					t.Errorf("%v: no bilingual usage of %s:\n%s", args, name, out)
				}
				cmd.InitDefaultHelpFlag()
				cmd.Flags().VisitAll(func(f *pflag.Flag) {
					if strings.TrimSpace(f.Usage) == "" {
						t.Errorf("%s --%s has no description", name, f.Name)
					}
					if !strings.Contains(out, "--"+f.Name) || !strings.Contains(out, f.Usage) {
						t.Errorf("%v: the usage lacks --%s (%s):\n%s", args, f.Name, f.Usage, out)
					}
				})
				if !cmd.HasAvailableSubCommands() && !strings.Contains(out, cmd.UseLine()) {
					t.Errorf("%v: the usage lacks the line %q:\n%s", args, cmd.UseLine(), out)
				}
			}
		})
	}
}

// TestHelpListsEveryCommand: `mineplan help`, `mineplan -h` and a usage
// error at the top all list every command.
func TestHelpListsEveryCommand(t *testing.T) {
	leaves := leafCommands()
	for _, want := range []string{"serve", "plan check", "plan zones", "layers import", "coords area", "review", "rights audit-overlaps", "bench audit", "completion bash", "completion zsh"} {
		if !strings.Contains(strings.Join(leaves, "\n")+"\n", want+"\n") {
			t.Errorf("the tree has no command %q", want)
		}
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {}} {
		code, out, errOut := runCLI(t, args...)
		text := out
		if len(args) == 0 {
			text = errOut
			if code != 2 || !strings.HasPrefix(errOut, "mineplan: no command given\n\n用法 / usage:\n") {
				t.Errorf("no command: exit %d, stderr %q", code, errOut)
			}
		} else if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, leaf := range leaves {
			if !strings.Contains(text, "mineplan "+leaf+" ") {
				t.Errorf("%v does not list %q:\n%s", args, leaf, text)
			}
		}
	}
}

// TestReadmeListsEveryCommand: the README's command table names every
// command, so the docs cannot drift from the tree.
func TestReadmeListsEveryCommand(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, leaf := range leafCommands() {
		if strings.HasPrefix(leaf, "completion ") {
			leaf = "completion"
		}
		if !bytes.Contains(b, []byte("`mineplan "+leaf)) {
			t.Errorf("README.md does not name `mineplan %s`", leaf)
		}
	}
}

// TestUsageErrorPrintsTheCommandsUsage: a usage error exits 2 with the
// message and the failing command's usage on stderr.
func TestUsageErrorPrintsTheCommandsUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"rights", "list"}, "mineplan: rights list needs --db\n\n用法 / usage:\n  mineplan rights list [flags]\n"},
		{[]string{"plan", "load", "--nope"}, "mineplan: unknown flag: --nope\n\n用法 / usage:\n  mineplan plan load [flags]\n"},
		{[]string{"coords"}, "mineplan: coords needs a subcommand\n\n用法 / usage:\n  mineplan coords area FILE"},
		{[]string{"coords", "frob"}, "mineplan: unknown coords subcommand \"frob\"\n\n"},
		{[]string{"frobnicate"}, "mineplan: unknown command \"frobnicate\"\n\n用法 / usage:\n"},
		{[]string{"migrate", "--db", "x.db", "extra"}, "mineplan: mineplan migrate takes no arguments, got \"extra\"\n\n"},
		{[]string{"bench", "audit", "--rounds", "many", "--data", "d"}, "mineplan: invalid argument \"many\" for \"--rounds\" flag"},
		{[]string{"help", "plan", "frob"}, "mineplan: unknown command \"plan frob\"\n\n用法 / usage:\n  mineplan help [COMMAND] [flags]\n"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != 2 || !strings.HasPrefix(errOut, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and a stderr starting %q", c.args, code, out, errOut, c.want)
		}
		if !strings.Contains(errOut, "-h, --help") {
			t.Errorf("%v: the usage lists no flags:\n%s", c.args, errOut)
		}
	}
}

// TestFlagForms: pflag takes --flag value and --flag=value; every command
// that writes a file takes -o and --out.
func TestFlagForms(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	mustRun(t, "demo", "load", "--db="+db)
	for i, form := range []string{"-o", "--out"} {
		x := filepath.Join(dir, "r"+form+".geojson")
		if out := mustRun(t, "rights", "export", "--db", db, form, x); !strings.Contains(out, "已导出 153 个矿业权") {
			t.Errorf("rights export %s: %s", form, out)
		}
		exp := filepath.Join(dir, "plan"+form)
		if out := mustRun(t, "plan", "export", "--db", db, "--revision=1", form, exp); !strings.Contains(out, "已导出 "+data.DefaultPlan+" 第 1 版") {
			t.Errorf("plan export %s: %s", form, out)
		}
		conv := filepath.Join(dir, "c"+form+".gpkg")
		if out := mustRun(t, "convert", x, form, conv); !strings.Contains(out, "已转换 153 个要素") {
			t.Errorf("convert %s: %s", form, out)
		}
		if _, err := os.Stat(conv); err != nil {
			t.Errorf("convert %s wrote nothing: %v (case %d)", form, err, i)
		}
	}
}

// TestLayerKindIsAFlag: the kind is --kind; a positional KIND is refused
// with a usage error that names the flag.
func TestLayerKindIsAFlag(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	grid := writeGrid(t, dir)
	if code, _, e := runCLI(t, "layers", "import", "--db", db, "red_line", grid); code != 2 || !strings.Contains(e, "--kind") {
		t.Errorf("positional KIND: exit %d %q", code, e)
	}
	if code, _, e := runCLI(t, "layers", "import", "--db", db, "--kind", "forest", grid); code != 2 || !strings.Contains(e, `"forest"`) {
		t.Errorf("unknown kind: exit %d %q", code, e)
	}
	mustRun(t, "layers", "import", "--db", db, "--kind", "red_line", "--name", "grid", grid)
	if out := mustRun(t, "layers", "list", "--db", db); !strings.Contains(out, "生态保护红线") {
		t.Errorf("the layer is not a red line:\n%s", out)
	}
}

// TestDemoLoadThenReview: demo load, like serve, stores the bundled plan
// in a database that has none, says so, and a review works at once.
func TestDemoLoadThenReview(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	out := mustRun(t, "demo", "load", "--db", db)
	if !strings.Contains(out, "153 个矿业权") || !strings.Contains(out, "stored the embedded plan "+data.DefaultPlan+" as revision 1") {
		t.Errorf("demo load: %s", out)
	}
	f := filepath.Join(dir, "app.geojson")
	writeFile(f, copperAt25)
	if out := mustRun(t, "review", "--db", db, f); !strings.Contains(out, "不符合规划") || !strings.Contains(out, "第 1 版") {
		t.Errorf("review: %s", out)
	}
	// A database that has the plan keeps it: no second revision.
	other := filepath.Join(dir, "planned.db")
	mustRun(t, "plan", "load", "--db", other)
	if out := mustRun(t, "demo", "load", "--db", other); strings.Contains(out, "revision") {
		t.Errorf("demo load on a planned database: %s", out)
	}
	if n := revisions(t, other); n != 1 {
		t.Errorf("%d revisions after demo load on a planned database, want 1", n)
	}
}

// TestReviewRefusesFlagsForGeoJSON: the application flags apply only to
// corner-point input; on GeoJSON they are a usage error naming the flag.
func TestReviewRefusesFlagsForGeoJSON(t *testing.T) {
	f := filepath.Join(t.TempDir(), "app.json")
	writeFile(f, copperAt25)
	code, out, e := runCLI(t, "review", f, "--mineral", "铜矿", "--associated")
	if code != 2 || out != "" || !strings.HasPrefix(e, "mineplan: --associated --mineral 只用于拐点坐标 .txt 文件") || !strings.Contains(e, "--associated --mineral applies only to corner-point .txt input") {
		t.Errorf("review app.json --mineral: exit %d, stdout %q, stderr %q", code, out, e)
	}
	// --db and --json apply to every input.
	if code, _, e := runCLI(t, "review", f, "--json"); code != 0 {
		t.Errorf("review app.json --json: exit %d %s", code, e)
	}
}

// TestServeListensOnLoopbackByDefault: serve opens to the network only
// when --addr says so.
func TestServeListensOnLoopbackByDefault(t *testing.T) {
	cmd, _, err := tree().Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cmd.Flags().Lookup("addr").DefValue; got != "127.0.0.1:8080" {
		t.Errorf("serve --addr defaults to %q, want 127.0.0.1:8080", got)
	}
	_, out, _ := runCLI(t, "serve", "-h")
	if !strings.Contains(out, "--addr :8080") {
		t.Errorf("serve -h does not say how to open the server:\n%s", out)
	}
}

// TestPlanZonesRegeneratesTheBundle: plan zones --write regenerates the
// committed illustrative geometry byte for byte.
func TestPlanZonesRegeneratesTheBundle(t *testing.T) {
	dir := t.TempDir()
	copyBundle(t, dir)
	for _, name := range []string{plan.FileZoneShapes, plan.FileBlocks} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out := mustRun(t, "plan", "zones", "--bundle", dir, "--write"); !strings.Contains(out, "59 个分区") {
		t.Errorf("plan zones: %s", out)
	}
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{plan.FileZoneShapes, plan.FileBlocks} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, p.Files[name]) {
			t.Errorf("%s differs from the committed one (%v)", name, err)
		}
	}
	if out := mustRun(t, "plan", "zones"); !bytes.Equal([]byte(out), p.Files[plan.FileZoneShapes]) {
		t.Error("plan zones does not print the committed zones.geojson")
	}
	if code, _, e := runCLI(t, "plan", "zones", "--write"); code != 2 || !strings.Contains(e, "--bundle") {
		t.Errorf("--write without --bundle: %d %q", code, e)
	}
}

// TestCompletion: cobra's completion scripts for bash and zsh.
func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh"} {
		if out := mustRun(t, "completion", sh); !strings.Contains(out, "mineplan") || len(out) < 1000 {
			t.Errorf("completion %s: %.200s", sh, out)
		}
	}
	if out := mustRun(t, "__complete", "help", "pl"); !strings.Contains(out, "plan\t") {
		t.Errorf("completing help's argument lacks plan:\n%s", out)
	}
	// The completion of a command's flags comes from the same tree.
	out := mustRun(t, "__complete", "rights", "export", "--")
	for _, want := range []string{"--out", "--format", "--as-of"} {
		if !strings.Contains(out, want) {
			t.Errorf("completing rights export's flags lacks %s:\n%s", want, out)
		}
	}
}
