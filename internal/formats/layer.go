// Package formats is the common model of the file formats mineplan reads
// and writes (GeoJSON, Shapefile, GeoPackage, corner-point text): a layer
// of features with typed attributes and (multi)polygon geometry. Each format
// lives in its own sub-package and converts to and from this model.
package formats

import (
	"fmt"

	"mineplan/internal/geo"
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
// hold string, int64, float64, bool or nil (no value).
type Feature struct {
	Geometry geo.MultiPolygon
	Values   []any
}

// Layer is a named set of features in one coordinate reference system.
type Layer struct {
	Name     string
	SRID     int // EPSG code: 4490 (CGCS2000), 4513–4554 (GK 3° zones) or 4326
	Fields   []Field
	Features []Feature
}

// Validate checks that every feature has one value per field of the
// field's type, and a geometry.
func (l *Layer) Validate() error {
	for i, f := range l.Features {
		if len(f.Values) != len(l.Fields) {
			return fmt.Errorf("feature %d has %d values for %d fields", i+1, len(f.Values), len(l.Fields))
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
				return fmt.Errorf("feature %d field %s: value %v (%T) is not %s", i+1, l.Fields[j].Name, v, v, l.Fields[j].Type)
			}
		}
		if len(f.Geometry) == 0 {
			return fmt.Errorf("feature %d has no geometry", i+1)
		}
	}
	return nil
}

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
						return fmt.Errorf("feature %d: %w", i+1, err)
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
