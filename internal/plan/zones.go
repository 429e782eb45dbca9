package plan

import (
	"fmt"
	"strings"
)

// zonesFile is zones.yaml.
type zonesFile struct {
	Sources []struct {
		Table         string `yaml:"table"`
		Type          string `yaml:"type"`
		Level         string `yaml:"level"`
		AssignCodes   string `yaml:"assign_codes"`
		LevelByColumn *struct {
			Column string            `yaml:"column"`
			Values map[string]string `yaml:"values"`
		} `yaml:"level_by_column"`
		TypeByCodePrefix map[string]string `yaml:"type_by_code_prefix"`
	} `yaml:"sources"`
	InferredCounties map[string]struct {
		Counties []string `yaml:"counties"`
		Reason   string   `yaml:"reason"`
	} `yaml:"inferred_counties"`
	Overlaps []Overlap `yaml:"overlaps"`
}

// Zone types and levels.
var (
	zoneTypes  = map[string]string{"development_layout": "一区三带", "mining_economic_zone": "矿业经济区", "national_planning_area": "国家规划矿区", "strategic_protection_zone": "战略性矿产资源保护区", "key_exploration_zone": "重点勘查区", "key_mining_zone": "重点开采区", "sand_gravel_zone": "砂石土集中开采区"}
	zoneLevels = map[string]string{"national": "国家级", "region": "自治区级", "prefecture": "地区级"}
)

// ZoneTypeName is the Chinese name of a zone type.
func ZoneTypeName(t string) string { return zoneTypes[t] }

// ZoneLevelName is the Chinese name of a zone level.
func ZoneLevelName(l string) string { return zoneLevels[l] }

// buildZones derives the zone catalogue from the tables named in zones.yaml.
func (p *Plan) buildZones(zf zonesFile) []error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	seen := map[string]bool{}
	for _, src := range zf.Sources {
		t := p.Table(src.Table)
		if t == nil {
			fail("sources: no table %q", src.Table)
			continue
		}
		for i, r := range t.Rows {
			if r.PartOf != 0 {
				continue
			}
			z := Zone{Table: t.ID, Row: r.Seq, Type: src.Type, Level: src.Level}
			if z.Row == 0 {
				z.Row = i + 1
			}
			z.Code = r.Cells["code"].Text
			if src.AssignCodes != "" {
				if z.Code != "" {
					fail("%s row %d prints a code; assign_codes would hide it", t.ID, z.Row)
				}
				z.Code = fmt.Sprintf("%s%d", src.AssignCodes, z.Row)
				z.CodeAssigned = true
			}
			z.Name = r.Cells["name"].Text
			if lc := src.LevelByColumn; lc != nil {
				z.Level = lc.Values[r.Cells[lc.Column].Text]
			}
			for prefix, typ := range src.TypeByCodePrefix {
				if strings.HasPrefix(z.Code, prefix) {
					z.Type = typ
				}
			}
			if _, ok := zoneTypes[z.Type]; !ok {
				fail("%s row %d: zone type %q is unknown", t.ID, z.Row, z.Type)
			}
			if _, ok := zoneLevels[z.Level]; !ok {
				fail("%s row %d: zone level %q is unknown", t.ID, z.Row, z.Level)
			}
			if z.Code == "" || z.Name == "" {
				fail("%s row %d: a zone needs a code and a name", t.ID, z.Row)
			}
			if seen[z.Code] {
				fail("%s row %d: duplicate zone code %s", t.ID, z.Row, z.Code)
			}
			seen[z.Code] = true
			var counties []string
			if c := r.Cells["county"]; c.Text != "" {
				counties = []string{c.Text}
			}
			counties = append(counties, r.Cells["counties"].Names...)
			if inf, ok := zf.InferredCounties[z.Code]; ok {
				if len(counties) > 0 {
					fail("inferred_counties: %s prints its county already", z.Code)
				}
				counties = inf.Counties
				z.CountiesInferred = inf.Reason
			}
			for _, c := range counties {
				cc, ok := p.County(c)
				if !ok {
					fail("%s row %d: unknown county %q", t.ID, z.Row, c)
					continue
				}
				z.Counties = append(z.Counties, cc.Name)
			}
			if m := r.Cells["mineral"].Text; m != "" {
				z.Minerals = []string{m}
			}
			z.Minerals = append(z.Minerals, r.Cells["minerals"].Names...)
			z.MineralsText = r.Cells["minerals_text"].Text
			z.Area = r.Cells["area"].Figure
			z.Rights = r.Cells["rights"].Figure
			z.Planned = r.Cells["planned_rights"].Figure
			z.Blocks = r.Cells["blocks"].Figure
			p.Zones = append(p.Zones, z)
		}
	}
	for code := range zf.InferredCounties {
		if !seen[code] {
			fail("inferred_counties: no zone %s", code)
		}
	}
	for _, o := range zf.Overlaps {
		if !seen[o.A] || !seen[o.B] {
			fail("overlaps: unknown zone in %s–%s", o.A, o.B)
		}
		if o.Relation != "equal" && o.Relation != "within" {
			fail("overlaps: relation %q is not equal or within", o.Relation)
		}
	}
	p.Overlaps = zf.Overlaps
	return errs
}

// IllustrativeNote marks synthetic geometry wherever it is shown.
const IllustrativeNote = "示意图形：规划未公布坐标，按表列面积与所在县确定性生成，不代表真实界线"

// Properties are the zone's attributes as GeoJSON properties, the same in
// the bundle's zones.geojson, the API and exports.
func (z Zone) Properties() map[string]any {
	props := map[string]any{
		"code": z.Code, "code_assigned": z.CodeAssigned, "name": z.Name,
		"type": z.Type, "type_name": ZoneTypeName(z.Type),
		"level": z.Level, "level_name": ZoneLevelName(z.Level),
		"counties": strings.Join(z.Counties, "、"), "minerals": strings.Join(z.Minerals, "、"),
		"source": z.Table, "source_row": z.Row, "illustrative": true, "note": IllustrativeNote,
	}
	if z.CountiesInferred != "" {
		props["counties_inferred"] = z.CountiesInferred
	}
	for k, f := range map[string]*Figure{"area_km2": z.Area, "rights": z.Rights, "planned_rights": z.Planned, "blocks": z.Blocks} {
		if f != nil {
			props[k] = f
		}
	}
	if z.Area == nil {
		props["note"] = IllustrativeNote + "；规划未给出面积，无图形"
	}
	return props
}
