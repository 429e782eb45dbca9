package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
)

// TestReviewTable runs every row of the rule-kind table in docs/review.md.
func TestReviewTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "review.md"))
	if err != nil {
		t.Fatal(err)
	}
	f := setup(t)
	places := f.places(t)
	kinds := map[string]bool{}
	rows := 0
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 8 || !strings.Contains(cells[5], "`{") {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		kind, rule, clause, severity, good, bad := cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
		rows++
		kinds[kind] = true
		t.Run(rule+"/"+clause, func(t *testing.T) {
			repBad := f.runExample(t, bad, places)
			fd := find(repBad, rule)
			if fd == nil {
				t.Fatalf("non-conforming example %s gave no %s; findings: %+v", bad, rule, repBad.Findings)
			}
			if fd.Clause != clause || string(fd.Severity) != severity {
				t.Errorf("%s: clause %s severity %s; the table says %s %s", rule, fd.Clause, fd.Severity, clause, severity)
			}
			if g := find(f.runExample(t, good, places), rule); g != nil {
				t.Errorf("conforming example %s also gave %s: %+v", good, rule, g)
			}
		})
	}
	for _, k := range f.p.Rules.Review {
		if !kinds[string(k.Kind)] {
			t.Errorf("rule kind %s (%s) has no row in docs/review.md", k.Kind, k.ID)
		}
	}
	if rows < 20 {
		t.Errorf("only %d rows read from docs/review.md", rows)
	}
}

type placesMap struct {
	geom  map[string]geo.MultiPolygon
	block string
}

func (f *fixture) places(t *testing.T) placesMap {
	t.Helper()
	p := placesMap{geom: map[string]geo.MultiPolygon{"free": f.free(t, ""), "cs": f.free(t, "CS008"), "zb": f.free(t, "ZB005"),
		// Beside the seat of 伽师县 (counties.yaml), for the county check.
		"jiashi": square(geo.LonLat{Lon: 76.75, Lat: 39.50}, 0.002)}}
	for _, r := range f.rights {
		if r.Status.Live() {
			b := r.Geometry.Bounds()
			p.geom["right"] = square(geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}, 0.005)
			break
		}
	}
	for kind, name := range map[string]string{"protected_area": "protected", "red_line": "redline"} {
		as, _ := f.mem.Areas(context.Background(), []string{kind}, illustrativeExtent())
		if len(as) == 0 {
			t.Fatalf("no illustrative %s", kind)
		}
		b := as[0].Geometry.Bounds()
		p.geom[name] = square(geo.LonLat{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2}, 0.01)
	}
	for _, b := range f.p.Blocks {
		if b.Kind == "mining" && b.Mineral == "建筑用砂" {
			if rs, _ := f.mem.LiveRights(context.Background(), b.Geometry.Bounds()); len(rs) == 0 {
				bb := b.Geometry.Bounds()
				p.geom["sandblock"] = square(geo.LonLat{Lon: (bb.MinLon+bb.MaxLon)/2 - 0.0005, Lat: (bb.MinLat+bb.MaxLat)/2 - 0.0005}, 0.001)
				p.block = b.Code
				break
			}
		}
	}
	return p
}

func illustrativeExtent() geo.BBox { return geo.BBox{MinLon: 70, MinLat: 30, MaxLon: 85, MaxLat: 45} }

// runExample merges a table example over a mining application and runs it.
func (f *fixture) runExample(t *testing.T, example string, places placesMap) *review.Report {
	t.Helper()
	var ex map[string]any
	if err := json.Unmarshal([]byte(example), &ex); err != nil {
		t.Fatalf("example %s: %v", example, err)
	}
	props := map[string]any{"kind": "mining", "county": "伽师县", "holder": "表格示例申请人"}
	at, _ := ex["at"].(string)
	g, ok := places.geom[at]
	if !ok {
		t.Fatalf("example %s: unknown place %q", example, at)
	}
	data := review.Data(f.mem)
	switch ex["register"] {
	case "150-mining":
		data = review.NewMemory(fakeMines(150, "铜矿", 2010))
	case "50-nonmetal":
		data = review.NewMemory(fakeMines(50, "石膏", 2022))
	}
	for k, v := range ex {
		switch k {
		case "at", "register":
		case "area_pct":
			computed := gkArea(g)
			props["area_km2"] = computed * v.(float64) / 100
		case "block":
			props["block"] = strings.ReplaceAll(v.(string), "@block", places.block)
		default:
			props[k] = v
		}
	}
	body, _ := json.Marshal(map[string]any{"type": "Feature", "properties": props, "geometry": map[string]any{"type": "MultiPolygon", "coordinates": g}})
	a, err := review.ParseApplication(body, f.p)
	if err != nil {
		t.Fatalf("example %s: %v", example, err)
	}
	rep, err := f.engine.Review(context.Background(), a, data, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// fakeMines are live mining rights far from the examples.
func fakeMines(n int, mineral string, year int) []rights.Right {
	rs := make([]rights.Right, n)
	for i := range rs {
		c := geo.LonLat{Lon: 79.5 + float64(i%20)*0.01, Lat: 40.2 + float64(i/20)*0.01}
		rs[i] = rights.Right{ID: fmt.Sprint("F", i), Kind: rights.Mining, Status: rights.Producing, MainMineral: mineral, ValidFrom: rights.D(year, 1, 1), Geometry: square(c, 0.005)}
	}
	return rs
}

func gkArea(g geo.MultiPolygon) float64 {
	b := g.Bounds()
	crs, _ := geo.ZoneCRS(geo.ZoneForLon((b.MinLon+b.MaxLon)/2), true)
	var a float64
	for _, p := range g {
		proj := make(geo.Polygon, len(p))
		for i, r := range p {
			proj[i] = make(geo.Ring, len(r))
			for j, pt := range r {
				proj[i][j], _ = crs.Project(pt)
			}
		}
		a += geo.PlanarArea(proj)
	}
	return a / 1e6
}
