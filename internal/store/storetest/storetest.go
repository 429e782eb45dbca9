// Package storetest is the conformance suite of the storage contract. Every
// backend runs it from its own tests with a function that returns a fresh,
// migrated, empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// NewStore returns a fresh, migrated, empty store; the suite closes it.
type NewStore func(t *testing.T) store.Store

// Run runs every conformance test against the backend.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"NotFound", testNotFound},
		{"LayerImportAndQuery", testLayers},
		{"LayerImportIsAtomic", testLayerAtomic},
	}
	tests = append(tests, rightsTests()...)
	tests = append(tests, registerTests()...)
	tests = append(tests, officerTests()...)
	tests = append(tests, auditTests()...)
	tests = append(tests, auditWriteTests()...)
	tests = append(tests, accountTests(newStore)...)
	tests = append(tests, jobTests()...)
	tests = append(tests, struct {
		name string
		fn   func(*testing.T, store.Store)
	}{"Reviews", testReviews})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
		})
	}
	for _, tc := range restoreTests() {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore) })
	}
}

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Kashgar returns the embedded bundle, parsed.
func Kashgar(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Variant returns the bundle with a comment added to statements.yaml: a
// different content hash, the same plan.
func Variant(t testing.TB, p *plan.Plan, n int) *plan.Plan {
	t.Helper()
	files := map[string][]byte{}
	for k, v := range p.Files {
		files[k] = v
	}
	files[plan.FileStatements] = append(bytes.Clone(files[plan.FileStatements]), []byte("\n# variant "+string(rune('A'+n))+"\n")...)
	v, err := plan.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testNotFound(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.LatestPlanRevision(ctx, "no-such-plan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestPlanRevision: %v, want ErrNotFound", err)
	}
	if _, err := st.PlanRevisionFiles(ctx, "no-such-plan", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PlanRevisionFiles: %v, want ErrNotFound", err)
	}
	revs, err := st.PlanRevisions(ctx, "no-such-plan")
	if err != nil || len(revs) != 0 {
		t.Errorf("PlanRevisions: %v %v, want none", revs, err)
	}
}

// LayerFixture is a small layer: a grid of squares around Kashgar; every
// seventh feature has a second, smaller part.
func LayerFixture(n int) []store.LayerFeature {
	fs := make([]store.LayerFeature, n)
	for i := range fs {
		lon, lat := 75.0+float64(i%10)*0.1, 38.0+float64(i/10)*0.1
		g := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + 0.05, MaxLat: lat + 0.05})}
		if i%7 == 3 {
			g = append(g, geo.Rect(geo.BBox{MinLon: lon + 0.06, MinLat: lat, MaxLon: lon + 0.08, MaxLat: lat + 0.02}))
		}
		fs[i] = store.LayerFeature{
			ID:         int64(i + 1),
			Properties: []byte(`{"code":"T` + string(rune('A'+i%26)) + `","name":"测试图斑"}`),
			Geometry:   g,
		}
	}
	return fs
}

func testLayers(t *testing.T, st store.Store) {
	ctx := context.Background()
	fs := LayerFixture(30)
	l, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "test", Title: "测试图层", Source: "storetest", ImportedAt: epoch}, fs, Entry("layers.import", "layer:test"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Features != 30 || l.BBox != (geo.BBox{MinLon: 75, MinLat: 38, MaxLon: 75.95, MaxLat: 38.25}) {
		t.Errorf("imported layer %+v", l)
	}
	layers, err := st.Layers(ctx)
	if err != nil || len(layers) != 1 || layers[0].Name != "test" || layers[0].Features != 30 || !layers[0].ImportedAt.Equal(epoch) {
		t.Fatalf("Layers = %+v, %v", layers, err)
	}
	all, err := st.LayerFeatures(ctx, "test", store.FeatureQuery{})
	if err != nil || len(all) != 30 {
		t.Fatalf("all features: %d, %v", len(all), err)
	}
	for i, f := range all {
		if f.ID != fs[i].ID || string(f.Properties) != string(fs[i].Properties) || !reflect.DeepEqual(f.Geometry, fs[i].Geometry) {
			t.Fatalf("feature %d came back as %+v", i, f)
		}
	}
	// Squares 1 (75.0–75.05, 38.0–38.05) and 2 (75.1–75.15) meet this box;
	// so does 11 (38.1) only if the box reached it: it does not.
	box := geo.BBox{MinLon: 75.01, MinLat: 38.01, MaxLon: 75.12, MaxLat: 38.06}
	got, err := st.LayerFeatures(ctx, "test", store.FeatureQuery{BBox: &box})
	if err != nil || len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Fatalf("bbox query: %+v, %v", got, err)
	}
	if lim, _ := st.LayerFeatures(ctx, "test", store.FeatureQuery{Limit: 5}); len(lim) != 5 {
		t.Errorf("limit 5 gave %d", len(lim))
	}
	if _, err := st.LayerFeatures(ctx, "nope", store.FeatureQuery{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown layer: %v, want ErrNotFound", err)
	}
}

// testLayerAtomic: a failed import leaves nothing behind, and a layer name
// is used once.
func testLayerAtomic(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}, LayerFixture(3), Entry("layers.import", "layer:a")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}, LayerFixture(5), Entry("layers.import", "layer:a")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second import of the same name: %v, want ErrConflict", err)
	}
	bad := LayerFixture(4)
	bad[3].ID = bad[0].ID
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "b", ImportedAt: epoch}, bad, Entry("layers.import", "layer:b")); err == nil {
		t.Error("duplicate feature ids accepted")
	}
	bad = LayerFixture(4)
	bad[2].Geometry = nil
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "c", ImportedAt: epoch}, bad, Entry("layers.import", "layer:c")); err == nil {
		t.Error("feature without geometry accepted")
	}
	layers, _ := st.Layers(ctx)
	if len(layers) != 1 || layers[0].Features != 3 {
		t.Fatalf("after refused imports: %+v", layers)
	}
	fs, _ := st.LayerFeatures(ctx, "a", store.FeatureQuery{})
	if len(fs) != 3 {
		t.Fatalf("layer a has %d features, want the original 3", len(fs))
	}
}

func testReviews(t *testing.T, st store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 28, 10, 0, 0, 123456789, time.UTC)
	r := store.StoredReview{ID: "RV1", PlanID: "p", PlanRevision: 2, Verdict: "conforming", Input: []byte(`{"type":"Feature"}`), Report: []byte(`{"verdict":"conforming"}`), CreatedAt: at,
		OwnerCreditCode: "91653100MA7ABCDE1X", OwnerCounty: "伽师县", CreatedBy: "user:holder"}
	if err := st.SaveReview(ctx, r, Entry("review.create", "review:"+r.ID)); err != nil {
		t.Fatal(err)
	}
	got, err := st.Review(ctx, "RV1")
	if err != nil || string(got.Input) != string(r.Input) || string(got.Report) != string(r.Report) || got.PlanRevision != 2 || !got.CreatedAt.Equal(store.StoredTime(at)) ||
		got.OwnerCreditCode != r.OwnerCreditCode || got.OwnerCounty != r.OwnerCounty || got.CreatedBy != r.CreatedBy {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if err := st.SaveReview(ctx, r, Entry("review.create", "review:"+r.ID)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("saving the same id twice: %v, want ErrConflict", err)
	}
	if _, err := st.Review(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown review: %v", err)
	}
	if ids, err := st.ReviewIDs(ctx); err != nil || len(ids) != 1 || ids[0] != "RV1" {
		t.Errorf("ids %v %v", ids, err)
	}
}
