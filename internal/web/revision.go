package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// revision is everything derived from one plan revision. It is built
// whole and never changed, so requests read it without a lock; a newer
// revision replaces the pointer, and a request that began on the old one
// finishes on it.
type revision struct {
	plan  *plan.Plan
	rev   store.PlanRevision
	check plan.CheckReport // the plan's check, computed once per revision
	// engine's prepared zone shapes are built once and shared read-only by
	// concurrent reviews.
	engine *review.Engine
	// countyMinerals are the main minerals (names and aliases) the county
	// level grants, by kind of right (rules/authority.yaml); grants asks it.
	countyMinerals map[rights.Kind][]string
	grants         authz.CountyGrants
}

func newRevision(p *plan.Plan, rev store.PlanRevision) (*revision, error) {
	engine, err := review.New(p, rev.Number)
	if err != nil {
		return nil, fmt.Errorf("review rules of revision %d: %w", rev.Number, err)
	}
	v := &revision{plan: p, rev: rev, check: p.Check(), engine: engine, countyMinerals: countyMinerals(p)}
	v.grants = func(mineral, kind string) bool {
		for _, m := range v.countyMinerals[rights.Kind(kind)] {
			if m == mineral {
				return true
			}
		}
		return false
	}
	return v, nil
}

// countyMinerals lists, by kind, every name and alias of the minerals the
// plan's county level grants.
func countyMinerals(p *plan.Plan) map[rights.Kind][]string {
	out := map[rights.Kind][]string{rights.Exploration: {}, rights.Mining: {}}
	seen := map[rights.Kind]map[string]bool{rights.Exploration: {}, rights.Mining: {}}
	for _, g := range p.Rules.Authority {
		if g.Level != "county" {
			continue
		}
		kinds := []rights.Kind{rights.Exploration, rights.Mining}
		if g.RightKind != "any" {
			kinds = []rights.Kind{rights.Kind(g.RightKind)}
		}
		for _, name := range g.Minerals {
			names := []string{name}
			if m, ok := p.Mineral(name); ok {
				names = append(append(names, m.Name), m.Aliases...)
			}
			for _, k := range kinds {
				for _, n := range names {
					if seen[k] != nil && !seen[k][n] {
						seen[k][n] = true
						out[k] = append(out[k], n)
					}
				}
			}
		}
	}
	return out
}

// reloader lets one request at a time ask the store for a newer
// revision, and only when it is due; every other request goes on at once
// with the revision being served, so the check never queues the hot path.
type reloader struct {
	mu  sync.Mutex   // held by the request that is asking
	due atomic.Int64 // Unix nanoseconds before which nobody asks
}

// followRevisions serves a newer plan revision as soon as the store holds
// one, without a restart: at most once per ReloadInterval a request asks
// for the latest revision's number (one indexed row) and, when it has
// changed, parses and prepares it before the request goes on.
func (s *Server) followRevisions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.refreshRevision(r.Context())
		next.ServeHTTP(w, r)
	})
}

// refreshRevision swaps in the store's latest revision when it is newer.
// A failure is logged and the served revision stays: a revision that
// cannot be read must not take the server down.
func (s *Server) refreshRevision(ctx context.Context) {
	now := time.Now()
	if now.UnixNano() < s.reload.due.Load() || !s.reload.mu.TryLock() {
		return
	}
	defer s.reload.mu.Unlock()
	if now.UnixNano() < s.reload.due.Load() {
		return // another request asked while this one waited for the lock
	}
	s.reload.due.Store(now.Add(s.cfg.ReloadInterval).UnixNano())
	cur := s.served.Load()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	latest, err := s.cfg.Store.LatestPlanRevision(ctx, s.cfg.PlanID)
	if err != nil {
		s.cfg.Logger.Error("look for a newer plan revision", "plan", s.cfg.PlanID, "err", err)
		return
	}
	if latest.Number == cur.rev.Number && latest.Hash == cur.rev.Hash {
		return
	}
	p, err := app.RevisionPlan(ctx, s.cfg.Store, latest.PlanID, latest.Number)
	if err != nil {
		s.cfg.Logger.Error("load plan revision", "plan", latest.PlanID, "revision", latest.Number, "err", err)
		return
	}
	next, err := newRevision(p, latest)
	if err != nil {
		s.cfg.Logger.Error("prepare plan revision", "plan", latest.PlanID, "revision", latest.Number, "err", err)
		return
	}
	s.served.Store(next)
	s.cfg.Logger.Info("serving plan revision", "plan", latest.PlanID, "revision", latest.Number, "previous", cur.rev.Number)
}
