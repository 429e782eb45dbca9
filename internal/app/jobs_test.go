package app_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

// jobBackends runs fn on a fresh migrated store of each backend (PostGIS
// when MINEPLAN_TEST_POSTGRES is set).
func jobBackends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "j.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
	t.Run("postgis", func(t *testing.T) {
		db, err := postgis.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db)
	})
}

// squares is a GeoJSON layer of n small squares near Kashgar.
func squares(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		x, y := 75+float64(i%40)*0.01, 39+float64(i/40)*0.01
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"id":%d,"name":"区%d"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			i+1, i+1, x, y, x+0.005, y, x+0.005, y+0.005, x, y+0.005, x, y)
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}

// progressLog records every progress report a worker writes.
type progressLog struct {
	app.JobStores
	mu  sync.Mutex
	got []store.JobProgress
}

func (p *progressLog) ReportJob(ctx context.Context, c store.JobClaim, pr store.JobProgress, now, until time.Time) error {
	p.mu.Lock()
	p.got = append(p.got, pr)
	p.mu.Unlock()
	return p.JobStores.ReportJob(ctx, c, pr, now, until)
}

var jobClock = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func TestLayerJobRunsToDone(t *testing.T) {
	jobBackends(t, func(t *testing.T, st store.Store) {
		ctx := testutil.Context()
		j, err := app.QueueLayerImport(ctx, st, app.LayerUpload{FileName: "保护区.geojson", Name: "reserves", Title: "自然保护区", Kind: plan.LayerProtectedArea, Data: squares(1000)}, jobClock)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != store.JobQueued {
			t.Fatalf("queued %+v", j)
		}
		log := &progressLog{JobStores: st}
		w := &app.Worker{Store: log, Name: "w", Now: func() time.Time { return jobClock }, ProgressEvery: -1}
		ran, err := w.RunOnce(ctx)
		if err != nil || !ran {
			t.Fatalf("RunOnce: %v, %v", ran, err)
		}
		got, err := st.Job(ctx, j.ID)
		if err != nil || got.State != store.JobDone || got.Result != "reserves" || got.Done != 1000 || got.Total != 1000 || got.Stage != app.StageStoring {
			t.Fatalf("job after the run: %+v, %v", got, err)
		}
		ls, err := st.Layers(ctx)
		if err != nil || len(ls) != 1 || ls[0].Name != "reserves" || ls[0].Features != 1000 || ls[0].Kind != plan.LayerProtectedArea || ls[0].Source != "保护区.geojson" {
			t.Fatalf("layers: %+v, %v", ls, err)
		}
		// Progress: stages in order, the count never falls, and it rose
		// through validation.
		stages := map[string]int{app.StageReading: 0, app.StageValidating: 1, app.StageStoring: 2}
		last, lastDone, rises := -1, int64(-1), 0
		for _, p := range log.got {
			s := stages[p.Stage]
			if s < last || (s == last && p.Done < lastDone) {
				t.Fatalf("progress went back: %+v", log.got)
			}
			if p.Stage == app.StageValidating && s == last && p.Done > lastDone {
				rises++
			}
			last, lastDone = s, p.Done
		}
		if rises < 4 {
			t.Errorf("validation's progress rose %d times in 1000 features: %+v", rises, log.got)
		}
		if len(log.got) < 2 || log.got[len(log.got)-1].Stage != app.StageStoring {
			t.Fatalf("progress reports %+v", log.got)
		}
		// The audit log: the queue (the tests' actor), the layer (the
		// actor who queued it) and the job's end (the worker).
		es, err := st.AuditEntries(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, e := range es {
			seen = append(seen, e.Actor+" "+e.Action+" "+e.Object)
		}
		want := []string{
			testutil.Actor.String() + " layers.import " + store.JobObject(j.ID),
			testutil.Actor.String() + " layers.import layer:reserves",
			"system:jobs layers.import " + store.JobObject(j.ID),
		}
		if strings.Join(seen, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
		}
		if v, err := storetest.VerifyAudit(ctx, st, ""); err != nil {
			t.Fatalf("audit log does not verify: %+v, %v", v, err)
		}
		if ran, err := w.RunOnce(ctx); ran || err != nil {
			t.Fatalf("a second RunOnce ran %v, %v", ran, err)
		}
	})
}

// TestCorruptLayerJobFails: a bad line or vertex fails the job with a
// message naming it; nothing is stored, and it is not tried again.
func TestCorruptLayerJobFails(t *testing.T) {
	good := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[75,39],[75.1,39],[75.1,39.1],[75,39]]]}}`
	bow := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[75,39],[75.1,39.1],[75.1,39],[75,39.1],[75,39]]]}}`
	cases := []struct {
		file, data string
		want       []string
	}{
		{"bad.geojsonl", good + "\n" + good + "\n" + `{"type":"Feature",,}` + "\n", []string{"bad.geojsonl", "第 3 行", "line 3"}},
		{"bow.geojson", `{"type":"FeatureCollection","features":[` + good + ",\n" + bow + "]}", []string{"bow.geojson", "feature 2", "vertex 3"}},
		{"pts.txt", "1,75,39\n2,75.1,39\nx,y\n", []string{"line 3"}},
	}
	jobBackends(t, func(t *testing.T, st store.Store) {
		ctx := testutil.Context()
		w := &app.Worker{Store: st, Name: "w", Now: func() time.Time { return jobClock }}
		for _, c := range cases {
			j, err := app.QueueLayerImport(ctx, st, app.LayerUpload{FileName: c.file, Kind: plan.LayerOther, Data: []byte(c.data)}, jobClock)
			if err != nil {
				t.Fatal(err)
			}
			if ran, err := w.RunOnce(ctx); !ran || err != nil {
				t.Fatalf("%s: RunOnce %v, %v", c.file, ran, err)
			}
			got, _ := st.Job(ctx, j.ID)
			if got.State != store.JobFailed || got.Attempts != 1 {
				t.Fatalf("%s: %+v", c.file, got)
			}
			for _, w := range c.want {
				if !strings.Contains(got.Error, w) {
					t.Errorf("%s: error %q does not name %q", c.file, got.Error, w)
				}
			}
			if strings.Contains(got.Error, "mineplan-job-") {
				t.Errorf("%s: the error names the worker's temporary file: %q", c.file, got.Error)
			}
		}
		if ls, _ := st.Layers(ctx); len(ls) != 0 {
			t.Fatalf("failed jobs stored %+v", ls)
		}
		if ran, err := w.RunOnce(ctx); ran || err != nil {
			t.Fatalf("a failed job ran again: %v, %v", ran, err)
		}
	})
}

// TestCrashedWorkersJobIsResumed: a job claimed by a worker that then
// died is taken by the next worker once the lease ends, and runs to done;
// one that died on every attempt is failed, not run forever.
func TestCrashedWorkersJobIsResumed(t *testing.T) {
	jobBackends(t, func(t *testing.T, st store.Store) {
		ctx := testutil.Context()
		j, err := app.QueueLayerImport(ctx, st, app.LayerUpload{FileName: "a.geojson", Kind: plan.LayerRedLine, Data: squares(3)}, jobClock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimJob(ctx, "crashed", jobClock, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		early := &app.Worker{Store: st, Name: "early", Now: func() time.Time { return jobClock.Add(10 * time.Second) }}
		if ran, err := early.RunOnce(ctx); ran || err != nil {
			t.Fatalf("a job under a live lease was run: %v, %v", ran, err)
		}
		next := &app.Worker{Store: st, Name: "next", Now: func() time.Time { return jobClock.Add(31 * time.Second) }}
		if ran, err := next.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("RunOnce after the lease: %v, %v", ran, err)
		}
		got, _ := st.Job(ctx, j.ID)
		if got.State != store.JobDone || got.Attempts != 2 {
			t.Fatalf("resumed job: %+v", got)
		}
		if ls, _ := st.Layers(ctx); len(ls) != 1 || ls[0].Name != "a" || ls[0].Features != 3 {
			t.Fatalf("layers %+v", ls)
		}

		k, err := app.QueueLayerImport(ctx, st, app.LayerUpload{FileName: "b.geojson", Kind: plan.LayerOther, Data: squares(2)}, jobClock)
		if err != nil {
			t.Fatal(err)
		}
		at := jobClock
		for i := 0; i < store.DefaultMaxAttempts; i++ {
			at = at.Add(time.Minute)
			if _, err := st.ClaimJob(ctx, "crashed", at, 30*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		last := &app.Worker{Store: st, Name: "last", Now: func() time.Time { return at.Add(time.Minute) }}
		if ran, err := last.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("RunOnce: %v, %v", ran, err)
		}
		got, _ = st.Job(ctx, k.ID)
		if got.State != store.JobFailed || !strings.Contains(got.Error, "tried 3 times") {
			t.Fatalf("a job that crashed every time: %+v", got)
		}
	})
}

// TestQueueRefusesBadUploads: the fields are checked before anything is
// queued, each fault naming its field.
func TestQueueRefusesBadUploads(t *testing.T) {
	db := emptyDB(t)
	ctx := testutil.Context()
	for _, c := range []struct {
		u     app.LayerUpload
		field string
	}{
		{app.LayerUpload{FileName: "a.geojson", Kind: plan.LayerOther}, "file"},
		{app.LayerUpload{FileName: "a.exe", Kind: plan.LayerOther, Data: []byte("x")}, "file"},
		{app.LayerUpload{FileName: "a.geojson", Kind: "lake", Data: []byte("x")}, "kind"},
		{app.LayerUpload{FileName: "a.geojson", Name: "a\x00b", Kind: plan.LayerOther, Data: []byte("x")}, "name"},
	} {
		_, err := app.QueueLayerImport(ctx, db, c.u, jobClock)
		var f *app.UploadFault
		if !asFault(err, &f) || f.Field != c.field {
			t.Errorf("%+v: %v, want a fault of %s", c.u, err, c.field)
		}
	}
	if js, _ := db.Jobs(ctx, store.JobLayerImport, 10); len(js) != 0 {
		t.Fatalf("refused uploads were queued: %+v", js)
	}
	if _, err := app.QueueLayerImport(context.Background(), db, app.LayerUpload{FileName: "a.geojson", Kind: plan.LayerOther, Data: []byte("x")}, jobClock); err == nil {
		t.Fatal("queued without an actor")
	}
}

func asFault(err error, f **app.UploadFault) bool { return errors.As(err, f) }
