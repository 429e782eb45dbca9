package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO reviews (id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.ID, r.PlanID, r.PlanRevision, r.Verdict, r.Input, string(r.Report), store.StoredTime(r.CreatedAt), r.OwnerCreditCode, r.OwnerCounty, r.CreatedBy); err != nil {
			return err
		}
		e.BeforeState, e.AfterState = nil, r.Report
		_, err := appendAudit(ctx, tx, []audit.Entry{e})
		return err
	})
	return mapError(err)
}

// Review reads a stored review.
func (r reader) Review(ctx context.Context, id string) (store.StoredReview, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return readReview(ctx, r.q, id)
}

// readReview reads one review through the pool or a snapshot's transaction.
func readReview(ctx context.Context, q querier, id string) (store.StoredReview, error) {
	r := store.StoredReview{ID: id}
	var report string
	err := q.QueryRow(ctx, `SELECT plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by FROM reviews WHERE id = $1`, id).
		Scan(&r.PlanID, &r.PlanRevision, &r.Verdict, &r.Input, &report, &r.CreatedAt, &r.OwnerCreditCode, &r.OwnerCounty, &r.CreatedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("审查 %s 不存在 / review %s: %w", id, id, store.ErrNotFound)
	}
	if err != nil {
		return r, mapError(err)
	}
	r.Report, r.CreatedAt = []byte(report), r.CreatedAt.UTC()
	return r, nil
}

// ReviewIDs lists every review's id.
func (r reader) ReviewIDs(ctx context.Context) ([]string, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rows, err := r.q.Query(ctx, `SELECT id FROM reviews ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, mapError(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, mapError(err)
}

// Reviews lists the matching reviews, newest first.
func (r reader) Reviews(ctx context.Context, f store.ReviewFilter) ([]store.StoredReview, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	col := func(c string) string {
		switch c {
		case "kind", "mineral":
			return `(report::jsonb #>> '{application,` + c + `}')`
		}
		return c
	}
	where := store.ReviewConditions(f, col, func(p string) string {
		return `report::jsonb -> 'findings' @> jsonb_build_array(jsonb_build_object('evidence', jsonb_build_object('right', ` + p + `::text)))`
	}, arg)
	if !f.From.IsZero() {
		where = append(where, `created_at >= `+arg(store.StoredTime(f.From)))
	}
	if !f.Until.IsZero() {
		where = append(where, `created_at < `+arg(store.StoredTime(f.Until)))
	}
	var total int
	if err := r.q.QueryRow(ctx, `SELECT COUNT(*) FROM reviews`+whereClause(where), args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	if f.AfterID != "" {
		at := store.StoredTime(f.AfterAt)
		where = append(where, `(created_at < `+arg(at)+` OR (created_at = `+arg(at)+` AND id COLLATE "C" < `+arg(f.AfterID)+`))`)
	}
	page := ""
	if f.Limit > 0 {
		page = fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := r.q.Query(ctx, `SELECT id, plan_id, plan_revision, verdict, input, report, created_at, owner_credit_code, owner_county, created_by FROM reviews`+
		whereClause(where)+` ORDER BY created_at DESC, id COLLATE "C" DESC`+page, args...)
	if err != nil {
		return nil, 0, mapError(err)
	}
	defer rows.Close()
	out := []store.StoredReview{}
	for rows.Next() {
		var sr store.StoredReview
		var report string
		if err := rows.Scan(&sr.ID, &sr.PlanID, &sr.PlanRevision, &sr.Verdict, &sr.Input, &report, &sr.CreatedAt, &sr.OwnerCreditCode, &sr.OwnerCounty, &sr.CreatedBy); err != nil {
			return nil, 0, mapError(err)
		}
		sr.Report, sr.CreatedAt = []byte(report), sr.CreatedAt.UTC()
		out = append(out, sr)
	}
	return out, total, mapError(rows.Err())
}
