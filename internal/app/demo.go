package app

import (
	"context"
	"fmt"
	"time"

	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// LoadDemoRegister records the illustrative register into a store whose
// register is empty; it refuses a register that has rights already.
func LoadDemoRegister(ctx context.Context, st store.Store, p *plan.Plan, now time.Time) (int, error) {
	_, n, err := st.Rights(ctx, store.RightFilter{Limit: 1})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, fmt.Errorf("矿业权登记簿已有 %d 个矿业权，不载入示例数据 / the register has %d rights: the demo is not loaded", n, n)
	}
	events, err := illustrative.Register(p)
	if err != nil {
		return 0, err
	}
	rs, err := RecordEvents(ctx, st, events, now)
	return len(rs), err
}
