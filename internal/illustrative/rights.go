package illustrative

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

// RegisterAsOf is the day the plan's register tables describe (截止2021年底).
var RegisterAsOf = rights.D(2021, 12, 31)

// Register generates the illustrative register: the exploration rights of
// 专栏4 and the mining rights of 专栏5, as many per mineral as the tables
// say with exactly their areas, the mining status split of 一㈢3 (42
// producing, 1 under construction, 34 suspended) as of the end of 2021,
// placed inside zones of their mineral and county. Every right is marked
// illustrative. The result is a list of events (grants, suspensions,
// extensions) to record in order; it is the same on every run.
func Register(p *plan.Plan) ([]rights.Event, error) {
	g := &registerGen{p: p, rng: newRNG("register")}
	if err := g.kind(rights.Exploration, "专栏4"); err != nil {
		return nil, err
	}
	if err := g.kind(rights.Mining, "专栏5"); err != nil {
		return nil, err
	}
	return g.events, nil
}

type registerGen struct {
	p      *plan.Plan
	rng    *rng
	placed []geo.BBox
	events []rights.Event
	serial int
}

// statusSplit reads the mining status counts from statements.yaml's
// quote of 一㈢3 (生产42家，筹建1家、停产34个), so the register follows the
// bundle rather than numbers written here.
func statusSplit(p *plan.Plan) (producing, construction, suspended int, err error) {
	for _, s := range p.Statements {
		if s.ID != "zl05-status" {
			continue
		}
		if _, err := fmt.Sscanf(s.Quote[strings.Index(s.Quote, "生产"):], "生产%d家，筹建%d家、停产%d个", &producing, &construction, &suspended); err != nil {
			return 0, 0, 0, fmt.Errorf("statement zl05-status: %q: %w", s.Quote, err)
		}
		return producing, construction, suspended, nil
	}
	return 0, 0, 0, fmt.Errorf("statement zl05-status (一㈢3 status split) is missing")
}

func (g *registerGen) kind(kind rights.Kind, tableID string) error {
	t := g.p.Table(tableID)
	if t == nil {
		return fmt.Errorf("%s is missing", tableID)
	}
	var statuses []rights.Status
	if kind == rights.Mining {
		prod, cons, susp, err := statusSplit(g.p)
		if err != nil {
			return err
		}
		for i := 0; i < prod; i++ {
			statuses = append(statuses, rights.Producing)
		}
		for i := 0; i < cons; i++ {
			statuses = append(statuses, rights.UnderConstruction)
		}
		for i := 0; i < susp; i++ {
			statuses = append(statuses, rights.Suspended)
		}
		// Shuffle deterministically so statuses spread over minerals.
		for i := len(statuses) - 1; i > 0; i-- {
			j := int(g.rng.float() * float64(i+1))
			statuses[i], statuses[j] = statuses[j], statuses[i]
		}
	}
	n := 0
	for _, row := range t.Rows {
		mineral := row.Cells["mineral"].Text
		count, _ := row.Cells["rights"].Figure.Value.Float64()
		area := row.Cells["area"].Figure.Value
		areas := g.split(area.FloatString(1), int(count))
		for i, a := range areas {
			st := rights.Valid
			if kind == rights.Mining {
				if n >= len(statuses) {
					return fmt.Errorf("%s has more rights than the status split", tableID)
				}
				st = statuses[n]
			}
			n++
			if err := g.right(kind, mineral, a, st, i); err != nil {
				return fmt.Errorf("%s %s right %d: %w", tableID, mineral, i+1, err)
			}
		}
	}
	if kind == rights.Mining && n != len(statuses) {
		return fmt.Errorf("%s has %d rights, the status split %d", tableID, n, len(statuses))
	}
	return nil
}

// split divides a total area (km², one decimal) into n parts of two
// decimals that add up to it exactly.
func (g *registerGen) split(total string, n int) []float64 {
	var t float64
	fmt.Sscanf(total, "%f", &t)
	cents := int(math.Round(t * 100))
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = 0.4 + g.rng.float()
		sum += w[i]
	}
	out := make([]float64, n)
	left := cents
	for i := range w {
		c := int(math.Floor(float64(cents) * w[i] / sum))
		if c < 1 {
			c = 1
		}
		if i == n-1 {
			c = left
		}
		left -= c
		out[i] = float64(c) / 100
	}
	return out
}

// zonesFor lists the zones whose minerals include the right's, exploration
// zones first for exploration rights and mining zones for mining rights.
func (g *registerGen) zonesFor(kind rights.Kind, mineral string) []plan.Zone {
	want, ok := g.p.Mineral(mineral)
	if !ok {
		return nil
	}
	matches := func(z plan.Zone) bool {
		if strings.Contains(z.Name, mineral) {
			return true // e.g. 多金属, a group with no listed members
		}
		for _, zm := range z.Minerals {
			m, ok := g.p.Mineral(zm)
			if !ok {
				continue
			}
			if m.Name == want.Name {
				return true
			}
			for _, member := range append(m.Members, want.Members...) {
				if member == want.Name || member == m.Name {
					return true
				}
			}
		}
		return false
	}
	preferred := map[rights.Kind]map[string]bool{
		rights.Exploration: {"key_exploration_zone": true, "national_planning_area": true, "strategic_protection_zone": true},
		rights.Mining:      {"key_mining_zone": true, "sand_gravel_zone": true},
	}[kind]
	var first, other []plan.Zone
	for _, z := range g.p.Zones {
		if _, ok := g.p.Shapes[z.Code]; !ok || !matches(z) {
			continue
		}
		if preferred[z.Type] {
			first = append(first, z)
		} else {
			other = append(other, z)
		}
	}
	return append(first, other...)
}

// fallbackCounties places minerals no zone names.
var fallbackCounties = map[string][]string{"金矿": {"叶城县"}, "砖瓦用粘土": {"疏勒县", "岳普湖县", "麦盖提县", "伽师县"}}

func (g *registerGen) right(kind rights.Kind, mineral string, areaKm2 float64, status rights.Status, i int) error {
	zones := g.zonesFor(kind, mineral)
	var centre geo.LonLat
	var county string
	var poly geo.Polygon
	var crs geo.CRS
	for try := 0; try < 600; try++ {
		if len(zones) > 0 {
			z := zones[(i+try)%len(zones)]
			shape := g.p.Shapes[z.Code][0]
			b := geo.Polygon{shape}.Bounds()
			centre = geo.LonLat{Lon: b.MinLon + g.rng.float()*(b.MaxLon-b.MinLon), Lat: b.MinLat + g.rng.float()*(b.MaxLat-b.MinLat)}
			if !pointInRing(centre, shape) {
				continue
			}
			county = NearestCounty(g.p, centre)
			if !slices.Contains(z.Counties, county) {
				county = z.Counties[0]
			}
		} else {
			names := fallbackCounties[mineral]
			if len(names) == 0 {
				return fmt.Errorf("no zone or county for mineral %s", mineral)
			}
			c, _ := g.p.County(names[(i+try)%len(names)])
			centre = offset(geo.LonLat{Lon: c.Seat[0], Lat: c.Seat[1]}, (g.rng.float()-0.5)*30, (g.rng.float()-0.5)*30)
			county = c.Name
		}
		var err error
		if crs, err = geo.ZoneCRS(geo.ZoneForLon(centre.Lon), true); err != nil {
			return err
		}
		poly, err = rectangle(crs, centre, areaKm2, 1+g.rng.float())
		if err != nil {
			return err
		}
		b := poly.Bounds()
		clash := slices.ContainsFunc(g.placed, b.Intersects)
		if !clash {
			break
		}
		poly = nil
	}
	if poly == nil {
		return fmt.Errorf("no free ground for %.2f km² of %s", areaKm2, mineral)
	}
	g.placed = append(g.placed, poly.Bounds())
	g.serial++
	id, ev := g.grant(kind, mineral, areaKm2, status, county, poly, crs)
	g.events = append(g.events, ev)
	switch {
	case status == rights.Suspended:
		// Suspended after the grant and by the end of 2021.
		from := ev.Change.Right.ValidFrom.Time
		span := RegisterAsOf.Sub(from)
		at := rights.Date{Time: from.Add(time.Duration(float64(span) * (0.2 + 0.7*g.rng.float()))).Truncate(24 * time.Hour)}
		g.events = append(g.events, rights.Event{RightID: id, Type: rights.Suspend, Date: at, Actor: "喀什地区自然资源局（示例）",
			Reason: "示例：停产整顿", DocRef: fmt.Sprintf("示例停产通知第%d号", g.serial)})
	case kind == rights.Exploration && ev.Change.Right.ValidTo.Before(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)):
		to := ev.Change.Right.ValidTo
		g.events = append(g.events, rights.Event{RightID: id, Type: rights.Extend, Date: rights.Date{Time: to.AddDate(0, -2, 0)}, Actor: "自治区自然资源厅（示例）",
			Reason: "示例：勘查工作未完成，申请延续", DocRef: fmt.Sprintf("示例延续批复第%d号", g.serial), Change: rights.Change{ValidTo: rights.Date{Time: to.AddDate(5, 0, 0)}}})
	}
	return nil
}

func (g *registerGen) day(from, to int) rights.Date {
	span := time.Date(to, 12, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC))
	return rights.Date{Time: time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.rng.float()*float64(span/(24*time.Hour))) * 24 * time.Hour)}
}

// authorityFor follows 四 and 三㈢3–4: building sand and brick clay by the
// county, other non-metallic minerals by the prefecture, the rest by the
// region.
func (g *registerGen) authorityFor(mineral string) (level, code string) {
	switch mineral {
	case "建筑用砂", "砖瓦用粘土", "砖瓦用页岩":
		return "county", ""
	}
	if m, ok := g.p.Mineral(mineral); ok && m.Class == plan.ClassNonMetallic {
		return "prefecture", "653100"
	}
	return "region", "650000"
}

func (g *registerGen) grant(kind rights.Kind, mineral string, areaKm2 float64, status rights.Status, county string, poly geo.Polygon, crs geo.CRS) (string, rights.Event) {
	level, code := g.authorityFor(mineral)
	if code == "" {
		c, _ := g.p.County(county)
		code = c.Code
	}
	from := g.day(2009, 2021)
	years := 5
	prefix, category := "T", "305"
	if kind == rights.Mining {
		prefix, category, years = "C", "713", 6+int(g.rng.float()*20)
		if m, ok := g.p.Mineral(mineral); ok && m.Class != plan.ClassNonMetallic {
			category = "421"
		}
	} else {
		from = g.day(2017, 2021)
	}
	number := fmt.Sprintf("%s%s%04d%02d%s%07d", prefix, code, from.Year(), int(from.Month()), category, 9000000+g.serial)
	holderName := fmt.Sprintf("示例矿业有限公司%03d", g.serial)
	credit := fmt.Sprintf("9165%04d%s", 3100+g.serial%100, fmt.Sprintf("MA%07d", g.serial))
	check, _ := rights.CreditCheckChar(credit[:17])
	credit = credit[:17] + string(check)
	r := &rights.Right{
		Kind: kind, LicenceNumber: number, ProjectNumber: fmt.Sprintf("示例%s%04d", prefix, g.serial),
		Name:   fmt.Sprintf("%s%s%s（示例）", strings.TrimSuffix(county, "县"), mineral, map[rights.Kind]string{rights.Exploration: "勘查", rights.Mining: "矿"}[kind]),
		Holder: rights.Holder{Name: holderName, CreditCode: credit}, MainMineral: mineral, County: county,
		DeclaredAreaKm2: areaKm2, ValidFrom: from, ValidTo: rights.Date{Time: from.AddDate(years, 0, 0)},
		Allocation: map[rights.Kind]string{rights.Exploration: rights.AllocApplication, rights.Mining: rights.AllocListing}[kind],
		Authority:  level, Illustrative: true,
	}
	if kind == rights.Exploration {
		r.Status = rights.Valid
		r.Stage = []string{"general", "detailed", "advanced", "advanced"}[int(g.rng.float()*4)]
	} else {
		r.Status = rights.Producing
		if status == rights.UnderConstruction {
			r.Status = rights.UnderConstruction
		}
		r.MiningMethod = "open_pit"
		r.DesignScale, r.ScaleClass = g.scale(mineral)
	}
	ev := rights.Event{RightID: number, Type: rights.Grant, Date: from, Actor: rights.AuthorityNames[level] + "（示例）", Reason: "示例：新立",
		DocRef: fmt.Sprintf("示例登记第%d号", g.serial), Change: rights.Change{Right: r, Geometry: geo.MultiPolygon{poly}}}
	return number, ev
}

// scale picks a design scale at the small end of 专栏20's medium class,
// when 专栏20 has a row for the mineral.
func (g *registerGen) scale(mineral string) (*rights.Scale, string) {
	m, ok := g.p.Mineral(mineral)
	if !ok || m.MinScale == nil || !m.MinScale.Medium.Numeric() {
		return nil, ""
	}
	v, _ := m.MinScale.Medium.Value.Float64()
	return &rights.Scale{Value: v, Unit: m.MinScale.Unit + "/年"}, "medium"
}

// rectangle is a rectangle of the given area (km²) and aspect ratio,
// axis-parallel in its Gauss–Krüger zone with corners to the centimetre,
// as licences draw them, returned in EPSG:4490.
func rectangle(crs geo.CRS, centre geo.LonLat, areaKm2, aspect float64) (geo.Polygon, error) {
	c, err := crs.Project(centre)
	if err != nil {
		return nil, err
	}
	w := math.Sqrt(areaKm2*1e6*aspect) / 2
	h := areaKm2 * 1e6 / (4 * w)
	corners := []geo.LonLat{{Lon: c.Lon - w, Lat: c.Lat - h}, {Lon: c.Lon + w, Lat: c.Lat - h}, {Lon: c.Lon + w, Lat: c.Lat + h}, {Lon: c.Lon - w, Lat: c.Lat + h}}
	ring := make(geo.Ring, 0, 5)
	for _, p := range corners {
		p.Lon, p.Lat = math.Round(p.Lon*100)/100, math.Round(p.Lat*100)/100
		q, err := crs.Unproject(p)
		if err != nil {
			return nil, err
		}
		ring = append(ring, q)
	}
	return geo.Polygon{append(ring, ring[0])}, nil
}

// pointInRing says whether pt lies strictly inside r.
func pointInRing(pt geo.LonLat, r geo.Ring) bool { return geo.LocateInRing(pt, r) > 0 }
