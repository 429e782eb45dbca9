// Package review is the conformity review (规划符合性审查): it checks an
// application against the plan's rules and the one-map layers and explains
// each finding with the clause it comes from. Rule kinds are Go code; the
// bundle (rules/review.yaml and the rule files it points to) gives their
// figures and clauses. It has no storage or HTTP dependencies: spatial
// and register data come through the Data interface.
package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
)

// Application is what an applicant asks for (docs/review.md; schema in
// docs/review.schema.json).
type Application struct {
	Kind         rights.Kind      `json:"kind"`
	Mineral      string           `json:"mineral"`
	Method       string           `json:"method,omitempty"` // open-pit | underground
	Scale        *float64         `json:"scale,omitempty"`
	ScaleUnit    string           `json:"scale_unit,omitempty"`
	ServiceYears *float64         `json:"service_years,omitempty"`
	County       string           `json:"county"`
	Holder       string           `json:"holder,omitempty"`
	HolderID     string           `json:"holder_id,omitempty"`
	Block        string           `json:"block,omitempty"`
	Associated   bool             `json:"associated,omitempty"`
	Coal         *CoalQuality     `json:"coal,omitempty"`
	OnArable     bool             `json:"on_arable_land,omitempty"`
	Stage        string           `json:"stage,omitempty"`
	AreaKm2      *float64         `json:"area_km2,omitempty"` // declared area, when the applicant states one
	Geometry     geo.MultiPolygon `json:"-"`

	// Resolved during validation.
	mineral plan.Mineral
	county  plan.County
	prep    *geo.Prepared
}

// prepared is the application's geometry ready for overlap queries.
func (a *Application) prepared() *geo.Prepared {
	if a.prep == nil {
		a.prep = geo.Prepare(a.Geometry)
	}
	return a.prep
}

// CoalQuality is a coal application's ash and sulphur content.
type CoalQuality struct {
	AshPct     *float64 `json:"ash_pct,omitempty"`
	SulphurPct *float64 `json:"sulphur_pct,omitempty"`
}

// FieldError names the field at fault.
type FieldError struct {
	Field string `json:"field"`
	ZH    string `json:"message_zh"`
	EN    string `json:"message_en"`
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s：%s / %s: %s", e.Field, e.ZH, e.Field, e.EN)
}

// ValidationErrors lists every field at fault.
type ValidationErrors []*FieldError

func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "申请有误 / invalid application: " + strings.Join(parts, "；")
}

type rawFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// ParseApplication reads a GeoJSON Feature (EPSG:4490, Polygon or
// MultiPolygon) and validates it against the plan.
func ParseApplication(b []byte, p *plan.Plan) (*Application, error) {
	var f rawFeature
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, ValidationErrors{{Field: "(document)", ZH: "不是有效的 JSON：" + err.Error(), EN: "not valid JSON: " + err.Error()}}
	}
	if f.Type != "Feature" {
		return nil, ValidationErrors{{Field: "type", ZH: "应为 GeoJSON Feature", EN: "must be a GeoJSON Feature"}}
	}
	a := &Application{}
	dec := json.NewDecoder(bytes.NewReader(f.Properties))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		return nil, ValidationErrors{{Field: "properties", ZH: "属性有误：" + err.Error(), EN: err.Error()}}
	}
	g, err := decodeGeometry(f.Geometry)
	if err != nil {
		return nil, ValidationErrors{{Field: "geometry", ZH: err.Error(), EN: err.Error()}}
	}
	a.Geometry = g
	if errs := a.Validate(p); len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

func decodeGeometry(raw json.RawMessage) (geo.MultiPolygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("缺少范围 / the geometry is missing")
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	switch g.Type {
	case "Polygon":
		var p geo.Polygon
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("Polygon 坐标有误 / bad Polygon coordinates: %v", err)
		}
		return geo.MultiPolygon{p}, nil
	case "MultiPolygon":
		var m geo.MultiPolygon
		if err := json.Unmarshal(g.Coordinates, &m); err != nil {
			return nil, fmt.Errorf("MultiPolygon 坐标有误 / bad MultiPolygon coordinates: %v", err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("几何类型应为 Polygon 或 MultiPolygon，而非 %q / geometry must be Polygon or MultiPolygon, not %q", g.Type, g.Type)
}

// Validate checks the application and resolves its mineral and county.
func (a *Application) Validate(p *plan.Plan) ValidationErrors {
	var errs ValidationErrors
	bad := func(field, zh, en string) { errs = append(errs, &FieldError{Field: field, ZH: zh, EN: en}) }
	if a.Kind != rights.Exploration && a.Kind != rights.Mining {
		bad("kind", "应为 exploration（探矿权）或 mining（采矿权）", "must be exploration or mining")
	}
	if m, ok := p.Mineral(a.Mineral); ok {
		a.mineral = m
	} else if a.Mineral == "" {
		bad("mineral", "缺少矿种", "the mineral is missing")
	} else {
		near := ClosestMinerals(p, a.Mineral, 5)
		bad("mineral", fmt.Sprintf("规划中没有矿种“%s”；相近的有：%s", a.Mineral, strings.Join(near, "、")), fmt.Sprintf("the plan has no mineral %q; closest: %s", a.Mineral, strings.Join(near, ", ")))
	}
	switch a.Method {
	case "", "open-pit", "underground":
	default:
		bad("method", "应为 open-pit（露天）或 underground（地下）", "must be open-pit or underground")
	}
	if a.Scale != nil && (*a.Scale <= 0 || a.ScaleUnit == "") {
		bad("scale_unit", "设计规模须为正数并写明单位（如 万吨/年、万立方米/年）", "the scale must be positive and have a unit (万吨/年, 万立方米/年)")
	}
	if a.ScaleUnit != "" {
		if _, err := plan.ParseUnit(a.ScaleUnit); err != nil {
			bad("scale_unit", "无法识别的单位“"+a.ScaleUnit+"”", "unknown unit "+a.ScaleUnit)
		}
	}
	if a.Kind == rights.Mining && a.Scale == nil {
		bad("scale", "采矿权申请须写明设计规模", "a mining application states its design scale")
	}
	if c, ok := p.County(a.County); ok {
		a.county = c
	} else {
		found := false
		for _, c := range p.Counties {
			if c.Code == a.County {
				a.county, found = c, true
			}
		}
		if !found {
			bad("county", "未知的县（市）“"+a.County+"”（写名称或 6 位行政区划代码）", "unknown county "+a.County+" (a name or 6-digit code)")
		}
	}
	if a.HolderID != "" {
		if err := rights.ValidateCreditCode(a.HolderID); err != nil {
			bad("holder_id", err.Error(), err.Error())
		}
	}
	if a.Coal != nil {
		for f, v := range map[string]*float64{"coal.ash_pct": a.Coal.AshPct, "coal.sulphur_pct": a.Coal.SulphurPct} {
			if v != nil && (*v < 0 || *v > 100) {
				bad(f, "应为 0–100 的百分数", "must be a percentage from 0 to 100")
			}
		}
	}
	if a.Stage != "" {
		if _, ok := rights.StageNames[a.Stage]; !ok {
			bad("stage", "勘查阶段应为 reconnaissance、general、detailed 或 advanced", "stage must be reconnaissance, general, detailed or advanced")
		}
	}
	for i, poly := range a.Geometry {
		if err := geo.ValidatePolygon(poly); err != nil {
			bad(fmt.Sprintf("geometry[%d]", i), err.Error(), err.Error())
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs
}

// ClosestMinerals ranks catalogue names by edit distance to a name.
func ClosestMinerals(p *plan.Plan, name string, n int) []string {
	type cand struct {
		name  string
		d     int
		first bool // shares the first character, which names the material
	}
	var cs []cand
	q := []rune(name)
	for _, m := range p.Minerals {
		for _, alias := range append([]string{m.Name}, m.Aliases...) {
			r := []rune(alias)
			cs = append(cs, cand{alias, distance(q, r), len(q) > 0 && len(r) > 0 && q[0] == r[0]})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		if cs[i].first != cs[j].first {
			return cs[i].first
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}

func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// InputHash is the SHA-256 of the application's canonical JSON (fields in
// a fixed order, geometry as coordinates), so a report can be tied to its
// input.
func (a *Application) InputHash() string {
	b, _ := json.Marshal(struct {
		*Application
		Geometry geo.MultiPolygon `json:"geometry"`
	}{a, a.Geometry})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
