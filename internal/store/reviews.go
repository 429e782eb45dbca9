package store

import (
	"context"
	"strings"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
)

// StoredReview is a review as kept: its input exactly as submitted and
// its report, so it can be read back and re-run.
type StoredReview struct {
	ID           string    `json:"id"`
	PlanID       string    `json:"plan_id"`
	PlanRevision int       `json:"plan_revision"`
	Verdict      string    `json:"verdict"`
	Input        []byte    `json:"-"`
	Report       []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// The owner, for jurisdiction (migration 12): the holder's credit code
	// ("" when the author was not a holder), the application's county, and
	// who created it (actor.Actor.String(); never published).
	OwnerCreditCode string `json:"-"`
	OwnerCounty     string `json:"-"`
	CreatedBy       string `json:"-"`
}

// ReviewStore keeps review reports; they are never changed.
type ReviewStore interface {
	// SaveReview stores r with its audit entry e (after state: the
	// report's bytes) in one transaction.
	SaveReview(ctx context.Context, r StoredReview, e audit.Entry) error
	Review(ctx context.Context, id string) (StoredReview, error)
	// ReviewIDs lists every review's id in order.
	ReviewIDs(ctx context.Context) ([]string, error)
	// Reviews lists the matching reviews, newest first (by CreatedAt,
	// then by ID, both descending), one page of them, and the number the
	// filter matches before the cursor and the limit. The database
	// filters, counts and pages.
	Reviews(ctx context.Context, f ReviewFilter) ([]StoredReview, int, error)
}

// ReviewFilter selects stored reviews; empty fields do not filter.
type ReviewFilter struct {
	Verdict string
	// County keeps the reviews whose owner county (the application's
	// county) is this one.
	County string
	// CreditCode keeps the reviews of one holder (a holder's reach).
	CreditCode string
	// KindMinerals keeps the reviews whose application's kind and mineral
	// are listed (a county clerk's grants); nil does not filter, an empty
	// non-nil map keeps nothing.
	KindMinerals map[rights.Kind][]string
	// Right keeps the reviews with a finding whose evidence names this
	// right's ID (an overlap with it).
	Right string
	// From and Until keep CreatedAt in [From, Until).
	From, Until time.Time
	// AfterAt and AfterID are a keyset cursor: the CreatedAt and ID of the
	// last review of the previous page (AfterID "": no cursor).
	AfterAt time.Time
	AfterID string
	Limit   int // ≤ 0: no limit
}

// ReviewConditions are a filter's SQL conditions for either backend,
// apart from the times and the cursor (whose column forms differ): col
// gives the SQL of a column or of a report field ("kind", "mineral" of
// the application), right the condition that a finding names a right,
// arg adds a parameter and returns its placeholder.
func ReviewConditions(f ReviewFilter, col func(string) string, right func(p string) string, arg func(any) string) []string {
	var where []string
	for _, c := range []struct{ col, v string }{{"verdict", f.Verdict}, {"owner_county", f.County}, {"owner_credit_code", f.CreditCode}} {
		if c.v != "" {
			where = append(where, col(c.col)+` = `+arg(c.v))
		}
	}
	if f.KindMinerals != nil {
		var or []string
		for _, k := range []rights.Kind{rights.Exploration, rights.Mining} {
			ms := f.KindMinerals[k]
			if len(ms) == 0 {
				continue
			}
			cond := `(` + col("kind") + ` = ` + arg(string(k)) // placeholders in text order
			ps := make([]string, len(ms))
			for i, m := range ms {
				ps[i] = arg(m)
			}
			or = append(or, cond+` AND `+col("mineral")+` IN (`+strings.Join(ps, `, `)+`))`)
		}
		if len(or) == 0 {
			or = []string{`1 = 0`}
		}
		where = append(where, `(`+strings.Join(or, ` OR `)+`)`)
	}
	if f.Right != "" {
		where = append(where, right(arg(f.Right)))
	}
	return where
}
