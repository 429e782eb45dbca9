package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/formats/cornerpoints"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

var severityZH = map[string]string{review.Prohibited: "禁止", review.NeedsJustification: "需论证", review.Info: "提示"}
var verdictZH = map[string]string{review.NonConforming: "不符合规划", review.Conditional: "有条件符合（需论证）", review.Conforming: "符合规划"}

// applicationFlags give the fields of a corner-point file's application.
type applicationFlags struct {
	kind, mineral, method, unit, county, holder, holderID, block, stage string
	scale, years, ash, sulphur, area                                    float64
	associated, arable                                                  bool
}

func (f *applicationFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "kind", "", "exploration or mining")
	fs.StringVar(&f.mineral, "mineral", "", "mineral as the plan writes it, e.g. 铁矿")
	fs.StringVar(&f.method, "method", "", "open-pit or underground")
	fs.Float64Var(&f.scale, "scale", 0, "design scale per year")
	fs.StringVar(&f.unit, "scale-unit", "", "unit of the scale, e.g. 万吨/年")
	fs.Float64Var(&f.years, "service-years", 0, "service life in years")
	fs.StringVar(&f.county, "county", "", "county name or 6-digit code")
	fs.StringVar(&f.holder, "holder", "", "applicant")
	fs.StringVar(&f.holderID, "holder-id", "", "applicant's unified social credit code")
	fs.StringVar(&f.block, "block", "", "planning block code")
	fs.StringVar(&f.stage, "stage", "", "exploration stage")
	fs.BoolVar(&f.associated, "associated", false, "the mineral is associated or co-produced")
	fs.BoolVar(&f.arable, "on-arable-land", false, "brick clay on arable land")
	fs.Float64Var(&f.ash, "ash", 0, "coal ash, %")
	fs.Float64Var(&f.sulphur, "sulphur", 0, "coal sulphur, %")
	fs.Float64Var(&f.area, "area", 0, "declared area, km²")
}

// feature turns a corner-point file and the flags into a GeoJSON Feature.
func (f *applicationFlags) feature(g any) ([]byte, error) {
	props := map[string]any{"kind": f.kind, "mineral": f.mineral, "county": f.county}
	set := func(k string, v any, ok bool) {
		if ok {
			props[k] = v
		}
	}
	set("method", f.method, f.method != "")
	set("scale", f.scale, f.scale != 0)
	set("scale_unit", f.unit, f.unit != "")
	set("service_years", f.years, f.years != 0)
	set("holder", f.holder, f.holder != "")
	set("holder_id", f.holderID, f.holderID != "")
	set("block", f.block, f.block != "")
	set("stage", f.stage, f.stage != "")
	set("associated", true, f.associated)
	set("on_arable_land", true, f.arable)
	set("area_km2", f.area, f.area != 0)
	if f.ash != 0 || f.sulphur != 0 {
		props["coal"] = map[string]any{"ash_pct": f.ash, "sulphur_pct": f.sulphur}
	}
	return json.Marshal(map[string]any{"type": "Feature", "properties": props, "geometry": map[string]any{"type": "MultiPolygon", "coordinates": g}})
}

func cmdReview(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database (default: the embedded plan and the illustrative register)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var af applicationFlags
	af.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"review needs one FILE: a GeoJSON Feature, or a corner-point .txt with the fields as flags"}
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(pos[0]), ".txt") {
		parcel, err := cornerpoints.Parse(b)
		if err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		if b, err = af.feature(parcel.Geometry); err != nil {
			return err
		}
	}
	var e *review.Engine
	var d review.Data
	if *dbArg == "" {
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
		st, err := openStore(ctx, *dbArg, false)
		if err != nil {
			return err
		}
		defer st.Close()
		if e, err = storedEngine(ctx, st, *dbArg); err != nil {
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
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	printReport(stdout, rep)
	return nil
}

func printReport(w io.Writer, rep *review.Report) {
	a := rep.Application
	fmt.Fprintf(w, "规划符合性审查：%s申请，矿种 %s，%s\n", rights.KindName(a.Kind), a.Mineral, a.County)
	fmt.Fprintf(w, "结论：%s（%s）\n", verdictZH[rep.Verdict], rep.Verdict)
	for i, f := range rep.Findings {
		fmt.Fprintf(w, "%2d. ［%s］%s：%s\n", i+1, severityZH[f.Severity], f.Clause, f.MessageZH)
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

// storedEngine is the review engine for the latest revision of the default
// plan stored in the database dbArg names.
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
