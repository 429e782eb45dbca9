package store

import (
	"context"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// RightChange is one event with the state of its right after it.
type RightChange struct {
	Event rights.Event
	State rights.Right
}

// RightFilter selects rights; empty fields do not filter.
type RightFilter struct {
	Kind    rights.Kind
	Status  rights.Status
	County  string
	Mineral string // main mineral
	// Minerals keeps rights whose main mineral is any of these; nil does
	// not filter, an empty non-nil list keeps nothing.
	Minerals []string
	Holder   string // holder name or credit code
	BBox     *geo.BBox
	// Live keeps rights whose stored status holds ground (rights.Status.Live).
	Live   bool
	Limit  int // ≤ 0: no limit
	Offset int
}

// RightsReader reads the register.
type RightsReader interface {
	// Right returns a right's current state by ID or licence number.
	Right(ctx context.Context, id string) (rights.Right, error)
	// Rights lists current states in ID order and the total matching
	// count before Limit and Offset; with BBox, only rights whose exact
	// box meets it.
	Rights(ctx context.Context, f RightFilter) ([]rights.Right, int, error)
	// RightEvents returns one right's events in order.
	RightEvents(ctx context.Context, id string) ([]rights.Event, error)
	// AllRightEvents returns every event, grouped by right in ID order and
	// in sequence within a right.
	AllRightEvents(ctx context.Context) ([]rights.Event, error)
}

// RightsStore keeps the register as an append-only log of events and,
// derived from it, each right's current state.
type RightsStore interface {
	RightsReader
	// AppendRightChanges stores events and their states in one
	// transaction. Each event's Seq must be its right's next (1 for a new
	// right), else ErrConflict and nothing is stored. verify, when not nil,
	// runs inside the transaction after the register's write lock is
	// taken, reading the register as it is there; an error from it
	// rolls everything back.
	AppendRightChanges(ctx context.Context, changes []RightChange, verify func(ctx context.Context, r RightsReader) error) error
}
