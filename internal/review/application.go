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

	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/input"
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

// FieldError names the field at fault. Err, when set, is the decoder's
// error underneath (errors.Is and As reach it).
type FieldError struct {
	Field string `json:"field"`
	ZH    string `json:"message_zh"`
	EN    string `json:"message_en"`
	Err   error  `json:"-"`
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s：%s / %s: %s", e.Field, e.ZH, e.Field, e.EN)
}

func (e *FieldError) Unwrap() error { return e.Err }

// ValidationErrors lists every field at fault.
type ValidationErrors []*FieldError

func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "申请有误 / invalid application: " + strings.Join(parts, "；")
}

// Unwrap gives the faults to errors.Is and As.
func (v ValidationErrors) Unwrap() []error {
	out := make([]error, len(v))
	for i, e := range v {
		out[i] = e
	}
	return out
}

type rawFeature struct {
	Type       string            `json:"type"`
	Geometry   json.RawMessage   `json:"geometry"`
	Properties json.RawMessage   `json:"properties"`
	Features   []json.RawMessage `json:"features"`
}

// ParseApplication reads a GeoJSON Feature (EPSG:4490, Polygon or
// MultiPolygon; a leading UTF-8 byte-order mark is accepted) and validates
// it against the plan. A FeatureCollection of one Feature is that Feature;
// a bare Polygon or MultiPolygon is read as a Feature without properties
// (which the review then asks for). Every fault is reported with its field,
// in Chinese and English, and no fault lets a verdict through.
func ParseApplication(b []byte, p *plan.Plan) (*Application, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	var f rawFeature
	if err := json.Unmarshal(b, &f); err != nil {
		zh, en := input.JSONError(err)
		return nil, ValidationErrors{{Field: "(document)", ZH: "不是有效的 JSON：" + zh, EN: "not valid JSON: " + en, Err: err}}
	}
	switch f.Type {
	case "Feature":
	case "FeatureCollection":
		if len(f.Features) != 1 {
			return nil, ValidationErrors{{Field: "type", ZH: fmt.Sprintf("FeatureCollection 含 %d 个要素；一次审查一个申请（一个 Feature）", len(f.Features)), EN: fmt.Sprintf("the FeatureCollection holds %d features; a review takes one application (one Feature)", len(f.Features))}}
		}
		var one rawFeature
		if err := json.Unmarshal(f.Features[0], &one); err != nil || one.Type != "Feature" {
			return nil, ValidationErrors{{Field: "features[0].type", ZH: "应为 GeoJSON Feature", EN: "must be a GeoJSON Feature", Err: err}}
		}
		f = one
	case "Polygon", "MultiPolygon":
		f = rawFeature{Type: "Feature", Geometry: b}
	default:
		return nil, ValidationErrors{{Field: "type", ZH: "应为 GeoJSON Feature（或只含一个 Feature 的 FeatureCollection、Polygon、MultiPolygon）", EN: "must be a GeoJSON Feature (or a FeatureCollection of one, a Polygon or a MultiPolygon)"}}
	}
	if len(f.Properties) == 0 || string(f.Properties) == "null" {
		return nil, ValidationErrors{{Field: "properties", ZH: "缺少申请属性", EN: "the application's properties are missing"}}
	}
	a := &Application{}
	dec := json.NewDecoder(bytes.NewReader(f.Properties))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		zh, en := input.JSONError(err)
		return nil, ValidationErrors{{Field: "properties", ZH: "属性有误：" + zh, EN: "bad properties: " + en, Err: err}}
	}
	g, err := decodeGeometry(f.Geometry)
	if err != nil {
		return nil, ValidationErrors{err}
	}
	a.Geometry = g
	if errs := a.Validate(p); len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

// decodeGeometry reads the application's geometry with the GeoJSON
// codec, so the review reads coordinates as every import does.
func decodeGeometry(raw json.RawMessage) (geo.MultiPolygon, *FieldError) {
	var g struct {
		Type string `json:"type"`
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, &FieldError{Field: "geometry", ZH: "缺少范围", EN: "the geometry is missing"}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		zh, en := input.JSONError(err)
		return nil, &FieldError{Field: "geometry", ZH: "几何图形有误：" + zh, EN: "bad geometry: " + en, Err: err}
	}
	if g.Type != "Polygon" && g.Type != "MultiPolygon" {
		return nil, &FieldError{Field: "geometry.type", ZH: fmt.Sprintf("几何类型应为 Polygon 或 MultiPolygon，而非 %q", g.Type), EN: fmt.Sprintf("the geometry must be a Polygon or MultiPolygon, not %q", g.Type)}
	}
	m, err := geojson.DecodeGeometry(raw)
	if err != nil {
		zh, en, _ := strings.Cut(err.Error(), " / ")
		return nil, &FieldError{Field: "geometry.coordinates", ZH: g.Type + " 坐标有误：" + zh, EN: g.Type + " coordinates: " + en, Err: err}
	}
	return m, nil
}

// Validate checks the application and resolves its mineral and county.
func (a *Application) Validate(p *plan.Plan) ValidationErrors {
	var errs ValidationErrors
	bad := func(field, zh, en string) { errs = append(errs, &FieldError{Field: field, ZH: zh, EN: en}) }
	badErr := func(field string, err error) {
		switch e := err.(type) {
		case *input.TextError:
			bad(field, e.ZH, e.EN)
		case *rights.RangeError:
			bad(field, e.ZH, e.EN)
		case *geo.DefectError:
			// With the position and, in English, the rule's name.
			zh, en, _ := strings.Cut(e.Error(), " / ")
			bad(field, zh, en)
		default:
			bad(field, err.Error(), err.Error())
		}
	}
	for _, t := range []struct {
		field, value string
		max          int
	}{{"mineral", a.Mineral, input.MaxName}, {"county", a.County, input.MaxName}, {"holder", a.Holder, input.MaxName},
		{"holder_id", a.HolderID, input.MaxCode}, {"block", a.Block, input.MaxCode}, {"scale_unit", a.ScaleUnit, input.MaxCode}} {
		if err := input.CheckText(t.value, t.max, false); err != nil {
			badErr(t.field, err)
		}
	}
	if len(errs) > 0 {
		return errs // the text itself is unusable: no lookups on it
	}
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
	if a.Scale != nil {
		if err := rights.DesignScaleRange.Check("scale", *a.Scale); err != nil {
			badErr("scale", err)
		}
		if a.ScaleUnit == "" {
			bad("scale_unit", "写明设计规模的单位（如 万吨/年、万立方米/年）", "give the design scale's unit (万吨/年, 万立方米/年)")
		}
	}
	if a.ScaleUnit != "" {
		if _, err := plan.ParseUnit(a.ScaleUnit); err != nil {
			bad("scale_unit", "无法识别的单位“"+a.ScaleUnit+"”", "unknown unit "+a.ScaleUnit)
		}
	}
	if a.Kind == rights.Mining && a.Scale == nil {
		bad("scale", "采矿权申请须写明设计规模", "a mining application states its design scale")
	}
	if a.ServiceYears != nil {
		if err := rights.ServiceYearsRange.Check("service_years", *a.ServiceYears); err != nil {
			badErr("service_years", err)
		}
	}
	if a.AreaKm2 != nil {
		if err := rights.AreaRange.Check("area_km2", *a.AreaKm2); err != nil {
			badErr("area_km2", err)
		}
	}
	if c, ok := p.CountyByNameOrCode(a.County); ok {
		a.county = c
	} else {
		near := ClosestCounties(p, a.County, 3)
		bad("county", fmt.Sprintf("未知的县（市）“%s”（写名称或 6 位行政区划代码）；相近的有：%s", a.County, strings.Join(near, "、")),
			fmt.Sprintf("unknown county %q (a name or 6-digit code); closest: %s", a.County, strings.Join(near, ", ")))
	}
	if a.HolderID != "" {
		if err := rights.ValidateCreditCode(a.HolderID); err != nil {
			zh, en, _ := strings.Cut(err.Error(), " / ")
			bad("holder_id", zh, en)
		}
	}
	if a.Coal != nil {
		for _, c := range []struct {
			field string
			v     *float64
		}{{"coal.ash_pct", a.Coal.AshPct}, {"coal.sulphur_pct", a.Coal.SulphurPct}} {
			if c.v != nil {
				if err := rights.PercentRange.Check(c.field, *c.v); err != nil {
					badErr(c.field, err)
				}
			}
		}
	}
	if a.Stage != "" {
		if _, ok := rights.StageNames[a.Stage]; !ok {
			bad("stage", "勘查阶段应为 reconnaissance、general、detailed 或 advanced", "stage must be reconnaissance, general, detailed or advanced")
		}
	}
	if err := geo.ValidateMultiPolygon(a.Geometry); err != nil {
		badErr("geometry", err)
	} else if err := p.CheckInside(a.Geometry); err != nil {
		oe := err.(*plan.OutsideError)
		bad("geometry", oe.ZH(), oe.EN())
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs
}

// ClosestMinerals ranks catalogue names by edit distance to a name.
func ClosestMinerals(p *plan.Plan, name string, n int) []string { return p.ClosestMinerals(name, n) }

// ClosestCounties ranks county names by edit distance to a name.
func ClosestCounties(p *plan.Plan, name string, n int) []string { return p.ClosestCounties(name, n) }

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
