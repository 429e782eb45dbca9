package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// restoreTests need two stores (a source and a target), so they take the
// backend's constructor.
func restoreTests() []struct {
	name string
	fn   func(*testing.T, NewStore)
} {
	return []struct {
		name string
		fn   func(*testing.T, NewStore)
	}{
		{"RestoreIsVerbatim", testRestoreVerbatim},
		{"RestoreRefusesNonEmpty", testRestoreRefusesNonEmpty},
		{"RestoreIsAtomic", testRestoreAtomic},
		{"SnapshotIsOnePointInTime", testSnapshotPointInTime},
	}
}

func open(t *testing.T, newStore NewStore) store.Store {
	st := newStore(t)
	t.Cleanup(func() { st.Close() })
	return st
}

// Fill gives st some of everything a store holds: settings (through the
// restore path, the only writer of settings the contract has), two plan
// revisions with zones, a layer, a register with histories, a review and
// audit entries.
func Fill(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	err := st.Restore(ctx, func(tx store.RestoreTx) error {
		return tx.Settings(ctx, map[string]string{store.SettingAuditRetentionDays: "400", store.SettingAuditHash: audit.SHA256})
	})
	if err != nil {
		t.Fatal(err)
	}
	zone := func(code string, lon float64) store.ZoneFeature {
		return store.ZoneFeature{Code: code, Name: "分区" + code, Type: "sand_gravel_zone", Level: "county", Illustrative: true,
			Properties: []byte(`{"code":"` + code + `"}`), Geometry: geo.Rect(geo.BBox{MinLon: lon, MinLat: 38, MaxLon: lon + 0.1, MaxLat: 38.1})}
	}
	for i, title := range []string{"第一版", "第二版"} {
		files := map[string][]byte{"plan.yaml": []byte(fmt.Sprintf("title: %s\n", title)), "zones.yaml": []byte("zones: []\n")}
		zones := []store.ZoneFeature{zone("Z1", 75), zone("Z2", 75.5), {Code: "Z3", Name: "无图形", Properties: []byte(`{}`)}}
		if _, _, err := st.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: "p", Title: title, Hash: fmt.Sprintf("h%d", i), Files: files, Zones: zones, At: epoch.Add(1234567 * 1000)}, Entry("plan.load", "")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerProtectedArea, Name: "保护区", Title: "自然保护地", Source: "storetest", ImportedAt: epoch}, LayerFixture(25), Entry("layers.import", "layer:保护区")); err != nil {
		t.Fatal(err)
	}
	LoadRegister(t, st, 60)
	if err := st.SaveReview(ctx, store.StoredReview{ID: "RV1", PlanID: "p", PlanRevision: 2, Verdict: "conforming", Input: []byte(`{"type":"Feature"}`), Report: []byte(`{"verdict":"conforming"}`), CreatedAt: epoch, OwnerCreditCode: "91653100MA7ABCDE1X", OwnerCounty: "伽师县", CreatedBy: "user:holder"}, Entry("review.create", "review:RV1")); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := st.AppendAudit(ctx, audit.Entry{Actor: fmt.Sprintf("user:u%d", i), Role: "auditor", Action: "audit.search", Object: "audit:all", Detail: "第 " + fmt.Sprint(i), AfterState: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	// Accounts: a user with a password history, a recovery code and a token.
	u := newUser(t, st, "holder1", actor.Holder)
	if err := st.CreateToken(ctx, store.APIToken{ID: "t1", SecretHash: "sh", Name: "申报软件", UserID: u.ID, Role: actor.Holder, CreditCode: "91653100MA7ABCDE1X",
		CreatedAt: epoch, ExpiresAt: epoch.Add(24 * time.Hour)}, entry("tokens.manage", "token:t1")); err != nil {
		t.Fatal(err)
	}
}

// Copy writes everything r holds into the empty store to, verbatim.
func Copy(t *testing.T, r store.Reader, to store.Restorer) {
	t.Helper()
	ctx := context.Background()
	if err := to.Restore(ctx, func(tx store.RestoreTx) error {
		_, err := store.RestoreAll(ctx, r, tx, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func testRestoreVerbatim(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	src, dst := open(t, newStore), open(t, newStore)
	Fill(t, src)
	if err := src.Empty(ctx); !errors.Is(err, store.ErrNotEmpty) {
		t.Fatalf("Empty on a filled store: %v", err)
	}
	if err := dst.Empty(ctx); err != nil {
		t.Fatalf("Empty on a fresh store: %v", err)
	}
	if err := src.Snapshot(ctx, func(r store.Reader) error {
		SameContent(t, "snapshot", r, src)
		Copy(t, r, dst)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	SameContent(t, "restored", src, dst)
	SameRegister(t, src, dst)
	srcHead, _, err := src.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := VerifyAudit(ctx, dst, ""); err != nil || v.Checked != srcHead.Seq {
		t.Fatalf("the restored log: %d entries, %v; the source has %d", v.Checked, err, srcHead.Seq)
	}
	// The restored store goes on as the source would: the next entry
	// chains onto the restored head, the next event onto the history.
	got, err := dst.AppendAudit(ctx, audit.Entry{Actor: "user:next", Action: "session.sign_in"})
	if err != nil || got[0].Seq != srcHead.Seq+1 {
		t.Fatalf("append after restore: %+v, %v", got, err)
	}
	if _, err := VerifyAudit(ctx, dst, ""); err != nil {
		t.Fatal(err)
	}
	record(t, dst, rights.Event{RightID: "R0001", Type: rights.Suspend, Date: rights.D(2026, 6, 1)})
	record(t, src, rights.Event{RightID: "R0001", Type: rights.Suspend, Date: rights.D(2026, 6, 1)})
	SameRegister(t, src, dst)
	if rev, _, err := dst.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: "p", Title: "第三版", Hash: "h3", Files: map[string][]byte{"a": []byte("b")}, At: epoch}, Entry("plan.load", "")); err != nil || rev.Number != 3 {
		t.Fatalf("a revision after restore: %+v, %v", rev, err)
	}
}

func testRestoreRefusesNonEmpty(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	src := open(t, newStore)
	Fill(t, src)
	for name, fill := range map[string]func(store.Store) error{
		"a layer": func(st store.Store) error {
			_, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "x", ImportedAt: epoch}, LayerFixture(2), Entry("layers.import", "layer:x"))
			return err
		},
		"an audit entry": func(st store.Store) error {
			_, err := st.AppendAudit(ctx, audit.Entry{Actor: "user:x", Action: "session.sign_in"})
			return err
		},
		"a review": func(st store.Store) error {
			return st.SaveReview(ctx, store.StoredReview{ID: "X", PlanID: "p", PlanRevision: 1, Verdict: "conforming", Input: []byte(`{}`), Report: []byte(`{}`), CreatedAt: epoch}, Entry("review.create", "review:X"))
		},
		"a register event": func(st store.Store) error {
			record(t, st, GrantEvent("X1", "乙公司", rights.Mining, 76, 39, 0.01))
			return nil
		},
	} {
		dst := open(t, newStore)
		if err := fill(dst); err != nil {
			t.Fatal(err)
		}
		before := Dump(t, dst)
		err := src.Snapshot(ctx, func(r store.Reader) error {
			return dst.Restore(ctx, func(tx store.RestoreTx) error {
				_, err := store.RestoreAll(ctx, r, tx, nil)
				return err
			})
		})
		if !errors.Is(err, store.ErrNotEmpty) {
			t.Errorf("restore into a store with %s: %v, want ErrNotEmpty", name, err)
		}
		if err := dst.Empty(ctx); !errors.Is(err, store.ErrNotEmpty) {
			t.Errorf("Empty on a store with %s: %v", name, err)
		}
		if after := Dump(t, dst); !reflect.DeepEqual(before, after) {
			t.Errorf("the refused restore changed the store with %s", name)
		}
	}
}

// testRestoreAtomic: a restore that fails half-way keeps nothing.
func testRestoreAtomic(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	src, dst := open(t, newStore), open(t, newStore)
	Fill(t, src)
	boom := errors.New("boom")
	err := src.Snapshot(ctx, func(r store.Reader) error {
		return dst.Restore(ctx, func(tx store.RestoreTx) error {
			if _, err := store.RestoreAll(ctx, r, tx, nil); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("restore: %v, want the failure", err)
	}
	if err := dst.Empty(ctx); err != nil {
		t.Fatalf("after a failed restore: %v", err)
	}
	// A register whose history has a gap is refused, naming the right.
	evs := Register(3)
	evs = append(evs[:1], evs[2:]...)
	err = dst.Restore(ctx, func(tx store.RestoreTx) error { return tx.RightEvents(ctx, evs) })
	if err == nil {
		t.Fatal("a register with a gap in a right's history was restored")
	}
	if err := dst.Empty(ctx); err != nil {
		t.Fatalf("after a refused register: %v", err)
	}
}

// testSnapshotPointInTime: what is written while a snapshot is read is not
// in it.
func testSnapshotPointInTime(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	st := open(t, newStore)
	Fill(t, st)
	before := Dump(t, st)
	err := st.Snapshot(ctx, func(r store.Reader) error {
		if _, err := st.AppendAudit(ctx, audit.Entry{Actor: "user:late", Action: "session.sign_in"}); err != nil {
			return err
		}
		record(t, st, GrantEvent("LATE", "丙公司", rights.Mining, 79, 39, 0.01))
		if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "late", ImportedAt: epoch}, LayerFixture(2), Entry("layers.import", "layer:x")); err != nil {
			return err
		}
		if err := st.SaveReview(ctx, store.StoredReview{ID: "LATE", PlanID: "p", PlanRevision: 1, Verdict: "conforming", Input: []byte(`{}`), Report: []byte(`{}`), CreatedAt: epoch, OwnerCreditCode: "91653100MA7ABCDE1X", OwnerCounty: "伽师县", CreatedBy: "user:holder"}, Entry("review.create", "review:LATE")); err != nil {
			return err
		}
		if got := Dump(t, r); !reflect.DeepEqual(before, got) {
			t.Errorf("the snapshot saw writes made after it began:\nbefore %v\nsnapshot %v", before.Summary(), got.Summary())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := Dump(t, st); after.Summary() == before.Summary() {
		t.Fatal("the writes made during the snapshot are missing from the store")
	}
}

// Content is everything a Reader returns, for comparisons.
type Content struct {
	Revisions []store.PlanRevision
	Files     map[string]map[string][]byte
	Zones     map[string][]store.ZoneFeature
	Layers    []store.Layer
	Features  map[string][]store.LayerFeature
	Events    []rights.Event
	Reviews   []store.StoredReview
	Settings  map[string]string
	Audit     []audit.Entry
	Head      audit.Start
	Start     audit.Start
}

// Summary counts the content.
func (c Content) Summary() string {
	return fmt.Sprintf("%d revisions, %d layers, %d events, %d reviews, %d settings, %d audit entries (head %d)",
		len(c.Revisions), len(c.Layers), len(c.Events), len(c.Reviews), len(c.Settings), len(c.Audit), c.Head.Seq)
}

// Dump reads everything r holds.
func Dump(t *testing.T, r store.Reader) Content {
	t.Helper()
	ctx := context.Background()
	c := Content{Files: map[string]map[string][]byte{}, Zones: map[string][]store.ZoneFeature{}, Features: map[string][]store.LayerFeature{}}
	fail := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ids, err := r.PlanIDs(ctx)
	fail(err)
	for _, id := range ids {
		revs, err := r.PlanRevisions(ctx, id)
		fail(err)
		for _, rev := range revs {
			c.Revisions = append(c.Revisions, rev)
			key := fmt.Sprintf("%s/%d", id, rev.Number)
			c.Files[key], err = r.PlanRevisionFiles(ctx, id, rev.Number)
			fail(err)
			c.Zones[key], err = r.Zones(ctx, id, rev.Number, nil)
			fail(err)
		}
	}
	c.Layers, err = r.Layers(ctx)
	fail(err)
	for _, l := range c.Layers {
		c.Features[l.Name], err = r.LayerFeatures(ctx, l.Name, store.FeatureQuery{})
		fail(err)
	}
	c.Events, err = r.AllRightEvents(ctx)
	fail(err)
	rids, err := r.ReviewIDs(ctx)
	fail(err)
	for _, id := range rids {
		rv, err := r.Review(ctx, id)
		fail(err)
		c.Reviews = append(c.Reviews, rv)
	}
	c.Settings, err = r.Settings(ctx)
	fail(err)
	fail(r.EachAuditEntry(ctx, func(e audit.Entry) error {
		c.Audit = append(c.Audit, e)
		return nil
	}))
	c.Head, c.Start, err = r.AuditHead(ctx)
	fail(err)
	return c
}

// SameContent requires a and b to hold the same rows, field by field.
func SameContent(t *testing.T, what string, a, b store.Reader) {
	t.Helper()
	ca, cb := Dump(t, a), Dump(t, b)
	va, vb := reflect.ValueOf(ca), reflect.ValueOf(cb)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			t.Errorf("%s: %s differ:\n%.600v\n%.600v", what, va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface())
		}
	}
}

// SameRegister requires what a and b derive from their events to agree:
// the current states, the maintained counts and totals, and the register
// as of several days.
func SameRegister(t *testing.T, a, b store.RightsReader) {
	t.Helper()
	ctx := context.Background()
	read := func(st store.RightsReader, f store.RightFilter) ([]rights.Right, int) {
		t.Helper()
		rs, n, err := st.Rights(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return rs, n
	}
	days := []*rights.Date{nil}
	for _, d := range []rights.Date{rights.D(2019, 6, 1), rights.D(2021, 1, 1), rights.D(2023, 7, 15), rights.D(2030, 1, 1)} {
		days = append(days, &d)
	}
	for _, day := range days {
		f := store.RightFilter{AsOf: day}
		ra, _ := read(a, f)
		rb, _ := read(b, f)
		if ids(ra) != ids(rb) || !reflect.DeepEqual(ra, rb) {
			t.Errorf("the register as of %v differs: %s / %s", day, ids(ra), ids(rb))
		}
	}
	for _, kind := range []rights.Kind{rights.Exploration, rights.Mining} {
		for _, status := range []rights.Status{"", rights.Valid, rights.Producing, rights.Cancelled} {
			// A paged read counts from the maintained right_counts.
			f := store.RightFilter{Kind: kind, Status: status, Limit: 1}
			_, na := read(a, f)
			_, nb := read(b, f)
			all, _ := read(b, store.RightFilter{Kind: kind, Status: status})
			if na != nb || nb != len(all) {
				t.Errorf("%s %s: counted %d and %d, %d listed", kind, status, na, nb, len(all))
			}
		}
		for _, f := range []store.TotalsFilter{{Kind: kind}, {Kind: kind, Minerals: registerMinerals}, {Kind: kind, Minerals: registerMinerals, Live: true, FromYear: 2020}} {
			ta, err := a.RightTotals(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := b.RightTotals(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ta, tb) {
				t.Errorf("totals %+v differ:\n%+v\n%+v", f, ta, tb)
			}
		}
	}
}
