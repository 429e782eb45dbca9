package integration_test

import (
	"bytes"
	"errors"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

// suite is the cross-package tests: the use cases of internal/app over
// each backend (saving a plan with its zones, the register's overlap and
// conversion rules inside the store's transaction).
var suite = []struct {
	name string
	fn   func(*testing.T, store.Store)
}{
	{"SameBundleTwiceIsOneRevision", testSameBundleTwice},
	{"ChangedBundleIsNewRevision", testChangedBundle},
	{"RevertIsNewRevision", testRevert},
	{"RevisionReadsBackWhole", testReadBack},
	{"ZonesAndBoundingBox", testZones},
	{"ConcurrentSaves", testConcurrentSaves},
	{"PlanIDs", testPlanIDs},
	{"TimesStoredToTheMicrosecond", testStoredTime},
	{"RightsOverlapRefused", testRightsOverlap},
	{"RightsConversionOverlapAllowed", testRightsConversion},
	{"UseCasesAreAudited", testUseCasesAudited},
}

func run(t *testing.T, newStore storetest.NewStore) {
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
			// Whatever a use case wrote, the log verifies.
			if _, err := app.VerifyAudit(testutil.Context(), st, ""); err != nil {
				t.Errorf("audit verify after %s: %v", tc.name, err)
			}
		})
	}
}

var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func record(t *testing.T, st store.Store, evs ...rights.Event) []rights.Right {
	t.Helper()
	rs, err := app.RecordEvents(testutil.Context(), st, evs, now)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func save(t *testing.T, st store.Store, p *plan.Plan, at time.Time) (store.PlanRevision, bool) {
	t.Helper()
	rev, created, err := app.SavePlan(testutil.Context(), st, p, at)
	if err != nil {
		t.Fatal(err)
	}
	return rev, created
}

func testSameBundleTwice(t *testing.T, st store.Store) {
	p := storetest.Kashgar(t)
	r1, created := save(t, st, p, epoch)
	if !created || r1.Number != 1 || r1.Hash != p.Hash {
		t.Fatalf("first save: %+v created=%v", r1, created)
	}
	r2, created := save(t, st, p, epoch.Add(time.Hour))
	if created || r2.Number != 1 || !r2.LoadedAt.Equal(r1.LoadedAt) {
		t.Fatalf("second save of the same bundle: %+v created=%v, want revision 1 unchanged", r2, created)
	}
	revs, err := st.PlanRevisions(testutil.Context(), p.Meta.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions %v, %v; want one", revs, err)
	}
}

func testChangedBundle(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	p := storetest.Kashgar(t)
	save(t, st, p, epoch)
	v := storetest.Variant(t, p, 1)
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
	p := storetest.Kashgar(t)
	save(t, st, p, epoch)
	save(t, st, storetest.Variant(t, p, 1), epoch.Add(time.Minute))
	r3, created := save(t, st, p, epoch.Add(2*time.Minute))
	if !created || r3.Number != 3 {
		t.Fatalf("going back to the first bundle: %+v created=%v; want revision 3 (history is never rewritten)", r3, created)
	}
}

func testReadBack(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	p := storetest.Kashgar(t)
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

func testZones(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	p := storetest.Kashgar(t)
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
	p := storetest.Kashgar(t)
	const n = 4
	variants := make([]*plan.Plan, n)
	for i := range variants {
		variants[i] = storetest.Variant(t, p, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(v *plan.Plan) {
			defer wg.Done()
			_, _, err := app.SavePlan(testutil.Context(), st, v, epoch)
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
	revs, err := st.PlanRevisions(testutil.Context(), p.Meta.ID)
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
	ctx := testutil.Context()
	if ids, err := st.PlanIDs(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("empty store: %v %v", ids, err)
	}
	p := storetest.Kashgar(t)
	save(t, st, p, epoch)
	ids, err := st.PlanIDs(ctx)
	if err != nil || len(ids) != 1 || ids[0] != p.Meta.ID {
		t.Fatalf("PlanIDs = %v, %v", ids, err)
	}
}

func testStoredTime(t *testing.T, st store.Store) {
	at := time.Date(2026, 3, 1, 8, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
	rev, _ := save(t, st, storetest.Kashgar(t), at)
	want := time.Date(2026, 3, 1, 0, 30, 15, 123456000, time.UTC)
	if !rev.LoadedAt.Equal(want) {
		t.Errorf("returned %v, want %v", rev.LoadedAt, want)
	}
	back, err := st.LatestPlanRevision(testutil.Context(), rev.PlanID)
	if err != nil || !back.LoadedAt.Equal(want) || back.LoadedAt.Location() != time.UTC {
		t.Errorf("stored %v (%v), want %v in UTC", back.LoadedAt, err, want)
	}
}

// testRightsOverlap: two rights of different holders overlapping by a
// known rectangle; the second is refused and the reported area matches.
func testRightsOverlap(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	record(t, st, storetest.GrantEvent("C1", "甲公司", rights.Mining, 76.70, 39.50, 0.02))
	second := storetest.GrantEvent("C2", "乙公司", rights.Mining, 76.71, 39.51, 0.02)
	_, err := app.RecordEvents(ctx, st, []rights.Event{second}, now)
	var oe *rights.OverlapError
	if !errors.As(err, &oe) || len(oe.Overlaps) != 1 || oe.Overlaps[0].RightID != "C1" {
		t.Fatalf("overlapping grant: %v", err)
	}
	want := geo.CGCS2000.PolygonArea(geo.Rect(geo.BBox{MinLon: 76.71, MinLat: 39.51, MaxLon: 76.72, MaxLat: 39.52}))
	if got := oe.Overlaps[0].AreaM2; math.Abs(got-want)/want > 0.001 {
		t.Errorf("reported overlap %.1f m², the geometry gives %.1f m²", got, want)
	}
	if !strings.Contains(err.Error(), "重叠") || !strings.Contains(err.Error(), "甲公司") {
		t.Errorf("message: %v", err)
	}
	if _, err := st.Right(ctx, "C2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused right was stored: %v", err)
	}
	// Touching along an edge is not an overlap; the same holder may overlap
	// itself, and the overlap is recorded.
	record(t, st, storetest.GrantEvent("C3", "乙公司", rights.Mining, 76.72, 39.50, 0.02))
	own := storetest.GrantEvent("T4", "甲公司", rights.Exploration, 76.705, 39.505, 0.005)
	rs := record(t, st, own)
	evs, _ := st.RightEvents(ctx, "T4")
	if len(rs) != 1 || len(evs[0].Change.AllowedOverlaps) != 1 || evs[0].Change.AllowedOverlaps[0].Rule != rights.RuleSameHolder {
		t.Errorf("same-holder overlap not recorded: %+v", evs[0].Change.AllowedOverlaps)
	}
	// A cancelled right no longer holds ground.
	record(t, st, rights.Event{RightID: "C1", Type: rights.Cancel, Date: rights.D(2022, 1, 1), Reason: "注销"})
	record(t, st, storetest.GrantEvent("C2", "乙公司", rights.Mining, 76.71, 39.51, 0.005))
}

func testRightsConversion(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	record(t, st, storetest.GrantEvent("T1", "甲公司", rights.Exploration, 76.7, 39.5, 0.05))
	mining := storetest.GrantEvent("C1", "甲公司", rights.Mining, 76.71, 39.51, 0.01)
	mining.Date = rights.D(2023, 1, 1)
	mining.Change.Right.ValidFrom = rights.D(2023, 1, 1)
	mining.Change.Right.ValidTo = rights.D(2033, 1, 1)
	if _, err := app.ConvertToMining(ctx, st, "T1", mining, now); err != nil {
		t.Fatal(err)
	}
	tr, _ := st.Right(ctx, "T1")
	cr, _ := st.Right(ctx, "C1")
	if tr.Status != rights.Cancelled || tr.Successor != "C1" || cr.ConvertedFrom != "T1" {
		t.Fatalf("conversion: %s → %s, %s from %s", tr.Status, tr.Successor, cr.ID, cr.ConvertedFrom)
	}
	evs, _ := st.RightEvents(ctx, "C1")
	if len(evs[0].Change.AllowedOverlaps) != 1 || evs[0].Change.AllowedOverlaps[0].Rule != rights.RuleConversion {
		t.Errorf("conversion overlap not recorded: %+v", evs[0].Change.AllowedOverlaps)
	}
}

// testUseCasesAudited: each use case that writes appends its entries, for
// the context's actor, with the authz action and the object it names; a
// refused write appends none.
func testUseCasesAudited(t *testing.T, st store.Store) {
	ctx := testutil.Context()
	actions := func() []string {
		t.Helper()
		es, err := st.AuditEntries(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			if e.Actor != testutil.Actor.String() {
				t.Errorf("entry %d is by %q, want %q", e.Seq, e.Actor, testutil.Actor.String())
			}
			out = append(out, e.Action+" "+e.Object)
		}
		return out
	}
	p := storetest.Kashgar(t)
	save(t, st, p, epoch)
	save(t, st, p, epoch) // a no-op: no entry
	record(t, st, storetest.GrantEvent("C1", "甲公司", rights.Mining, 76.70, 39.50, 0.02))
	if _, err := app.RecordEvents(ctx, st, []rights.Event{storetest.GrantEvent("C2", "乙公司", rights.Mining, 76.71, 39.51, 0.02)}, now); err == nil {
		t.Fatal("an overlapping grant was recorded")
	}
	record(t, st, storetest.GrantEvent("T1", "甲公司", rights.Exploration, 77.0, 39.0, 0.05))
	mining := storetest.GrantEvent("C3", "甲公司", rights.Mining, 77.01, 39.01, 0.01)
	if _, err := app.ConvertToMining(ctx, st, "T1", mining, now); err != nil {
		t.Fatal(err)
	}
	want := []string{"plan.load plan:" + p.Meta.ID + "#1", "rights.record right:C1", "rights.record right:T1", "rights.record right:T1", "rights.record right:C3"}
	if got := actions(); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("entries:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
