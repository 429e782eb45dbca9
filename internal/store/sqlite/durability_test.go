package sqlite

// The cost of synchronous=FULL, measured against NORMAL in the same run:
//
//	go test -run '^$' -bench Durability -benchtime 3x ./internal/store/sqlite/
//
// docs/scaling.md reports the figures.

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
)

// TestSynchronousFull: every connection Open hands out syncs on commit.
func TestSynchronousFull(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Hold several connections at once so the pool opens more than one.
	var conns []interface{ Close() error }
	for i := 0; i < 3; i++ {
		c, err := db.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode, journal string
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if mode != "2" || journal != "wal" { // 2 is FULL
			t.Errorf("connection %d: synchronous %s, journal %s; want 2 (FULL) and wal", i+1, mode, journal)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if _, err := open(filepath.Join(t.TempDir(), "x.db"), "OFF"); err == nil {
		t.Error("open with synchronous OFF succeeded")
	}
}

// grantChange is one right granted: a small square at the i-th place of a
// grid over Kashgar, so no two overlap.
func grantChange(i int) (store.RightChange, error) {
	lon, lat := 74+float64(i%200)*0.02, 36+float64(i/200)*0.02
	id := fmt.Sprintf("B%06d", i+1)
	g := geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + 0.01, MaxLat: lat + 0.01})}
	ev := rights.Event{RightID: id, Seq: 1, Type: rights.Grant, Date: rights.D(2021, 3, 1), Actor: "基准测试", Reason: "新立", DocRef: "基准",
		RecordedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Change: rights.Change{Geometry: g, Right: &rights.Right{
			Kind: rights.Mining, Name: id + "矿", Holder: rights.Holder{Name: "基准公司"}, MainMineral: "铜矿", County: "伽师县",
			ValidFrom: rights.D(2021, 3, 1), ValidTo: rights.D(2031, 3, 1), DeclaredAreaKm2: 1, Status: rights.Producing,
		}}}
	st, err := rights.Apply(nil, ev)
	return store.RightChange{Event: ev, State: st, Audit: storetest.Entry("rights.record", "right:"+ev.RightID)}, err
}

func changes(b *testing.B, from, n int) []store.RightChange {
	b.Helper()
	out := make([]store.RightChange, n)
	for i := range out {
		c, err := grantChange(from + i)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = c
	}
	return out
}

// BenchmarkDurability runs the same writes with synchronous NORMAL and
// FULL: 1 000 grants of one right each in its own transaction (one op is
// the 1 000), and one transaction of 10 000 grants (a register import).
func BenchmarkDurability(b *testing.B) {
	ctx := context.Background()
	for _, work := range []struct {
		name string
		txs  int // transactions per op
		rows int // rights per transaction
	}{{"1000x1right", 1000, 1}, {"1x10000rights", 1, 10000}} {
		for _, mode := range []string{syncNormal, syncFull} {
			b.Run(work.name+"/"+mode, func(b *testing.B) {
				db, err := open(filepath.Join(b.TempDir(), "bench.db"), mode)
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				perOp := work.txs * work.rows
				all := changes(b, 0, perOp*b.N)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for t := 0; t < work.txs; t++ {
						start := i*perOp + t*work.rows
						if err := db.AppendRightChanges(ctx, all[start:start+work.rows], nil); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(work.txs*b.N)/b.Elapsed().Seconds(), "commits/s")
			})
		}
	}
}
