package tiles

import (
	"mineplan/internal/geo"
)

// TileJSON is a TileJSON 3.0.0 document describing one vector tile layer
// (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Tiles        []string      `json:"tiles"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer is one entry of vector_layers: the MVT layer's id and its
// attributes with a description of each.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	Fields      map[string]string `json:"fields"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
}

// NewTileJSON describes layer, served at the tile URL template (with
// {z}, {x} and {y}), over bounds (degrees; the zero box is the whole
// world), with its attributes.
func NewTileJSON(layer, name, url string, bounds geo.BBox, fields map[string]string, attribution string) TileJSON {
	b := []float64{-180, -maxLat, 180, maxLat}
	if bounds != (geo.BBox{}) {
		b = []float64{bounds.MinLon, bounds.MinLat, bounds.MaxLon, bounds.MaxLat}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	cz := max(MinZoom, min(MaxZoom, 7))
	return TileJSON{
		TileJSON: "3.0.0", Tiles: []string{url}, Name: name, Attribution: attribution, Scheme: "xyz",
		Bounds: b, Center: []float64{(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, float64(cz)},
		MinZoom: MinZoom, MaxZoom: MaxZoom,
		VectorLayers: []VectorLayer{{ID: layer, Description: name, Fields: fields, MinZoom: MinZoom, MaxZoom: MaxZoom}},
	}
}
