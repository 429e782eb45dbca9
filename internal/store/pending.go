package store

import (
	"context"
	"errors"
	"sort"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
)

// Pending prepares a batch of events for AppendRightChanges, in order:
// each event gets its right's state before it (from the batch so far,
// else the register), its sequence number and its right's ID (a licence
// number resolves to the ID).
type Pending struct {
	r       RightsReader
	states  map[string]*rights.Right
	Changes []RightChange
}

// NewPending starts a batch over the register r.
func NewPending(r RightsReader) *Pending {
	return &Pending{r: r, states: map[string]*rights.Right{}}
}

// Prior numbers ev as its right's next event, recorded at the given time
// and by the given actor, and returns it with the right's state before it
// (nil for a right that does not exist yet).
func (p *Pending) Prior(ctx context.Context, ev rights.Event, at time.Time, by string) (rights.Event, *rights.Right, error) {
	cur, seen := p.states[ev.RightID]
	if !seen {
		r, err := p.r.Right(ctx, ev.RightID)
		switch {
		case err == nil:
			cur = &r
		case !errors.Is(err, ErrNotFound):
			return ev, nil, err
		}
	}
	ev.Seq = 1
	if cur != nil {
		ev.Seq, ev.RightID = cur.Seq+1, cur.ID
	}
	ev.RecordedAt, ev.RecordedBy = at, by
	return ev, cur, nil
}

// Add records the state an event (as Prior returned it) gives its right,
// and the audit entry that records the change.
func (p *Pending) Add(ev rights.Event, next rights.Right, e audit.Entry) {
	p.states[ev.RightID] = &next
	p.Changes = append(p.Changes, RightChange{Event: ev, State: next, Audit: e})
}

// States is the last state of every right in the batch, in ID order.
func (p *Pending) States() []rights.Right {
	ids := make([]string, 0, len(p.states))
	for id := range p.states {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]rights.Right, len(ids))
	for i, id := range ids {
		out[i] = *p.states[id]
	}
	return out
}
