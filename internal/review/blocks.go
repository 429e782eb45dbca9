package review

import (
	"context"
	"fmt"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

// coverage is the share of the application inside a polygon.
func coverage(a *Application, p geo.Polygon) (float64, error) {
	return geo.CGCS2000.IntersectionArea(a.prepared(), geo.Prepare(geo.MultiPolygon{p})) / geo.CGCS2000.MultiPolygonArea(a.Geometry), nil
}

// planningBlock checks an application that names a planning block: the
// block exists, is of the application's kind and mineral (三㈢4⑶②: the
// block's mineral may not be changed), holds the application, and no
// other holder has a live right in it (one block, one holder).
func planningBlock(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if a.Block == "" {
		return nil, nil
	}
	b, ok := e.plan.Block(a.Block)
	if !ok {
		return []Finding{finding(cfg, "planning-block.unknown", NeedsJustification, "", fmt.Sprintf("规划中没有规划区块 %s", a.Block), fmt.Sprintf("the plan has no planning block %s", a.Block), nil)}, nil
	}
	var out []Finding
	ev := map[string]any{"block": b.Code, "block_kind": b.Kind, "block_mineral": b.Mineral}
	if b.Kind != string(a.Kind) {
		out = append(out, finding(cfg, "planning-block.kind", NeedsJustification, "", fmt.Sprintf("%s 为%s，与申请种类不符", b.Code, map[string]string{"exploration": "勘查规划区块", "mining": "开采规划区块"}[b.Kind]),
			fmt.Sprintf("%s is an %s block", b.Code, b.Kind), ev))
	}
	if !e.matches(a, []string{b.Mineral}) {
		out = append(out, finding(cfg, "planning-block.mineral", Prohibited, "三㈢4⑶", fmt.Sprintf("规划区块 %s 确定的矿种为%s，不得变更为%s", b.Code, b.Mineral, a.Mineral),
			fmt.Sprintf("block %s is for %s; its mineral may not be changed to %s", b.Code, b.Mineral, a.Mineral), ev))
	}
	share, err := coverage(a, b.Geometry)
	if err != nil {
		return nil, err
	}
	if share < 0.999 {
		ev["inside_pct"] = 100 * share
		out = append(out, finding(cfg, "planning-block.outside", NeedsJustification, "三㈢4⑶", fmt.Sprintf("申请范围有 %.0f%% 超出规划区块 %s：采矿权投放时严格落实规划区块划定的范围", 100*(1-share), b.Code),
			fmt.Sprintf("%.0f%% of the application lies outside block %s", 100*(1-share), b.Code), ev))
	}
	if d != nil {
		rs, err := d.LiveRights(ctx, b.Geometry.Bounds())
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if a.HolderID != "" && r.Holder.CreditCode == a.HolderID || a.HolderID == "" && r.Holder.Name == a.Holder {
				continue
			}
			if area := geo.OverlapArea(geo.MultiPolygon{b.Geometry}, r.Geometry); area >= rights.MinOverlapM2 {
				out = append(out, finding(cfg, "planning-block.one-holder", "", "", fmt.Sprintf("规划区块 %s 内已有%s的矿业权 %s：%s", b.Code, r.Holder.Name, r.LicenceNumber, cfg.Quote),
					fmt.Sprintf("block %s already holds right %s of %s (one block, one holder)", b.Code, r.LicenceNumber, r.Holder.Name), map[string]any{"block": b.Code, "right": r.ID, "overlap_m2": area}))
			}
		}
	}
	return out, nil
}

// insideBlock asks a new mining right to lie in a mining planning block of
// its mineral (四㈤: 新设采矿权需符合开采规划区块设置).
func insideBlock(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, _ Data) ([]Finding, error) {
	if !appliesTo(cfg, a) || a.Block != "" {
		return nil, nil // a named block is checked by planning_block
	}
	box := a.Geometry.Bounds()
	for _, b := range e.plan.Blocks {
		if b.Kind != string(a.Kind) || !b.Geometry.Bounds().Intersects(box) || !e.matches(a, []string{b.Mineral}) {
			continue
		}
		share, err := coverage(a, b.Geometry)
		if err != nil {
			return nil, err
		}
		if share >= 0.999 {
			return nil, nil
		}
	}
	return []Finding{finding(cfg, cfg.ID, "", "", fmt.Sprintf("申请范围不在%s的开采规划区块内：%s", a.Mineral, cfg.Quote), fmt.Sprintf("the application lies in no mining planning block for %s", a.Mineral), nil)}, nil
}

// noOverlapLayers refuses ground in protected areas and red lines.
func noOverlapLayers(ctx context.Context, e *Engine, cfg plan.ReviewRule, a *Application, d Data) ([]Finding, error) {
	if d == nil {
		return nil, nil
	}
	areas, err := d.Areas(ctx, cfg.LayerKinds, a.Geometry.Bounds())
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, ar := range areas {
		p := ar.Prepared
		if p == nil {
			p = geo.Prepare(ar.Geometry)
		}
		area := geo.CGCS2000.IntersectionArea(a.prepared(), p)
		if area < rights.MinOverlapM2 {
			continue
		}
		out = append(out, finding(cfg, cfg.ID+"."+ar.Kind, "", "", fmt.Sprintf("占用%s“%s”%.2f 平方米：%s", plan.LayerKind(ar.Kind).ZH(), ar.Name, area, cfg.Quote),
			fmt.Sprintf("occupies %s %q by %.2f m²", ar.Kind, ar.Name, area), map[string]any{"layer": ar.Layer, "feature": ar.ID, "overlap_m2": area, "illustrative": ar.Illustrative}))
	}
	return out, nil
}
