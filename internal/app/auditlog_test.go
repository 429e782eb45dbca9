package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/review"
	"mineplan/internal/store"
	"mineplan/internal/testutil"
)

// TestUseCasesAppendTheirEntries: a demo load, an import (a dry run
// appends nothing), an export, a review and its re-run, a setting and a
// prune each append their entries, named by authz action; the log
// verifies throughout.
func TestUseCasesAppendTheirEntries(t *testing.T) {
	ctx := testutil.Context()
	db := emptyDB(t)
	p := testPlan(t)
	count := func(action string) int {
		t.Helper()
		es, err := db.AuditEntries(ctx, store.AuditFilter{Action: action})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	d, err := app.LoadDemo(ctx, db, p, clock)
	if err != nil {
		t.Fatal(err)
	}
	events, _ := db.AllRightEvents(ctx)
	if count("rights.record") != len(events) || count("layers.import") != 2 || count("plan.load") != 1 || d.Rights != 153 {
		t.Errorf("demo load: %d rights.record for %d events, %d layers.import, %d plan.load", count("rights.record"), len(events), count("layers.import"), count("plan.load"))
	}

	// An import of an exported register into another database: one entry
	// per event, and none for a dry run.
	rs, _, err := db.Rights(ctx, store.RightFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.RecordExport(ctx, db, "geojson", len(rs)); err != nil {
		t.Fatal(err)
	}
	path := export(t, rs, "geojson")
	other := emptyDB(t)
	importInto(t, other, path, true)
	if head, _, _ := other.AuditHead(ctx); head.Seq != 0 {
		t.Errorf("a dry run appended %d entries", head.Seq)
	}
	rep := importInto(t, other, path, false)
	es, _ := other.AuditEntries(ctx, store.AuditFilter{Action: "rights.import"})
	if rep.Imported != 153 || len(es) < 153 || es[0].Object != "right:"+rightID(t, other, es[0].Object) {
		t.Errorf("import: %d rights, %d entries", rep.Imported, len(es))
	}

	// A review and its re-run.
	e, err := review.New(p, d.Revision.Number)
	if err != nil {
		t.Fatal(err)
	}
	input := []byte(`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","scale":0.5,"scale_unit":"万吨/年","county":"伽师县"},"geometry":{"type":"Polygon","coordinates":[[[76.1,39.1],[76.11,39.1],[76.11,39.11],[76.1,39.11],[76.1,39.1]]]}}`)
	report, err := app.RunReview(ctx, db, e, nil, input, clock)
	if err != nil {
		t.Fatal(err)
	}
	id, err := app.SaveReview(ctx, db, input, report)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := app.Rerun(context.Background(), db, id); !errors.Is(err, actor.ErrNone) {
		t.Errorf("a re-run without an actor: %v", err)
	}
	if _, _, identical, err := app.Rerun(ctx, db, id); err != nil || !identical {
		t.Fatalf("rerun: %v %v", identical, err)
	}
	es, _ = db.AuditEntries(ctx, store.AuditFilter{Object: app.ReviewObject(id)})
	if len(es) != 2 || es[0].Action != "review.create" || es[1].Action != "review.rerun" || es[1].Detail != "identical" || es[1].After == "" {
		t.Errorf("the review's entries: %+v", es)
	}

	if err := app.SetSetting(ctx, db, store.SettingAuditRetentionDays, "100"); err == nil || !strings.Contains(err.Error(), "180") {
		t.Errorf("retention 100: %v", err)
	}
	if err := app.SetSetting(ctx, db, store.SettingAuditRetentionDays, "200"); err != nil {
		t.Fatal(err)
	}
	if n, err := app.PruneAudit(ctx, db, time.Now()); err != nil || n != 0 {
		t.Errorf("prune of a young log: %d %v", n, err)
	}
	for _, a := range []string{"rights.export", "system.configure", "audit.prune"} {
		if count(a) != 1 {
			t.Errorf("%d entries of %s, want 1", count(a), a)
		}
	}
	for _, st := range []store.Store{db, other} {
		if v, err := app.VerifyAudit(ctx, st, ""); err != nil || v.Checked == 0 {
			t.Errorf("verify: %+v %v", v, err)
		}
	}
	if _, _, err := app.SearchAudit(ctx, db, store.AuditFilter{Limit: 1001}); err == nil {
		t.Error("a page of 1001 entries was served")
	}
	page, next, err := app.SearchAudit(ctx, db, store.AuditFilter{})
	if err != nil || len(page) != app.DefaultAuditLimit || next != page[len(page)-1].Seq {
		t.Errorf("the default page: %d entries, next %d, %v", len(page), next, err)
	}
	// The auditor's search is itself in the log, with what it asked for.
	reads, _, err := app.SearchAudit(ctx, db, store.AuditFilter{Action: "audit.read"})
	if err != nil || len(reads) != 1 || !strings.HasPrefix(reads[0].Detail, "search ") || !strings.HasSuffix(reads[0].Detail, ": 100 entries") {
		t.Errorf("the searches recorded: %+v, %v", reads, err)
	}
}

// rightID is the ID part of an entry's object, checked to be a stored
// right.
func rightID(t *testing.T, st store.Store, object string) string {
	t.Helper()
	id := strings.TrimPrefix(object, "right:")
	if _, err := st.Right(testutil.Context(), id); err != nil {
		t.Errorf("the object %s is not a stored right: %v", object, err)
	}
	return id
}
