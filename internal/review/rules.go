package review

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

var policyWord = map[string]string{"key": "重点勘查开采矿种", "restricted": "限制开采矿种", "protective": "保护性开采的特定矿种", "prohibited": "禁止勘查开采矿种"}

// mineralPolicy applies the lists and the specific prohibitions of 三㈠1–2.
func mineralPolicy(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	var out []Finding
	pol := e.plan.Rules.Policy
	conditional := map[string]bool{} // minerals whose prohibition has a condition
	for _, pr := range pol.Prohibitions {
		if pr.Condition != "" {
			for _, m := range pr.Minerals {
				conditional[m] = true
			}
		}
	}
	for _, l := range pol.Lists {
		if !e.matches(a, l.Minerals) {
			continue
		}
		ev := map[string]any{"list": l.Status, "quote": l.Quote}
		switch l.Status {
		case "key":
			out = append(out, finding(cfg, "mineral-policy.key", Info, l.Clause, fmt.Sprintf("%s为%s", a.mineral.Name, policyWord[l.Status]), fmt.Sprintf("%s is a key mineral", a.Mineral), ev))
		case "restricted", "protective":
			out = append(out, finding(cfg, "mineral-policy."+l.Status, NeedsJustification, l.Clause, fmt.Sprintf("%s为%s：须科学论证、调控开采总量", a.mineral.Name, policyWord[l.Status]), fmt.Sprintf("%s is a %s mineral: it needs a justification and output control", a.Mineral, l.Status), ev))
		case "prohibited":
			unconditional := true
			for _, m := range l.Minerals {
				if mm, ok := e.plan.Mineral(m); ok && mm.Name == a.mineral.Name && conditional[m] {
					unconditional = false
				}
			}
			if unconditional && a.Kind == rights.Mining {
				out = append(out, finding(cfg, "mineral-policy.prohibited", Prohibited, l.Clause, fmt.Sprintf("%s为%s", a.mineral.Name, policyWord[l.Status]), fmt.Sprintf("%s is a prohibited mineral", a.Mineral), ev))
			}
		}
	}
	for _, pr := range pol.Prohibitions {
		if !e.matches(a, pr.Minerals) {
			continue
		}
		switch pr.AppliesTo {
		case "new_mining_right", "mining":
			if a.Kind != rights.Mining {
				continue
			}
		case "new_exploration_right":
			if a.Kind != rights.Exploration {
				continue
			}
		}
		severity := map[string]Severity{"prohibited": Prohibited, "needs_justification": NeedsJustification}[pr.Severity]
		ev := map[string]any{"prohibition": pr.ID, "quote": pr.Quote}
		holds, known := condition(pr.Condition, a)
		switch {
		case !known:
			out = append(out, finding(cfg, "mineral-policy."+pr.ID, Info, pr.Clause, fmt.Sprintf("需核实条件“%s”：%s", pr.Condition, pr.Quote), fmt.Sprintf("check the condition %q of: %s", pr.Condition, pr.Quote), ev))
		case holds:
			out = append(out, finding(cfg, "mineral-policy."+pr.ID, severity, pr.Clause, pr.Quote, fmt.Sprintf("%s (%s)", pr.ID, a.Mineral), ev))
		}
	}
	return out, nil
}

// condition evaluates a prohibition's condition against the application;
// known is false for conditions the application cannot answer.
func condition(c string, a *Application) (holds, known bool) {
	switch c {
	case "":
		return true, true
	case "非共伴生":
		return !a.Associated, true
	case "可耕地":
		return a.OnArable, true
	}
	return false, false
}

// coalQuality refuses coal with too much ash or sulphur (三㈠2).
func coalQuality(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	coal, _ := e.plan.Mineral("煤")
	if a.mineral.Name != coal.Name || a.Kind != rights.Mining {
		return nil, nil
	}
	q := e.plan.Rules.Policy.CoalQuality
	if a.Coal == nil || a.Coal.AshPct == nil || a.Coal.SulphurPct == nil {
		return []Finding{finding(cfg, "coal-quality.missing", Info, q.Clause, "煤炭申请请提供灰分和硫分（coal.ash_pct、coal.sulphur_pct）", "a coal application gives its ash and sulphur content", nil)}, nil
	}
	var out []Finding
	maxAsh, _ := q.MaxAshPercent.Value.Float64()
	maxS, _ := q.MaxSulphur.Value.Float64()
	if *a.Coal.AshPct > maxAsh {
		out = append(out, finding(cfg, "coal-quality.ash", "", q.Clause, fmt.Sprintf("灰分 %g%% 大于 %s%%：%s", *a.Coal.AshPct, q.MaxAshPercent.Printed, q.Quote), fmt.Sprintf("ash %g%% exceeds %s%%", *a.Coal.AshPct, q.MaxAshPercent.Printed),
			map[string]any{"ash_pct": *a.Coal.AshPct, "max_ash_pct": maxAsh}))
	}
	if *a.Coal.SulphurPct > maxS {
		out = append(out, finding(cfg, "coal-quality.sulphur", "", q.Clause, fmt.Sprintf("含硫 %g%% 大于 %s%%：%s", *a.Coal.SulphurPct, q.MaxSulphur.Printed, q.Quote), fmt.Sprintf("sulphur %g%% exceeds %s%%", *a.Coal.SulphurPct, q.MaxSulphur.Printed),
			map[string]any{"sulphur_pct": *a.Coal.SulphurPct, "max_sulphur_pct": maxS}))
	}
	return out, nil
}

// inUnit converts a scale to a rule's unit; ok is false when the units do
// not measure the same thing (tonnes against cubic metres).
func inUnit(v float64, from, to string) (float64, bool) {
	fu, err1 := plan.ParseUnit(from)
	tu, err2 := plan.ParseUnit(to)
	if err1 != nil || err2 != nil || fu.Dim != tu.Dim {
		return 0, false
	}
	f, _ := fu.Scale.Float64()
	t, _ := tu.Scale.Float64()
	return v * f / t, true
}

// minimumScale applies the rules of 四㈡1, and 专栏20 for the other
// minerals it lists (四㈢2: not below the plan's minimum scale).
func minimumScale(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	if a.Kind != rights.Mining || a.Scale == nil {
		return nil, nil
	}
	method := map[string]string{"open-pit": "open_pit", "underground": "underground"}[a.Method]
	var out []Finding
	matched := false
	for _, r := range e.plan.Rules.MinScale {
		if r.AppliesTo != "new_mine" || r.Condition != "" || !e.matches(a, []string{r.Mineral}) {
			continue
		}
		if r.Method != "any" && r.Method != method {
			continue
		}
		matched = true
		min, _ := r.Minimum.Value.Float64()
		v, ok := inUnit(*a.Scale, a.ScaleUnit, r.Unit)
		if !ok {
			out = append(out, finding(cfg, "minimum-scale.unit", NeedsJustification, r.Clause, fmt.Sprintf("设计规模单位 %s 与规则单位 %s 不可比", a.ScaleUnit, r.Unit), fmt.Sprintf("scale unit %s cannot be compared with %s", a.ScaleUnit, r.Unit), nil))
			continue
		}
		if v < min || v == min && !r.MinimumAllowed {
			out = append(out, finding(cfg, "minimum-scale."+r.ID, "", r.Clause,
				fmt.Sprintf("设计规模 %g %s 低于最低开采规模：%s", *a.Scale, a.ScaleUnit, r.Quote),
				fmt.Sprintf("design scale %g %s is below the minimum %g %s", *a.Scale, a.ScaleUnit, min, r.Unit),
				map[string]any{"scale": *a.Scale, "scale_unit": a.ScaleUnit, "minimum": min, "unit": r.Unit, "minimum_allowed": r.MinimumAllowed, "quote": r.Quote}))
		}
	}
	if matched || a.mineral.MinScale == nil {
		return out, nil
	}
	ms := a.mineral.MinScale
	fig := ms.Small
	if !numericPart(fig, method) {
		fig = ms.Medium
	}
	min, ok := pick(fig, method)
	if !ok {
		return out, nil
	}
	v, comparable := inUnit(*a.Scale, a.ScaleUnit, strings.TrimPrefix(ms.Unit, "矿石")+"/年")
	if !comparable {
		v, comparable = inUnit(*a.Scale, a.ScaleUnit, ms.Unit)
	}
	if comparable && v < min {
		out = append(out, finding(cfg, "minimum-scale.table", "", ms.Table,
			fmt.Sprintf("设计规模 %g %s 低于专栏20“%s”的最低开采规模 %g %s", *a.Scale, a.ScaleUnit, ms.Row, min, ms.Unit),
			fmt.Sprintf("design scale %g %s is below 专栏20's minimum %g %s for %s", *a.Scale, a.ScaleUnit, min, ms.Unit, ms.Row),
			map[string]any{"scale": *a.Scale, "scale_unit": a.ScaleUnit, "minimum": min, "unit": ms.Unit, "row": ms.Row}))
	}
	return out, nil
}

func numericPart(f *plan.Figure, method string) bool {
	_, ok := pick(f, method)
	return ok
}

// pick reads a 专栏20 figure: a number, or "underground/open-pit" pairs
// such as "10/30" chosen by method.
func pick(f *plan.Figure, method string) (float64, bool) {
	if f == nil {
		return 0, false
	}
	if f.Numeric() {
		v, _ := f.Value.Float64()
		return v, true
	}
	parts := strings.Split(f.Printed, "/")
	if len(parts) != 2 {
		return 0, false
	}
	i := 0
	if method == "open_pit" {
		i = 1
	}
	v, err := strconv.ParseFloat(parts[i], 64)
	return v, err == nil
}

func serviceLife(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	ms := a.mineral.MinScale
	if a.Kind != rights.Mining || a.ServiceYears == nil || ms == nil || !ms.ServiceLife.Numeric() {
		return nil, nil
	}
	min, _ := ms.ServiceLife.Value.Float64()
	if *a.ServiceYears >= min {
		return nil, nil
	}
	return []Finding{finding(cfg, "service-life", "", ms.Table, fmt.Sprintf("服务年限 %g 年短于专栏20“%s”的最低服务年限 %s", *a.ServiceYears, ms.Row, ms.ServiceLife.Printed),
		fmt.Sprintf("service life %g years is shorter than 专栏20's %s", *a.ServiceYears, ms.ServiceLife.Printed), map[string]any{"service_years": *a.ServiceYears, "minimum_years": min})}, nil
}

// zoneOverlaps measures the application against the plan's zones of some
// types, clipped to the application's box.
func (e *Engine) zoneOverlaps(a *Application, types []string, mineralFit bool) (map[string]float64, error) {
	box := a.Geometry.Bounds()
	out := map[string]float64{}
	for _, z := range e.plan.Zones {
		shape, ok := e.zones[z.Code]
		if !ok || !slices.Contains(types, z.Type) || !shape.Bounds().Intersects(box) {
			continue
		}
		if mineralFit && !e.matches(a, z.Minerals) {
			continue
		}
		if area := geo.CGCS2000.IntersectionArea(a.prepared(), shape); area >= rights.MinOverlapM2 {
			out[z.Code] = area
		}
	}
	return out, nil
}

// insideZone requires the application to lie inside zones of the given
// types whose minerals fit (三㈢5 sand and brick shale in a CS zone).
func insideZone(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	if !appliesTo(cfg, a) || !e.matches(a, cfg.Minerals) {
		return nil, nil
	}
	in, err := e.zoneOverlaps(a, cfg.ZoneTypes, true)
	if err != nil {
		return nil, err
	}
	total := geo.CGCS2000.MultiPolygonArea(a.Geometry)
	var covered float64
	for _, v := range in {
		covered += v
	}
	if covered >= 0.999*total {
		return nil, nil
	}
	names := make([]string, len(cfg.ZoneTypes))
	for i, t := range cfg.ZoneTypes {
		names[i] = plan.ZoneTypeName(t)
	}
	return []Finding{finding(cfg, cfg.ID, "", "", fmt.Sprintf("申请范围有 %.0f%% 不在%s内：%s", 100*(1-covered/total), strings.Join(names, "、"), cfg.Quote),
		fmt.Sprintf("%.0f%% of the application lies outside every %s", 100*(1-covered/total), strings.Join(cfg.ZoneTypes, ", ")),
		map[string]any{"area_m2": total, "inside_m2": covered, "zones": in})}, nil
}

// noOverlapRights refuses ground held by live rights of other holders.
func noOverlapRights(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if d == nil {
		return nil, nil
	}
	cands, err := d.LiveRights(ctx, a.Geometry.Bounds())
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, r := range cands {
		area := geo.CGCS2000.IntersectionArea(a.prepared(), geo.Prepare(r.Geometry))
		if area < rights.MinOverlapM2 {
			continue
		}
		ev := map[string]any{"right": r.ID, "licence_number": r.LicenceNumber, "holder": r.Holder.Name, "status": r.Status, "overlap_m2": area}
		same := a.HolderID != "" && a.HolderID == r.Holder.CreditCode || a.HolderID == "" && a.Holder != "" && a.Holder == r.Holder.Name
		if same {
			out = append(out, finding(cfg, "no-overlap-rights.same-holder", Info, "", fmt.Sprintf("与本矿业权人的%s %s 重叠 %.2f 平方米", rights.KindName(r.Kind), r.LicenceNumber, area),
				fmt.Sprintf("overlaps the holder's own %s right %s by %.2f m²", r.Kind, r.LicenceNumber, area), ev))
			continue
		}
		out = append(out, finding(cfg, "no-overlap-rights", "", "", fmt.Sprintf("与%s的有效%s %s 重叠 %.2f 平方米", r.Holder.Name, rights.KindName(r.Kind), r.LicenceNumber, area),
			fmt.Sprintf("overlaps live %s right %s of %s by %.2f m²", r.Kind, r.LicenceNumber, r.Holder.Name, area), ev))
	}
	return out, nil
}

func noOverlapZones(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	in, err := e.zoneOverlaps(a, cfg.ZoneTypes, false)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for code, area := range in {
		z, _ := e.plan.Zone(code)
		out = append(out, finding(cfg, cfg.ID, "", "", fmt.Sprintf("占用%s %s（%s）%.2f 平方米：%s", plan.ZoneTypeName(z.Type), z.Code, z.Name, area, cfg.Quote),
			fmt.Sprintf("occupies %s %s by %.2f m²", z.Type, z.Code, area), map[string]any{"zone": code, "overlap_m2": area}))
	}
	return out, nil
}

var levelOrder = map[string]int{"county": 0, "prefecture": 1, "region": 2, "ministry": 3}

// authority says which level grants the mineral, from rules/authority.yaml,
// when it is not the office's own level.
func authority(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	var grant *plan.Grant
	for i, g := range e.plan.Rules.Authority {
		if g.RightKind != "any" && g.RightKind != string(a.Kind) || !e.matches(a, g.Minerals) {
			continue
		}
		if grant == nil || levelOrder[g.Level] < levelOrder[grant.Level] {
			grant = &e.plan.Rules.Authority[i]
		}
	}
	level, clause, quote := "region", cfg.Clause, "未列入地区、县级登记权限的矿种由自治区或自然资源部登记"
	if grant != nil {
		level, clause, quote = grant.Level, grant.Clause, grant.Quote
	}
	if level == cfg.Level {
		return nil, nil
	}
	who := rights.AuthorityNames[level]
	return []Finding{finding(cfg, "registration-authority", "", clause, fmt.Sprintf("%s%s由%s登记，不属于%s登记权限，应报%s", a.mineral.Name, rights.KindName(a.Kind), who, rights.AuthorityNames[cfg.Level], who),
		fmt.Sprintf("%s %s rights are granted by the %s, not the %s", a.Mineral, a.Kind, level, cfg.Level), map[string]any{"level": level, "quote": quote})}, nil
}

// countCap compares the live rights of the kind, with this application,
// against a cap of rules/targets.yaml.
func countCap(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if d == nil || !appliesTo(cfg, a) {
		return nil, nil
	}
	var cap float64
	for _, t := range e.plan.Rules.Targets {
		if t.ID == cfg.Target {
			cap, _ = t.Figure.Value.Float64()
		}
	}
	n, err := d.CountLive(ctx, a.Kind)
	if err != nil {
		return nil, err
	}
	if float64(n+1) <= cap {
		return nil, nil
	}
	return []Finding{finding(cfg, cfg.ID, "", "", fmt.Sprintf("现有有效%s %d 个，再设一个将超过“%s”", rights.KindName(a.Kind), n, cfg.Quote),
		fmt.Sprintf("%d live %s rights; one more exceeds the cap of %g", n, a.Kind, cap), map[string]any{"live": n, "cap": cap})}, nil
}

// declaredArea compares the declared area with the area computed from the
// corner points in the Gauss–Krüger zone of the application.
func declaredArea(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	if a.AreaKm2 == nil {
		return nil, nil
	}
	b := a.Geometry.Bounds()
	zone := geo.ZoneForLon((b.MinLon + b.MaxLon) / 2)
	crs, err := geo.ZoneCRS(zone, true)
	if err != nil {
		return []Finding{finding(cfg, "declared-area.zone", Prohibited, "", "申请范围不在 3 度带 25–45 带内", "the application lies outside 3° zones 25–45", nil)}, nil
	}
	var gk float64
	for _, p := range a.Geometry {
		proj := make(geo.Polygon, len(p))
		for i, r := range p {
			proj[i] = make(geo.Ring, len(r))
			for j, pt := range r {
				proj[i][j], _ = crs.Project(pt)
			}
		}
		gk += geo.PlanarArea(proj)
	}
	if !(gk > 0) {
		return nil, fmt.Errorf("the computed area of a validated geometry is %g m²", gk)
	}
	declared := *a.AreaKm2 * 1e6
	diff := 100 * (declared - gk) / gk
	if math.Abs(diff) <= cfg.TolerancePct {
		return nil, nil
	}
	return []Finding{finding(cfg, cfg.ID, "", "", fmt.Sprintf("申报面积 %g 平方千米与按拐点计算的 %d 带高斯投影面积 %.4f 平方千米相差 %.2f%%", *a.AreaKm2, zone, gk/1e6, diff),
		fmt.Sprintf("declared %g km² differs from the computed %.4f km² (zone %d) by %.2f%%", *a.AreaKm2, gk/1e6, zone, diff),
		map[string]any{"declared_km2": *a.AreaKm2, "gk_km2": gk / 1e6, "gk_zone": zone, "difference_pct": diff})}, nil
}

// outputCap compares the design scales of the live mining rights of the
// application's mineral, with the application, against the total-output
// target of the first table row that names the mineral (专栏19, then
// 专栏9). The targets are 预期性, so exceeding one needs justification.
func outputCap(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if a.Kind != rights.Mining || a.Scale == nil || d == nil {
		return nil, nil
	}
	for _, id := range cfg.Tables {
		t := e.plan.Table(id)
		if t == nil {
			continue
		}
		var col plan.Column
		ok := false
		for _, key := range cfg.Columns {
			if c, found := t.Column(key); found && !ok {
				col, ok = c, true
			}
		}
		if !ok {
			continue
		}
		for _, row := range t.Rows {
			if !e.matches(a, []string{row.Cells["mineral"].Text}) {
				continue
			}
			f := row.Cells[col.Key].Figure
			u := row.Cells[col.UnitColumn].Unit
			if !f.Numeric() || u == nil {
				return nil, nil
			}
			target, _ := f.Value.Float64()
			unit := strings.TrimPrefix(strings.ReplaceAll(u.Printed, " ", ""), "矿石") + "/年"
			app, ok := inUnit(*a.Scale, a.ScaleUnit, unit)
			if !ok {
				return nil, nil
			}
			totals, err := d.LiveTotals(ctx, rights.Mining, e.namesMatching(a), 0)
			if err != nil {
				return nil, err
			}
			// Sums per unit are exact integers (rights.Total), so the
			// total does not depend on the order of the register.
			total := app
			counted := 0
			for _, t := range totals {
				if t.Unit == "" || t.Status == rights.Suspended || !e.matches(a, []string{t.MainMineral}) {
					continue
				}
				if v, ok := inUnit(float64(t.ScaleMicro)*rights.ScaleResolution, t.Unit, unit); ok {
					total += v
					counted += t.Count
				}
			}
			if total <= target {
				return nil, nil
			}
			return []Finding{finding(cfg, cfg.ID, "", id, fmt.Sprintf("%s现有生产、筹建矿山设计规模（%d 个）加本申请共 %g %s，超过%s开采总量调控指标 %s %s", row.Cells["mineral"].Text, counted, total, unit, id, f.Printed, u.Printed),
				fmt.Sprintf("the design scales of %d live mines plus this one add to %g %s, over the output target %s %s of %s", counted, total, unit, f.Printed, u.Printed, id),
				map[string]any{"total": total, "unit": unit, "target": target, "table": id, "mines": counted})}, nil
		}
	}
	return nil, nil
}

// newLicenceCap counts mining rights granted since the plan period began
// for minerals of a class, with this application, against a cap
// (四㈠2: 非金属矿产新发证矿山数量控制在50个以内).
func newLicenceCap(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if a.Kind != rights.Mining || d == nil || string(a.mineral.Class) != cfg.Class {
		return nil, nil
	}
	var cap float64
	for _, t := range e.plan.Rules.Targets {
		if t.ID == cfg.Target {
			cap, _ = t.Figure.Value.Float64()
		}
	}
	totals, err := d.LiveTotals(ctx, rights.Mining, e.mineralNames(func(_ string, m plan.Mineral) bool { return string(m.Class) == cfg.Class }), e.plan.Meta.PeriodStart)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, t := range totals {
		if m, ok := e.plan.Mineral(t.MainMineral); ok && string(m.Class) == cfg.Class {
			n += t.Count
		}
	}
	if float64(n+1) <= cap {
		return nil, nil
	}
	return []Finding{finding(cfg, cfg.ID, "", "", fmt.Sprintf("规划期内已新发证非金属矿山 %d 个，再发一个将超过“%s”", n, cfg.Quote),
		fmt.Sprintf("%d new non-metallic mining licences in the plan period; one more exceeds the cap of %g", n, cap), map[string]any{"new_licences": n, "cap": cap})}, nil
}

// countyLocation checks the stated county against the application's
// location. The bundle has no county boundaries, only seats, so this is an
// approximation: it speaks only when the stated county's seat is farther
// than cfg.MaxKm from the application's centre and another county's seat
// is nearer.
func countyLocation(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	b := a.Geometry.Bounds()
	centre := geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}
	seat := func(c plan.County) geo.LonLat { return geo.LonLat{Lon: c.Seat[0], Lat: c.Seat[1]} }
	own := geo.CGCS2000.DistanceKm(centre, seat(a.county))
	if own <= cfg.MaxKm {
		return nil, nil
	}
	nearest, best := a.county, own
	for _, c := range e.plan.Counties {
		if d := geo.CGCS2000.DistanceKm(centre, seat(c)); d < best {
			nearest, best = c, d
		}
	}
	if nearest.Code == a.county.Code {
		return nil, nil
	}
	return []Finding{finding(cfg, cfg.ID, "", "",
		fmt.Sprintf("申请范围距所填%s（%s）县城 %.0f 千米，距%s（%s）县城仅 %.0f 千米；请核对县（市）或范围（按县城位置近似判断，未使用行政界线）", a.county.Name, a.county.Code, own, nearest.Name, nearest.Code, best),
		fmt.Sprintf("the application lies %.0f km from the seat of the stated %s (%s) but %.0f km from that of %s (%s): check the county or the boundary (approximate, by county seats; no boundaries are used)", own, a.county.NameEN, a.county.Code, best, nearest.NameEN, nearest.Code),
		map[string]any{"stated_county": a.county.Code, "stated_seat_km": math.Round(own), "nearest_county": nearest.Code, "nearest_seat_km": math.Round(best), "max_km": cfg.MaxKm, "method": "county seats"})}, nil
}
