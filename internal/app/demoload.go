package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// DemoLoad says what LoadDemo stored.
type DemoLoad struct {
	Rights int
	// PlanStored is set when the database held no revision of the plan
	// and LoadDemo stored it as Revision.
	PlanStored bool
	Revision   store.PlanRevision
}

// LoadDemo records the illustrative register into an empty register and,
// as serve does, stores p as a revision when the database holds none of
// it, so that a review on the database works straight after. The
// register is written first, as in serve: a revision can never be
// removed, so a failed register leaves none behind.
func LoadDemo(ctx context.Context, st store.Store, p *plan.Plan, now time.Time) (DemoLoad, error) {
	_, err := st.LatestPlanRevision(ctx, p.Meta.ID)
	needPlan := errors.Is(err, store.ErrNotFound)
	if err != nil && !needPlan {
		return DemoLoad{}, err
	}
	n, err := LoadDemoRegister(ctx, st, p, now)
	if err != nil {
		return DemoLoad{}, err
	}
	d := DemoLoad{Rights: n}
	if !needPlan {
		return d, nil
	}
	if d.Revision, _, err = SavePlan(ctx, st, p, now); err != nil {
		return d, fmt.Errorf("已载入示例登记簿，但写入规划 %s 失败 / the illustrative register was stored, but storing plan %s failed: %w", p.Meta.ID, p.Meta.ID, err)
	}
	d.PlanStored = true
	return d, nil
}
