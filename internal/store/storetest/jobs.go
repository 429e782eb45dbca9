package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

func jobTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"JobLifecycle", testJobLifecycle},
		{"JobLeaseExpires", testJobLease},
		{"JobFinishIsAtomic", testJobFinishAtomic},
	}
}

func objects(t *testing.T, st store.Store) []string {
	t.Helper()
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action+" "+e.Object)
	}
	return out
}

func enqueue(t *testing.T, st store.Store, upload string) store.Job {
	t.Helper()
	j, err := st.EnqueueJob(context.Background(), store.NewJob{Kind: store.JobLayerImport, Params: []byte(`{"name":"a"}`), Upload: []byte(upload), CreatedBy: "user:p", At: epoch},
		Entry("layers.import", ""))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// testJobLifecycle: queued with its upload and an audit entry; one claim
// takes it (with the upload), a second finds nothing; progress shows; the
// finish stores the layer and the job's end in one go, empties the
// upload and appends both entries.
func testJobLifecycle(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.ClaimJob(ctx, "w1", epoch, time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim on no jobs: %v, want ErrNotFound", err)
	}
	j := enqueue(t, st, "upload-bytes")
	if j.ID == 0 || j.State != store.JobQueued || j.UploadSize != 12 || j.MaxAttempts != store.DefaultMaxAttempts || !j.CreatedAt.Equal(epoch) || j.CreatedBy != "user:p" {
		t.Fatalf("queued %+v", j)
	}
	c, err := st.ClaimJob(ctx, "w1", epoch.Add(time.Second), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != j.ID || c.State != store.JobRunning || c.Attempts != 1 || string(c.Upload) != "upload-bytes" || string(c.Params) != `{"name":"a"}` || c.Worker != "w1" ||
		!c.LeaseUntil.Equal(epoch.Add(time.Second+time.Minute)) {
		t.Fatalf("claimed %+v", c)
	}
	if _, err := st.ClaimJob(ctx, "w2", epoch.Add(2*time.Second), time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second claim while the lease holds: %v, want ErrNotFound", err)
	}
	if err := st.ReportJob(ctx, c.Claim(), store.JobProgress{Stage: "validating", Done: 2, Total: 3}, epoch.Add(3*time.Second), epoch.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := st.Job(ctx, j.ID)
	if err != nil || got.Stage != "validating" || got.Done != 2 || got.Total != 3 || got.State != store.JobRunning || got.Upload != nil {
		t.Fatalf("progress read back %+v, %v", got, err)
	}
	layer := store.Layer{Kind: plan.LayerOther, Name: "a", Title: "A", Source: "a.geojson", ImportedAt: epoch}
	done, err := st.FinishJob(ctx, c.Claim(), store.JobFinish{Result: "a", At: epoch.Add(4 * time.Second), Layer: &layer, Features: LayerFixture(3), LayerEntry: Entry("layers.import", "layer:a")},
		Entry("layers.import", ""))
	if err != nil {
		t.Fatal(err)
	}
	if done.State != store.JobDone || done.Result != "a" || done.UploadSize != 12 || !done.UpdatedAt.Equal(epoch.Add(4*time.Second)) {
		t.Fatalf("finished %+v", done)
	}
	if ls, _ := st.Layers(ctx); len(ls) != 1 || ls[0].Features != 3 {
		t.Fatalf("layers after the job: %+v", ls)
	}
	if _, err := st.ClaimJob(ctx, "w2", epoch.Add(time.Hour), time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim after the job ended: %v, want ErrNotFound", err)
	}
	if err := st.ReportJob(ctx, c.Claim(), store.JobProgress{}, epoch, epoch); !errors.Is(err, store.ErrJobLost) {
		t.Fatalf("progress after the end: %v, want ErrJobLost", err)
	}
	want := []string{"layers.import job:1", "layers.import layer:a", "layers.import job:1"}
	if got := objects(t, st); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("audit log %q, want %q", got, want)
	}
	mustVerify(t, st)
	list, err := st.Jobs(ctx, store.JobLayerImport, 10)
	if err != nil || len(list) != 1 || list[0].ID != j.ID || list[0].State != store.JobDone {
		t.Fatalf("Jobs: %+v, %v", list, err)
	}
	if l, err := st.Jobs(ctx, "other", 10); err != nil || len(l) != 0 {
		t.Fatalf("Jobs of another kind: %+v, %v", l, err)
	}
	if _, err := st.Job(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing job: %v", err)
	}
}

// testJobLease: a worker that stops renewing loses the job when its lease
// ends; the next claim is a new attempt, and the stopped worker's writes
// are refused (nothing stored).
func testJobLease(t *testing.T, st store.Store) {
	ctx := context.Background()
	j := enqueue(t, st, "x")
	a, err := st.ClaimJob(ctx, "crashed", epoch, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimJob(ctx, "w2", epoch.Add(9*time.Second), 10*time.Second); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim before the lease ends: %v", err)
	}
	b, err := st.ClaimJob(ctx, "w2", epoch.Add(10*time.Second), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != j.ID || b.Attempts != 2 || b.Worker != "w2" || string(b.Upload) != "x" {
		t.Fatalf("reclaimed %+v", b)
	}
	if err := st.ReportJob(ctx, a.Claim(), store.JobProgress{Stage: "x"}, epoch, epoch.Add(time.Hour)); !errors.Is(err, store.ErrJobLost) {
		t.Fatalf("the crashed worker's progress: %v, want ErrJobLost", err)
	}
	layer := store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}
	if _, err := st.FinishJob(ctx, a.Claim(), store.JobFinish{Result: "a", At: epoch, Layer: &layer, Features: LayerFixture(2), LayerEntry: Entry("layers.import", "layer:a")}, Entry("layers.import", "")); !errors.Is(err, store.ErrJobLost) {
		t.Fatalf("the crashed worker's finish: %v, want ErrJobLost", err)
	}
	if _, err := st.FailJob(ctx, a.Claim(), "x", false, epoch, Entry("layers.import", "")); !errors.Is(err, store.ErrJobLost) {
		t.Fatalf("the crashed worker's failure: %v, want ErrJobLost", err)
	}
	if ls, _ := st.Layers(ctx); len(ls) != 0 {
		t.Fatalf("a lost claim stored %+v", ls)
	}
	// The same worker name with an old attempt is refused too.
	old := b.Claim()
	old.Attempt = 1
	if err := st.ReportJob(ctx, old, store.JobProgress{}, epoch, epoch); !errors.Is(err, store.ErrJobLost) {
		t.Fatalf("an old attempt's progress: %v", err)
	}
	// A passing failure queues it again, upload kept; a final one ends it.
	q, err := st.FailJob(ctx, b.Claim(), "database went away", true, epoch.Add(11*time.Second), Entry("layers.import", ""))
	if err != nil || q.State != store.JobQueued || q.Error != "database went away" {
		t.Fatalf("retry: %+v, %v", q, err)
	}
	c, err := st.ClaimJob(ctx, "w3", epoch.Add(12*time.Second), 10*time.Second)
	if err != nil || c.Attempts != 3 || string(c.Upload) != "x" {
		t.Fatalf("claim after a retry: %+v, %v", c, err)
	}
	f, err := st.FailJob(ctx, c.Claim(), "第 3 行 / line 3: bad", false, epoch.Add(13*time.Second), Entry("layers.import", ""))
	if err != nil || f.State != store.JobFailed || f.Error != "第 3 行 / line 3: bad" {
		t.Fatalf("fail: %+v, %v", f, err)
	}
	if _, err := st.ClaimJob(ctx, "w4", epoch.Add(time.Hour), 10*time.Second); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim of a failed job: %v", err)
	}
	if got := objects(t, st); len(got) != 3 {
		t.Fatalf("audit log %q: want the queue, the retry and the failure", got)
	}
}

// testJobFinishAtomic: a finish whose layer is refused (its name exists)
// stores nothing, writes no entry and leaves the job held, so the worker
// can fail it.
func testJobFinishAtomic(t *testing.T, st store.Store) {
	ctx := context.Background()
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}, LayerFixture(3), Entry("layers.import", "layer:a")); err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, "x")
	c, err := st.ClaimJob(ctx, "w", epoch, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	before := objects(t, st)
	layer := store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}
	if _, err := st.FinishJob(ctx, c.Claim(), store.JobFinish{Result: "a", At: epoch, Layer: &layer, Features: LayerFixture(5), LayerEntry: Entry("layers.import", "layer:a")}, Entry("layers.import", "")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("finish with a taken name: %v, want ErrConflict", err)
	}
	if _, err := st.FinishJob(ctx, c.Claim(), store.JobFinish{Result: "a", At: epoch, Layer: &layer, Features: LayerFixture(1)}, Entry("layers.import", "")); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("finish with a layer but no layer entry: %v, want ErrNoAudit", err)
	}
	if _, err := st.FinishJob(ctx, c.Claim(), store.JobFinish{}, audit.Entry{}); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("finish without an entry: %v, want ErrNoAudit", err)
	}
	if got := objects(t, st); len(got) != len(before) {
		t.Fatalf("a refused finish wrote %q", got[len(before):])
	}
	fs, _ := st.LayerFeatures(ctx, "a", store.FeatureQuery{})
	if len(fs) != 3 {
		t.Fatalf("layer a has %d features after the refused finish, want 3", len(fs))
	}
	j, _ := st.Job(ctx, c.ID)
	if j.State != store.JobRunning {
		t.Fatalf("job after a refused finish: %+v", j)
	}
	if f, err := st.FailJob(ctx, c.Claim(), "exists", false, epoch, Entry("layers.import", "")); err != nil || f.State != store.JobFailed {
		t.Fatalf("fail after a refused finish: %+v, %v", f, err)
	}
}
