package illustrative_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/illustrative"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

// TestDemoRegisterMatchesTables loads the illustrative register and checks
// it against the bundle's own 专栏4 and 专栏5 and the status split quoted
// from 一㈢3, not against numbers written here.
func TestDemoRegisterMatchesTables(t *testing.T) {
	p := kashgar(t)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := testutil.Context()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := app.LoadDemoRegister(ctx, db, p, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	all, total, err := db.Rights(ctx, store.RightFilter{})
	if err != nil || total != n {
		t.Fatalf("%d rights listed, %d loaded: %v", total, n, err)
	}
	type agg struct {
		count int
		area  float64
	}
	got := map[rights.Kind]map[string]agg{rights.Exploration: {}, rights.Mining: {}}
	statuses := map[rights.Status]int{}
	for _, r := range all {
		a := got[r.Kind][r.MainMineral]
		a.count++
		a.area += r.DeclaredAreaKm2
		got[r.Kind][r.MainMineral] = a
		if !r.Illustrative {
			t.Errorf("%s is not marked illustrative", r.ID)
		}
		if r.LicenceFlag != "" {
			t.Errorf("%s: licence number flagged: %s", r.ID, r.LicenceFlag)
		}
		if math.Abs(r.GKM2-r.DeclaredAreaKm2*1e6)/(r.DeclaredAreaKm2*1e6) > 1e-4 {
			t.Errorf("%s: GK area %.1f m² for a declared %.2f km²", r.ID, r.GKM2, r.DeclaredAreaKm2)
		}
		if r.Kind == rights.Mining {
			statuses[r.StatusOn(illustrative.RegisterAsOf)]++
		}
	}
	for kind, id := range map[rights.Kind]string{rights.Exploration: "专栏4", rights.Mining: "专栏5"} {
		tb := p.Table(id)
		for _, row := range tb.Rows {
			m := row.Cells["mineral"].Text
			wantCount, _ := row.Cells["rights"].Figure.Value.Float64()
			wantArea, _ := row.Cells["area"].Figure.Value.Float64()
			g := got[kind][m]
			if g.count != int(wantCount) || math.Abs(g.area-wantArea) > 0.1 {
				t.Errorf("%s %s: %d rights, %.2f km²; the table says %v and %v", id, m, g.count, g.area, wantCount, wantArea)
			}
			delete(got[kind], m)
		}
		if len(got[kind]) != 0 {
			t.Errorf("%s: minerals not in the table: %v", id, got[kind])
		}
	}
	var quote string
	for _, s := range p.Statements {
		if s.ID == "zl05-status" {
			quote = s.Quote
		}
	}
	for st, word := range map[rights.Status]string{rights.Producing: "生产", rights.UnderConstruction: "筹建", rights.Suspended: "停产"} {
		if !strings.Contains(quote, word+itoa(statuses[st])) {
			t.Errorf("%d %s mining rights; 一㈢3 says %q", statuses[st], st, quote)
		}
	}
	// A second load is refused and changes nothing.
	if _, err := app.LoadDemoRegister(ctx, db, p, time.Now()); err == nil {
		t.Error("the demo loaded twice")
	}
}

func itoa(n int) string {
	s := ""
	for n > 0 || s == "" {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
