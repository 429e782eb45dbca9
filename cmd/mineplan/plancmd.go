package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/plan"
)

func planCheckCommand() *cobra.Command {
	var bundle string
	var asJSON bool
	c := &cobra.Command{
		Use:   "check",
		Short: "复核规划数据包的合计与前后数字 / recompute the bundle's totals and the figures it states twice",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlanCheck(bundle, asJSON, c.OutOrStdout())
		},
	}
	bundleFlag(c.Flags(), &bundle)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runPlanCheck(bundle string, asJSON bool, stdout io.Writer) error {
	p, err := loadBundle(bundle)
	if err != nil {
		return err
	}
	rep := p.Check()
	if asJSON {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "%s（数据包 %s）\n复核 %d 项，相符 %d 项，不符 %d 项。\n", p.Meta.Title, p.Hash[:12], rep.Checked, rep.Agreed, len(rep.Disagreements))
	kinds := map[string]string{plan.BeyondRounding: "超出舍入", plan.WithinRounding: "舍入范围内"}
	for i, d := range rep.Disagreements {
		fmt.Fprintf(stdout, "\n%2d. ［%s］%s\n    所述 %s %s；复算 %s %s\n    %s\n", i+1, kinds[d.Kind], d.Where, d.Stated, d.Unit, d.Computed, d.Unit, d.Message)
	}
	return nil
}

func planTablesCommand() *cobra.Command {
	var bundle string
	var asJSON bool
	c := &cobra.Command{
		Use:   "tables [专栏N]...",
		Short: "列出转录的专栏表格（专栏16、16 或 zl16） / print the transcribed tables (专栏16, 16 or zl16)",
		RunE: func(c *cobra.Command, args []string) error {
			return runPlanTables(bundle, asJSON, args, c.OutOrStdout())
		},
	}
	bundleFlag(c.Flags(), &bundle)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runPlanTables(bundle string, asJSON bool, pos []string, stdout io.Writer) error {
	p, err := loadBundle(bundle)
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
	if asJSON {
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

func planLoadCommand() *cobra.Command {
	var dbArg, bundle string
	c := &cobra.Command{
		Use:   "load",
		Short: "把数据包存为新的规划版本（内容相同则不新建） / store the bundle as a new plan revision (none if unchanged)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlanLoad(c.Context(), dbArg, bundle, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	bundleFlag(c.Flags(), &bundle)
	return c
}

func runPlanLoad(ctx context.Context, dbArg, bundle string, stdout io.Writer) error {
	if dbArg == "" {
		return usageError{"plan load needs --db"}
	}
	p, err := loadBundle(bundle)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, dbArg, true)
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

func planRevisionsCommand() *cobra.Command {
	var dbArg, planID string
	var asJSON bool
	c := &cobra.Command{
		Use:   "revisions",
		Short: "列出已存的规划版本 / list the stored plan revisions",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlanRevisions(c.Context(), dbArg, planID, asJSON, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &dbArg)
	planFlag(c.Flags(), &planID)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

// planFlag names the plan a command works on.
func planFlag(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "plan", data.DefaultPlan, "规划编号 / plan id")
}

func runPlanRevisions(ctx context.Context, dbArg, planID string, asJSON bool, stdout io.Writer) error {
	if dbArg == "" {
		return usageError{"plan revisions needs --db"}
	}
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	revs, err := st.PlanRevisions(ctx, planID)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, revs)
	}
	if len(revs) == 0 {
		fmt.Fprintf(stdout, "%s 尚无版本\n", planID)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "版本\t载入时间 (UTC)\t数据包哈希\t文件数\t标题")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", r.Number, r.LoadedAt.Format(time.RFC3339), r.Hash, r.Files, r.Title)
	}
	return tw.Flush()
}

// planExport is what plan export is asked for.
type planExport struct {
	db, planID, out string
	number          int
}

func planExportCommand() *cobra.Command {
	var e planExport
	c := &cobra.Command{
		Use:   "export",
		Short: "把某一版本的数据包原样导出到新目录 / write a revision's bundle byte for byte into a new directory",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlanExport(c.Context(), e, c.OutOrStdout())
		},
	}
	dbFlag(c.Flags(), &e.db)
	planFlag(c.Flags(), &e.planID)
	c.Flags().IntVar(&e.number, "revision", 0, "版本号 / revision number")
	outFlag(c.Flags(), &e.out, "写入数据包的目录（不能已存在） / directory to write the bundle into (must not exist)")
	return c
}

func runPlanExport(ctx context.Context, e planExport, stdout io.Writer) error {
	if e.db == "" || e.number <= 0 || e.out == "" {
		return usageError{"plan export needs --db, --revision and --out"}
	}
	if _, err := os.Stat(e.out); err == nil {
		return fmt.Errorf("%s exists already; export writes a new directory", e.out)
	}
	st, err := openStore(ctx, e.db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	files, err := st.PlanRevisionFiles(ctx, e.planID, e.number)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		dst := filepath.Join(e.out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, files[p], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "已导出 %s 第 %d 版 %d 个文件到 %s（数据包 %s）\n", e.planID, e.number, len(files), e.out, plan.HashFiles(files)[:12])
	return nil
}

func planZonesCommand() *cobra.Command {
	var bundle string
	var write bool
	c := &cobra.Command{
		Use:   "zones",
		Short: "生成示意分区 zones.geojson 与规划区块 blocks.geojson / generate the illustrative zones.geojson and blocks.geojson",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runPlanZones(bundle, write, c.OutOrStdout())
		},
	}
	bundleFlag(c.Flags(), &bundle)
	c.Flags().BoolVar(&write, "write", false, "写入数据包目录（需 --bundle），否则把分区输出到标准输出 / write both files into the bundle directory (needs --bundle); else print the zones")
	return c
}

func runPlanZones(bundle string, write bool, stdout io.Writer) error {
	if write && bundle == "" {
		return usageError{"--write needs --bundle DIR (the embedded bundle is read-only)"}
	}
	// Generating must work when the old geometry is stale, so the bundle
	// is read as files, not loaded.
	var files map[string][]byte
	var err error
	if bundle != "" {
		files, err = plan.ReadFiles(os.DirFS(bundle))
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
	shapes, err := app.GenerateZoneShapes(files, write)
	if err != nil {
		return err
	}
	if !write {
		_, err = stdout.Write(shapes.Zones)
		return err
	}
	for name, b := range map[string][]byte{plan.FileZoneShapes: shapes.Zones, plan.FileBlocks: shapes.Blocks} {
		if err := os.WriteFile(filepath.Join(bundle, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "已写入 %s（%d 个分区）与 %s（%d 个规划区块），均为示意图形\n", plan.FileZoneShapes, shapes.ZoneCount, plan.FileBlocks, shapes.BlockCount)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
