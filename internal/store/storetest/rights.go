package storetest

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

func rightsTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"RightsGrantAndRead", testRightsGrantAndRead},
		{"RightsSequenceConflict", testRightsSequence},
		{"RightsVerifyRollsBack", testRightsVerify},
		{"RightsAsOf", testRightsAsOf},
		{"RightsFilters", testRightsFilters},
		{"RightsSearchHistoryAndPaging", testRightsSearch},
		{"RightsRecordedBy", testRightsRecordedBy},
	}
}

// testRightsRecordedBy: who recorded an event is stored with it and read
// back, apart from the authority that decided it.
func testRightsRecordedBy(t *testing.T, st store.Store) {
	ctx := context.Background()
	ev := GrantEvent("RB1", "甲公司", rights.Exploration, 76, 39, 0.01)
	ev.Seq, ev.RecordedAt, ev.RecordedBy = 1, now, "operator:zhang"
	state, err := rights.Apply(nil, ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: ev, State: state, Audit: Entry("rights.record", "right:"+ev.RightID)}}, nil); err != nil {
		t.Fatal(err)
	}
	evs, err := st.RightEvents(ctx, "RB1")
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %v, %v", evs, err)
	}
	if evs[0].RecordedBy != "operator:zhang" || evs[0].Actor != "测试" {
		t.Errorf("recorded by %q (actor %q), want operator:zhang (测试)", evs[0].RecordedBy, evs[0].Actor)
	}
}

// GrantEvent is a grant of a square right for tests.
func GrantEvent(id, holder string, kind rights.Kind, lon, lat, size float64) rights.Event {
	status := rights.Valid
	if kind == rights.Mining {
		status = rights.Producing
	}
	g := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + size, MaxLat: lat + size})}
	return rights.Event{RightID: id, Type: rights.Grant, Date: rights.D(2021, 3, 1), Actor: "测试", Reason: "新立", DocRef: "喀自然资〔2021〕1号",
		Change: rights.Change{Geometry: g, Right: &rights.Right{
			Kind: kind, LicenceNumber: "", Name: id + "矿", Holder: rights.Holder{Name: holder}, MainMineral: "铜矿", County: "伽师县",
			ValidFrom: rights.D(2021, 3, 1), ValidTo: rights.D(2026, 3, 1), DeclaredAreaKm2: 1, Status: status,
		}}}
}

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// record applies events in order and appends them in one transaction, as
// the register's use cases do but without their overlap checks (which are
// internal/app's and tested in internal/integration).
func record(t testing.TB, st store.RightsStore, evs ...rights.Event) []rights.Right {
	t.Helper()
	ctx := context.Background()
	batch := store.NewPending(st)
	for i, ev := range evs {
		ev, cur, err := batch.Prior(ctx, ev, now, "")
		if err != nil {
			t.Fatal(err)
		}
		next, err := rights.Apply(cur, ev)
		if err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		batch.Add(ev, next, Entry("rights.record", "right:"+ev.RightID))
	}
	if err := st.AppendRightChanges(ctx, batch.Changes, nil); err != nil {
		t.Fatal(err)
	}
	return batch.States()
}

func testRightsGrantAndRead(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("C1", "甲公司", rights.Mining, 76.7, 39.5, 0.01)
	g.Change.Right.LicenceNumber = "C6531002010127130087567"
	record(t, st, g)
	r, err := st.Right(ctx, "C6531002010127130087567")
	if err != nil || r.ID != "C1" || r.Seq != 1 || r.LicenceFlag != "" || r.Status != rights.Producing {
		t.Fatalf("by licence number: %+v %v", r, err)
	}
	if r.EllipsoidalM2 < 0.9e6 || r.GKZone != 26 || math.Abs(r.GKM2-r.EllipsoidalM2)/r.EllipsoidalM2 > 0.01 {
		t.Errorf("areas: %+v", r)
	}
	if len(r.Geometry) != 1 || r.Geometry[0][0][2] != g.Change.Geometry[0][0][2] {
		t.Errorf("geometry came back as %v", r.Geometry)
	}
	record(t, st, rights.Event{RightID: "C1", Type: rights.Suspend, Date: rights.D(2022, 1, 1), Actor: "执法", Reason: "整改", DocRef: "停产通知"})
	evs, err := st.RightEvents(ctx, "C1")
	if err != nil || len(evs) != 2 || evs[1].Type != rights.Suspend || evs[1].Actor != "执法" || !evs[1].RecordedAt.Equal(now) || evs[0].Change.Right == nil {
		t.Fatalf("events: %+v %v", evs, err)
	}
	r, _ = st.Right(ctx, "C1")
	if r.Status != rights.Suspended || r.Seq != 2 {
		t.Errorf("after suspension: %s seq %d", r.Status, r.Seq)
	}
	if _, err := st.Right(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown right: %v", err)
	}
	all, err := st.AllRightEvents(ctx)
	if err != nil || len(all) != 2 {
		t.Errorf("all events: %d %v", len(all), err)
	}
}

func testRightsSequence(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("C1", "甲公司", rights.Mining, 76.7, 39.5, 0.01)
	state, err := rights.Apply(nil, g)
	if err != nil {
		t.Fatal(err)
	}
	g.Seq = 1
	if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: g, State: state, Audit: Entry("rights.record", "right:"+g.RightID)}}, nil); err != nil {
		t.Fatal(err)
	}
	// The same event again is a conflict, and nothing changes.
	if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: g, State: state, Audit: Entry("rights.record", "right:"+g.RightID)}}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second seq 1: %v, want ErrConflict", err)
	}
	evs, _ := st.RightEvents(ctx, "C1")
	if len(evs) != 1 {
		t.Fatalf("%d events after the conflict", len(evs))
	}
}

func testRightsVerify(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("C1", "甲公司", rights.Mining, 76.7, 39.5, 0.01)
	g.Seq = 1
	state, _ := rights.Apply(nil, g)
	sawOwnWrite := false
	err := st.AppendRightChanges(ctx, []store.RightChange{{Event: g, State: state, Audit: Entry("rights.record", "right:"+g.RightID)}}, func(ctx context.Context, r store.RightsReader) error {
		_, err := r.Right(ctx, "C1")
		sawOwnWrite = err == nil
		return errors.New("refused by verify")
	})
	if err == nil || !sawOwnWrite {
		t.Fatalf("verify: err %v, saw its own write %v", err, sawOwnWrite)
	}
	if _, err := st.Right(ctx, "C1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused change was stored: %v", err)
	}
}

func testRightsAsOf(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("T1", "甲公司", rights.Exploration, 76.7, 39.5, 0.01)
	g.Change.Right.ValidTo = rights.D(2023, 3, 1)
	record(t, st, g)
	record(t, st, rights.Event{RightID: "T1", Type: rights.Extend, Date: rights.D(2023, 1, 10), Reason: "延续", Change: rights.Change{ValidTo: rights.D(2026, 3, 1)}})
	record(t, st, rights.Event{RightID: "T1", Type: rights.Transfer, Date: rights.D(2024, 5, 1), Reason: "转让", Change: rights.Change{Holder: &rights.Holder{Name: "乙公司"}}})
	at := func(d rights.Date) []rights.Right {
		rs, _, err := st.Rights(ctx, store.RightFilter{AsOf: &d})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	if rs := at(rights.D(2021, 1, 1)); len(rs) != 0 {
		t.Errorf("before the grant: %d rights", len(rs))
	}
	if rs := at(rights.D(2022, 12, 31)); len(rs) != 1 || rs[0].ValidTo != rights.D(2023, 3, 1) || rs[0].Holder.Name != "甲公司" {
		t.Errorf("before the extension: %+v", rs)
	}
	if rs := at(rights.D(2024, 1, 1)); rs[0].ValidTo != rights.D(2026, 3, 1) || rs[0].Holder.Name != "甲公司" {
		t.Errorf("after the extension: valid to %s, holder %s", rs[0].ValidTo, rs[0].Holder.Name)
	}
	if rs := at(rights.D(2024, 6, 1)); rs[0].Holder.Name != "乙公司" || rs[0].Status != rights.Valid {
		t.Errorf("after the transfer: %+v", rs[0])
	}
}

func testRightsFilters(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := GrantEvent("C1", "甲公司", rights.Mining, 76.70, 39.50, 0.01)
	b := GrantEvent("T2", "乙公司", rights.Exploration, 77.50, 38.00, 0.01)
	b.Change.Right.County, b.Change.Right.MainMineral = "叶城县", "铁矿"
	c3 := GrantEvent("C3", "丙公司", rights.Mining, 76.80, 39.50, 0.01)
	record(t, st, a, b, c3, rights.Event{RightID: "C3", Type: rights.Cancel, Date: rights.D(2022, 1, 1), Actor: "测试", Reason: "注销", DocRef: "注销通知"})
	cases := []struct {
		f     store.RightFilter
		want  string
		total int // matches before paging, when not len(want)
	}{
		{f: store.RightFilter{}, want: "C1 C3 T2"},
		{f: store.RightFilter{Live: true}, want: "C1 T2"},
		{f: store.RightFilter{Live: true, Kind: rights.Mining, Limit: 1}, want: "C1"},
		{f: store.RightFilter{Minerals: []string{"铁矿", "铜矿"}, Live: true}, want: "C1 T2"},
		{f: store.RightFilter{Minerals: []string{"铜矿"}}, want: "C1 C3"},
		{f: store.RightFilter{Minerals: []string{}}, want: ""},
		{f: store.RightFilter{Limit: 1, Offset: 1}, want: "C3", total: 3},
		{f: store.RightFilter{Offset: 2}, want: "T2", total: 3},
		{f: store.RightFilter{Live: true, BBox: &geo.BBox{MinLon: 76, MinLat: 39, MaxLon: 77, MaxLat: 40}, Limit: 1}, want: "C1"},
		{f: store.RightFilter{Kind: rights.Exploration}, want: "T2"},
		{f: store.RightFilter{County: "伽师县", Live: true}, want: "C1"},
		{f: store.RightFilter{Mineral: "铁矿"}, want: "T2"},
		{f: store.RightFilter{Holder: "甲公司"}, want: "C1"},
		{f: store.RightFilter{Status: rights.Producing}, want: "C1"},
		{f: store.RightFilter{BBox: &geo.BBox{MinLon: 77.4, MinLat: 37.9, MaxLon: 77.6, MaxLat: 38.1}}, want: "T2"},
	}
	for _, c := range cases {
		rs, total, err := st.Rights(ctx, c.f)
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		want := c.total
		if want == 0 && c.want != "" {
			want = len(strings.Fields(c.want))
		}
		if err != nil || strings.Join(ids, " ") != c.want || total != want {
			t.Errorf("%+v: %v (total %d) %v, want %s (total %d)", c.f, ids, total, err, c.want, want)
		}
	}
}

// testRightsSearch: the map's search (Search) read through the state
// history as of a day, with the holder's jurisdiction (CreditCode), with
// cursor paging and its count, and with holders' names holding LIKE's
// wildcards and Latin letters; the register's own cases are in
// testRightsKeyset.
func testRightsSearch(t *testing.T, st store.Store) {
	ctx := context.Background()
	mk := func(id, licence, holder, code string, lon float64) rights.Event {
		g := GrantEvent(id, holder, rights.Mining, lon, 39.5, 0.01)
		g.Change.Right.LicenceNumber, g.Change.Right.Holder.CreditCode = licence, creditCode(t, code)
		return g
	}
	record(t, st,
		mk("S1", "C6531002021037130001", "喀什甲矿业有限公司", "91653100MA7ABCDE1", 76.70),
		mk("S2", "C6531002022047130002", "叶城乙矿业_有限公司", "91653126MA7FGHJK2", 76.72),
		mk("S3", "T6531282019107130003", "Kashgar Mining 100% Co", "91653128MA7KLMNP3", 76.74),
		rights.Event{RightID: "S1", Type: rights.Transfer, Date: rights.D(2023, 5, 1), Actor: "测试", Reason: "转让", DocRef: "转让文号",
			Change: rights.Change{Holder: &rights.Holder{Name: "丙公司", CreditCode: creditCode(t, "91653100MA7PQRTU4")}}})
	day := rights.D(2022, 1, 1)
	cases := []struct {
		f     store.RightFilter
		want  string
		total int
	}{
		{f: store.RightFilter{Search: "C65310020"}, want: "S1 S2"},
		{f: store.RightFilter{Search: "c653100"}, want: "S1 S2"},
		{f: store.RightFilter{Search: "7130003"}, want: ""}, // a licence number's middle
		{f: store.RightFilter{Search: "kashgar"}, want: "S3"},
		{f: store.RightFilter{Search: "MINING"}, want: "S3"},
		{f: store.RightFilter{Search: "乙矿业"}, want: "S2"},
		{f: store.RightFilter{Search: "丙公司"}, want: "S1"}, // the current holder
		{f: store.RightFilter{Search: "甲矿业"}, want: ""},
		{f: store.RightFilter{Search: "甲矿业", AsOf: &day}, want: "S1"}, // the holder as of that day
		{f: store.RightFilter{Search: "丙公司", AsOf: &day}, want: ""},
		{f: store.RightFilter{Search: "_"}, want: "S2"}, // a name holding LIKE's wildcard
		{f: store.RightFilter{Search: "100%"}, want: "S3"},
		{f: store.RightFilter{Search: "91653126"}, want: ""}, // a credit code, not asked for
		{f: store.RightFilter{Search: "91653126", SearchCodes: true}, want: "S2"},
		{f: store.RightFilter{Search: "9165", SearchCodes: true, CreditCode: creditCode(t, "91653128MA7KLMNP3")}, want: "S3"},
		{f: store.RightFilter{Search: "9165", SearchCodes: true, Limit: 2}, want: "S1 S2", total: 3},
		{f: store.RightFilter{Search: "9165", SearchCodes: true, After: "S1", Limit: 1}, want: "S2", total: 3},
		{f: store.RightFilter{Search: "9165", SearchCodes: true, Kind: rights.Mining, Limit: 10}, want: "S1 S2 S3"},
	}
	for _, c := range cases {
		rs, total, err := st.Rights(ctx, c.f)
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
		}
		want := c.total
		if want == 0 && c.want != "" {
			want = len(strings.Fields(c.want))
		}
		if err != nil || strings.Join(got, " ") != c.want || total != want {
			t.Errorf("%+v: %v (total %d) %v, want %q (total %d)", c.f, got, total, err, c.want, want)
		}
	}
}

// creditCode completes 17 characters with their check character.
func creditCode(t *testing.T, first17 string) string {
	t.Helper()
	c, err := rights.CreditCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}
