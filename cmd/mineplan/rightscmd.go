package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

func demoLoadCommand() *cobra.Command {
	return dbCommand("load", "载入示例矿业权登记簿（示意数据）；库中没有规划时一并存入内置规划 / load the illustrative register, and the embedded plan when the database has none", runDemoLoad)
}

func runDemoLoad(ctx context.Context, dbArg string, stdout io.Writer) error {
	p, err := loadBundle("")
	if err != nil {
		return err
	}
	st, err := openStore(ctx, dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := app.LoadDemo(ctx, st, p, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入示例登记簿：%d 个矿业权（示意数据，与专栏4、专栏5 一致）\n", d.Rights)
	if d.PlanStored {
		fmt.Fprintf(stdout, "数据库中还没有规划，已将内置规划 %s 存为第 %d 版 / the database held no plan: stored the embedded plan %s as revision %d\n", d.Revision.PlanID, d.Revision.Number, d.Revision.PlanID, d.Revision.Number)
	}
	return nil
}

// rightsFlags are the filters rights list shares with the API.
type rightsFlags struct {
	db, kind, status, county, mineral, asOf string
}

func (f *rightsFlags) register(fs *pflag.FlagSet) {
	dbFlag(fs, &f.db)
	fs.StringVar(&f.kind, "kind", "", "种类：exploration 探矿权或 mining 采矿权 / exploration or mining")
	fs.StringVar(&f.status, "status", "", "状态，如 producing / status, e.g. producing")
	fs.StringVar(&f.county, "county", "", "所在县，如 伽师县 / county, e.g. 伽师县")
	fs.StringVar(&f.mineral, "mineral", "", "主矿种，如 铜矿 / main mineral, e.g. 铜矿")
	fs.StringVar(&f.asOf, "as-of", "", "某日（YYYY-MM-DD）的登记簿 / the register as it stood on YYYY-MM-DD")
}

func today() rights.Date {
	y, m, d := time.Now().UTC().Date()
	return rights.D(y, m, d)
}

// listRights lists the register now, or as of a day.
func listRights(ctx context.Context, st store.Store, f rightsFlags) ([]rights.Right, error) {
	filter := store.RightFilter{Kind: rights.Kind(f.kind), Status: rights.Status(f.status), County: f.county, Mineral: f.mineral}
	if f.asOf == "" {
		rs, _, err := app.CurrentRegister(ctx, st, filter, today())
		return rs, err
	}
	day, err := rights.ParseDate(f.asOf)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--as-of %q is not YYYY-MM-DD", f.asOf)}
	}
	rs, _, err := app.RegisterAsOf(ctx, st, filter, day)
	return rs, err
}

func rightsListCommand() *cobra.Command {
	var f rightsFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "列出矿业权（可按条件筛选，或某日的登记簿） / list the rights, filtered, or the register as of a day",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRightsList(c.Context(), f, asJSON, c.OutOrStdout())
		},
	}
	f.register(c.Flags())
	c.Flags().BoolVar(&asJSON, "json", false, "输出 GeoJSON FeatureCollection / print a GeoJSON FeatureCollection")
	return c
}

func runRightsList(ctx context.Context, f rightsFlags, asJSON bool, stdout io.Writer) error {
	if f.db == "" {
		return usageError{"rights list needs --db"}
	}
	st, err := openStore(ctx, f.db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := listRights(ctx, st, f)
	if err != nil {
		return err
	}
	if asJSON {
		return geojson.WriteLayer(stdout, app.RightsLayer(rs, false))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "许可证号\t种类\t状态\t主矿种\t面积（平方千米）\t所在县\t矿业权人\t有效期止")
	var area float64
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%s\n", r.LicenceNumber, rights.KindName(r.Kind), rights.StatusName(r.Status), r.MainMineral, r.DeclaredAreaKm2, r.County, r.Holder.Name, r.ValidTo)
		area += r.DeclaredAreaKm2
	}
	tw.Flush()
	fmt.Fprintf(stdout, "共 %d 个矿业权，申报面积合计 %.2f 平方千米\n", len(rs), area)
	return nil
}

// rightsShowCommand is rights show, or with history rights history.
func rightsShowCommand(history bool) *cobra.Command {
	var dbArg string
	var asJSON bool
	c := &cobra.Command{
		Use:   "show 许可证号",
		Short: "查看一个矿业权 / show one right",
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" || len(args) != 1 {
				return usageError{c.Parent().Name() + " " + c.Name() + " needs --db and one licence number"}
			}
			return runRightsShow(c.Context(), dbArg, args[0], asJSON, history, c.OutOrStdout())
		},
	}
	if history {
		c.Use, c.Short = "history 许可证号", "查看一个矿业权的事件历史 / show the history of one right"
	}
	dbFlag(c.Flags(), &dbArg)
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runRightsShow(ctx context.Context, dbArg, id string, asJSON, history bool, stdout io.Writer) error {
	st, err := openStore(ctx, dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if history {
		evs, err := st.RightEvents(ctx, id)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(stdout, evs)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "序号\t日期\t事件\t办理人\t原因\t文号")
		for _, e := range evs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Date, rights.EventName(e.Type), e.Actor, e.Reason, e.DocRef)
		}
		return tw.Flush()
	}
	r, err := st.Right(ctx, id)
	if err != nil {
		return err
	}
	r.Status = r.StatusOn(today())
	if asJSON {
		return writeJSON(stdout, r)
	}
	fmt.Fprintf(stdout, "%s %s（%s）\n", rights.KindName(r.Kind), r.LicenceNumber, r.Name)
	fmt.Fprintf(stdout, "矿业权人：%s（%s）\n状态：%s\n主矿种：%s\n所在县：%s\n有效期：%s 至 %s\n", r.Holder.Name, r.Holder.CreditCode, rights.StatusName(r.Status), r.MainMineral, r.County, r.ValidFrom, r.ValidTo)
	fmt.Fprintf(stdout, "面积：申报 %.4f 平方千米；椭球面积 %.1f 平方米；%d 带高斯投影面积 %.1f 平方米\n", r.DeclaredAreaKm2, r.EllipsoidalM2, r.GKZone, r.GKM2)
	if r.LicenceFlag != "" {
		fmt.Fprintf(stdout, "注意：%s\n", r.LicenceFlag)
	}
	if r.Illustrative {
		fmt.Fprintln(stdout, "（示意数据，非真实矿业权）")
	}
	return nil
}

// rightsImport is what rights import is asked for.
type rightsImport struct {
	db, encoding   string
	dryRun, asJSON bool
}

func rightsImportCommand() *cobra.Command {
	var ri rightsImport
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "导入矿业权（XLSX、Shapefile、GeoPackage、GeoJSON），全部成功或全部不导入 / import rights (XLSX, Shapefile, GeoPackage, GeoJSON), all or nothing",
		RunE: func(c *cobra.Command, args []string) error {
			if ri.db == "" || len(args) != 1 {
				return usageError{"rights import needs --db and one FILE"}
			}
			return runRightsImport(c.Context(), ri, args[0], c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fs := c.Flags()
	dbFlag(fs, &ri.db)
	fs.BoolVar(&ri.dryRun, "dry-run", false, "逐行校验并报告，不写入 / check every row and report, change nothing")
	fs.BoolVar(&ri.asJSON, "json", false, "以 JSON 输出报告 / print the report as JSON")
	encodingFlag(fs, &ri.encoding)
	return c
}

func runRightsImport(ctx context.Context, ri rightsImport, path string, stdout, stderr io.Writer) error {
	rows, err := app.ReadRegisterFile(path, fileio.ReadOptions{Encoding: ri.encoding})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, err := openStore(ctx, ri.db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := currentPlan(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "已读取 %d 行，正在校验…\n", len(rows))
	rep, err := app.ImportRights(ctx, st, p, rows, today(), time.Now(), ri.dryRun)
	if err != nil {
		return err
	}
	if ri.asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, p.String())
		}
	}
	switch {
	case len(rep.Problems) > 0:
		return fmt.Errorf("%d 行有误，未导入任何矿业权 / %d problems: nothing imported", len(rep.Problems), len(rep.Problems))
	case ri.dryRun:
		fmt.Fprintf(stdout, "试导入：%d 行全部通过校验，未写入 / dry run: all %d rows pass, nothing written\n", rep.Rows, rep.Rows)
	default:
		fmt.Fprintf(stdout, "已导入 %d 个矿业权\n", rep.Imported)
	}
	return nil
}

func rightsExportCommand() *cobra.Command {
	var f rightsFlags
	var format, out string
	c := &cobra.Command{
		Use:   "export",
		Short: "导出登记簿（XLSX、Shapefile、GeoPackage、GeoJSON） / export the register (XLSX, Shapefile, GeoPackage, GeoJSON)",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRightsExport(c.Context(), f, format, out, c.OutOrStdout())
		},
	}
	f.register(c.Flags())
	c.Flags().StringVar(&format, "format", "", "xlsx、shp、gpkg 或 geojson（默认：按输出文件扩展名） / xlsx, shp, gpkg or geojson (default: from the output file's extension)")
	outFlag(c.Flags(), &out, "输出文件 / output file")
	return c
}

func runRightsExport(ctx context.Context, f rightsFlags, format, out string, stdout io.Writer) error {
	if f.db == "" || out == "" {
		return usageError{"rights export needs --db and -o PATH"}
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(pathExt(out)), ".")
	}
	st, err := openStore(ctx, f.db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := listRights(ctx, st, f)
	if err != nil {
		return err
	}
	// Recorded first: an export the audit log cannot record is not made.
	if err := app.RecordExport(ctx, st, format, len(rs)); err != nil {
		return err
	}
	warnings, err := app.ExportRegister(out, format, rs)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "注意：%s\n", w)
	}
	fmt.Fprintf(stdout, "已导出 %d 个矿业权到 %s\n", len(rs), out)
	return nil
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i:]
	}
	return ""
}
