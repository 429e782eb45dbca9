package app_test

import (
	"context"
	"errors"
	"testing"

	"mineplan/data"
	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

// TestWritesNeedAnActor: every use case that writes refuses a context
// without an actor and stores nothing; with one, the register's events
// record who entered them.
func TestWritesNeedAnActor(t *testing.T) {
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	db := emptyDB(t)
	bare := context.Background()
	grant := storetest.GrantEvent("A1", "甲公司", "exploration", 76, 39, 0.01)
	writes := map[string]func(context.Context) error{
		"RecordEvents": func(ctx context.Context) error {
			_, err := app.RecordEvents(ctx, db, []rights.Event{grant}, clock)
			return err
		},
		"SavePlan": func(ctx context.Context) error { _, _, err := app.SavePlan(ctx, db, p, clock); return err },
		"SaveReview": func(ctx context.Context) error {
			_, err := app.SaveReview(ctx, db, []byte(`{}`), &review.Report{PlanID: p.Meta.ID, PlanRevision: 1, Verdict: review.Conforming, At: clock})
			return err
		},
		"ImportLayer": func(ctx context.Context) error {
			_, err := app.ImportLayer(ctx, db, store.Layer{Name: "t", Kind: plan.LayerOther}, nil)
			return err
		},
		"LoadDemoRegister": func(ctx context.Context) error { _, err := app.LoadDemoRegister(ctx, db, p, clock); return err },
		"Copy":             func(ctx context.Context) error { _, err := app.Copy(ctx, db, emptyDB(t), nil); return err },
	}
	for name, write := range writes {
		if err := write(bare); !errors.Is(err, actor.ErrNone) {
			t.Errorf("%s without an actor: %v, want actor.ErrNone", name, err)
		}
	}
	if h, counts, err := app.ContentHash(bare, db); err != nil || counts.Rights+counts.Revisions+counts.Reviews+counts.Layers != 0 {
		t.Fatalf("a refused write stored something: %v %+v %v", h, counts, err)
	}
	if _, err := app.RecordEvents(testutil.Context(), db, []rights.Event{grant}, clock); err != nil {
		t.Fatal(err)
	}
	evs, err := db.RightEvents(bare, "A1")
	if err != nil || len(evs) != 1 || evs[0].RecordedBy != testutil.Actor.String() {
		t.Fatalf("events %+v, %v; want one recorded by %s", evs, err, testutil.Actor)
	}
}
