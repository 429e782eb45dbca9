package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/audit"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

// TestServeRunsJobsLeftFromBefore: a layer import queued while no server
// ran, and one left running by a worker that died, are both run to done by
// the next `mineplan serve` (its worker), from what the database holds.
func TestServeRunsJobsLeftFromBefore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	feature := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[76.9,39.6],[76.91,39.6],[76.91,39.61],[76.9,39.6]]]}}`
	var ids []int64
	for _, name := range []string{"queued_before", "running_before"} {
		j, err := app.QueueLayerImport(ctx, st, app.LayerUpload{FileName: name + ".geojsonl", Kind: plan.LayerOther, Data: []byte(feature + "\n")}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	// The first claim takes the oldest: claim both, give the first back
	// by failing it as a passing fault, so one is queued and one running
	// under a lease that has already ended (the worker "crashed").
	a, _ := st.ClaimJob(ctx, "crashed", time.Now().Add(-time.Hour), time.Minute)
	b, _ := st.ClaimJob(ctx, "crashed", time.Now().Add(-time.Hour), time.Minute)
	if _, err := st.FailJob(ctx, a.Claim(), "stopped", true, time.Now(), audit.Entry{Actor: "operator:test", Action: "layers.import"}); err != nil {
		t.Fatal(err)
	}
	if b.State != store.JobRunning {
		t.Fatalf("setup: %+v", b)
	}
	st.Close()

	startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: db, NoDemo: true})
	check, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range ids {
		for {
			j, err := check.Job(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State == store.JobDone {
				break
			}
			if j.State == store.JobFailed || time.Now().After(deadline) {
				t.Fatalf("job %d after the restart: %+v", id, j)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	ls, err := check.Layers(context.Background())
	if err != nil || len(ls) != 2 {
		t.Fatalf("layers after the restart: %+v, %v", ls, err)
	}
}
