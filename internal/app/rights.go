package app

import (
	"context"
	"fmt"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// RecordEvents applies events in order and stores them all or none, as
// recorded by the context's actor (refused without one). Each
// event's Seq is assigned here; a grant or a change of area is checked for
// overlap with live rights of other holders, inside the store's
// transaction, so two concurrent grants cannot both take the same ground.
//
// Each change is appended to the audit log as authz.RightsRecord, in the
// same transaction.
func RecordEvents(ctx context.Context, st store.RightsStore, events []rights.Event, now time.Time) ([]rights.Right, error) {
	return recordEvents(ctx, st, events, now, authz.RightsRecord, nil)
}

// recordEvents is RecordEvents with the action its audit entries name and
// an extra check run last inside the transaction (a dry run uses it to
// roll back).
func recordEvents(ctx context.Context, st store.RightsStore, events []rights.Event, now time.Time, action authz.Action, last func(context.Context, store.RightsReader) error) ([]rights.Right, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return nil, err
	}
	batch := store.NewPending(st)
	for i, ev := range events {
		ev, cur, err := batch.Prior(ctx, ev, now, who.String())
		if err != nil {
			return nil, err
		}
		if ev.Type == rights.Grant || ev.Type == rights.ChangeArea {
			allowed, err := overlaps(ctx, st, ev, cur)
			if err != nil {
				return nil, fmt.Errorf("event %d: %w", i+1, err)
			}
			ev.Change.AllowedOverlaps = allowed
		}
		next, err := rights.Apply(cur, ev)
		if err != nil {
			return nil, fmt.Errorf("第 %d 个事件 / event %d: %w", i+1, i+1, err)
		}
		e := audit.For(who, string(action), RightObject(ev.RightID))
		e.Detail = string(ev.Type)
		batch.Add(ev, next, e)
	}
	verify := func(ctx context.Context, r store.RightsReader) error {
		for _, c := range batch.Changes {
			if c.Event.Type != rights.Grant && c.Event.Type != rights.ChangeArea {
				continue
			}
			if _, err := overlaps(ctx, r, c.Event, &c.State); err != nil {
				return err
			}
		}
		if last != nil {
			return last(ctx, r)
		}
		return nil
	}
	if err := st.AppendRightChanges(ctx, batch.Changes, verify); err != nil {
		return nil, err
	}
	return batch.States(), nil
}

// RightObject names a right in the audit log.
func RightObject(id string) string { return "right:" + id }

// overlaps measures the event's boundary against live rights: it returns
// the overlaps the rules allow and an *rights.OverlapError for the others.
func overlaps(ctx context.Context, r store.RightsReader, ev rights.Event, cur *rights.Right) ([]rights.Overlap, error) {
	g := ev.Change.Geometry
	if len(g) == 0 {
		return nil, nil // Apply reports the missing boundary
	}
	holder, convertedFrom := rights.Holder{}, ""
	switch {
	case ev.Type == rights.Grant && ev.Change.Right != nil:
		holder, convertedFrom = ev.Change.Right.Holder, ev.Change.Right.ConvertedFrom
	case cur != nil:
		holder, convertedFrom = cur.Holder, cur.ConvertedFrom
	}
	box := g.Bounds()
	cands, _, err := r.Rights(ctx, store.RightFilter{BBox: &box, Live: true})
	if err != nil {
		return nil, err
	}
	var allowed, refused []rights.Overlap
	for _, c := range cands {
		if c.ID == ev.RightID {
			continue
		}
		area := geo.OverlapArea(g, c.Geometry)
		if area < rights.MinOverlapM2 {
			continue
		}
		o := rights.Overlap{RightID: c.ID, LicenceNumber: c.LicenceNumber, Holder: c.Holder.Name, AreaM2: area}
		switch {
		case c.ID == convertedFrom:
			o.Rule = rights.RuleConversion
		case sameHolder(holder, c.Holder):
			o.Rule = rights.RuleSameHolder
		}
		if o.Rule != "" {
			allowed = append(allowed, o)
		} else {
			refused = append(refused, o)
		}
	}
	if len(refused) > 0 {
		return nil, &rights.OverlapError{Right: ev.RightID, Overlaps: refused}
	}
	return allowed, nil
}

func sameHolder(a, b rights.Holder) bool {
	if a.CreditCode != "" && b.CreditCode != "" {
		return a.CreditCode == b.CreditCode
	}
	return a.Name == b.Name
}

// ConvertToMining records 探转采: the exploration right ends as converted
// and the mining right is granted, in one transaction. The mining right's
// grant names the exploration right it comes from, which makes its
// overlap with that right allowed.
func ConvertToMining(ctx context.Context, st store.RightsStore, explorationID string, grant rights.Event, now time.Time) ([]rights.Right, error) {
	if grant.Change.Right == nil {
		return nil, fmt.Errorf("探转采需要新采矿权的内容 / a conversion needs the new mining right")
	}
	grant.Change.Right.ConvertedFrom = explorationID
	conv := rights.Event{RightID: explorationID, Type: rights.Convert, Date: grant.Date, Actor: grant.Actor, Reason: grant.Reason, DocRef: grant.DocRef,
		Change: rights.Change{Successor: grant.RightID}}
	return RecordEvents(ctx, st, []rights.Event{conv, grant}, now)
}

// RegisterAsOf is one page of the register as it stood at the end of a
// day (every right granted by then, in the state its events up to then
// give, with its status on that day), and the number matched: read from
// the store's state history, filtered and paged there.
func RegisterAsOf(ctx context.Context, st store.RightsReader, f store.RightFilter, day rights.Date) ([]rights.Right, int, error) {
	f.AsOf, f.On = &day, nil
	return st.Rights(ctx, f)
}

// CurrentRegister is one page of the current register with statuses as
// of a day (an exploration right past its validity shows as expired; a
// status filter applies to that status), and the number matched.
func CurrentRegister(ctx context.Context, st store.RightsReader, f store.RightFilter, day rights.Date) ([]rights.Right, int, error) {
	f.On, f.AsOf = &day, nil
	return st.Rights(ctx, f)
}

// ReplayAll derives every right's current state from events given in
// recording order (as illustrative.Register returns them); sequence
// numbers are assigned here.
func ReplayAll(events []rights.Event) ([]rights.Right, error) {
	byID := map[string][]rights.Event{}
	var order []string
	for _, ev := range events {
		if _, ok := byID[ev.RightID]; !ok {
			order = append(order, ev.RightID)
		}
		ev.Seq = len(byID[ev.RightID]) + 1
		byID[ev.RightID] = append(byID[ev.RightID], ev)
	}
	out := make([]rights.Right, 0, len(order))
	for _, id := range order {
		r, _, err := rights.Replay(byID[id], nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
