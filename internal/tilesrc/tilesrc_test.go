package tilesrc

import (
	"context"
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/tiles"
)

// TestInputGeometry: a stored application's polygon is read from every
// form the review accepts, and nothing from anything else.
func TestInputGeometry(t *testing.T) {
	poly := `{"type":"Polygon","coordinates":[[[75.1,38.1],[75.2,38.1],[75.2,38.2],[75.1,38.1]]]}`
	for name, c := range map[string]struct {
		in   string
		want int
	}{
		"feature":    {`{"type":"Feature","properties":{},"geometry":` + poly + `}`, 1},
		"collection": {`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + poly + `}]}`, 1},
		"bare":       {poly, 1},
		"bom":        {"\uFEFF" + poly, 1},
		"two":        {`{"type":"FeatureCollection","features":[{"geometry":` + poly + `},{"geometry":` + poly + `}]}`, 0},
		"garbage":    {`{"type":`, 0},
		"point":      {`{"type":"Point","coordinates":[75,38]}`, 0},
	} {
		if got := len(inputGeometry([]byte(c.in))); got != c.want {
			t.Errorf("%s: %d polygons, want %d", name, got, c.want)
		}
	}
}

// TestMemoryPicksAttributes: an in-memory layer gives only the asked
// attributes, in a map of its own per call (Encode writes to it).
func TestMemoryPicksAttributes(t *testing.T) {
	m := &Memory{fs: []indexed{{box: geo.BBox{MinLon: 1, MinLat: 1, MaxLon: 2, MaxLat: 2},
		f: tiles.Feature{ID: "Z1", Properties: map[string]any{"code": "Z1", "name": "甲", "secret": "x"}}}}}
	got := m.Features(context.Background(), geo.BBox{MinLon: 0, MinLat: 0, MaxLon: 1.5, MaxLat: 1.5}, []string{"code", "name"})
	if len(got) != 1 || len(got[0].Properties) != 2 || got[0].Properties["secret"] != nil {
		t.Fatalf("%v", got)
	}
	got[0].Properties["id"] = "changed"
	if _, ok := m.fs[0].f.Properties["id"]; ok {
		t.Error("the layer's own attributes were changed through a tile's map")
	}
	if len(m.Features(context.Background(), geo.BBox{MinLon: 3, MinLat: 3, MaxLon: 4, MaxLat: 4}, nil)) != 0 {
		t.Error("a feature outside the box was returned")
	}
}
