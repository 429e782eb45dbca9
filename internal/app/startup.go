package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// StartOptions are serve's choices for an empty database.
type StartOptions struct {
	// NoDemo keeps the illustrative register out of an empty database.
	NoDemo bool
	Now    func() time.Time
	// LoadDemo records the illustrative register; nil is
	// LoadDemoRegister (a test makes it fail).
	LoadDemo func(context.Context, store.Store, *plan.Plan, time.Time) (int, error)
}

// StartUp brings the store to a state that can be served, deciding from
// what it holds before writing anything:
//
//   - the plan is stored: nothing is written (so serve starts on a
//     read-only replica); its latest revision is served as stored;
//   - the plan is not stored: the bundle becomes revision 1, and the
//     illustrative register is recorded first when the register is empty,
//     no illustrative layer exists and NoDemo is not set. A register
//     that has rights (from demo load or rights import) is left as it is,
//     and the log says so.
//
// The register is written before the plan, because a stored revision
// can never be removed: if the register fails, no revision is left
// behind, and the error says what this start stored.
func StartUp(ctx context.Context, st store.Store, p *plan.Plan, opt StartOptions, logger *slog.Logger) (store.PlanRevision, *plan.Plan, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	rev, err := st.LatestPlanRevision(ctx, p.Meta.ID)
	switch {
	case err == nil:
		// Nothing is written; the log still says whose register is served
		// (demo load stores the plan along with its register).
		if n, err := registerSize(ctx, st); err != nil {
			return rev, nil, err
		} else if n > 0 {
			logRegisterKept(logger, n)
		}
		stored, err := RevisionPlan(ctx, st, rev.PlanID, rev.Number)
		return rev, stored, err
	case !errors.Is(err, store.ErrNotFound):
		return rev, nil, err
	}
	// Decide. Every check that can refuse runs before the first write.
	if _, err := ZoneFeatures(p); err != nil {
		return rev, nil, fmt.Errorf("规划 %s 的分区图层有误，未写入任何数据 / the zone layer of plan %s is faulty; nothing was stored: %w", p.Meta.ID, p.Meta.ID, err)
	}
	demo := !opt.NoDemo
	if demo {
		n, err := registerSize(ctx, st)
		if err != nil {
			return rev, nil, err
		}
		layers, err := demoLayers(ctx, st)
		if err != nil {
			return rev, nil, err
		}
		switch {
		case n > 0:
			demo = false
			logRegisterKept(logger, n)
		case len(layers) > 0:
			demo = false
			logger.Info(fmt.Sprintf("已有示意图层 %s，不载入示例登记簿 / the illustrative layers %s exist already: the illustrative register is not loaded", strings.Join(layers, "、"), strings.Join(layers, ", ")))
		}
	}
	// Write: the register first, then the plan.
	if demo {
		load := opt.LoadDemo
		if load == nil {
			load = LoadDemoRegister
		}
		n, err := load(ctx, st, p, opt.Now())
		if err != nil {
			zh, en := storedReport(ctx, st)
			return rev, nil, fmt.Errorf("载入示例登记簿失败，%s；规划未写入 / loading the illustrative register failed, %s; the plan was not stored: %w", zh, en, err)
		}
		logger.Info(fmt.Sprintf("已载入示例登记簿：%d 个矿业权 / loaded the illustrative register: %d rights", n, n), "rights", n)
	}
	rev, _, err = SavePlan(ctx, st, p, opt.Now())
	if err != nil {
		if demo {
			return rev, nil, fmt.Errorf("写入规划 %s 失败；本次启动已载入示例登记簿，下次启动只写入规划 / storing plan %s failed; this start stored the illustrative register, the next start stores only the plan: %w", p.Meta.ID, p.Meta.ID, err)
		}
		return rev, nil, fmt.Errorf("写入规划 %s 失败，未写入任何数据 / storing plan %s failed; nothing was stored: %w", p.Meta.ID, p.Meta.ID, err)
	}
	logger.Info(fmt.Sprintf("已将规划数据包存为第 %d 版 / stored the plan bundle as revision %d", rev.Number, rev.Number), "plan", rev.PlanID, "revision", rev.Number, "hash", rev.Hash[:12])
	return rev, p, nil
}

// logRegisterKept says that a register of n rights is served as it is.
func logRegisterKept(logger *slog.Logger, n int) {
	logger.Info(fmt.Sprintf("登记簿已有 %d 个矿业权，不载入示例登记簿 / the register already has %d rights: the illustrative register is not loaded", n, n), "rights", n)
}

// demoLayers lists the illustrative layers the store has.
func demoLayers(ctx context.Context, st store.Store) ([]string, error) {
	ls, err := st.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range ls {
		if l.Name == DemoProtectedLayer || l.Name == DemoRedLineLayer {
			out = append(out, l.Name)
		}
	}
	return out, nil
}

// storedReport says, in Chinese and English, what a failed demo load left
// in the store: it writes the rights and each layer in transactions of
// their own. It reads even when ctx was cancelled (a signal during start).
func storedReport(ctx context.Context, st store.Store) (zh, en string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	n, layers, err := demoState(ctx, st)
	switch {
	case err != nil:
		return "无法查明已写入的内容（" + err.Error() + "）", "what was stored cannot be told (" + err.Error() + ")"
	case n == 0 && len(layers) == 0:
		return "未写入任何数据", "nothing was stored"
	}
	zh = fmt.Sprintf("本次启动已写入 %d 个矿业权", n)
	en = fmt.Sprintf("this start stored %d rights", n)
	if len(layers) > 0 {
		zh += "和图层 " + strings.Join(layers, "、")
		en += " and the layers " + strings.Join(layers, ", ")
	}
	return zh + "（下次启动时不再载入示例）", en + " (the next start does not load the demo)"
}

func demoState(ctx context.Context, st store.Store) (int, []string, error) {
	n, err := registerSize(ctx, st)
	if err != nil {
		return 0, nil, err
	}
	layers, err := demoLayers(ctx, st)
	return n, layers, err
}

// registerSize counts the rights in the register.
func registerSize(ctx context.Context, st store.RightsReader) (int, error) {
	_, n, err := st.Rights(ctx, store.RightFilter{Limit: 1})
	return n, err
}
