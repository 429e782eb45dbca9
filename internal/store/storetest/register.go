package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// The register's queries: keyset pages and counts, exact boxes, statuses
// on a day, as-of reads from the state history and totals, each checked
// against the same computation done in Go on the whole register.

func registerTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"RightsKeysetPagesAndCounts", testRightsKeyset},
		{"RightsExactBox", testRightsExactBox},
		{"RightsStatusOnDay", testRightsStatusOn},
		{"RightsAsOfMatchesReplay", testRightsAsOfReplay},
		{"RightsTotalsMatchMemory", testRightsTotals},
		{"LayerFeaturePages", testLayerFeaturePages},
	}
}

var registerCounties = []string{"伽师县", "叶城县", "莎车县"}
var registerMinerals = []string{"铜矿", "铁矿", "金矿"}

// Register is a deterministic register of n rights on a grid (no two
// overlap) with histories: extensions, transfers, suspensions, scale
// changes, cancellations, and some events dated before earlier ones.
// It returns the events in recording order, with sequence numbers.
func Register(n int) []rights.Event {
	var out []rights.Event
	day := func(base rights.Date, days int) rights.Date { return rights.Date{Time: base.AddDate(0, 0, days)} }
	for i := range n {
		id := fmt.Sprintf("R%04d", i)
		kind := rights.Mining
		if i%3 == 0 {
			kind = rights.Exploration
		}
		lon, lat := 75.0+float64(i%20)*0.02, 38.0+float64(i/20)*0.02
		g := GrantEvent(id, fmt.Sprintf("公司%d", i%7), kind, lon, lat, 0.01)
		from := day(rights.D(2019, 1, 1), i*17)
		g.Date = from
		r := g.Change.Right
		r.ValidFrom, r.County, r.MainMineral = from, registerCounties[i%3], registerMinerals[(i/3)%3]
		// Licence numbers in the national form (kind letter, 65 for
		// Xinjiang, year, serial), but not on every fifth right (an old
		// record without one; sorting then has ties), and a credit code
		// for every holder.
		if i%5 != 4 {
			r.LicenceNumber = fmt.Sprintf("%s65%04d%015d", map[rights.Kind]string{rights.Mining: "C", rights.Exploration: "T"}[kind], from.Year(), i)
		}
		first17 := fmt.Sprintf("91653100MA%07d", 100+i%7)
		check, err := rights.CreditCheckChar(first17)
		if err != nil {
			panic(err) // the fixture's own codes are well formed
		}
		r.Holder.CreditCode = first17 + string(check)
		if kind == rights.Exploration {
			r.ValidTo = day(from, 700)
		} else {
			r.ValidTo = day(from, 3650)
			if i%2 == 0 {
				r.Status = rights.UnderConstruction
			}
			unit := []string{"万吨/年", "吨/年"}[i%2]
			r.DesignScale = &rights.Scale{Value: 0.1*float64(i%7+1) + 1.0/3, Unit: unit}
		}
		evs := []rights.Event{g}
		next := func(t rights.EventType, days int, c rights.Change) {
			evs = append(evs, rights.Event{RightID: id, Type: t, Date: day(from, days), Actor: "测试", Reason: string(t), DocRef: "文号", Change: c})
		}
		switch {
		case kind == rights.Exploration && i%2 == 0:
			next(rights.Extend, 300, rights.Change{ValidTo: day(from, 1500)})
			next(rights.Transfer, 200, rights.Change{Holder: &rights.Holder{Name: "受让公司"}}) // dated before the extension
		case kind == rights.Exploration && i%5 == 1:
			next(rights.Cancel, 400, rights.Change{})
		case kind == rights.Mining && i%4 == 1:
			next(rights.Suspend, 100, rights.Change{})
			next(rights.Resume, 500, rights.Change{})
		case kind == rights.Mining && i%4 == 2:
			next(rights.ChangeScale, 250, rights.Change{DesignScale: &rights.Scale{Value: 2.5, Unit: "万吨/年"}, ScaleClass: "small"})
		case kind == rights.Mining:
			next(rights.Cancel, 800, rights.Change{})
		}
		for k := range evs {
			evs[k].Seq = k + 1
			evs[k].RecordedAt = now.Add(time.Duration(i*10+k) * time.Second)
		}
		out = append(out, evs...)
	}
	return out
}

// loadRegister stores Register(n) and returns every right's events by ID.
func LoadRegister(t *testing.T, st store.RightsStore, n int) map[string][]rights.Event {
	t.Helper()
	evs := Register(n)
	byID := map[string][]rights.Event{}
	states := map[string]*rights.Right{}
	var changes []store.RightChange
	for _, ev := range evs {
		next, err := rights.Apply(states[ev.RightID], ev)
		if err != nil {
			t.Fatalf("fixture %s/%d: %v", ev.RightID, ev.Seq, err)
		}
		states[ev.RightID] = &next
		byID[ev.RightID] = append(byID[ev.RightID], ev)
		changes = append(changes, store.RightChange{Event: ev, State: next, Audit: Entry("rights.import", "right:"+ev.RightID)})
	}
	if err := st.AppendRightChanges(context.Background(), changes, nil); err != nil {
		t.Fatal(err)
	}
	return byID
}

func ids(rs []rights.Right) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

// pageAll reads every page of a filter by cursor and checks each count.
func pageAll(t *testing.T, st store.RightsReader, f store.RightFilter, limit, wantTotal int) []rights.Right {
	t.Helper()
	var out []rights.Right
	f.Limit = limit
	for range 1000 {
		page, total, err := st.Rights(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if total != wantTotal {
			t.Fatalf("%+v: numberMatched %d, want %d", f, total, wantTotal)
		}
		out = append(out, page...)
		if len(page) < limit {
			return out
		}
		f.After = page[len(page)-1].ID
	}
	t.Fatal("paging does not end")
	return nil
}

// want filters and orders the rights as the store should.
func want(rs []rights.Right, keep func(rights.Right) bool) []rights.Right {
	var out []rights.Right
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b rights.Right) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func current(t testing.TB, byID map[string][]rights.Event, on *rights.Date) []rights.Right {
	t.Helper()
	var out []rights.Right
	for _, evs := range byID {
		r, _, err := rights.Replay(evs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if on != nil {
			r.Status = r.StatusOn(*on)
		}
		out = append(out, r)
	}
	return out
}

func testRightsKeyset(t *testing.T, st store.Store) {
	byID := LoadRegister(t, st, 57)
	all := current(t, byID, nil)
	// A holder's credit code and a (kind, mineral) pair the fixture has, for
	// the jurisdiction filters (a holder account, a county clerk's grants).
	code, first := "", all[0]
	for _, r := range all {
		if r.Holder.CreditCode != "" {
			code = r.Holder.CreditCode
			break
		}
	}
	grants := map[rights.Kind][]string{first.Kind: {first.MainMineral, "没有的矿种"}}
	licence := ""
	for _, r := range all {
		if len(r.LicenceNumber) >= 6 {
			licence = r.LicenceNumber[:6]
			break
		}
	}
	if licence == "" || code == "" {
		t.Fatal("the fixture has no licence number or credit code")
	}
	cases := []struct {
		f    store.RightFilter
		keep func(rights.Right) bool
	}{
		{store.RightFilter{}, func(rights.Right) bool { return true }},
		{store.RightFilter{CreditCode: code}, func(r rights.Right) bool { return r.Holder.CreditCode == code }},
		{store.RightFilter{KindMinerals: grants, County: first.County}, func(r rights.Right) bool {
			return r.Kind == first.Kind && r.MainMineral == first.MainMineral && r.County == first.County
		}},
		{store.RightFilter{Kind: rights.Mining, County: "叶城县"}, func(r rights.Right) bool { return r.Kind == rights.Mining && r.County == "叶城县" }},
		{store.RightFilter{Live: true, Mineral: "铁矿"}, func(r rights.Right) bool { return r.Status.Live() && r.MainMineral == "铁矿" }},
		{store.RightFilter{Holder: "受让公司"}, func(r rights.Right) bool { return r.Holder.Name == "受让公司" }},
		// The map's search: a licence number's start in either case, or a
		// part of the holder's name; the credit code only when asked.
		{store.RightFilter{Search: strings.ToLower(licence)}, func(r rights.Right) bool {
			return strings.HasPrefix(r.LicenceNumber, licence) || strings.Contains(strings.ToUpper(r.Holder.Name), licence)
		}},
		{store.RightFilter{Search: "让公"}, func(r rights.Right) bool {
			return strings.Contains(r.Holder.Name, "让公") || strings.HasPrefix(r.LicenceNumber, "让公")
		}},
		{store.RightFilter{Search: code[:10], SearchCodes: true, Live: true}, func(r rights.Right) bool {
			return r.Status.Live() && (strings.HasPrefix(r.Holder.CreditCode, code[:10]) || strings.HasPrefix(r.LicenceNumber, code[:10]) || strings.Contains(r.Holder.Name, code[:10]))
		}},
		{store.RightFilter{Status: rights.Cancelled, Kind: rights.Exploration}, func(r rights.Right) bool {
			return r.Status == rights.Cancelled && r.Kind == rights.Exploration
		}},
	}
	for _, c := range cases {
		w := want(all, c.keep)
		if len(w) == 0 {
			t.Fatalf("%+v: the fixture has no match", c.f)
		}
		for _, limit := range []int{1, 4, 10, 100} {
			if got := pageAll(t, st, c.f, limit, len(w)); ids(got) != ids(w) {
				t.Errorf("%+v by pages of %d:\n%s\nwant\n%s", c.f, limit, ids(got), ids(w))
			}
		}
		// Offset pages in SQL too, after the cursor.
		f := c.f
		f.After, f.Offset, f.Limit = w[0].ID, 1, 2
		page, total, err := st.Rights(context.Background(), f)
		end := min(4, len(w))
		if err != nil || total != len(w) || ids(page) != ids(w[min(2, len(w)):end]) {
			t.Errorf("%+v: %s (%d) %v, want %s", f, ids(page), total, err, ids(w[min(2, len(w)):end]))
		}
	}
	// A search's wildcards are text: "%" and "_" match only themselves, and
	// a credit code is not searched unless asked.
	for _, f := range []store.RightFilter{{Search: "%"}, {Search: "_"}, {Search: `\`}, {Search: code}} {
		page, total, err := st.Rights(context.Background(), f)
		if err != nil || total != 0 || len(page) != 0 {
			t.Errorf("search %q (codes %v): %d rights, total %d, %v; want none", f.Search, f.SearchCodes, len(page), total, err)
		}
	}
	// A cursor past the end: an empty page, the count unchanged.
	page, total, err := st.Rights(context.Background(), store.RightFilter{After: "R9999", Limit: 10})
	if err != nil || len(page) != 0 || total != len(all) {
		t.Errorf("past the end: %d rights, total %d, %v", len(page), total, err)
	}
}

// testRightsExactBox: boxes that miss a right by less than a float32 step
// (which the R*Tree and && round to) do not return it.
func testRightsExactBox(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("B1", "甲公司", rights.Mining, 76.1234567, 39.7654321, 0.0100001)
	record(t, st, g)
	b := g.Change.Geometry.Bounds()
	const tiny = 1e-7
	for _, c := range []struct {
		box  geo.BBox
		want int
	}{
		{geo.BBox{MinLon: b.MaxLon + tiny, MinLat: b.MinLat, MaxLon: b.MaxLon + 1, MaxLat: b.MaxLat}, 0},
		{geo.BBox{MinLon: b.MinLon - 1, MinLat: b.MinLat, MaxLon: b.MinLon - tiny, MaxLat: b.MaxLat}, 0},
		{geo.BBox{MinLon: b.MinLon, MinLat: b.MaxLat + tiny, MaxLon: b.MaxLon, MaxLat: b.MaxLat + 1}, 0},
		{geo.BBox{MinLon: b.MinLon, MinLat: b.MinLat - 1, MaxLon: b.MaxLon, MaxLat: b.MinLat - tiny}, 0},
		{geo.BBox{MinLon: b.MaxLon, MinLat: b.MaxLat, MaxLon: b.MaxLon + 1, MaxLat: b.MaxLat + 1}, 1}, // touching corner
	} {
		for _, limit := range []int{0, 1} {
			rs, total, err := st.Rights(ctx, store.RightFilter{BBox: &c.box, Limit: limit})
			if err != nil || len(rs) != c.want || total != c.want {
				t.Errorf("box %+v limit %d: %d rights, total %d, %v; want %d", c.box, limit, len(rs), total, err, c.want)
			}
		}
	}
	// Paged by box: the pages add up to the Go answer.
	byID := LoadRegister(t, st, 80)
	all := current(t, byID, nil)
	box := geo.BBox{MinLon: 75.05, MinLat: 38.01, MaxLon: 75.2, MaxLat: 38.05}
	w := want(all, func(r rights.Right) bool { return r.Geometry.Bounds().Intersects(box) })
	if got := pageAll(t, st, store.RightFilter{BBox: &box}, 3, len(w)); len(w) == 0 || ids(got) != ids(w) {
		t.Errorf("box pages: %s, want %s", ids(got), ids(w))
	}
}

func testRightsStatusOn(t *testing.T, st store.Store) {
	byID := LoadRegister(t, st, 57)
	for _, d := range []rights.Date{rights.D(2020, 6, 1), rights.D(2021, 6, 1), rights.D(2023, 1, 1), rights.D(2030, 1, 1)} {
		all := current(t, byID, &d)
		for _, s := range []rights.Status{"", rights.Expired, rights.Valid, rights.Producing} {
			w := want(all, func(r rights.Right) bool { return s == "" || r.Status == s })
			got := pageAll(t, st, store.RightFilter{On: &d, Status: s}, 7, len(w))
			if ids(got) != ids(w) {
				t.Errorf("on %s status %q: %s, want %s", d, s, ids(got), ids(w))
			}
			for i := range got {
				if got[i].Status != w[i].Status {
					t.Errorf("on %s: %s comes back %s, want %s", d, got[i].ID, got[i].Status, w[i].Status)
				}
			}
		}
	}
	d := rights.D(2030, 1, 1)
	if got := pageAll(t, st, store.RightFilter{On: &d, Status: rights.Expired}, 100, len(want(current(t, byID, &d), func(r rights.Right) bool { return r.Status == rights.Expired }))); len(got) == 0 {
		t.Error("the fixture has no right expired on 2030-01-01")
	}
}

// testRightsAsOfMatchesReplay compares the as-of reads with rights.Replay
// of each right's events, on many days, with filters and pages.
func testRightsAsOfReplay(t *testing.T, st store.Store) {
	byID := LoadRegister(t, st, 45)
	seen := map[string]bool{}
	for d := rights.D(2018, 12, 1); d.Before(rights.D(2026, 1, 1).Time); d = (rights.Date{Time: d.AddDate(0, 0, 37)}) {
		var all []rights.Right
		for _, evs := range byID {
			r, ok, err := rights.Replay(evs, &d)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				all = append(all, r)
			}
		}
		for _, c := range []struct {
			f    store.RightFilter
			keep func(rights.Right) bool
		}{
			{store.RightFilter{}, func(rights.Right) bool { return true }},
			{store.RightFilter{Status: rights.Expired}, func(r rights.Right) bool { return r.Status == rights.Expired }},
			{store.RightFilter{Holder: "受让公司"}, func(r rights.Right) bool { return r.Holder.Name == "受让公司" }},
			{store.RightFilter{Kind: rights.Mining, Live: true, County: "莎车县"}, func(r rights.Right) bool {
				return r.Kind == rights.Mining && r.Status.Live() && r.County == "莎车县"
			}},
		} {
			w := want(all, c.keep)
			f := c.f
			f.AsOf = &d
			got := pageAll(t, st, f, 6, len(w))
			if len(got) != len(w) {
				t.Fatalf("as of %s %+v: %s, want %s", d, c.f, ids(got), ids(w))
			}
			for i := range got {
				got[i].Geometry, w[i].Geometry = nil, nil
				if !reflect.DeepEqual(got[i], w[i]) {
					t.Errorf("as of %s: %s is\n%+v\nwant\n%+v", d, w[i].ID, got[i], w[i])
				}
				seen[fmt.Sprintf("%s %s", w[i].Status, w[i].Holder.Name)] = true
			}
		}
	}
	if !seen["valid 受让公司"] || !seen["expired 公司1"] || !seen["suspended 公司1"] {
		t.Errorf("the days did not cover the histories: %v", seen)
	}
}

// testRightsTotals: the store's totals equal review.Memory's on the same
// register, so a review re-run from memory gives the same caps figures.
func testRightsTotals(t *testing.T, st store.Store) {
	ctx := context.Background()
	byID := LoadRegister(t, st, 90)
	mem := review.NewMemory(current(t, byID, nil))
	for _, c := range []struct {
		kind     rights.Kind
		minerals []string
		from     int
	}{
		{rights.Mining, []string{"铜矿", "铁矿"}, 0},
		{rights.Mining, []string{"金矿"}, 2020},
		{rights.Exploration, registerMinerals, 2019},
		{rights.Mining, []string{}, 0},
	} {
		got, err := st.RightTotals(ctx, store.TotalsFilter{Kind: c.kind, Live: true, Minerals: c.minerals, FromYear: c.from})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := mem.LiveTotals(ctx, c.kind, c.minerals, c.from)
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%+v:\n%+v\nwant (memory)\n%+v", c, got, w)
		}
		if len(c.minerals) > 0 && len(w) == 0 {
			t.Errorf("%+v: the fixture has no match", c)
		}
	}
	// Whole kinds by status, as CountLive reads them.
	for _, k := range []rights.Kind{rights.Mining, rights.Exploration} {
		got, err := st.RightTotals(ctx, store.TotalsFilter{Kind: k, Live: true})
		n := 0
		for _, g := range got {
			if g.MainMineral != "" || g.Unit != "" || !g.Status.Live() {
				t.Errorf("%s by status: %+v", k, g)
			}
			n += g.Count
		}
		w, _ := mem.CountLive(ctx, k)
		if err != nil || n != w || w == 0 {
			t.Errorf("%s: %d live by the totals, %v; memory counts %d", k, n, err, w)
		}
	}
	// Every status, worked out here: counts and sums of millionths (the
	// scales are thirds, so per-addition rounding would show).
	got, err := st.RightTotals(ctx, store.TotalsFilter{Kind: rights.Mining, Minerals: []string{"铁矿"}})
	if err != nil {
		t.Fatal(err)
	}
	w := map[[3]string]rights.Total{}
	for _, r := range current(t, byID, nil) {
		if r.Kind != rights.Mining || r.MainMineral != "铁矿" {
			continue
		}
		k := [3]string{r.MainMineral, string(r.Status), ""}
		var micro int64
		if r.DesignScale != nil {
			k[2], micro = r.DesignScale.Unit, r.DesignScale.Micro()
		}
		tot := w[k]
		tot.MainMineral, tot.Status, tot.Unit = k[0], r.Status, k[2]
		tot.Count++
		tot.ScaleMicro += micro
		w[k] = tot
	}
	if len(got) != len(w) || len(w) < 3 {
		t.Fatalf("totals by status and unit: %+v, want %+v", got, w)
	}
	for _, g := range got {
		if w[[3]string{g.MainMineral, string(g.Status), g.Unit}] != g {
			t.Errorf("total %+v, want %+v", g, w[[3]string{g.MainMineral, string(g.Status), g.Unit}])
		}
	}
}

// CheckBackfill checks the backfill of migration 7: wipe empties the
// state history and the derived columns (as a register stored before
// that version has them), and Migrate must rebuild both so that every
// query answers as before.
func CheckBackfill(t *testing.T, st store.Store, wipe func() error) {
	ctx := context.Background()
	LoadRegister(t, st, 40)
	box := geo.BBox{MinLon: 75.05, MinLat: 38.01, MaxLon: 75.2, MaxLat: 38.05}
	d, on := rights.D(2021, 2, 3), rights.D(2022, 5, 6)
	answers := func() string {
		var b strings.Builder
		for _, f := range []store.RightFilter{{AsOf: &d}, {AsOf: &on, Status: rights.Expired}, {BBox: &box}, {On: &on, Status: rights.Valid}} {
			rs, n, err := st.Rights(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d: %s\n", n, ids(rs))
		}
		tot, err := st.RightTotals(ctx, store.TotalsFilter{Kind: rights.Mining, Live: true, Minerals: registerMinerals, FromYear: 2020})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v\n", tot)
		return b.String()
	}
	before := answers()
	if err := wipe(); err != nil {
		t.Fatal(err)
	}
	if wiped := answers(); wiped == before {
		t.Fatalf("the wipe changed nothing:\n%s", wiped)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if after := answers(); after != before {
		t.Errorf("after the backfill:\n%s\nwant\n%s", after, before)
	}
	// New events go on from the backfilled history.
	record(t, st, rights.Event{RightID: "R0001", Type: rights.Suspend, Date: rights.D(2024, 1, 1), Actor: "测试", Reason: "停产", DocRef: "通知"})
	late := rights.D(2024, 6, 1)
	if rs, _, err := st.Rights(ctx, store.RightFilter{AsOf: &late, Status: rights.Suspended, After: "R0000", Limit: 1}); err != nil || ids(rs) != "R0001" {
		t.Errorf("as of %s after a new event: %s %v", late, ids(rs), err)
	}
}

// testLayerFeaturePages: keyset pages of a layer, with and without a box,
// add up to the whole answer in ID order.
func testLayerFeaturePages(t *testing.T, st store.Store) {
	ctx := context.Background()
	fs := LayerFixture(60)
	if _, err := st.ImportLayer(ctx, store.Layer{Name: "pages", Kind: plan.LayerOther, Title: "t", Source: "s"}, fs, Entry("layers.import", "layer:pages")); err != nil {
		t.Fatal(err)
	}
	box := geo.BBox{MinLon: 75.12, MinLat: 38.1, MaxLon: 75.5, MaxLat: 38.4}
	for _, b := range []*geo.BBox{nil, &box} {
		var w []int64
		for _, f := range fs {
			if b == nil || f.Geometry.Bounds().Intersects(*b) {
				w = append(w, f.ID)
			}
		}
		for _, limit := range []int{1, 7, 100} {
			var got []int64
			q := store.FeatureQuery{BBox: b, Limit: limit}
			for range 100 {
				page, err := st.LayerFeatures(ctx, "pages", q)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range page {
					got = append(got, f.ID)
				}
				if len(page) < limit {
					break
				}
				q.After = page[len(page)-1].ID
			}
			if !slices.Equal(got, w) || len(w) == 0 || len(w) == len(fs) && b != nil {
				t.Errorf("box %v, pages of %d: %v, want %v", b, limit, got, w)
			}
		}
	}
}
