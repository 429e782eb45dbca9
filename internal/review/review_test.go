package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
)

type fixture struct {
	p      *plan.Plan
	engine *review.Engine
	mem    *review.Memory
	rights []rights.Right
}

func setup(t *testing.T) *fixture {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	events, err := illustrative.Register(p)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := app.ReplayAll(events)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := app.DemoMemory(p)
	if err != nil {
		t.Fatal(err)
	}
	e, err := review.New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{p: p, engine: e, mem: mem, rights: rs}
}

func square(c geo.LonLat, side float64) geo.MultiPolygon {
	return geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: c.Lon, MinLat: c.Lat, MaxLon: c.Lon + side, MaxLat: c.Lat + side})}
}

// free finds a 0.002° square inside a zone (or, with zone "", anywhere in
// the plan's extent) that no live right touches.
func (f *fixture) free(t *testing.T, zone string) geo.MultiPolygon {
	t.Helper()
	box := illustrative.Extent
	if zone != "" {
		box = geo.Polygon(f.p.Shapes[zone]).Bounds()
	}
	for i := 1; i < 400; i++ {
		c := geo.LonLat{Lon: box.MinLon + (box.MaxLon-box.MinLon)*float64(i%20)/20, Lat: box.MinLat + (box.MaxLat-box.MinLat)*float64(i/20)/20}
		g := square(c, 0.002)
		if zone != "" {
			inter, _ := geo.Intersection(g, geo.MultiPolygon{f.p.Shapes[zone]})
			if geo.CGCS2000.MultiPolygonArea(inter) < 0.999*geo.CGCS2000.MultiPolygonArea(g) {
				continue
			}
		}
		rs, _ := f.mem.LiveRights(context.Background(), g.Bounds())
		as, _ := f.mem.Areas(context.Background(), []string{"protected_area", "red_line"}, g.Bounds())
		if len(rs) == 0 && len(as) == 0 {
			return g
		}
	}
	t.Fatalf("no free ground in %s", zone)
	return nil
}

type appl struct {
	block    string
	kind     rights.Kind
	mineral  string
	method   string
	scale    float64
	unit     string
	county   string
	assoc    bool
	arable   bool
	ash      float64
	geometry geo.MultiPolygon
}

func (f *fixture) review(t *testing.T, a appl) *review.Report {
	t.Helper()
	props := map[string]any{"kind": a.kind, "mineral": a.mineral, "county": a.county, "holder": "申请人（测试）"}
	if a.method != "" {
		props["method"] = a.method
	}
	if a.block != "" {
		props["block"] = a.block
	}
	if a.scale > 0 {
		props["scale"], props["scale_unit"] = a.scale, a.unit
	}
	if a.assoc {
		props["associated"] = true
	}
	if a.arable {
		props["on_arable_land"] = true
	}
	if a.ash > 0 {
		props["coal"] = map[string]any{"ash_pct": a.ash, "sulphur_pct": 1.0}
	}
	geom := map[string]any{"type": "MultiPolygon", "coordinates": a.geometry}
	b, _ := json.Marshal(map[string]any{"type": "Feature", "properties": props, "geometry": geom})
	parsed, err := review.ParseApplication(b, f.p)
	if err != nil {
		t.Fatalf("%s: %v", a.mineral, err)
	}
	rep, err := f.engine.Review(context.Background(), parsed, f.mem, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func find(rep *review.Report, rule string) *review.Finding {
	for i, fd := range rep.Findings {
		if fd.Rule == rule {
			return &rep.Findings[i]
		}
	}
	return nil
}

// TestAcceptanceCases: each case triggers its finding with its clause and
// severity; the conforming variant does not.
func TestAcceptanceCases(t *testing.T) {
	f := setup(t)
	open := f.free(t, "")
	cs := f.free(t, "CS008")
	overlapping := geo.MultiPolygon{}
	for _, r := range f.rights {
		if r.Kind == rights.Mining && r.Status.Live() {
			b := r.Geometry.Bounds()
			overlapping = square(geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}, 0.01)
			break
		}
	}
	mining := rights.Mining
	cases := []struct {
		name      string
		bad, good appl
		rule      string
		severity  review.Severity
		clause    string
	}{
		{"open-pit iron at 20", appl{kind: mining, mineral: "铁矿", method: "open-pit", scale: 20, unit: "万吨/年", county: "塔什库尔干县", geometry: open},
			appl{kind: mining, mineral: "铁矿", method: "open-pit", scale: 35, unit: "万吨/年", county: "塔什库尔干县", geometry: open},
			"minimum-scale.iron-open-pit", review.Prohibited, "四㈡1"},
		{"copper at 25", appl{kind: mining, mineral: "铜矿", scale: 25, unit: "万吨/年", county: "伽师县", geometry: open},
			appl{kind: mining, mineral: "铜矿", scale: 35, unit: "万吨/年", county: "伽师县", geometry: open},
			"minimum-scale.copper", review.Prohibited, "四㈡1"},
		{"cement limestone at 40", appl{kind: mining, mineral: "水泥用灰岩", scale: 40, unit: "万吨/年", county: "英吉沙县", geometry: open},
			appl{kind: mining, mineral: "水泥用灰岩", scale: 60, unit: "万吨/年", county: "英吉沙县", geometry: open},
			"minimum-scale.limestone", review.Prohibited, "四㈡1"},
		{"building sand at 8", appl{kind: mining, mineral: "建筑用砂", scale: 8, unit: "万立方米/年", county: "莎车县", geometry: cs},
			appl{kind: mining, mineral: "建筑用砂", scale: 12, unit: "万立方米/年", county: "莎车县", geometry: cs},
			"minimum-scale.construction-sand", review.Prohibited, "四㈡1"},
		{"building sand outside every CS zone", appl{kind: mining, mineral: "建筑用砂", scale: 12, unit: "万立方米/年", county: "莎车县", geometry: open},
			appl{kind: mining, mineral: "建筑用砂", scale: 12, unit: "万立方米/年", county: "莎车县", geometry: cs},
			"sand-gravel-in-concentrated-zone", review.NeedsJustification, "四㈠2⑵"},
		{"placer gold", appl{kind: mining, mineral: "砂金", scale: 10, unit: "万吨/年", county: "叶城县", geometry: open},
			appl{kind: mining, mineral: "金矿", scale: 10, unit: "万吨/年", county: "叶城县", geometry: open},
			"mineral-policy.no-new-placer-gold", review.Prohibited, "三㈠1"},
		{"mercury", appl{kind: mining, mineral: "汞", scale: 10, unit: "万吨/年", county: "叶城县", geometry: open},
			appl{kind: mining, mineral: "铅矿", scale: 20, unit: "万吨/年", county: "叶城县", geometry: open},
			"mineral-policy.no-mercury-mining", review.Prohibited, "三㈠1"},
		{"non-associated pyrite", appl{kind: mining, mineral: "硫铁矿", scale: 30, unit: "万吨/年", county: "叶城县", geometry: open},
			appl{kind: mining, mineral: "硫铁矿", scale: 30, unit: "万吨/年", county: "叶城县", assoc: true, geometry: open},
			"mineral-policy.no-new-non-associated-pyrite-mining", review.Prohibited, "三㈠1"},
		{"coal with 45% ash", appl{kind: mining, mineral: "煤", scale: 60, unit: "万吨/年", county: "莎车县", ash: 45, geometry: open},
			appl{kind: mining, mineral: "煤", scale: 60, unit: "万吨/年", county: "莎车县", ash: 30, geometry: open},
			"coal-quality.ash", review.Prohibited, "三㈠2"},
		{"brick clay on arable land", appl{kind: mining, mineral: "砖瓦用粘土", scale: 12, unit: "万立方米/年", county: "疏勒县", arable: true, geometry: open},
			appl{kind: mining, mineral: "砖瓦用粘土", scale: 12, unit: "万立方米/年", county: "疏勒县", geometry: open},
			"mineral-policy.no-arable-land-brick-clay-mining", review.Prohibited, "三㈠1"},
		{"overlapping a live right", appl{kind: mining, mineral: "铜矿", scale: 35, unit: "万吨/年", county: "伽师县", geometry: overlapping},
			appl{kind: mining, mineral: "铜矿", scale: 35, unit: "万吨/年", county: "伽师县", geometry: open},
			"no-overlap-rights", review.Prohibited, "三㈢3⑴、三㈢4⑴"},
		{"copper is not the prefecture's to grant", appl{kind: mining, mineral: "铜矿", scale: 35, unit: "万吨/年", county: "伽师县", geometry: open},
			appl{kind: mining, mineral: "水泥用灰岩", scale: 60, unit: "万吨/年", county: "英吉沙县", geometry: open},
			"registration-authority", review.Info, "三㈢4⑵"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := f.review(t, c.bad)
			got := find(rep, c.rule)
			if got == nil {
				t.Fatalf("no %s finding; findings: %+v", c.rule, rep.Findings)
			}
			if got.Severity != c.severity || got.Clause != c.clause || got.MessageZH == "" || got.MessageEN == "" {
				t.Errorf("%s: severity %s clause %s; want %s, %s", c.rule, got.Severity, got.Clause, c.severity, c.clause)
			}
			if c.severity == review.Prohibited && rep.Verdict != review.NonConforming {
				t.Errorf("verdict %s with a prohibited finding", rep.Verdict)
			}
			if g := find(f.review(t, c.good), c.rule); g != nil {
				t.Errorf("the conforming variant also has %s: %+v", c.rule, g)
			}
		})
	}
}

func TestOverlapEvidence(t *testing.T) {
	f := setup(t)
	var target rights.Right
	for _, r := range f.rights {
		if r.Status.Live() {
			target = r
			break
		}
	}
	b := target.Geometry.Bounds()
	// A box over the right's lower-left quarter: the overlap is that
	// quarter, measured independently.
	mid := geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}
	g := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: b.MinLon - 0.01, MinLat: b.MinLat - 0.01, MaxLon: mid.Lon, MaxLat: mid.Lat})}
	rep := f.review(t, appl{kind: rights.Exploration, mineral: "铜矿", county: target.County, geometry: g})
	fd := find(rep, "no-overlap-rights")
	if fd == nil || fd.Evidence["right"] != target.ID {
		t.Fatalf("findings %+v", rep.Findings)
	}
	inter, _ := geo.Intersection(target.Geometry, g)
	want := geo.CGCS2000.MultiPolygonArea(inter)
	if got := fd.Evidence["overlap_m2"].(float64); got != want || want < 1 {
		t.Errorf("overlap %f m², want %f", got, want)
	}
}

func TestApplicationValidation(t *testing.T) {
	f := setup(t)
	bad := `{"type":"Feature","properties":{"kind":"mine","mineral":"铁石","county":"火星县","scale":-1,"method":"strip","holder_id":"91650100228665922E"},
	  "geometry":{"type":"Polygon","coordinates":[[[75,38],[75.1,38],[75.1,38.1]]]}}`
	_, err := review.ParseApplication([]byte(bad), f.p)
	ve, ok := err.(review.ValidationErrors)
	if !ok {
		t.Fatalf("%v", err)
	}
	fields := map[string]bool{}
	for _, e := range ve {
		fields[e.Field] = true
	}
	for _, want := range []string{"kind", "mineral", "county", "method", "scale", "scale_unit", "holder_id", "geometry"} {
		if !fields[want] {
			t.Errorf("no error on %s: %v", want, err)
		}
	}
	if !strings.Contains(err.Error(), "铁矿") {
		t.Errorf("the unknown mineral should list 铁矿 among the closest names: %v", err)
	}
	if _, err := review.ParseApplication([]byte(`{"type":"Feature","properties":{"colour":"red"},"geometry":null}`), f.p); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown property: %v", err)
	}
}

func TestReportIsReproducible(t *testing.T) {
	f := setup(t)
	a := appl{kind: rights.Mining, mineral: "铜矿", scale: 25, unit: "万吨/年", county: "伽师县", geometry: f.free(t, "")}
	r1, r2 := f.review(t, a), f.review(t, a)
	b1, _ := json.Marshal(r1)
	b2, _ := json.Marshal(r2)
	if string(b1) != string(b2) || len(r1.InputSHA256) != 64 || r1.BundleHash != f.p.Hash {
		t.Fatalf("two reviews of the same input differ:\n%s\n%s", b1, b2)
	}
}

// TestBlocksAndLayers: the rules that read planning blocks and the
// protected-area and red-line layers.
func TestBlocksAndLayers(t *testing.T) {
	f := setup(t)
	var sand, copperBlock plan.Block
	for _, b := range f.p.Blocks {
		if b.Kind == "mining" && b.Mineral == "建筑用砂" && sand.Code == "" {
			if rs, _ := f.mem.LiveRights(context.Background(), b.Geometry.Bounds()); len(rs) == 0 {
				sand = b
			}
		}
		if b.Kind == "exploration" && b.Mineral == "铜矿" && copperBlock.Code == "" {
			copperBlock = b
		}
	}
	if sand.Code == "" || copperBlock.Code == "" {
		t.Fatal("no suitable illustrative blocks")
	}
	// A small square in the middle of the sand block.
	sb := sand.Geometry.Bounds()
	inSand := square(geo.LonLat{Lon: (sb.MinLon+sb.MaxLon)/2 - 0.0005, Lat: (sb.MinLat+sb.MaxLat)/2 - 0.0005}, 0.001)
	sandApp := appl{kind: rights.Mining, mineral: "建筑用砂", scale: 12, unit: "万立方米/年", county: sand.County, geometry: inSand}
	if fd := find(f.review(t, sandApp), "mining-in-planning-block"); fd != nil {
		t.Errorf("a sand mine inside a sand block: %+v", fd)
	}
	outside := sandApp
	outside.geometry = f.free(t, "")
	if fd := find(f.review(t, outside), "mining-in-planning-block"); fd == nil || fd.Severity != review.NeedsJustification || fd.Clause != "四㈤" {
		t.Errorf("a sand mine outside every block: %+v", fd)
	}
	named := sandApp
	named.block = sand.Code
	if rep := f.review(t, named); find(rep, "planning-block.mineral") != nil || find(rep, "planning-block.outside") != nil {
		t.Errorf("the right block: %+v", rep.Findings)
	}
	wrongMineral := named
	wrongMineral.mineral, wrongMineral.unit = "砖瓦用页岩", "万立方米/年"
	if fd := find(f.review(t, wrongMineral), "planning-block.mineral"); fd == nil || fd.Severity != review.Prohibited || fd.Clause != "三㈢4⑶" {
		t.Errorf("another mineral in a sand block: %+v", fd)
	}
	wrongKind := named
	wrongKind.block = copperBlock.Code
	if fd := find(f.review(t, wrongKind), "planning-block.kind"); fd == nil {
		t.Errorf("a mining application in an exploration block: no finding")
	}
	// The illustrative protected area and red line.
	protected, redLines, err := illustrative.ProtectedAreas(f.p)
	if err != nil {
		t.Fatal(err)
	}
	for kind, fc := range map[string]*formats.Layer{"protected_area": protected, "red_line": redLines} {
		b := fc.Features[0].Geometry.Bounds()
		g := square(geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}, 0.01)
		rep := f.review(t, appl{kind: rights.Exploration, mineral: "铜矿", county: "叶城县", geometry: g})
		fd := find(rep, "protected-areas-and-red-lines."+kind)
		if fd == nil || fd.Severity != review.Prohibited || fd.Clause != "三㈢3⑴、三㈢4⑴" || rep.Verdict != review.NonConforming {
			t.Errorf("%s: %+v", kind, rep.Findings)
		}
		if fd != nil && fd.Evidence["illustrative"] != true {
			t.Errorf("%s evidence does not say the layer is illustrative", kind)
		}
	}
}

func TestCaps(t *testing.T) {
	f := setup(t)
	g := f.free(t, "CS008")
	big := appl{kind: rights.Mining, mineral: "建筑用砂", scale: 2500, unit: "万立方米/年", county: "莎车县", geometry: g}
	fd := find(f.review(t, big), "output-cap")
	if fd == nil || fd.Severity != review.NeedsJustification || fd.Clause != "专栏19" || fd.Evidence["target"] != 2000.0 {
		t.Fatalf("2500 万立方米/年 of sand against 专栏19's 2000: %+v", fd)
	}
	small := big
	small.scale = 12
	if fd := find(f.review(t, small), "output-cap"); fd != nil {
		t.Errorf("12 万立方米/年: %+v", fd)
	}
	// 50 non-metallic mines licensed since 2021 fill the cap of 四㈠2.
	var rs []rights.Right
	for i := 0; i < 50; i++ {
		c := geo.LonLat{Lon: 79 + float64(i%10)*0.01, Lat: 40 + float64(i/10)*0.01}
		rs = append(rs, rights.Right{ID: fmt.Sprint("N", i), Kind: rights.Mining, Status: rights.Producing, MainMineral: "石膏", ValidFrom: rights.D(2022, 1, 1), Geometry: square(c, 0.005)})
	}
	full := review.NewMemory(rs)
	a, err := review.ParseApplication(feature(t, small), f.p)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.engine.Review(context.Background(), a, full, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if fd := find(rep, "new-non-metal-licences"); fd == nil || fd.Clause != "四㈠2" || fd.Evidence["new_licences"] != 50 {
		t.Errorf("the 51st non-metallic licence: %+v", rep.Findings)
	}
	rep, _ = f.engine.Review(context.Background(), a, review.NewMemory(rs[:10]), time.Now())
	if fd := find(rep, "new-non-metal-licences"); fd != nil {
		t.Errorf("the 11th: %+v", fd)
	}
}

func feature(t *testing.T, a appl) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": "Feature", "properties": map[string]any{"kind": a.kind, "mineral": a.mineral, "county": a.county, "scale": a.scale, "scale_unit": a.unit},
		"geometry": map[string]any{"type": "MultiPolygon", "coordinates": a.geometry}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAuditOverlaps(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) geo.Polygon {
		return geo.Rect(geo.BBox{MinLon: x0, MinLat: y0, MaxLon: x1, MaxLat: y1})
	}
	polys := []geo.Polygon{sq(75, 39, 75.02, 39.02), sq(75.01, 39.01, 75.03, 39.03), sq(75.03, 39.0, 75.04, 39.01), sq(76, 39, 76.01, 39.01)}
	res := review.AuditOverlaps([]int64{1, 2, 3, 4}, polys)
	want := geo.CGCS2000.PolygonArea(sq(75.01, 39.01, 75.02, 39.02))
	if len(res.Overlapping) != 1 || res.Overlapping[0] != (review.Pair{A: 1, B: 2, AreaM2: res.Overlapping[0].AreaM2}) || math.Abs(res.Overlapping[0].AreaM2-want) > 1e-6*want {
		t.Fatalf("overlapping %+v, want 1–2 with %.3f m²", res.Overlapping, want)
	}
	if res.Touching != 1 { // 2 and 3 share the corner (75.03, 39.01)
		t.Errorf("touching %d, want 1", res.Touching)
	}
}
