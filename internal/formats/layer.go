// Package formats is the common model of the file formats mineplan reads
// and writes (GeoJSON, Shapefile, GeoPackage, corner-point text): a layer
// of features with typed attributes and (multi)polygon geometry. Each format
// lives in its own sub-package and converts to and from this model.
package formats

import (
	"fmt"

	"mineplan/internal/geo"
)

// Limits every reader of a layer enforces, whatever the format; the one
// home of these numbers (docs/formats.md, "Limits and memory budget",
// explains each and the memory an import at the limits takes). A reader
// refuses input beyond them with a message naming what is too large.
const (
	// MaxInputBytes bounds the bytes one import reads: a file, the member
	// files of a Shapefile together, or the inflated entries of a zip
	// (ziplimit.DefaultMaxBytes is this number).
	MaxInputBytes = 512 << 20
	// MaxZipEntries bounds the entries of a zip archive (a zipped
	// Shapefile, an XLSX workbook).
	MaxZipEntries = 1000
	// MaxFeatures bounds the features of one layer.
	MaxFeatures = 1_000_000
	// MaxFields bounds the attribute fields of one layer.
	MaxFields = 1000
	// MaxValues bounds features × fields, the attribute cells held in
	// memory (16 bytes each before their contents).
	MaxValues = 10_000_000
	// MaxVertices bounds the vertices of one layer (16 bytes each).
	MaxVertices = 20_000_000
	// MaxVerticesPerFeature bounds the vertices of one feature.
	MaxVerticesPerFeature = 5_000_000
	// MaxLineBytes bounds one line of GeoJSON lines.
	MaxLineBytes = 64 << 20
	// MaxStringBytes bounds one text attribute value, in bytes of UTF-8.
	MaxStringBytes = 1 << 20
	// MaxAbsCoordinate bounds the absolute value of any coordinate: no
	// supported CRS comes near it (Gauss–Krüger eastings with the zone
	// number are below 4.6e7 m), so a larger value is corrupt input.
	MaxAbsCoordinate = 1e8
)

// FieldType is an attribute's type.
type FieldType int

const (
	String  FieldType = iota // Go string
	Integer                  // Go int64
	Real                     // Go float64
	Bool                     // Go bool
)

func (t FieldType) String() string {
	return [...]string{"String", "Integer", "Real", "Bool"}[t]
}

// Field describes one attribute column. Width and Decimals are hints for
// fixed-width formats (dBASE); zero means "choose from the data".
type Field struct {
	Name     string
	Type     FieldType
	Width    int
	Decimals int
}

// Feature is one feature: Values are aligned with the layer's Fields and
// hold string, int64, float64, bool or nil (no value). ID is the GeoJSON
// feature id, if it has one (the other formats have none).
type Feature struct {
	ID       string
	Geometry geo.MultiPolygon
	Values   []any
}

// Record is one feature with the fields of its own values, as a reader
// that streams features gives them (each typed on its own).
type Record struct {
	Fields []Field
	Feature
}

// Properties are a feature's values by field name, without the fields
// that have no value.
func Properties(fields []Field, f Feature) map[string]any {
	props := make(map[string]any, len(fields))
	for j, fld := range fields {
		if j < len(f.Values) && f.Values[j] != nil {
			props[fld.Name] = f.Values[j]
		}
	}
	return props
}

// Properties are the record's values by field name.
func (r Record) Properties() map[string]any { return Properties(r.Fields, r.Feature) }

// Layer is a named set of features in one coordinate reference system.
type Layer struct {
	Name     string
	SRID     int // EPSG code: 4490 (CGCS2000), 4513–4554 (GK 3° zones) or 4326
	Fields   []Field
	Features []Feature
}

// ValidationError is a fault Validate finds, in Chinese and English, so
// that callers can put their context before each half.
type ValidationError struct{ ZH, EN string }

func (e *ValidationError) Error() string { return e.ZH + " / " + e.EN }

func invalid(zh, en string) error { return &ValidationError{ZH: zh, EN: en} }

// Validate checks that every feature has one value per field of the
// field's type, and a geometry. Its errors are *ValidationError.
func (l *Layer) Validate() error {
	if err := l.ValidateValues(); err != nil {
		return err
	}
	for i, f := range l.Features {
		// No geometry at all; an empty one is the validator's to name
		// (ValidateGeometry).
		if f.Geometry == nil {
			return invalid(fmt.Sprintf("第 %d 个要素没有几何图形", i+1), fmt.Sprintf("feature %d has no geometry", i+1))
		}
	}
	return nil
}

// ValidateValues is Validate without the geometry check, for a layer that
// may hold features without geometry (GeoJSON's null geometry).
func (l *Layer) ValidateValues() error {
	for i, f := range l.Features {
		if len(f.Values) != len(l.Fields) {
			return invalid(fmt.Sprintf("第 %d 个要素有 %d 个属性值，图层有 %d 个字段", i+1, len(f.Values), len(l.Fields)), fmt.Sprintf("feature %d has %d values for %d fields", i+1, len(f.Values), len(l.Fields)))
		}
		for j, v := range f.Values {
			if v == nil {
				continue
			}
			ok := false
			switch l.Fields[j].Type {
			case String:
				_, ok = v.(string)
			case Integer:
				_, ok = v.(int64)
			case Real:
				_, ok = v.(float64)
			case Bool:
				_, ok = v.(bool)
			}
			if !ok {
				return invalid(fmt.Sprintf("第 %d 个要素字段 %s：值 %v 不是%s", i+1, l.Fields[j].Name, v, typeZH[l.Fields[j].Type]), fmt.Sprintf("feature %d field %s: value %v is not %s", i+1, l.Fields[j].Name, v, typeEN[l.Fields[j].Type]))
			}
		}
	}
	return nil
}

var (
	typeZH = map[FieldType]string{String: "文本", Integer: "整数", Real: "数值", Bool: "逻辑值"}
	typeEN = map[FieldType]string{String: "text", Integer: "a whole number", Real: "a number", Bool: "true or false"}
)

// FieldIndex returns the index of a field by name, or -1.
func (l *Layer) FieldIndex(name string) int {
	for i, f := range l.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Reproject converts every coordinate of the layer to another supported
// CRS, in place.
func (l *Layer) Reproject(srid int) error {
	if l.SRID == srid {
		return nil
	}
	from, err := geo.LookupCRS(l.SRID)
	if err != nil {
		return err
	}
	to, err := geo.LookupCRS(srid)
	if err != nil {
		return err
	}
	for i := range l.Features {
		g := l.Features[i].Geometry
		out := make(geo.MultiPolygon, len(g))
		for pi, p := range g {
			out[pi] = make(geo.Polygon, len(p))
			for ri, r := range p {
				out[pi][ri] = make(geo.Ring, len(r))
				for vi, pt := range r {
					q, err := geo.Transform(from, to, pt)
					if err != nil {
						return fmt.Errorf("第 %d 个要素 / feature %d: %w", i+1, i+1, err)
					}
					out[pi][ri][vi] = q
				}
			}
		}
		l.Features[i].Geometry = out
	}
	l.SRID = srid
	return nil
}
