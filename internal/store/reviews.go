package store

import (
	"context"
	"time"

	"mineplan/internal/audit"
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
}
