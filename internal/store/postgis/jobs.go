package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

const jobColumns = `id, kind, state, params, upload_size, attempts, max_attempts, stage, done, total, error, result, created_by, created_at, updated_at, lease_until, worker`

func scanJob(row pgx.Row, extra ...any) (store.Job, error) {
	var j store.Job
	var state, params string
	dest := append([]any{&j.ID, &j.Kind, &state, &params, &j.UploadSize, &j.Attempts, &j.MaxAttempts, &j.Stage, &j.Done, &j.Total,
		&j.Error, &j.Result, &j.CreatedBy, &j.CreatedAt, &j.UpdatedAt, &j.LeaseUntil, &j.Worker}, extra...)
	if err := row.Scan(dest...); err != nil {
		return j, mapError(err)
	}
	j.State, j.Params = store.JobState(state), []byte(params)
	j.CreatedAt, j.UpdatedAt, j.LeaseUntil = j.CreatedAt.UTC(), j.UpdatedAt.UTC(), j.LeaseUntil.UTC()
	return j, nil
}

func jobIn(ctx context.Context, q querier, id int64) (store.Job, error) {
	j, err := scanJob(q.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, store.ErrNotFound) {
		return j, fmt.Errorf("任务 %d 不存在 / job %d: %w", id, id, store.ErrNotFound)
	}
	return j, err
}

func lost(c store.JobClaim) error {
	return fmt.Errorf("任务 %d 第 %d 次 / job %d attempt %d: %w", c.ID, c.Attempt, c.ID, c.Attempt, store.ErrJobLost)
}

// EnqueueJob stores a queued job and its audit entry in one transaction.
func (s *DB) EnqueueJob(ctx context.Context, nj store.NewJob, e audit.Entry) (store.Job, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.Job{}, err
	}
	if err := store.ValidateNewJob(&nj); err != nil {
		return store.Job{}, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback(ctx)
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO jobs (kind, state, params, upload, upload_size, max_attempts, created_by, created_at, updated_at) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		nj.Kind, string(nj.Params), nj.Upload, len(nj.Upload), nj.MaxAttempts, nj.CreatedBy, nj.At).Scan(&id); err != nil {
		return store.Job{}, mapError(err)
	}
	e.Object = store.JobObject(id)
	e.BeforeState, e.AfterState = nil, store.StateDigestInput([]byte(nj.Kind), nj.Params, nj.Upload)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.Job{}, err
	}
	j, err := jobIn(ctx, tx, id)
	if err != nil {
		return j, err
	}
	return j, mapError(tx.Commit(ctx))
}

// ClaimJob takes the oldest claimable job; SKIP LOCKED lets two workers
// claim at once without taking the same one.
func (s *DB) ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	now = store.StoredTime(now)
	var upload []byte
	j, err := scanJob(s.pool.QueryRow(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = $1, lease_until = $2, updated_at = $3
		WHERE id = (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until <= $3) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING `+jobColumns+`, upload`, worker, store.StoredTime(now.Add(lease)), now), &upload)
	if err != nil {
		return j, err
	}
	j.Upload = upload
	return j, nil
}

// held locks the claim's job in tx, or is ErrJobLost.
func held(ctx context.Context, tx pgx.Tx, c store.JobClaim) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM jobs WHERE id = $1 AND state = 'running' AND attempts = $2 AND worker = $3 FOR UPDATE`, c.ID, c.Attempt, c.Worker).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return lost(c)
	}
	return mapError(err)
}

// ReportJob records progress and extends the lease.
func (s *DB) ReportJob(ctx context.Context, c store.JobClaim, p store.JobProgress, now, leaseUntil time.Time) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, `UPDATE jobs SET stage = $1, done = $2, total = $3, lease_until = $4, updated_at = $5 WHERE id = $6 AND state = 'running' AND attempts = $7 AND worker = $8`,
		p.Stage, p.Done, p.Total, store.StoredTime(leaseUntil), store.StoredTime(now), c.ID, c.Attempt, c.Worker)
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() == 0 {
		return lost(c)
	}
	return nil
}

// FinishJob ends a held job as done, importing its layer if it has one,
// in one transaction.
func (s *DB) FinishJob(ctx context.Context, c store.JobClaim, f store.JobFinish, e audit.Entry) (store.Job, error) {
	if err := f.Check(e); err != nil {
		return store.Job{}, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback(ctx)
	if err := held(ctx, tx, c); err != nil {
		return store.Job{}, err
	}
	if f.Layer != nil {
		if _, err := importLayer(ctx, tx, *f.Layer, f.Features, f.LayerEntry); err != nil {
			return store.Job{}, err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE jobs SET state = 'done', result = $1, error = '', upload = '', lease_until = 'epoch', updated_at = $2 WHERE id = $3`,
		f.Result, store.StoredTime(f.At), c.ID); err != nil {
		return store.Job{}, mapError(err)
	}
	e.Object = store.JobObject(c.ID)
	e.BeforeState, e.AfterState = nil, []byte("done\x00"+f.Result)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.Job{}, err
	}
	j, err := jobIn(ctx, tx, c.ID)
	if err != nil {
		return j, err
	}
	if err := tx.Commit(ctx); err != nil {
		return store.Job{}, mapError(err)
	}
	if f.Layer != nil {
		return j, s.analyzeLayers(ctx)
	}
	return j, nil
}

// FailJob ends a held job's attempt: queued again with retry, else failed.
func (s *DB) FailJob(ctx context.Context, c store.JobClaim, msg string, retry bool, now time.Time, e audit.Entry) (store.Job, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.Job{}, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback(ctx)
	if err := held(ctx, tx, c); err != nil {
		return store.Job{}, err
	}
	msg = store.JobErrorText(msg)
	state := store.JobFailed
	q := `UPDATE jobs SET state = $1, error = $2, upload = '', lease_until = 'epoch', worker = '', updated_at = $3 WHERE id = $4`
	if retry {
		state = store.JobQueued
		q = `UPDATE jobs SET state = $1, error = $2, lease_until = 'epoch', worker = '', updated_at = $3 WHERE id = $4`
	}
	if _, err := tx.Exec(ctx, q, string(state), msg, store.StoredTime(now), c.ID); err != nil {
		return store.Job{}, mapError(err)
	}
	e.Object = store.JobObject(c.ID)
	e.BeforeState, e.AfterState = nil, []byte(string(state)+"\x00"+msg)
	if _, err := appendAudit(ctx, tx, []audit.Entry{e}); err != nil {
		return store.Job{}, err
	}
	j, err := jobIn(ctx, tx, c.ID)
	if err != nil {
		return j, err
	}
	return j, mapError(tx.Commit(ctx))
}

// Job reads one job.
func (s *DB) Job(ctx context.Context, id int64) (store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return jobIn(ctx, s.pool, id)
}

// Jobs lists a kind's newest jobs first.
func (s *DB) Jobs(ctx context.Context, kind string, limit int) ([]store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT $2`, kind, limit)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []store.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, mapError(rows.Err())
}
