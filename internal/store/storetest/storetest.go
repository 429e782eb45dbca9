// Package storetest is the conformance suite of the storage contract. Every
// backend runs it from its own tests with a function that returns a fresh,
// migrated, empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
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
		{"SameBundleTwiceIsOneRevision", testSameBundleTwice},
		{"ChangedBundleIsNewRevision", testChangedBundle},
		{"RevertIsNewRevision", testRevert},
		{"RevisionReadsBackWhole", testReadBack},
		{"NotFound", testNotFound},
		{"ZonesAndBoundingBox", testZones},
		{"ConcurrentSaves", testConcurrentSaves},
		{"PlanIDs", testPlanIDs},
		{"TimesStoredToTheMicrosecond", testStoredTime},
		{"LayerImportAndQuery", testLayers},
		{"LayerImportIsAtomic", testLayerAtomic},
	}
	tests = append(tests, rightsTests()...)
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

func save(t *testing.T, st store.Store, p *plan.Plan, at time.Time) (store.PlanRevision, bool) {
	t.Helper()
	rev, created, err := app.SavePlan(context.Background(), st, p, at)
	if err != nil {
		t.Fatal(err)
	}
	return rev, created
}

func testSameBundleTwice(t *testing.T, st store.Store) {
	p := Kashgar(t)
	r1, created := save(t, st, p, epoch)
	if !created || r1.Number != 1 || r1.Hash != p.Hash {
		t.Fatalf("first save: %+v created=%v", r1, created)
	}
	r2, created := save(t, st, p, epoch.Add(time.Hour))
	if created || r2.Number != 1 || !r2.LoadedAt.Equal(r1.LoadedAt) {
		t.Fatalf("second save of the same bundle: %+v created=%v, want revision 1 unchanged", r2, created)
	}
	revs, err := st.PlanRevisions(context.Background(), p.Meta.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions %v, %v; want one", revs, err)
	}
}

func testChangedBundle(t *testing.T, st store.Store) {
	ctx := context.Background()
	p := Kashgar(t)
	save(t, st, p, epoch)
	v := Variant(t, p, 1)
	r2, created := save(t, st, v, epoch.Add(time.Hour))
	if !created || r2.Number != 2 || r2.Hash != v.Hash {
		t.Fatalf("changed bundle: %+v created=%v, want revision 2", r2, created)
	}
	latest, err := st.LatestPlanRevision(ctx, p.Meta.ID)
	if err != nil || latest.Number != 2 {
		t.Fatalf("latest = %+v, %v", latest, err)
	}
	// The first revision is still there, unchanged.
	files, err := st.PlanRevisionFiles(ctx, p.Meta.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if plan.HashFiles(files) != p.Hash {
		t.Fatal("revision 1's files no longer hash to the bundle's hash")
	}
	revs, _ := st.PlanRevisions(ctx, p.Meta.ID)
	if len(revs) != 2 || revs[0].Number != 1 || revs[0].Hash != p.Hash || !revs[0].LoadedAt.Equal(epoch) || revs[1].Hash != v.Hash {
		t.Fatalf("revisions %+v", revs)
	}
}

func testRevert(t *testing.T, st store.Store) {
	p := Kashgar(t)
	save(t, st, p, epoch)
	save(t, st, Variant(t, p, 1), epoch.Add(time.Minute))
	r3, created := save(t, st, p, epoch.Add(2*time.Minute))
	if !created || r3.Number != 3 {
		t.Fatalf("going back to the first bundle: %+v created=%v; want revision 3 (history is never rewritten)", r3, created)
	}
}

func testReadBack(t *testing.T, st store.Store) {
	ctx := context.Background()
	p := Kashgar(t)
	rev, _ := save(t, st, p, epoch)
	if rev.Files != len(p.Files) {
		t.Errorf("revision lists %d files, bundle has %d", rev.Files, len(p.Files))
	}
	back, err := app.RevisionPlan(ctx, st, p.Meta.ID, rev.Number)
	if err != nil {
		t.Fatal(err)
	}
	if back.Hash != p.Hash || len(back.Tables) != len(p.Tables) || len(back.Zones) != len(p.Zones) {
		t.Fatalf("read back: hash %s tables %d zones %d", back.Hash, len(back.Tables), len(back.Zones))
	}
	for path, b := range p.Files {
		if !bytes.Equal(back.Files[path], b) {
			t.Errorf("%s changed in storage", path)
		}
	}
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

func testZones(t *testing.T, st store.Store) {
	ctx := context.Background()
	p := Kashgar(t)
	rev, _ := save(t, st, p, epoch)
	all, err := st.Zones(ctx, p.Meta.ID, rev.Number, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(p.Zones) {
		t.Fatalf("%d zones stored, plan has %d", len(all), len(p.Zones))
	}
	for _, z := range all {
		want := p.Shapes[z.Code]
		if (want == nil) != (z.Geometry == nil) {
			t.Errorf("%s: geometry presence changed", z.Code)
			continue
		}
		for i := range want {
			for j := range want[i] {
				if want[i][j] != z.Geometry[i][j] {
					t.Fatalf("%s ring %d vertex %d: %v stored as %v", z.Code, i, j, want[i][j], z.Geometry[i][j])
				}
			}
		}
		if !z.Illustrative {
			t.Errorf("%s not marked illustrative", z.Code)
		}
	}
	// A box around GK012 finds it and CZ027 (the same polygon), and only
	// zones whose boxes meet it.
	box := p.Shapes["GK012"].Bounds()
	got, err := st.Zones(ctx, p.Meta.ID, rev.Number, &box)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, z := range got {
		codes = append(codes, z.Code)
		if z.Geometry == nil || !z.Geometry.Bounds().Intersects(box) {
			t.Errorf("bbox query returned %s, whose box does not meet the query", z.Code)
		}
	}
	want := []string{}
	for code, shape := range p.Shapes {
		if shape.Bounds().Intersects(box) {
			want = append(want, code)
		}
	}
	sort.Strings(want)
	sort.Strings(codes)
	if len(codes) != len(want) || len(codes) < 2 {
		t.Fatalf("bbox query: got %v, want %v", codes, want)
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("bbox query: got %v, want %v", codes, want)
		}
	}
	empty := geo.BBox{MinLon: 100, MinLat: 10, MaxLon: 101, MaxLat: 11}
	if none, err := st.Zones(ctx, p.Meta.ID, rev.Number, &empty); err != nil || len(none) != 0 {
		t.Errorf("box far from Kashgar: %d zones, %v", len(none), err)
	}
}

// testConcurrentSaves: distinct bundles saved at once get distinct,
// gap-free revision numbers.
func testConcurrentSaves(t *testing.T, st store.Store) {
	p := Kashgar(t)
	const n = 4
	variants := make([]*plan.Plan, n)
	for i := range variants {
		variants[i] = Variant(t, p, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(v *plan.Plan) {
			defer wg.Done()
			_, _, err := app.SavePlan(context.Background(), st, v, epoch)
			errs <- err
		}(variants[i])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent save: %v", err)
		}
	}
	revs, err := st.PlanRevisions(context.Background(), p.Meta.ID)
	if err != nil || len(revs) != n {
		t.Fatalf("%d revisions (%v), want %d", len(revs), err, n)
	}
	for i, r := range revs {
		if r.Number != i+1 {
			t.Errorf("revision numbers %v are not 1…%d", revs, n)
		}
	}
}

func testPlanIDs(t *testing.T, st store.Store) {
	ctx := context.Background()
	if ids, err := st.PlanIDs(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("empty store: %v %v", ids, err)
	}
	p := Kashgar(t)
	save(t, st, p, epoch)
	ids, err := st.PlanIDs(ctx)
	if err != nil || len(ids) != 1 || ids[0] != p.Meta.ID {
		t.Fatalf("PlanIDs = %v, %v", ids, err)
	}
}

func testStoredTime(t *testing.T, st store.Store) {
	at := time.Date(2026, 3, 1, 8, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
	rev, _ := save(t, st, Kashgar(t), at)
	want := time.Date(2026, 3, 1, 0, 30, 15, 123456000, time.UTC)
	if !rev.LoadedAt.Equal(want) {
		t.Errorf("returned %v, want %v", rev.LoadedAt, want)
	}
	back, err := st.LatestPlanRevision(context.Background(), rev.PlanID)
	if err != nil || !back.LoadedAt.Equal(want) || back.LoadedAt.Location() != time.UTC {
		t.Errorf("stored %v (%v), want %v in UTC", back.LoadedAt, err, want)
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
	l, err := st.ImportLayer(ctx, store.Layer{Kind: store.LayerOther, Name: "test", Title: "测试图层", Source: "storetest", ImportedAt: epoch}, fs)
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
	all, err := st.LayerFeatures(ctx, "test", nil, 0)
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
	got, err := st.LayerFeatures(ctx, "test", &box, 0)
	if err != nil || len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Fatalf("bbox query: %+v, %v", got, err)
	}
	if lim, _ := st.LayerFeatures(ctx, "test", nil, 5); len(lim) != 5 {
		t.Errorf("limit 5 gave %d", len(lim))
	}
	if _, err := st.LayerFeatures(ctx, "nope", nil, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown layer: %v, want ErrNotFound", err)
	}
}

// testLayerAtomic: a failed import leaves nothing behind, and a layer name
// is used once.
func testLayerAtomic(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: store.LayerOther, Name: "a", ImportedAt: epoch}, LayerFixture(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: store.LayerOther, Name: "a", ImportedAt: epoch}, LayerFixture(5)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second import of the same name: %v, want ErrConflict", err)
	}
	bad := LayerFixture(4)
	bad[3].ID = bad[0].ID
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: store.LayerOther, Name: "b", ImportedAt: epoch}, bad); err == nil {
		t.Error("duplicate feature ids accepted")
	}
	bad = LayerFixture(4)
	bad[2].Geometry = nil
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: store.LayerOther, Name: "c", ImportedAt: epoch}, bad); err == nil {
		t.Error("feature without geometry accepted")
	}
	layers, _ := st.Layers(ctx)
	if len(layers) != 1 || layers[0].Features != 3 {
		t.Fatalf("after refused imports: %+v", layers)
	}
	fs, _ := st.LayerFeatures(ctx, "a", nil, 0)
	if len(fs) != 3 {
		t.Fatalf("layer a has %d features, want the original 3", len(fs))
	}
}

func testReviews(t *testing.T, st store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 28, 10, 0, 0, 123456789, time.UTC)
	r := store.StoredReview{ID: "RV1", PlanID: "p", PlanRevision: 2, Verdict: "conforming", Input: []byte(`{"type":"Feature"}`), Report: []byte(`{"verdict":"conforming"}`), CreatedAt: at}
	if err := st.SaveReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := st.Review(ctx, "RV1")
	if err != nil || string(got.Input) != string(r.Input) || string(got.Report) != string(r.Report) || got.PlanRevision != 2 || !got.CreatedAt.Equal(store.StoredTime(at)) {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if err := st.SaveReview(ctx, r); !errors.Is(err, store.ErrConflict) {
		t.Errorf("saving the same id twice: %v, want ErrConflict", err)
	}
	if _, err := st.Review(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown review: %v", err)
	}
	if ids, err := st.ReviewIDs(ctx); err != nil || len(ids) != 1 || ids[0] != "RV1" {
		t.Errorf("ids %v %v", ids, err)
	}
}
