package app

import (
	"context"
	"fmt"
	"time"

	"mineplan/internal/formats"
	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
	"mineplan/internal/review"
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
	if err != nil {
		return 0, err
	}
	protected, redLines, err := illustrative.ProtectedAreas(p)
	if err != nil {
		return 0, err
	}
	for _, l := range []struct {
		name  string
		kind  plan.LayerKind
		title string
		layer *formats.Layer
	}{{DemoProtectedLayer, plan.LayerProtectedArea, "自然保护地（示意）", protected}, {DemoRedLineLayer, plan.LayerRedLine, "生态保护红线（示意）", redLines}} {
		fs, err := LayerFeatures(ctx, l.layer)
		if err != nil {
			return 0, err
		}
		if _, err := ImportLayer(ctx, st, store.Layer{Name: l.name, Kind: l.kind, Title: l.title, Source: "illustrative", ImportedAt: now}, fs); err != nil {
			return 0, err
		}
	}
	return len(rs), nil
}

// Names of the illustrative layers demo load adds.
const (
	DemoProtectedLayer = "demo_protected_areas"
	DemoRedLineLayer   = "demo_red_lines"
)

// DemoMemory is the illustrative register and layers in memory, for a
// review without a database.
func DemoMemory(p *plan.Plan) (*review.Memory, error) {
	events, err := illustrative.Register(p)
	if err != nil {
		return nil, err
	}
	rs, err := ReplayAll(events)
	if err != nil {
		return nil, err
	}
	m := review.NewMemory(rs)
	protected, redLines, err := illustrative.ProtectedAreas(p)
	if err != nil {
		return nil, err
	}
	for kind, l := range map[plan.LayerKind]*formats.Layer{plan.LayerProtectedArea: protected, plan.LayerRedLine: redLines} {
		for i, f := range l.Features {
			name, _ := formats.Properties(l.Fields, f)["name"].(string)
			m.AddAreas([]review.Area{{Layer: "illustrative", Kind: string(kind), ID: int64(i + 1), Name: name, Illustrative: true, Geometry: f.Geometry}})
		}
	}
	return m, nil
}
