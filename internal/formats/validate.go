package formats

import (
	"fmt"
	"strings"

	"mineplan/internal/geo"
)

// FeatureError is a fault of one feature, numbered from 1.
type FeatureError struct {
	Feature int
	Err     error
}

func (e *FeatureError) Error() string {
	zh, en, ok := strings.Cut(e.Err.Error(), " / ")
	if !ok {
		en = zh
	}
	return fmt.Sprintf("第 %d 个要素：%s / feature %d: %s", e.Feature, zh, e.Feature, en)
}

func (e *FeatureError) Unwrap() error { return e.Err }

// ValidateGeometry checks every feature's geometry with the one polygon
// validator, in the layer's own coordinates (degrees, or metres for a
// Gauss–Krüger zone), so a file is judged as it was written. The first
// fault is returned as a *FeatureError around the *geo.DefectError.
func (l *Layer) ValidateGeometry() error {
	// A layer without a known CRS (a Shapefile without .prj: SRID 0) is
	// judged by the rules that do not depend on units.
	check := geo.ValidateProjected
	if l.SRID != 0 {
		crs, err := geo.LookupCRS(l.SRID)
		if err != nil {
			return err
		}
		if crs.Geographic {
			check = geo.ValidateMultiPolygon
		}
	}
	for i, f := range l.Features {
		if err := check(f.Geometry); err != nil {
			return &FeatureError{Feature: i + 1, Err: err}
		}
	}
	return nil
}
