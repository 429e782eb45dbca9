package sqlite

import (
	"context"
	"fmt"
	"strconv"
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

// reviewAt is created_at in a fixed-width form that sorts as the times
// do: the stored RFC 3339 text drops a fraction's trailing zeros (so
// "…:05Z" would sort after "…:05.5Z"); this pads it to microseconds.
const reviewAt = `(substr(created_at, 1, 19) || CASE WHEN substr(created_at, 20, 1) = '.' THEN substr(substr(created_at, 20, length(created_at) - 20) || '000000', 1, 7) ELSE '.000000' END)`

// reviewAtArg is a time in reviewAt's form.
func reviewAtArg(t time.Time) string { return store.StoredTime(t).Format("2006-01-02T15:04:05.000000") }

// Reviews lists the matching reviews, newest first.
func (s *DB) Reviews(ctx context.Context, f store.ReviewFilter) ([]store.StoredReview, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "?"
	}
	col := func(c string) string {
		switch c {
		case "kind", "mineral":
			return `json_extract(report, '$.application.` + c + `')`
		}
		return c
	}
	where := store.ReviewConditions(f, col, func(p string) string {
		return `EXISTS (SELECT 1 FROM json_each(report, '$.findings') WHERE json_extract(value, '$.evidence.right') = ` + p + `)`
	}, arg)
	if !f.From.IsZero() {
		where = append(where, reviewAt+` >= `+arg(reviewAtArg(f.From)))
	}
	if !f.Until.IsZero() {
		where = append(where, reviewAt+` < `+arg(reviewAtArg(f.Until)))
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reviews`+whereClause(where), args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	if f.AfterID != "" {
		at := reviewAtArg(f.AfterAt)
		where = append(where, `(`+reviewAt+` < `+arg(at)+` OR (`+reviewAt+` = `+arg(at)+` AND id < `+arg(f.AfterID)+`))`)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by FROM reviews`+
		whereClause(where)+` ORDER BY `+reviewAt+` DESC, id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, 0, mapError(err)
	}
	defer rows.Close()
	out := []store.StoredReview{}
	for rows.Next() {
		var r store.StoredReview
		var report, at string
		if err := rows.Scan(&r.ID, &r.PlanID, &r.PlanRevision, &r.Verdict, &r.Input, &report, &at, &r.OwnerCreditCode, &r.OwnerCounty, &r.CreatedBy); err != nil {
			return nil, 0, mapError(err)
		}
		r.Report = []byte(report)
		if r.CreatedAt, err = time.Parse(timeLayout, at); err != nil {
			return nil, 0, fmt.Errorf("review %s created_at %q: %w", r.ID, at, err)
		}
		out = append(out, r)
	}
	return out, total, mapError(rows.Err())
}
