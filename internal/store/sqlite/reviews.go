package sqlite

import (
	"context"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// SaveReview stores a review and its audit entry in one transaction.
func (s *DB) SaveReview(ctx context.Context, r store.StoredReview, e audit.Entry) error {
	if err := store.CheckAudit(e); err != nil {
		return err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.PlanID, r.PlanRevision, r.Verdict, r.Input, string(r.Report), store.StoredTime(r.CreatedAt).Format(timeLayout), r.OwnerCreditCode, r.OwnerCounty, r.CreatedBy); err != nil {
		return mapError(err)
	}
	e.BeforeState, e.AfterState = nil, r.Report
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

// Review reads a stored review.
func (s *DB) Review(ctx context.Context, id string) (store.StoredReview, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	r := store.StoredReview{ID: id}
	var report, at string
	err := s.db.QueryRowContext(ctx, `SELECT plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by FROM reviews WHERE id = ?`, id).
		Scan(&r.PlanID, &r.PlanRevision, &r.Verdict, &r.Input, &report, &at, &r.OwnerCreditCode, &r.OwnerCounty, &r.CreatedBy)
	if err != nil {
		return r, notFound(err, "审查 %s 不存在 / review %s", id, id)
	}
	r.Report = []byte(report)
	r.CreatedAt, err = time.Parse(timeLayout, at)
	return r, err
}

// ReviewIDs lists every review's id.
func (s *DB) ReviewIDs(ctx context.Context) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM reviews ORDER BY id`)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err)
		}
		ids = append(ids, id)
	}
	return ids, mapError(rows.Err())
}
