package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mineplan/internal/formats/cornerpoints"
)

// CornerPointFields are the fields of an application whose boundary
// comes from a corner-point file, which carries none of them. A zero
// value is left out, so the review reports it as missing.
type CornerPointFields struct {
	Kind, Mineral, Method, ScaleUnit, County, Holder, HolderID, Block, Stage string
	Scale, ServiceYears, AshPct, SulphurPct, AreaKm2                         float64
	Associated, OnArableLand                                                 bool
}

// IsCornerPointFile tells a corner-point text file (.txt) from a GeoJSON
// application by its extension.
func IsCornerPointFile(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".txt")
}

// ReadApplicationFile reads an application to review: a GeoJSON document
// as it is, or a corner-point file made into a GeoJSON Feature with the
// fields f.
func ReadApplicationFile(path string, f CornerPointFields) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil || !IsCornerPointFile(path) {
		return b, err
	}
	parcel, err := cornerpoints.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f.feature(parcel.Geometry)
}

// feature is the GeoJSON Feature of the fields and a geometry.
func (f CornerPointFields) feature(g any) ([]byte, error) {
	props := map[string]any{"kind": f.Kind, "mineral": f.Mineral, "county": f.County}
	set := func(k string, v any, ok bool) {
		if ok {
			props[k] = v
		}
	}
	set("method", f.Method, f.Method != "")
	set("scale", f.Scale, f.Scale != 0)
	set("scale_unit", f.ScaleUnit, f.ScaleUnit != "")
	set("service_years", f.ServiceYears, f.ServiceYears != 0)
	set("holder", f.Holder, f.Holder != "")
	set("holder_id", f.HolderID, f.HolderID != "")
	set("block", f.Block, f.Block != "")
	set("stage", f.Stage, f.Stage != "")
	set("associated", true, f.Associated)
	set("on_arable_land", true, f.OnArableLand)
	set("area_km2", f.AreaKm2, f.AreaKm2 != 0)
	if f.AshPct != 0 || f.SulphurPct != 0 {
		props["coal"] = map[string]any{"ash_pct": f.AshPct, "sulphur_pct": f.SulphurPct}
	}
	return json.Marshal(map[string]any{"type": "Feature", "properties": props, "geometry": map[string]any{"type": "MultiPolygon", "coordinates": g}})
}
