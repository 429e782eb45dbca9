package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// The officer workspace's queries: the register sorted by a column with
// keyset pages, the audit log by object and the stored reviews' list.

func officerTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"RightsSortedKeyset", testRightsSorted},
		{"AuditByObject", testAuditByObject},
		{"ReviewsListed", testReviewsListed},
	}
}

// loadVaried stores Register(n) with licence numbers (some empty, in an
// order unlike the IDs') and declared areas with ties.
func loadVaried(t *testing.T, st store.RightsStore, n int) map[string][]rights.Event {
	t.Helper()
	evs := Register(n)
	for i := range evs {
		if evs[i].Type != rights.Grant {
			continue
		}
		k, _ := strconv.Atoi(strings.TrimPrefix(evs[i].RightID, "R"))
		r := *evs[i].Change.Right
		if k%4 != 0 {
			r.LicenceNumber = fmt.Sprintf("C6500002%06d", (k*37)%101)
		}
		r.DeclaredAreaKm2 = float64((k*7)%5) + 0.25
		evs[i].Change.Right = &r
	}
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

// sortedWant orders rights as a sorted filter should: by the column's
// value (byte order for text, numeric for the area), then by ID.
func sortedWant(rs []rights.Right, s store.RightSort, desc bool) []rights.Right {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b rights.Right) int {
		c := 0
		if s == store.SortArea {
			c = cmp.Compare(a.DeclaredAreaKm2, b.DeclaredAreaKm2)
		} else {
			c = strings.Compare(store.SortKey(a, s), store.SortKey(b, s))
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	return out
}

// pageSorted reads every page of a sorted filter by its cursor.
func pageSorted(t *testing.T, st store.RightsReader, f store.RightFilter, limit, wantTotal int) []rights.Right {
	t.Helper()
	var out []rights.Right
	f.Limit = limit
	for range 1000 {
		page, total, err := st.Rights(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if total != wantTotal {
			t.Fatalf("%s desc=%v: numberMatched %d, want %d", f.Sort, f.Desc, total, wantTotal)
		}
		out = append(out, page...)
		if len(page) < limit {
			return out
		}
		last := page[len(page)-1]
		f.After, f.AfterKey = last.ID, store.SortKey(last, f.Sort)
	}
	t.Fatal("paging does not end")
	return nil
}

// testRightsSorted: every sort column, both directions, with ties, by
// pages of several sizes, on the current register (statuses on a day),
// filtered, and as of a day, equals the same order computed in Go.
func testRightsSorted(t *testing.T, st store.Store) {
	byID := loadVaried(t, st, 61)
	day := rights.D(2022, 6, 1)
	onDay := current(t, byID, &day)
	var asOf []rights.Right
	for _, evs := range byID {
		r, ok, err := rights.Replay(evs, &day)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			asOf = append(asOf, r)
		}
	}
	// The fixture must give each column ties and distinct values, and
	// statuses that differ on the day from the stored ones.
	derived := 0
	for _, r := range current(t, byID, nil) {
		if r.StatusOn(day) != r.Status {
			derived++
		}
	}
	if derived == 0 {
		t.Fatal("the fixture has no right whose status on the day differs from its stored one")
	}
	cases := []struct {
		name string
		f    store.RightFilter
		all  []rights.Right
		keep func(rights.Right) bool
	}{
		{"on a day", store.RightFilter{On: &day}, onDay, func(rights.Right) bool { return true }},
		{"county", store.RightFilter{On: &day, County: "叶城县"}, onDay, func(r rights.Right) bool { return r.County == "叶城县" }},
		{"as of", store.RightFilter{AsOf: &day}, asOf, func(rights.Right) bool { return true }},
		{"stored", store.RightFilter{Kind: rights.Exploration}, current(t, byID, nil), func(r rights.Right) bool { return r.Kind == rights.Exploration }},
	}
	for _, c := range cases {
		var kept []rights.Right
		for _, r := range c.all {
			if c.keep(r) {
				kept = append(kept, r)
			}
		}
		for _, s := range store.RightSorts {
			values := map[string]int{}
			for _, r := range kept {
				values[store.SortKey(r, s)]++
			}
			if s != store.SortID && s != store.SortValidTo && (len(values) < 2 || len(values) == len(kept)) && c.name == "on a day" {
				t.Fatalf("sort %s: the fixture gives %d distinct values of %d rights: no ties or no order to check", s, len(values), len(kept))
			}
			for _, desc := range []bool{false, true} {
				w := sortedWant(kept, s, desc)
				for _, limit := range []int{1, 4, 9, 100} {
					f := c.f
					f.Sort, f.Desc = s, desc
					got := pageSorted(t, st, f, limit, len(w))
					if ids(got) != ids(w) {
						t.Errorf("%s sort %q desc=%v pages of %d:\n%s\nwant\n%s", c.name, s, desc, limit, ids(got), ids(w))
					}
				}
			}
		}
	}
	// A bad area cursor is an error, not a wrong page.
	if _, _, err := st.Rights(context.Background(), store.RightFilter{Sort: store.SortArea, After: "R0001", AfterKey: "x", Limit: 5}); err == nil {
		t.Error("an area cursor that is not a number was accepted")
	}
	if _, _, err := st.Rights(context.Background(), store.RightFilter{Sort: "nope", Limit: 5}); err == nil {
		t.Error("an unknown sort column was accepted")
	}
}

// testAuditByObject: the log filtered by an object returns exactly that
// object's entries, in order, by pages.
func testAuditByObject(t *testing.T, st store.Store) {
	ctx := context.Background()
	var es []audit.Entry
	for i := range 30 {
		es = append(es, Entry([]string{"rights.record", "rights.export", "review.create"}[i%3], fmt.Sprintf("right:R%d", i%4)))
	}
	es = append(es, Entry("rights.record", "right:R1x")) // a longer ID with the same prefix
	if _, err := st.AppendAudit(ctx, es...); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range es {
		if e.Object == "right:R1" {
			want = append(want, e.Action)
		}
	}
	var got []string
	var after int64
	for range 100 {
		page, err := st.AuditEntries(ctx, store.AuditFilter{Object: "right:R1", After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			if e.Object != "right:R1" {
				t.Fatalf("object filter returned %q", e.Object)
			}
			got = append(got, e.Action)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].Seq
	}
	if strings.Join(got, " ") != strings.Join(want, " ") || len(want) != 8 {
		t.Errorf("right:R1's entries %v, want %v", got, want)
	}
}

// testReviewsListed: the stored reviews' list, filtered and paged by the
// database, newest first, equals the same selection made in Go; times
// with and without fractions (whose text forms sort differently) and
// equal times order as they should.
func testReviewsListed(t *testing.T, st store.Store) {
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	type row struct {
		sr            store.StoredReview
		kind, mineral string
		right         string
	}
	var rows []row
	for i := range 40 {
		at := base.Add(time.Duration(i/3) * time.Hour) // three at each time
		if i%5 == 1 {
			at = at.Add(500 * time.Millisecond) // a fraction: "…:00.5Z"
		}
		if i%7 == 2 {
			at = at.Add(1230 * time.Microsecond) // "…:00.00123Z"
		}
		kind := []string{"exploration", "mining"}[i%2]
		mineral := []string{"铜矿", "金矿", "铁矿"}[i%3]
		right := ""
		findings := `[]`
		if i%4 == 0 {
			right = fmt.Sprintf("R%d", i%8)
			findings = fmt.Sprintf(`[{"rule":"no-overlap-rights","evidence":{"right":%q,"overlap_m2":12.5}},{"rule":"x","evidence":{"zone":"Z1"}}]`, right)
		}
		verdict := []string{"conforming", "nonconforming", "conditional"}[i%3]
		county := []string{"伽师县", "叶城县"}[i%2]
		code := ""
		if i%6 == 0 {
			code = "91653100MA7ABCDE1X"
		}
		report := fmt.Sprintf(`{"verdict":%q,"application":{"kind":%q,"mineral":%q,"county":%q},"findings":%s}`, verdict, kind, mineral, county, findings)
		sr := store.StoredReview{ID: fmt.Sprintf("RV%02d", (i*13)%40), PlanID: "p", PlanRevision: 1, Verdict: verdict, Input: []byte(`{}`), Report: []byte(report),
			CreatedAt: at, OwnerCounty: county, OwnerCreditCode: code, CreatedBy: "user:x"}
		if err := st.SaveReview(ctx, sr, Entry("review.create", "review:"+sr.ID)); err != nil {
			t.Fatal(err)
		}
		sr.CreatedAt = store.StoredTime(at)
		rows = append(rows, row{sr, kind, mineral, right})
	}
	cases := []struct {
		name string
		f    store.ReviewFilter
		keep func(row) bool
	}{
		{"all", store.ReviewFilter{}, func(row) bool { return true }},
		{"verdict", store.ReviewFilter{Verdict: "nonconforming"}, func(r row) bool { return r.sr.Verdict == "nonconforming" }},
		{"county", store.ReviewFilter{County: "叶城县"}, func(r row) bool { return r.sr.OwnerCounty == "叶城县" }},
		{"holder", store.ReviewFilter{CreditCode: "91653100MA7ABCDE1X"}, func(r row) bool { return r.sr.OwnerCreditCode == "91653100MA7ABCDE1X" }},
		{"grants", store.ReviewFilter{County: "伽师县", KindMinerals: map[rights.Kind][]string{rights.Exploration: {"铜矿", "铁矿"}}}, func(r row) bool {
			return r.sr.OwnerCounty == "伽师县" && r.kind == "exploration" && (r.mineral == "铜矿" || r.mineral == "铁矿")
		}},
		{"no grants", store.ReviewFilter{KindMinerals: map[rights.Kind][]string{}}, func(row) bool { return false }},
		{"right", store.ReviewFilter{Right: "R4"}, func(r row) bool { return r.right == "R4" }},
		{"dates", store.ReviewFilter{From: base.Add(2 * time.Hour), Until: base.Add(7*time.Hour + 500*time.Millisecond)}, func(r row) bool {
			return !r.sr.CreatedAt.Before(base.Add(2*time.Hour)) && r.sr.CreatedAt.Before(base.Add(7*time.Hour+500*time.Millisecond))
		}},
	}
	for _, c := range cases {
		var w []store.StoredReview
		for _, r := range rows {
			if c.keep(r) {
				w = append(w, r.sr)
			}
		}
		slices.SortFunc(w, func(a, b store.StoredReview) int {
			if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		if len(w) == 0 && c.name != "no grants" {
			t.Fatalf("%s: the fixture has no match", c.name)
		}
		for _, limit := range []int{1, 3, 100} {
			f := c.f
			f.Limit = limit
			var got []store.StoredReview
			for range 100 {
				page, total, err := st.Reviews(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(w) {
					t.Fatalf("%s: matched %d, want %d", c.name, total, len(w))
				}
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				f.AfterAt, f.AfterID = page[len(page)-1].CreatedAt, page[len(page)-1].ID
			}
			var gi, wi []string
			for _, r := range got {
				gi = append(gi, r.ID)
			}
			for _, r := range w {
				wi = append(wi, r.ID)
			}
			if strings.Join(gi, " ") != strings.Join(wi, " ") {
				t.Errorf("%s by pages of %d:\n%v\nwant\n%v", c.name, limit, gi, wi)
			}
			for i := range got {
				if i < len(w) && (!got[i].CreatedAt.Equal(w[i].CreatedAt) || string(got[i].Report) != string(w[i].Report) || got[i].OwnerCounty != w[i].OwnerCounty) {
					t.Errorf("%s: %s read back %+v", c.name, got[i].ID, got[i])
				}
			}
		}
	}
}
