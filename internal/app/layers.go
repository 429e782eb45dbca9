package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/input"
	"mineplan/internal/store"
)

// LayerFeatures turns a layer read from a file (any format fileio reads)
// into stored features. The layer is reprojected to EPSG:4490 and every
// geometry passes the one validator. A feature's ID is its integer "id"
// attribute when every feature has one and no two are equal (0 is a valid
// id), else its position from 1. Every string attribute obeys the text
// rules. Each fault names the feature from 1. It stops with ctx's error
// when ctx is cancelled.
func LayerFeatures(ctx context.Context, l *formats.Layer) ([]store.LayerFeature, error) {
	return layerFeatures(ctx, l, nil)
}

// progressEvery is how many features validation checks between calls of
// its progress function.
const progressEvery = 200

// layerFeatures is LayerFeatures telling progress, if set, how many
// features it has validated, every progressEvery and at the end.
func layerFeatures(ctx context.Context, l *formats.Layer, progress func(done int)) ([]store.LayerFeature, error) {
	if err := l.Reproject(geo.EPSG4490); err != nil {
		return nil, err
	}
	ids, err := layerIDs(l)
	if err != nil {
		return nil, err
	}
	out := make([]store.LayerFeature, len(l.Features))
	for i, f := range l.Features {
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if progress != nil && i%progressEvery == 0 && i > 0 {
			progress(i)
		}
		sf, err := storedFeature(ids[i], formats.Properties(l.Fields, f), f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("第 %d 个要素 / feature %d: %w", i+1, i+1, err)
		}
		out[i] = sf
	}
	if progress != nil {
		progress(len(out))
	}
	return out, nil
}

// layerIDs chooses the features' ids: the "id" attribute when every
// feature has a distinct integer one, else positions from 1.
func layerIDs(l *formats.Layer) ([]int64, error) {
	ids := make([]int64, len(l.Features))
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	col := l.FieldIndex("id")
	if col < 0 || l.Fields[col].Type != formats.Integer {
		return ids, nil
	}
	own := make([]int64, len(l.Features))
	first := map[int64]int{}
	for i, f := range l.Features {
		v, ok := f.Values[col].(int64)
		if !ok {
			return ids, nil // not every feature has an id: use positions
		}
		if j, dup := first[v]; dup {
			return nil, fmt.Errorf("第 %d 个要素的 id %d 与第 %d 个要素重复 / feature %d has id %d, as feature %d does", i+1, v, j+1, i+1, v, j+1)
		}
		first[v] = i
		own[i] = v
	}
	return own, nil
}

// storedFeature validates one feature's geometry and properties.
func storedFeature(id int64, props map[string]any, g geo.MultiPolygon) (store.LayerFeature, error) {
	if len(g) == 0 {
		return store.LayerFeature{}, fmt.Errorf("要素没有几何图形 / the feature has no geometry")
	}
	if err := geo.ValidateMultiPolygon(g); err != nil {
		return store.LayerFeature{}, err
	}
	for k, v := range props {
		if err := input.CheckText(k, input.MaxName, false); err != nil {
			return store.LayerFeature{}, fmt.Errorf("属性名 %q / attribute name %q: %w", k, k, err)
		}
		switch x := v.(type) {
		case string:
			if err := input.CheckText(x, input.MaxValue, true); err != nil {
				return store.LayerFeature{}, fmt.Errorf("属性 %s / attribute %s: %w", k, k, err)
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return store.LayerFeature{}, fmt.Errorf("属性 %s 不是有限的数 / attribute %s is not a finite number", k, k)
			}
		}
	}
	b, err := json.Marshal(props)
	if err != nil {
		return store.LayerFeature{}, err
	}
	return store.LayerFeature{ID: id, Properties: b, Geometry: g}, nil
}

// LayerFeature turns a streamed GeoJSON feature (geojson.ReadLines) of
// the benchmark layers into a stored one: its ID is its whole,
// non-negative "id" property, else its position from 1.
func LayerFeature(r formats.Record, position int) (store.LayerFeature, error) {
	props := r.Properties()
	id := int64(position)
	switch v := props["id"].(type) {
	case int64:
		if v >= 0 && v < 1<<53 {
			id = v
		}
	case float64:
		if v == math.Trunc(v) && v >= 0 && v < 1<<53 {
			id = int64(v)
		}
	}
	return storedFeature(id, props, r.Geometry)
}
