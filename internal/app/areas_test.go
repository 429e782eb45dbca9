package app_test

import (
	"context"
	"strings"
	"testing"

	"mineplan/internal/app"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
)

// corruptLayer is a store with one red-line layer whose stored properties
// are not JSON.
type corruptLayer struct{ *sqlite.DB }

var corruptBox = geo.BBox{MinLon: 76, MinLat: 39, MaxLon: 76.1, MaxLat: 39.1}

func (corruptLayer) Layers(context.Context) ([]store.Layer, error) {
	return []store.Layer{{Name: "红线", Kind: plan.LayerRedLine, Features: 1, BBox: corruptBox}}, nil
}

func (corruptLayer) LayerFeatures(context.Context, string, store.FeatureQuery) ([]store.LayerFeature, error) {
	return []store.LayerFeature{{ID: 7, Properties: []byte(`{"name":`), Geometry: geo.MultiPolygon{geo.Rect(corruptBox)}}}, nil
}

// TestAreasRefuseUnreadableProperties: a layer feature whose properties
// cannot be read fails the review's read, naming the layer and feature,
// instead of becoming an area without its name and illustrative mark.
func TestAreasRefuseUnreadableProperties(t *testing.T) {
	d := app.StoreData{Store: corruptLayer{emptyDB(t)}}
	areas, err := d.Areas(context.Background(), []string{string(plan.LayerRedLine)}, corruptBox)
	if err == nil || !strings.Contains(err.Error(), "layer 红线 feature 7") {
		t.Fatalf("areas %+v, err %v; want an error naming layer 红线 feature 7", areas, err)
	}
	cached := app.StoreData{Store: corruptLayer{emptyDB(t)}, Cache: &app.AreaCache{}}
	if _, err := cached.Areas(context.Background(), []string{string(plan.LayerRedLine)}, corruptBox); err == nil {
		t.Fatal("the cached path read unreadable properties")
	}
}
