package rights

import (
	"fmt"
	"math"
	"strings"

	"mineplan/internal/input"
)

// Range is the plausible interval of a number a user gives. These bounds
// guard against typing errors and hostile input (1e308, negative areas);
// they are not figures from the plan or a regulation, which the review
// rules apply separately.
type Range struct {
	Field   string  // JSON field name
	ZH, EN  string  // what the number is
	Unit    string  // a symbol printed after the bounds, the same in every language
	Min     float64 // smallest allowed value
	Max     float64 // largest allowed value
	MinOpen bool    // Min itself is not allowed
}

// Plausible ranges, each the one home of its bounds.
var (
	// DesignScaleRange bounds a design scale in its own unit (万吨/年,
	// 万立方米/年, 吨/年 …); the largest mines in the world produce about
	// 1e4 万吨 a year.
	DesignScaleRange = Range{Field: "scale", ZH: "设计规模（按所写单位）", EN: "the design scale (in its unit)", Min: 0, Max: 1e5, MinOpen: true}
	// AreaRange bounds a declared area; the whole prefecture is about
	// 112 000 km², and no single right approaches 10 000 km².
	AreaRange = Range{Field: "area_km2", ZH: "申报面积", EN: "the declared area", Unit: "km²", Min: 0, Max: 1e4, MinOpen: true}
	// ServiceYearsRange bounds a mine's service life.
	ServiceYearsRange = Range{Field: "service_years", ZH: "服务年限（年）", EN: "the service life (years)", Min: 0, Max: 200, MinOpen: true}
	// PercentRange bounds ash, sulphur, grades and shares.
	PercentRange = Range{Field: "pct", ZH: "百分数", EN: "a percentage", Unit: "%", Min: 0, Max: 100}
	// ElevationRange bounds the top and bottom elevations of a right, from
	// below the deepest mine to above the highest peak of the region.
	ElevationRange = Range{Field: "elevation_m", ZH: "标高", EN: "the elevation", Unit: "m", Min: -12000, Max: 9000}
)

// RangeError says that a number is not finite or is out of its range.
type RangeError struct {
	Field  string
	Value  float64
	Range  Range
	ZH, EN string
}

func (e *RangeError) Error() string { return e.ZH + " / " + e.EN }

// Check refuses a value that is NaN, infinite or out of range; field
// names the field in the error (the range's own field when empty).
func (r Range) Check(field string, v float64) error {
	if field == "" {
		field = r.Field
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &RangeError{Field: field, Value: v, Range: r, ZH: r.ZH + "不是有限的数", EN: r.EN + " is not a finite number"}
	}
	low := v < r.Min || (r.MinOpen && v == r.Min)
	if low || v > r.Max {
		open := "≥"
		if r.MinOpen {
			open = ">"
		}
		return &RangeError{Field: field, Value: v, Range: r,
			ZH: strings.TrimSpace(fmt.Sprintf("%s %g 不合理：应 %s %g 且 ≤ %g %s", r.ZH, v, open, r.Min, r.Max, r.Unit)),
			EN: strings.TrimSpace(fmt.Sprintf("%s %g is implausible: it must be %s %g and ≤ %g %s", r.EN, v, open, r.Min, r.Max, r.Unit))}
	}
	return nil
}

// checkRange turns a range fault into the register's validation error.
func checkRange(r Range, field string, v float64) error {
	if err := r.Check(field, v); err != nil {
		re := err.(*RangeError)
		return invalid(field, re.ZH, re.EN)
	}
	return nil
}

// checkText turns a text fault into the register's validation error.
func checkText(field, s string, max int) error {
	if err := input.CheckText(s, max, false); err != nil {
		te := err.(*input.TextError)
		return invalid(field, te.ZH, te.EN)
	}
	return nil
}

// checkContent applies the range and text rules to every field of a right
// that a user can give.
func checkContent(r *Right) error {
	for _, t := range []struct {
		field, value string
		max          int
	}{
		{"id", r.ID, input.MaxCode}, {"licence_number", r.LicenceNumber, input.MaxCode}, {"project_number", r.ProjectNumber, input.MaxCode},
		{"name", r.Name, input.MaxName}, {"holder.name", r.Holder.Name, input.MaxName}, {"holder.credit_code", r.Holder.CreditCode, input.MaxCode},
		{"main_mineral", r.MainMineral, input.MaxName}, {"county", r.County, input.MaxName}, {"mining_method", r.MiningMethod, input.MaxCode},
		{"scale_class", r.ScaleClass, input.MaxCode}, {"allocation", r.Allocation, input.MaxCode}, {"authority", r.Authority, input.MaxCode},
		{"exploration_stage", r.Stage, input.MaxCode},
	} {
		if err := checkText(t.field, t.value, t.max); err != nil {
			return err
		}
	}
	for i, a := range r.Associated {
		if err := checkText(fmt.Sprintf("associated_minerals[%d]", i+1), a, input.MaxName); err != nil {
			return err
		}
	}
	if err := checkRange(AreaRange, "area_km2", r.DeclaredAreaKm2); err != nil {
		return err
	}
	if s := r.DesignScale; s != nil {
		if err := checkRange(DesignScaleRange, "design_scale", s.Value); err != nil {
			return err
		}
		if err := checkText("design_scale.unit", s.Unit, input.MaxCode); err != nil {
			return err
		}
	}
	if err := checkRange(ServiceYearsRange, "min_service_years", float64(r.MinServiceYears)); err != nil && r.MinServiceYears != 0 {
		return err
	}
	for _, e := range []struct {
		field string
		v     *float64
	}{{"elevation_top_m", r.ElevationTop}, {"elevation_bottom_m", r.ElevationBottom}} {
		if e.v != nil {
			if err := checkRange(ElevationRange, e.field, *e.v); err != nil {
				return err
			}
		}
	}
	if r.ElevationTop != nil && r.ElevationBottom != nil && *r.ElevationBottom > *r.ElevationTop {
		return invalid("elevation_bottom_m", "底部标高高于顶部标高", "the bottom elevation is above the top")
	}
	return nil
}
