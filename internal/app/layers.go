package app

import (
	"encoding/json"
	"fmt"
	"math"

	"mineplan/internal/geo"
	"mineplan/internal/store"
)

// LayerFeature turns a GeoJSON feature into a stored one: it must have a
// valid polygon, and its ID is the feature's numeric id (or its "id"
// property), else its position.
func LayerFeature(f geo.Feature, position int) (store.LayerFeature, error) {
	if f.Geometry == nil {
		return store.LayerFeature{}, fmt.Errorf("要素没有几何图形 / feature has no geometry")
	}
	if err := geo.ValidatePolygon(f.Geometry); err != nil {
		return store.LayerFeature{}, fmt.Errorf("几何图形无效 / invalid geometry: %w", err)
	}
	id := int64(position)
	if v, ok := f.Properties["id"].(float64); ok && v == math.Trunc(v) && v > 0 {
		id = int64(v)
	} else if _, err := fmt.Sscanf(f.ID, "%d", &id); err != nil || id <= 0 {
		id = int64(position)
	}
	props := f.Properties
	if props == nil {
		props = map[string]any{}
	}
	b, err := json.Marshal(props)
	if err != nil {
		return store.LayerFeature{}, err
	}
	return store.LayerFeature{ID: id, Properties: b, Geometry: f.Geometry}, nil
}
