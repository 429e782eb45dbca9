package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

func cmdDemoLoad(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo load", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"demo load needs --db"}
	}
	p, err := loadBundle("")
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := app.LoadDemoRegister(ctx, st, p, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入示例登记簿：%d 个矿业权（示意数据，与专栏4、专栏5 一致）\n", n)
	return nil
}

// rightsFlags are the filters rights list shares with the API.
type rightsFlags struct {
	db, kind, status, county, mineral, asOf string
}

func (f *rightsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.db, "db", "", "database: SQLite file path or postgres:// URL")
	fs.StringVar(&f.kind, "kind", "", "exploration or mining")
	fs.StringVar(&f.status, "status", "", "status, e.g. producing")
	fs.StringVar(&f.county, "county", "", "county, e.g. 伽师县")
	fs.StringVar(&f.mineral, "mineral", "", "main mineral, e.g. 铜矿")
	fs.StringVar(&f.asOf, "as-of", "", "the register as it stood on YYYY-MM-DD")
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

func cmdRightsList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rights list", flag.ContinueOnError)
	var f rightsFlags
	f.register(fs)
	asJSON := fs.Bool("json", false, "print a GeoJSON FeatureCollection")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
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
	if *asJSON {
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

func cmdRightsShow(ctx context.Context, args []string, stdout io.Writer, history bool) error {
	name := "rights show"
	if history {
		name = "rights history"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *dbArg == "" || len(pos) != 1 {
		return usageError{name + " needs --db and one licence number"}
	}
	st, err := openStore(ctx, *dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if history {
		evs, err := st.RightEvents(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, evs)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "序号\t日期\t事件\t办理人\t原因\t文号")
		for _, e := range evs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Date, rights.EventName(e.Type), e.Actor, e.Reason, e.DocRef)
		}
		return tw.Flush()
	}
	r, err := st.Right(ctx, pos[0])
	if err != nil {
		return err
	}
	r.Status = r.StatusOn(today())
	if *asJSON {
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

func cmdRightsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rights import", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	dryRun := fs.Bool("dry-run", false, "check every row and report, change nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	encoding := fs.String("encoding", "", "Shapefile .dbf text encoding, overriding the .cpg: UTF-8, GBK or GB18030")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *dbArg == "" || len(pos) != 1 {
		return usageError{"rights import needs --db and one FILE"}
	}
	rows, err := app.ReadRegisterFile(pos[0], fileio.ReadOptions{Encoding: *encoding})
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	st, err := openStore(ctx, *dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := currentPlan(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "已读取 %d 行，正在校验…\n", len(rows))
	rep, err := app.ImportRights(ctx, st, p, rows, today(), time.Now(), *dryRun)
	if err != nil {
		return err
	}
	if *asJSON {
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
	case *dryRun:
		fmt.Fprintf(stdout, "试导入：%d 行全部通过校验，未写入 / dry run: all %d rows pass, nothing written\n", rep.Rows, rep.Rows)
	default:
		fmt.Fprintf(stdout, "已导入 %d 个矿业权\n", rep.Imported)
	}
	return nil
}

func cmdRightsExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rights export", flag.ContinueOnError)
	var f rightsFlags
	f.register(fs)
	format := fs.String("format", "", "xlsx, shp, gpkg or geojson")
	out := fs.String("o", "", "output file")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.db == "" || *out == "" {
		return usageError{"rights export needs --db and -o PATH"}
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(pathExt(*out)), ".")
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
	warnings, err := app.ExportRegister(*out, *format, rs)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "注意：%s\n", w)
	}
	fmt.Fprintf(stdout, "已导出 %d 个矿业权到 %s\n", len(rs), *out)
	return nil
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i:]
	}
	return ""
}
