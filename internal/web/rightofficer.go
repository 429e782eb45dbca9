package web

import (
	"context"
	"slices"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// rightChangesLimit bounds the audit entries a right's page lists (the
// newest first).
const rightChangesLimit = 200

// auditRow is one audit entry on a right's page: who did what, when.
type auditRow struct {
	Seq                     int64
	At, Actor, Role, Action string
	Detail                  string
	// RoleKey is the role's message, "" for a role the catalogue does not
	// name (shown as stored).
	RoleKey string
}

// rightOfficerParts adds what a caller with the full view sees besides the
// timeline: who changed the right (the audit log's entries whose object is
// the right, from the database's index on object) and the stored reviews
// whose findings name it (an overlap's evidence), within the caller's
// review.read reach. Reviews are linked to a right only by their findings:
// an application carries no right ID.
func (s *Server) rightOfficerParts(ctx context.Context, rt rights.Right, data *rightPage, reviews func(*store.ReviewFilter) bool) error {
	es, err := s.cfg.Store.AuditEntries(ctx, store.AuditFilter{Object: app.RightObject(rt.ID)})
	if err != nil {
		return err
	}
	if len(es) > rightChangesLimit { // the newest
		es = es[len(es)-rightChangesLimit:]
	}
	for i := len(es) - 1; i >= 0; i-- {
		data.Changes = append(data.Changes, auditRowOf(es[i]))
	}
	data.ShowChanges = true
	f := store.ReviewFilter{Right: rt.ID, Limit: 100}
	if reviews == nil || !reviews(&f) {
		return nil
	}
	list, n, err := s.cfg.Store.Reviews(ctx, f)
	if err != nil {
		return err
	}
	data.ShowReviews, data.ReviewsMatched = true, n
	for _, sr := range list {
		data.Reviews = append(data.Reviews, reviewRowOf(sr))
	}
	return nil
}

func auditRowOf(e audit.Entry) auditRow {
	row := auditRow{Seq: e.Seq, At: e.At.UTC().Format(time.DateTime + " UTC"), Actor: e.Actor, Role: e.Role, Action: e.Action, Detail: e.Detail}
	if slices.Contains(actor.Roles, actor.Role(e.Role)) {
		row.RoleKey = "role." + e.Role
	}
	return row
}
