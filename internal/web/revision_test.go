package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

// freshServer is a server of its own (not the shared one) on an empty
// register, so a test may load revisions into its store.
func freshServer(t *testing.T, wrap func(store.Store) store.Store) (*Server, store.Store, *syncBuffer) {
	t.Helper()
	ctx := testutil.Context()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	rev, _, err := app.SavePlan(ctx, st, p, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var served store.Store = st
	if wrap != nil {
		served = wrap(st)
	}
	log := &syncBuffer{}
	srv, err := New(Config{Store: served, PlanID: rev.PlanID, Logger: slog.New(slog.NewTextHandler(log, nil)),
		Now: func() time.Time { return testNow }, ReloadInterval: time.Nanosecond, Authenticator: testAuth, PublicRate: 1e6, PublicBurst: 1e6}, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	return srv, st, log
}

// retitled is the default bundle with another English title, a new
// revision of the same plan.
func retitled(t *testing.T, title string) *plan.Plan {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for name, b := range p.Files {
		files[name] = b
	}
	old := []byte("title_en: " + p.Meta.TitleEN + "\n")
	if !bytes.Contains(files["plan.yaml"], old) {
		t.Fatalf("plan.yaml has no line %q", old)
	}
	files["plan.yaml"] = bytes.Replace(files["plan.yaml"], old, []byte("title_en: "+title+"\n"), 1)
	q, err := plan.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func health(t *testing.T, h http.Handler) (revision int) {
	t.Helper()
	rec := do(h, "/healthz", "")
	var body struct {
		Revision int `json:"plan_revision"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		t.Fatalf("/healthz: %d %s", rec.Code, rec.Body)
	}
	return body.Revision
}

// TestServerFollowsNewRevision: a revision loaded into the store while the
// server runs is served at the next request, reviews included, without a
// restart.
func TestServerFollowsNewRevision(t *testing.T) {
	srv, st, log := freshServer(t, nil)
	h := srv.Handler()
	if got := health(t, h); got != 1 {
		t.Fatalf("before: revision %d, want 1", got)
	}
	rev, created, err := app.SavePlan(testutil.Context(), st, retitled(t, "Kashgar plan, adjusted"), testNow.Add(time.Hour))
	if err != nil || !created || rev.Number != 2 {
		t.Fatalf("save revision 2: %+v %v %v", rev, created, err)
	}
	if got := health(t, h); got != 2 {
		t.Fatalf("after: revision %d, want 2\n%s", got, log)
	}
	rec := do(h, "/api/v1/plan", "")
	if !strings.Contains(rec.Body.String(), "Kashgar plan, adjusted") {
		t.Fatalf("/api/v1/plan still serves the old title: %s", rec.Body)
	}
	if got := srv.currentEngine(); got == nil || srv.served.Load().rev.Number != 2 {
		t.Fatalf("the review engine was not replaced")
	}
	if !strings.Contains(log.String(), "serving plan revision") {
		t.Fatalf("the switch is not logged:\n%s", log)
	}
}

// brokenLatest is a store whose latest revision cannot be read back.
type brokenLatest struct{ store.Store }

func (b brokenLatest) LatestPlanRevision(ctx context.Context, id string) (store.PlanRevision, error) {
	r, err := b.Store.LatestPlanRevision(ctx, id)
	r.Number++ // a revision that is not there
	r.Hash = "missing"
	return r, err
}

// TestServerKeepsRevisionWhenNewOneFails: a revision that cannot be loaded
// is logged and the served one stays.
func TestServerKeepsRevisionWhenNewOneFails(t *testing.T) {
	srv, _, log := freshServer(t, func(st store.Store) store.Store { return brokenLatest{st} })
	if got := health(t, srv.Handler()); got != 1 {
		t.Fatalf("revision %d, want 1 (kept)", got)
	}
	if !strings.Contains(log.String(), "load plan revision") {
		t.Fatalf("the failed load is not logged:\n%s", log)
	}
}

// failingReviews is a store whose review reads fail for another reason
// than a missing row.
type failingReviews struct{ store.Store }

func (failingReviews) Review(context.Context, string) (store.StoredReview, error) {
	return store.StoredReview{}, errors.New("disk I/O error")
}

// TestReviewPageStatus: a missing review is 404, any other store failure
// is a logged 500, never a 404.
func TestReviewPageStatus(t *testing.T) {
	srv, _, _ := freshServer(t, nil)
	if rec := (request{method: "GET", path: "/reviews/RVnone", token: "licensing"}).send(srv.Handler()); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "未找到该审查报告") {
		t.Fatalf("missing review: %d %s", rec.Code, rec.Body)
	}
	broken, _, log := freshServer(t, func(st store.Store) store.Store { return failingReviews{st} })
	rec := request{method: "GET", path: "/reviews/RV1", token: "licensing"}.send(broken.Handler())
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "服务器内部错误") {
		t.Fatalf("failing store: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(log.String(), "disk I/O error") {
		t.Fatalf("the cause is not logged:\n%s", log)
	}
}
