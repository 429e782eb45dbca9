package illustrative

import (
	"fmt"
	"slices"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

// Blocks generates the illustrative planning blocks: for each mineral of
// 专栏16 (exploration) and 专栏17 (mining), as many blocks as the table
// prints with areas adding up to its area, each a rectangle in its
// Gauss–Krüger zone, inside a zone whose mineral fits where the plan has
// one (else near the counties 三㈢3⑵ names for the mineral's class), not
// overlapping another block. The same plan always gives the same layer.
func Blocks(p *plan.Plan) (*formats.Layer, error) {
	g := &registerGen{p: p, rng: newRNG("blocks")}
	fc := newLayer(p.Meta.ID + " planning blocks (illustrative)")
	for _, spec := range []struct {
		table, prefix string
		kind          rights.Kind
	}{{"专栏16", "KT", rights.Exploration}, {"专栏17", "KC", rights.Mining}} {
		t := p.Table(spec.table)
		if t == nil {
			return nil, fmt.Errorf("%s is missing", spec.table)
		}
		n := 0
		for _, row := range t.Rows {
			mineral := row.Cells["mineral"].Text
			count, _ := row.Cells["blocks"].Figure.Value.Float64()
			area := row.Cells["area"].Figure
			parts := g.split(area.Value.FloatString(1), int(count))
			for i, a := range parts {
				n++
				code := fmt.Sprintf("%s%03d", spec.prefix, n)
				poly, county, zone, err := g.placeBlock(spec.kind, mineral, a, i)
				if err != nil {
					return nil, fmt.Errorf("%s %s block %d: %w", spec.table, mineral, i+1, err)
				}
				props := map[string]any{
					"code": code, "code_assigned": true, "kind": string(spec.kind), "kind_name": map[rights.Kind]string{rights.Exploration: "勘查规划区块", rights.Mining: "开采规划区块"}[spec.kind],
					"mineral": mineral, "area_km2": a, "county": county, "zone": zone, "source": spec.table, "source_row": row.Seq,
					"illustrative": true, "note": plan.IllustrativeNote,
				}
				if err := add(fc, code, poly, props); err != nil {
					return nil, err
				}
			}
		}
	}
	fc.SortFields()
	return fc, nil
}

// classCounties are where 三㈢3⑵ says each class of mineral lies, for
// minerals no zone names.
var classCounties = map[plan.MineralClass][]string{
	plan.ClassEnergy:      {"叶城县", "莎车县"},
	plan.ClassMetallic:    {"塔什库尔干县", "叶城县", "巴楚县", "伽师县"},
	plan.ClassNonMetallic: {"疏附县", "英吉沙县", "巴楚县", "莎车县"},
	plan.ClassWaterGas:    {"塔什库尔干县"},
}

func (g *registerGen) placeBlock(kind rights.Kind, mineral string, areaKm2 float64, i int) (geo.Polygon, string, string, error) {
	zones := g.zonesFor(kind, mineral)
	m, _ := g.p.Mineral(mineral)
	for try := 0; try < 3000; try++ {
		var centre geo.LonLat
		var county, zone string
		if len(zones) > 0 && try < 2000 {
			z := zones[(i+try)%len(zones)]
			shape := g.p.Shapes[z.Code][0]
			b := geo.Polygon{shape}.Bounds()
			centre = geo.LonLat{Lon: b.MinLon + g.rng.float()*(b.MaxLon-b.MinLon), Lat: b.MinLat + g.rng.float()*(b.MaxLat-b.MinLat)}
			if !pointInRing(centre, shape) {
				continue
			}
			county, zone = NearestCounty(g.p, centre), z.Code
			if !slices.Contains(z.Counties, county) {
				county = z.Counties[0]
			}
		} else {
			names := classCounties[m.Class]
			c, _ := g.p.County(names[(i+try)%len(names)])
			centre = offset(geo.LonLat{Lon: c.Seat[0], Lat: c.Seat[1]}, (g.rng.float()-0.5)*120, (g.rng.float()-0.5)*120)
			if NearestCounty(g.p, centre) != c.Name {
				continue
			}
			county = c.Name
		}
		crs, err := geo.ZoneCRS(geo.ZoneForLon(centre.Lon), true)
		if err != nil {
			return nil, "", "", err
		}
		poly, err := rectangle(crs, centre, areaKm2, 1+g.rng.float())
		if err != nil {
			return nil, "", "", err
		}
		b := poly.Bounds()
		if !Extent.Contains(b) {
			continue
		}
		if zone != "" && !ringInside(poly[0], g.p.Shapes[zone][0]) {
			continue
		}
		clash := slices.ContainsFunc(g.placed, b.Intersects)
		if !clash {
			g.placed = append(g.placed, b)
			return poly, county, zone, nil
		}
	}
	return nil, "", "", fmt.Errorf("no free ground for %.2f km²", areaKm2)
}

func ringInside(r, outer geo.Ring) bool {
	for _, p := range r {
		if !pointInRing(p, outer) {
			return false
		}
	}
	return true
}
