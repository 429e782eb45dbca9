// Package plan is the plan bundle: its model, loading, validation and the
// arithmetic check of its tables and prose figures. It has no storage or
// HTTP dependencies.
package plan

import (
	"sort"

	"mineplan/internal/geo"
)

// Plan is one loaded and validated bundle.
type Plan struct {
	Meta       Meta
	Counties   []County
	Minerals   []Mineral
	Tables     []*Table
	Statements []Statement
	Zones      []Zone
	Overlaps   []Overlap
	Rules      Rules
	// Shapes is the zone geometry of zones.geojson, by zone code; a bundle
	// without that file has zones without geometry.
	Shapes map[string]geo.Polygon
	// Blocks are the planning blocks of blocks.geojson (勘查/开采规划区块).
	Blocks []Block
	// Files is the bundle as read (path → bytes); Hash is the sha256 over
	// the sorted paths and contents.
	Files map[string][]byte
	Hash  string

	mineralIndex map[string]int
	countyIndex  map[string]int
	tableIndex   map[string]*Table
}

// Meta is plan.yaml.
type Meta struct {
	ID          string `yaml:"id" json:"id"`
	Title       string `yaml:"title" json:"title"`
	TitleEN     string `yaml:"title_en" json:"title_en"`
	Region      string `yaml:"region" json:"region"`
	RegionCode  string `yaml:"region_code" json:"region_code"`
	BaseYear    int    `yaml:"base_year" json:"base_year"`
	PeriodStart int    `yaml:"period_start" json:"period_start"`
	PeriodEnd   int    `yaml:"period_end" json:"period_end"`
	Outlook     int    `yaml:"outlook_year" json:"outlook_year"`
	Source      string `yaml:"source" json:"source"`
	SourceSHA   string `yaml:"source_sha256" json:"source_sha256"`
	Approval    string `yaml:"approval" json:"approval"`
	Illustrated string `yaml:"geometry_note" json:"geometry_note"`
	// Territory is the region's extent; geometry outside it is refused.
	Territory *Territory `yaml:"territory" json:"territory,omitempty"`
}

// County is one county-level unit of the region.
type County struct {
	Name    string   `yaml:"name" json:"name"`
	Aliases []string `yaml:"aliases" json:"aliases"`
	Code    string   `yaml:"code" json:"code"`
	NameEN  string   `yaml:"name_en" json:"name_en"`
	// Seat is the county seat, public coordinates in CGCS2000 degrees; the
	// illustrative geometry uses seats as anchors.
	Seat [2]float64 `yaml:"seat" json:"seat"`
}

// MineralClass is one of the plan's four classes.
type MineralClass string

const (
	ClassEnergy      MineralClass = "energy"
	ClassMetallic    MineralClass = "metallic"
	ClassNonMetallic MineralClass = "non_metallic"
	ClassWaterGas    MineralClass = "water_gas"
)

// Mineral is one catalogue entry.
type Mineral struct {
	Name         string       `yaml:"name" json:"name"`
	Aliases      []string     `yaml:"aliases" json:"aliases"`
	Class        MineralClass `yaml:"class" json:"class"`
	Units        []string     `yaml:"units" json:"units"`
	Policy       []string     `yaml:"policy" json:"policy"`
	PolicyClause string       `yaml:"policy_clause" json:"policy_clause,omitempty"`
	MinScaleRow  string       `yaml:"min_scale_row" json:"-"`
	Group        bool         `yaml:"group" json:"group"`
	Members      []string     `yaml:"members" json:"members,omitempty"`
	// MinScale is resolved from 专栏20 when MinScaleRow names a row.
	MinScale *MinScale `yaml:"-" json:"min_scale,omitempty"`
}

// MinScale is a mineral's 专栏20 row: design scales by mine size and the
// minimum service life.
type MinScale struct {
	Table       string  `json:"table"`
	Row         string  `json:"row"`
	Unit        string  `json:"unit"`
	Large       *Figure `json:"large,omitempty"`
	Medium      *Figure `json:"medium,omitempty"`
	Small       *Figure `json:"small,omitempty"`
	ServiceLife *Figure `json:"service_life,omitempty"`
	Remark      string  `json:"remark,omitempty"`
}

// Zone is one entry of the zone catalogue, built from 专栏11–15 and 专栏18.
type Zone struct {
	Code         string   `json:"code"`
	CodeAssigned bool     `json:"code_assigned"`
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Level        string   `json:"level"`
	Counties     []string `json:"counties"`
	// CountiesInferred gives the reason when the table prints no county.
	CountiesInferred string   `json:"counties_inferred,omitempty"`
	Minerals         []string `json:"minerals"`
	MineralsText     string   `json:"minerals_text,omitempty"`
	Area             *Figure  `json:"area_km2,omitempty"`
	Rights           *Figure  `json:"rights,omitempty"`
	Planned          *Figure  `json:"planned_rights,omitempty"`
	Blocks           *Figure  `json:"blocks,omitempty"`
	Table            string   `json:"table"`
	Row              int      `json:"row"`
}

// Overlap is a relation between zones that the plan states or implies.
type Overlap struct {
	A        string `yaml:"a" json:"a"`
	B        string `yaml:"b" json:"b"`
	Relation string `yaml:"relation" json:"relation"` // equal | within
	Clause   string `yaml:"clause" json:"clause"`
	Reason   string `yaml:"reason" json:"reason"`
}

// Table returns a table by id (专栏16), or nil.
func (p *Plan) Table(id string) *Table { return p.tableIndex[id] }

// Mineral resolves a printed mineral name or alias.
func (p *Plan) Mineral(name string) (Mineral, bool) {
	i, ok := p.mineralIndex[name]
	if !ok {
		return Mineral{}, false
	}
	return p.Minerals[i], true
}

// MineralNames lists every catalogue name and alias, sorted.
func (p *Plan) MineralNames() []string {
	out := make([]string, 0, len(p.mineralIndex))
	for n := range p.mineralIndex {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// County resolves a printed county name or alias.
func (p *Plan) County(name string) (County, bool) {
	i, ok := p.countyIndex[name]
	if !ok {
		return County{}, false
	}
	return p.Counties[i], true
}

// Zone returns a zone by code.
func (p *Plan) Zone(code string) (Zone, bool) {
	for _, z := range p.Zones {
		if z.Code == code {
			return z, true
		}
	}
	return Zone{}, false
}

// Block is one planning block (勘查规划区块 or 开采规划区块).
type Block struct {
	Code         string      `json:"code"`
	Kind         string      `json:"kind"` // exploration | mining
	Mineral      string      `json:"mineral"`
	AreaKm2      float64     `json:"area_km2"`
	County       string      `json:"county"`
	Zone         string      `json:"zone,omitempty"`
	Table        string      `json:"source"`
	Illustrative bool        `json:"illustrative"`
	Geometry     geo.Polygon `json:"-"`
}
