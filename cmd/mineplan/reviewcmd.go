package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// applicationFlags are the fields of a corner-point file's application,
// in a flag set of their own so that they can be refused for GeoJSON
// input, which carries its fields in its properties.
func applicationFlags(f *app.CornerPointFields) *pflag.FlagSet {
	fs := pflag.NewFlagSet("application", pflag.ContinueOnError)
	fs.StringVar(&f.Kind, "kind", "", "申请种类：exploration 探矿权或 mining 采矿权 / exploration or mining")
	fs.StringVar(&f.Mineral, "mineral", "", "矿种，按规划的写法，如 铁矿 / mineral as the plan writes it, e.g. 铁矿")
	fs.StringVar(&f.Method, "method", "", "开采方式：open-pit 露天或 underground 地下 / open-pit or underground")
	fs.Float64Var(&f.Scale, "scale", 0, "设计规模（每年） / design scale per year")
	fs.StringVar(&f.ScaleUnit, "scale-unit", "", "规模单位，如 万吨/年 / unit of the scale, e.g. 万吨/年")
	fs.Float64Var(&f.ServiceYears, "service-years", 0, "服务年限（年） / service life in years")
	fs.StringVar(&f.County, "county", "", "所在县名或 6 位代码 / county name or 6-digit code")
	fs.StringVar(&f.Holder, "holder", "", "申请人 / applicant")
	fs.StringVar(&f.HolderID, "holder-id", "", "申请人统一社会信用代码 / applicant's unified social credit code")
	fs.StringVar(&f.Block, "block", "", "规划区块编号 / planning block code")
	fs.StringVar(&f.Stage, "stage", "", "勘查阶段 / exploration stage")
	fs.BoolVar(&f.Associated, "associated", false, "共生或伴生矿 / the mineral is associated or co-produced")
	fs.BoolVar(&f.OnArableLand, "on-arable-land", false, "砖瓦用黏土位于耕地 / brick clay on arable land")
	fs.Float64Var(&f.AshPct, "ash", 0, "煤的灰分（%） / coal ash, %")
	fs.Float64Var(&f.SulphurPct, "sulphur", 0, "煤的硫分（%） / coal sulphur, %")
	fs.Float64Var(&f.AreaKm2, "area", 0, "申报面积（平方千米） / declared area, km²")
	return fs
}

func reviewCommand() *cobra.Command {
	var dbArg string
	var asJSON bool
	var fields app.CornerPointFields
	appFlags := applicationFlags(&fields)
	c := &cobra.Command{
		Use:   "review FILE",
		Short: "规划符合性审查（GeoJSON 申请，或拐点坐标 .txt 加字段选项） / the conformity review of an application (GeoJSON, or corner-point .txt with the fields as flags)",
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{"review needs one FILE: a GeoJSON Feature, or a corner-point .txt with the fields as flags"}
			}
			if !app.IsCornerPointFile(args[0]) {
				var set []string
				appFlags.VisitAll(func(f *pflag.Flag) {
					if c.Flags().Changed(f.Name) {
						set = append(set, "--"+f.Name)
					}
				})
				if len(set) > 0 {
					s := strings.Join(set, " ")
					return usageError{fmt.Sprintf("%s 只用于拐点坐标 .txt 文件；GeoJSON 申请的字段写在 properties 中 / %s applies only to corner-point .txt input; a GeoJSON application carries its fields in its properties", s, s)}
				}
			}
			return runReview(c.Context(), dbArg, asJSON, args[0], fields, c.OutOrStdout())
		},
	}
	fs := c.Flags()
	fs.StringVar(&dbArg, "db", "", "数据库（默认：内置规划与示例登记簿） / database (default: the embedded plan and the illustrative register)")
	fs.BoolVar(&asJSON, "json", false, "以 JSON 输出审查报告 / print the report as JSON")
	fs.AddFlagSet(appFlags)
	return c
}

func runReview(ctx context.Context, dbArg string, asJSON bool, path string, fields app.CornerPointFields, stdout io.Writer) error {
	b, err := app.ReadApplicationFile(path, fields)
	if err != nil {
		return err
	}
	var e *review.Engine
	var d review.Data
	if dbArg == "" {
		p, err := data.LoadDefault()
		if err != nil {
			return err
		}
		mem, err := app.DemoMemory(p)
		if err != nil {
			return err
		}
		if e, err = review.New(p, 0); err != nil {
			return err
		}
		d = mem
	} else {
		st, err := openStore(ctx, dbArg, false)
		if err != nil {
			return err
		}
		defer st.Close()
		if e, err = storedEngine(ctx, st, dbArg); err != nil {
			return err
		}
		d = app.StoreData{Store: st}
	}
	a, err := review.ParseApplication(b, e.Plan())
	if err != nil {
		return err
	}
	rep, err := e.Review(ctx, a, d, time.Now())
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, rep)
	}
	printReport(stdout, rep)
	return nil
}

func printReport(w io.Writer, rep *review.Report) {
	a := rep.Application
	fmt.Fprintf(w, "规划符合性审查：%s申请，矿种 %s，%s\n", rights.KindName(a.Kind), a.Mineral, a.County)
	fmt.Fprintf(w, "结论：%s（%s）\n", rep.Verdict.ZH(), rep.Verdict)
	for i, f := range rep.Findings {
		fmt.Fprintf(w, "%2d. ［%s］%s：%s\n", i+1, f.Severity.ZH(), f.Clause, f.MessageZH)
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "未发现与规划不符之处。")
	}
	rev := fmt.Sprintf("第 %d 版", rep.PlanRevision)
	if rep.PlanRevision == 0 {
		rev = "内置数据包"
	}
	fmt.Fprintf(w, "依据：%s %s（数据包 %.12s）；输入 SHA-256 %s；%s\n", rep.PlanID, rev, rep.BundleHash, rep.InputSHA256, rep.At.Format(time.RFC3339))
}

// currentPlan is the plan a database works under: its latest stored
// revision, or, in a database that has none yet, the embedded bundle that
// serve would store as revision 1.
func currentPlan(ctx context.Context, st store.Store) (*plan.Plan, error) {
	rev, err := st.LatestPlanRevision(ctx, data.DefaultPlan)
	if errors.Is(err, store.ErrNotFound) {
		return data.LoadDefault()
	}
	if err != nil {
		return nil, err
	}
	return app.RevisionPlan(ctx, st, rev.PlanID, rev.Number)
}

// storedEngine is the review engine for the latest revision of the default
// plan stored in the database dbArg names.
func storedEngine(ctx context.Context, st store.Store, dbArg string) (*review.Engine, error) {
	rev, err := st.LatestPlanRevision(ctx, data.DefaultPlan)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("数据库中还没有规划 %s（先运行 mineplan plan load --db %s） / the database holds no revision of plan %s: %w", data.DefaultPlan, dbArg, data.DefaultPlan, err)
	}
	if err != nil {
		return nil, err
	}
	p, err := app.RevisionPlan(ctx, st, rev.PlanID, rev.Number)
	if err != nil {
		return nil, err
	}
	return review.New(p, rev.Number)
}
