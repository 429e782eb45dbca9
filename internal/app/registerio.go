package app

import (
	"fmt"
	"strconv"
	"strings"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// RegisterColumn is one attribute of a right in every export format: a
// full name (GeoJSON, GeoPackage), a dBASE name of at most 10 characters
// (Shapefile) and a Chinese header (XLSX).
type RegisterColumn struct {
	Key, DBF, Header string
	Type             formats.FieldType
	get              func(r rights.Right) any
	set              func(r *rights.Right, v string) error
	// label and parse translate coded values to Chinese for XLSX.
	labels map[string]string
}

func strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func floatPtr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func parseFloatPtr(v string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fmt.Errorf("“%s”不是数字 / %q is not a number", v, v)
	}
	return &f, nil
}

func parseDate(v string) (rights.Date, error) {
	d, err := rights.ParseDate(v)
	if err != nil {
		return d, fmt.Errorf("“%s”不是 YYYY-MM-DD 格式的日期 / %q is not a date in the form YYYY-MM-DD", v, v)
	}
	return d, nil
}

var kindLabels = map[string]string{string(rights.Exploration): "探矿权", string(rights.Mining): "采矿权"}

func statusLabels() map[string]string {
	out := map[string]string{}
	for _, s := range []rights.Status{rights.Valid, rights.Retained, rights.Expired, rights.UnderConstruction, rights.Producing, rights.Suspended, rights.Closed, rights.Cancelled} {
		out[string(s)] = rights.StatusName(s)
	}
	return out
}

// RegisterColumns are the exported attributes, in order.
var RegisterColumns = []RegisterColumn{
	{Key: "licence_number", DBF: "LICENCE", Header: "许可证号", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(r.LicenceNumber) },
		set: func(r *rights.Right, v string) error { r.LicenceNumber = v; return nil }},
	{Key: "id", DBF: "ID", Header: "登记编号", Type: formats.String,
		get: func(r rights.Right) any { return r.ID },
		set: func(r *rights.Right, v string) error { r.ID = v; return nil }},
	{Key: "kind", DBF: "KIND", Header: "种类", Type: formats.String, labels: kindLabels,
		get: func(r rights.Right) any { return string(r.Kind) },
		set: func(r *rights.Right, v string) error { r.Kind = rights.Kind(v); return nil }},
	{Key: "name", DBF: "NAME", Header: "项目（矿山）名称", Type: formats.String,
		get: func(r rights.Right) any { return r.Name },
		set: func(r *rights.Right, v string) error { r.Name = v; return nil }},
	{Key: "holder", DBF: "HOLDER", Header: "矿业权人", Type: formats.String,
		get: func(r rights.Right) any { return r.Holder.Name },
		set: func(r *rights.Right, v string) error { r.Holder.Name = v; return nil }},
	{Key: "credit_code", DBF: "CREDIT", Header: "统一社会信用代码", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(r.Holder.CreditCode) },
		set: func(r *rights.Right, v string) error {
			if v != "" {
				if err := rights.ValidateCreditCode(v); err != nil {
					return err
				}
			}
			r.Holder.CreditCode = v
			return nil
		}},
	{Key: "project_number", DBF: "PROJECT_NO", Header: "项目编号", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(r.ProjectNumber) },
		set: func(r *rights.Right, v string) error { r.ProjectNumber = v; return nil }},
	{Key: "main_mineral", DBF: "MINERAL", Header: "主矿种", Type: formats.String,
		get: func(r rights.Right) any { return r.MainMineral },
		set: func(r *rights.Right, v string) error { r.MainMineral = v; return nil }},
	{Key: "associated", DBF: "ASSOC", Header: "共伴生矿种", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(strings.Join(r.Associated, "、")) },
		set: func(r *rights.Right, v string) error {
			r.Associated = nil
			if v != "" {
				r.Associated = strings.Split(v, "、")
			}
			return nil
		}},
	{Key: "mining_method", DBF: "METHOD", Header: "开采方式", Type: formats.String, labels: rights.MiningMethodNames,
		get: func(r rights.Right) any { return strOrNil(r.MiningMethod) },
		set: func(r *rights.Right, v string) error { r.MiningMethod = v; return nil }},
	{Key: "design_scale", DBF: "SCALE", Header: "设计规模", Type: formats.Real,
		get: func(r rights.Right) any {
			if r.DesignScale == nil {
				return nil
			}
			return r.DesignScale.Value
		},
		set: func(r *rights.Right, v string) error {
			f, err := parseFloatPtr(v)
			if err != nil || f == nil {
				return err
			}
			if r.DesignScale == nil {
				r.DesignScale = &rights.Scale{}
			}
			r.DesignScale.Value = *f
			return nil
		}},
	{Key: "scale_unit", DBF: "SCALE_UNIT", Header: "规模单位", Type: formats.String,
		get: func(r rights.Right) any {
			if r.DesignScale == nil {
				return nil
			}
			return r.DesignScale.Unit
		},
		set: func(r *rights.Right, v string) error {
			if v == "" {
				return nil
			}
			if r.DesignScale == nil {
				r.DesignScale = &rights.Scale{}
			}
			r.DesignScale.Unit = v
			return nil
		}},
	{Key: "scale_class", DBF: "SCALECLASS", Header: "矿山规模", Type: formats.String, labels: rights.ScaleClassNames,
		get: func(r rights.Right) any { return strOrNil(r.ScaleClass) },
		set: func(r *rights.Right, v string) error { r.ScaleClass = v; return nil }},
	{Key: "area_km2", DBF: "AREA_KM2", Header: "申报面积（平方千米）", Type: formats.Real,
		get: func(r rights.Right) any { return r.DeclaredAreaKm2 },
		set: func(r *rights.Right, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 {
				return fmt.Errorf("“%s”不是正数 / %q is not a positive number", v, v)
			}
			r.DeclaredAreaKm2 = f
			return nil
		}},
	{Key: "elevation_top", DBF: "ELEV_TOP", Header: "标高上限（米）", Type: formats.Real,
		get: func(r rights.Right) any { return floatPtr(r.ElevationTop) },
		set: func(r *rights.Right, v string) (err error) { r.ElevationTop, err = parseFloatPtr(v); return err }},
	{Key: "elevation_bottom", DBF: "ELEV_BOT", Header: "标高下限（米）", Type: formats.Real,
		get: func(r rights.Right) any { return floatPtr(r.ElevationBottom) },
		set: func(r *rights.Right, v string) (err error) { r.ElevationBottom, err = parseFloatPtr(v); return err }},
	{Key: "county", DBF: "COUNTY", Header: "所在县（市）", Type: formats.String,
		get: func(r rights.Right) any { return r.County },
		set: func(r *rights.Right, v string) error { r.County = v; return nil }},
	{Key: "valid_from", DBF: "VALID_FROM", Header: "有效期起", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(r.ValidFrom.String()) },
		set: func(r *rights.Right, v string) (err error) { r.ValidFrom, err = parseDate(v); return err }},
	{Key: "valid_to", DBF: "VALID_TO", Header: "有效期止", Type: formats.String,
		get: func(r rights.Right) any { return strOrNil(r.ValidTo.String()) },
		set: func(r *rights.Right, v string) (err error) { r.ValidTo, err = parseDate(v); return err }},
	{Key: "allocation", DBF: "ALLOCATION", Header: "出让方式", Type: formats.String, labels: rights.AllocationNames,
		get: func(r rights.Right) any { return strOrNil(r.Allocation) },
		set: func(r *rights.Right, v string) error { r.Allocation = v; return nil }},
	{Key: "authority", DBF: "AUTHORITY", Header: "登记机关级别", Type: formats.String, labels: rights.AuthorityNames,
		get: func(r rights.Right) any { return strOrNil(r.Authority) },
		set: func(r *rights.Right, v string) error { r.Authority = v; return nil }},
	{Key: "exploration_stage", DBF: "STAGE", Header: "勘查阶段", Type: formats.String, labels: rights.StageNames,
		get: func(r rights.Right) any { return strOrNil(r.Stage) },
		set: func(r *rights.Right, v string) error { r.Stage = v; return nil }},
	{Key: "status", DBF: "STATUS", Header: "状态", Type: formats.String, labels: statusLabels(),
		get: func(r rights.Right) any { return string(r.Status) },
		set: func(r *rights.Right, v string) error { r.Status = rights.Status(v); return nil }},
	{Key: "green_mine", DBF: "GREEN", Header: "绿色矿山", Type: formats.Bool,
		get: func(r rights.Right) any { return r.GreenMine },
		set: func(r *rights.Right, v string) (err error) { r.GreenMine, err = parseBool(v); return err }},
	{Key: "illustrative", DBF: "ILLUSTR", Header: "示意数据", Type: formats.Bool,
		get: func(r rights.Right) any { return r.Illustrative },
		set: func(r *rights.Right, v string) (err error) { r.Illustrative, err = parseBool(v); return err }},
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false", "0", "否", "f", "no":
		return false, nil
	case "true", "1", "是", "t", "yes":
		return true, nil
	}
	return false, fmt.Errorf("“%s”应为“是”或“否” / %q must be 是 (yes) or 否 (no)", v, v)
}

// ValueText is a column's value as import reads it: the code, from a code
// or its Chinese label.
func (c RegisterColumn) ValueText(v any) (string, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		s = strings.TrimSpace(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		s = strconv.FormatInt(x, 10)
	case bool:
		s = strconv.FormatBool(x)
	}
	for code, label := range c.labels {
		if s == label {
			return code, nil
		}
	}
	if c.labels != nil && s != "" {
		if _, ok := c.labels[s]; !ok {
			var opts []string
			for _, l := range c.labels {
				opts = append(opts, l)
			}
			return "", fmt.Errorf("“%s”不是可选值（%s）/ %q is not one of %s", s, strings.Join(sortedStrings(opts), "、"), s, strings.Join(sortedStrings(opts), ", "))
		}
	}
	return s, nil
}

// Label is a value as XLSX shows it: coded values in Chinese.
func (c RegisterColumn) Label(v any) any {
	if s, ok := v.(string); ok && c.labels != nil {
		if l, ok := c.labels[s]; ok {
			return l
		}
	}
	return v
}

func sortedStrings(xs []string) []string {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs
}

// RightsLayer is the register as a layer (EPSG:4490) for GeoJSON,
// Shapefile and GeoPackage; dbfNames picks the dBASE column names.
func RightsLayer(rs []rights.Right, dbfNames bool) *formats.Layer {
	l := &formats.Layer{Name: "rights", SRID: geo.EPSG4490}
	for _, c := range RegisterColumns {
		name := c.Key
		if dbfNames {
			name = c.DBF
		}
		l.Fields = append(l.Fields, formats.Field{Name: name, Type: c.Type})
	}
	for _, r := range rs {
		vals := make([]any, len(RegisterColumns))
		for i, c := range RegisterColumns {
			vals[i] = c.get(r)
		}
		l.Features = append(l.Features, formats.Feature{Geometry: r.Geometry, Values: vals})
	}
	return l
}
