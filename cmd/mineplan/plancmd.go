package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
)

func cmdPlanCheck(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan check", flag.ContinueOnError)
	bundle := fs.String("bundle", "", "bundle directory (default: the embedded Kashgar plan)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := loadBundle(*bundle)
	if err != nil {
		return err
	}
	rep := p.Check()
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "%s（数据包 %s）\n复核 %d 项，相符 %d 项，不符 %d 项。\n", p.Meta.Title, p.Hash[:12], rep.Checked, rep.Agreed, len(rep.Disagreements))
	kinds := map[string]string{plan.BeyondRounding: "超出舍入", plan.WithinRounding: "舍入范围内"}
	for i, d := range rep.Disagreements {
		fmt.Fprintf(stdout, "\n%2d. ［%s］%s\n    所述 %s %s；复算 %s %s\n    %s\n", i+1, kinds[d.Kind], d.Where, d.Stated, d.Unit, d.Computed, d.Unit, d.Message)
	}
	return nil
}

func cmdPlanTables(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan tables", flag.ContinueOnError)
	bundle := fs.String("bundle", "", "bundle directory (default: the embedded Kashgar plan)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	p, err := loadBundle(*bundle)
	if err != nil {
		return err
	}
	tables := p.Tables
	if len(pos) > 0 {
		tables = nil
		for _, id := range pos {
			t := p.Table(normaliseTableID(id))
			if t == nil {
				return fmt.Errorf("no table %q (专栏1–专栏%d)", id, len(p.Tables))
			}
			tables = append(tables, t)
		}
	}
	if *asJSON {
		if len(pos) == 1 {
			return writeJSON(stdout, tables[0])
		}
		return writeJSON(stdout, tables)
	}
	for _, t := range tables {
		printTable(stdout, t)
	}
	return nil
}

// normaliseTableID accepts 专栏16, 16 and zl16.
func normaliseTableID(id string) string {
	id = strings.TrimPrefix(strings.TrimPrefix(id, "zl"), "专栏")
	id = strings.TrimLeft(id, "0")
	return "专栏" + id
}

func printTable(w io.Writer, t *plan.Table) {
	fmt.Fprintf(w, "%s  %s（%s）\n", t.ID, t.Title, t.Clause)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var head []string
	for _, c := range t.Columns {
		h := c.Name
		if c.Unit != "" && !strings.Contains(h, "（") && !strings.Contains(h, "(") {
			h += "（" + c.Unit + "）"
		}
		head = append(head, h)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range t.Rows {
		var cells []string
		for _, c := range t.Columns {
			cell := r.Cells[c.Key]
			switch {
			case cell.Figure != nil:
				cells = append(cells, cell.Figure.Printed)
			case cell.Unit != nil:
				cells = append(cells, cell.Unit.Printed)
			case cell.Names != nil:
				cells = append(cells, strings.Join(cell.Names, "、"))
			default:
				cells = append(cells, cell.Text)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	for _, tot := range t.Totals {
		cells := []string{tot.Label}
		for _, c := range t.Columns[1:] {
			f, ok := tot.Values[c.Key]
			if ok {
				cells = append(cells, f.Printed)
			} else {
				cells = append(cells, "")
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	for _, n := range t.Notes {
		fmt.Fprintf(w, "  注：%s\n", n)
	}
	fmt.Fprintln(w)
}

func cmdPlanLoad(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan load", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	bundle := fs.String("bundle", "", "bundle directory (default: the embedded Kashgar plan)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"plan load needs --db"}
	}
	p, err := loadBundle(*bundle)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	rev, created, err := app.SavePlan(ctx, st, p, time.Now())
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "已存为 %s 第 %d 版（数据包 %s）\n", rev.PlanID, rev.Number, rev.Hash[:12])
	} else {
		fmt.Fprintf(stdout, "内容与 %s 第 %d 版相同（数据包 %s），未新建版本\n", rev.PlanID, rev.Number, rev.Hash[:12])
	}
	return nil
}

func cmdPlanRevisions(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan revisions", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	planID := fs.String("plan", data.DefaultPlan, "plan id")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"plan revisions needs --db"}
	}
	st, err := openStore(ctx, *dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	revs, err := st.PlanRevisions(ctx, *planID)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, revs)
	}
	if len(revs) == 0 {
		fmt.Fprintf(stdout, "%s 尚无版本\n", *planID)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "版本\t载入时间 (UTC)\t数据包哈希\t文件数\t标题")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", r.Number, r.LoadedAt.Format(time.RFC3339), r.Hash, r.Files, r.Title)
	}
	return tw.Flush()
}

func cmdPlanExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan export", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	planID := fs.String("plan", data.DefaultPlan, "plan id")
	number := fs.Int("revision", 0, "revision number")
	out := fs.String("out", "", "directory to write the bundle into (must not exist)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" || *number <= 0 || *out == "" {
		return usageError{"plan export needs --db, --revision and --out"}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s exists already; export writes a new directory", *out)
	}
	st, err := openStore(ctx, *dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	files, err := st.PlanRevisionFiles(ctx, *planID, *number)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		dst := filepath.Join(*out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, files[p], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "已导出 %s 第 %d 版 %d 个文件到 %s（数据包 %s）\n", *planID, *number, len(files), *out, plan.HashFiles(files)[:12])
	return nil
}

func cmdPlanZones(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan zones", flag.ContinueOnError)
	bundle := fs.String("bundle", "", "bundle directory (default: the embedded Kashgar plan)")
	write := fs.Bool("write", false, "write zones.geojson into the bundle directory")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *write && *bundle == "" {
		return usageError{"--write needs --bundle DIR (the embedded bundle is read-only)"}
	}
	// Generating must work when the old geometry is stale, so the bundle
	// is read without its zones.geojson.
	var files map[string][]byte
	var err error
	if *bundle != "" {
		files, err = plan.ReadFiles(os.DirFS(*bundle))
	} else {
		var p *plan.Plan
		p, err = loadBundle("")
		if p != nil {
			files = p.Files
		}
	}
	if err != nil {
		return err
	}
	files = maps.Clone(files)
	delete(files, plan.FileZoneShapes)
	delete(files, plan.FileBlocks)
	p, err := plan.Parse(files)
	if err != nil {
		return err
	}
	zones, err := illustrative.Zones(p)
	if err != nil {
		return err
	}
	zb, err := illustrative.Encode(zones)
	if err != nil {
		return err
	}
	if !*write {
		_, err = stdout.Write(zb)
		return err
	}
	// Blocks are placed inside the zones just generated.
	withZones := maps.Clone(files)
	withZones[plan.FileZoneShapes] = zb
	p, err = plan.Parse(withZones)
	if err != nil {
		return err
	}
	blocks, err := illustrative.Blocks(p)
	if err != nil {
		return err
	}
	bb, err := illustrative.Encode(blocks)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{plan.FileZoneShapes: zb, plan.FileBlocks: bb} {
		if err := os.WriteFile(filepath.Join(*bundle, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "已写入 %s（%d 个分区）与 %s（%d 个规划区块），均为示意图形\n", plan.FileZoneShapes, len(zones.Features), plan.FileBlocks, len(blocks.Features))
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
