package store

import (
	"context"

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// RightChange is one event with the state of its right after it, and the
// entry that records it in the audit log (the store fills in its states:
// RightAuditState before and after the event, none before a grant).
type RightChange struct {
	Event rights.Event
	State rights.Right
	Audit audit.Entry
}

// RightFilter selects rights; empty fields do not filter. Every field is
// applied by the database, which also counts and pages.
type RightFilter struct {
	Kind    rights.Kind
	Status  rights.Status
	County  string
	Mineral string // main mineral
	// Minerals keeps rights whose main mineral is any of these; nil does
	// not filter, an empty non-nil list keeps nothing.
	Minerals []string
	Holder   string // holder name or credit code
	// Search keeps rights whose licence number begins with it or whose
	// holder's name holds it, Latin letters in either case (the map's
	// search box); with SearchCodes, also those whose holder's unified
	// social credit code begins with it.
	Search      string
	SearchCodes bool
	// CreditCode keeps the rights of the holder with exactly this unified
	// social credit code (a holder account's jurisdiction).
	CreditCode string
	// KindMinerals keeps rights whose main mineral is listed under their
	// kind (the minerals the county level grants, for a county clerk); nil
	// does not filter, an empty non-nil map keeps nothing.
	KindMinerals map[rights.Kind][]string
	// BBox keeps rights whose exact bounding box meets it.
	BBox *geo.BBox
	// Live keeps rights whose stored status holds ground (rights.Status.Live).
	Live bool
	// On reads statuses as they are on a day (rights.Right.StatusOn: an
	// exploration right past its validity is expired): Status filters on
	// that status and the rights come back with it.
	On *rights.Date
	// AsOf reads the register as it stood at the end of a day, from the
	// state history (rights.Replay up to that day), instead of the current
	// states; statuses are as on that day and On is ignored.
	AsOf *rights.Date
	// Sort orders the rights by a column, then by ID (SortID, the zero
	// value: by ID alone); Desc reverses both. The database sorts.
	Sort RightSort
	Desc bool
	// After is a keyset cursor: only rights that come after it in the
	// order. The next page's cursor is the last ID of a full page and,
	// sorted by a column, AfterKey is that right's SortKey.
	After    string
	AfterKey string
	Limit    int // ≤ 0: no limit
	// Offset skips matches (after After); keyset paging is cheaper.
	Offset int
}

// RightSort names a column the register is sorted on.
type RightSort string

// The register's sort columns.
const (
	SortID      RightSort = ""
	SortLicence RightSort = "licence"
	SortHolder  RightSort = "holder"
	SortCounty  RightSort = "county"
	SortMineral RightSort = "mineral"
	// SortStatus sorts on the status as returned (on the filter's day,
	// rights.Right.StatusOn, when it has one).
	SortStatus RightSort = "status"
	// SortValidTo sorts on the end of validity; a right without one sorts
	// first (its valid_to is "").
	SortValidTo RightSort = "valid_to"
	// SortArea sorts on the declared area (km²).
	SortArea RightSort = "area"
)

// RightSorts are the sort columns, SortID first.
var RightSorts = []RightSort{SortID, SortLicence, SortHolder, SortCounty, SortMineral, SortStatus, SortValidTo, SortArea}

// TotalsFilter selects groups of the register's totals.
type TotalsFilter struct {
	Kind rights.Kind
	// Minerals keeps rights whose main mineral is one of these, grouped
	// by main mineral, status and design-scale unit in that order. nil
	// takes every mineral, grouped by status alone (MainMineral, Unit
	// and ScaleMicro are then empty).
	Minerals []string
	// Live keeps rights whose stored status holds ground.
	Live bool
	// FromYear keeps rights valid from that year on (0: all); it needs
	// Minerals.
	FromYear int
}

// RightsReader reads the register.
type RightsReader interface {
	// Right returns a right's current state by ID or licence number.
	Right(ctx context.Context, id string) (rights.Right, error)
	// Rights lists the matching rights in ID order, one page of them, and
	// the number matched by the filter before After, Offset and Limit.
	Rights(ctx context.Context, f RightFilter) ([]rights.Right, int, error)
	// RightTotals reads the maintained totals of the current register
	// (kept up to date by AppendRightChanges, so a caps rule costs a few
	// index lookups however large the register).
	RightTotals(ctx context.Context, f TotalsFilter) ([]rights.Total, error)
	// RightEvents returns one right's events in order.
	RightEvents(ctx context.Context, id string) ([]rights.Event, error)
	// AllRightEvents returns every event, grouped by right in ID order and
	// in sequence within a right.
	AllRightEvents(ctx context.Context) ([]rights.Event, error)
}

// RightsStore keeps the register as an append-only log of events and,
// derived from it, each right's current state and its history of states.
type RightsStore interface {
	RightsReader
	// AppendRightChanges stores events and their states, with each
	// change's audit entry, in one transaction; a change without an entry
	// is ErrNoAudit and nothing is stored. Each event's Seq must be its right's next (1 for a new
	// right), else ErrConflict and nothing is stored. verify, when not nil,
	// runs inside the transaction after the register's write lock is
	// taken, reading the register as it is there; an error from it
	// rolls everything back.
	AppendRightChanges(ctx context.Context, changes []RightChange, verify func(ctx context.Context, r RightsReader) error) error
}
