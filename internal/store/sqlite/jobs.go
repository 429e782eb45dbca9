package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// Job times are microseconds since 1970 (INTEGER), so leases compare as
// numbers.
func micros(t time.Time) int64 { return store.StoredTime(t).UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

const jobColumns = `id, kind, state, params, upload_size, attempts, max_attempts, stage, done, total, error, result, created_by, created_at, updated_at, lease_until, worker`

func scanJob(scan func(...any) error, extra ...any) (store.Job, error) {
	var j store.Job
	var params string
	var created, updated, lease int64
	dest := append([]any{&j.ID, &j.Kind, &j.State, &params, &j.UploadSize, &j.Attempts, &j.MaxAttempts, &j.Stage, &j.Done, &j.Total,
		&j.Error, &j.Result, &j.CreatedBy, &created, &updated, &lease, &j.Worker}, extra...)
	if err := scan(dest...); err != nil {
		return j, mapError(err)
	}
	j.Params = []byte(params)
	j.CreatedAt, j.UpdatedAt, j.LeaseUntil = fromMicros(created), fromMicros(updated), fromMicros(lease)
	return j, nil
}

func jobIn(ctx context.Context, q querier, id int64) (store.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id).Scan)
	if errors.Is(err, store.ErrNotFound) {
		return j, fmt.Errorf("任务 %d 不存在 / job %d: %w", id, id, store.ErrNotFound)
	}
	return j, err
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
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback()
	at := micros(nj.At)
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, state, params, upload, upload_size, max_attempts, created_by, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)`,
		nj.Kind, string(nj.Params), nj.Upload, len(nj.Upload), nj.MaxAttempts, nj.CreatedBy, at, at)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
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
	return j, mapError(tx.Commit())
}

// ClaimJob takes the oldest claimable job. The transaction is IMMEDIATE
// (the connection's _txlock), so two claims never see the same row free.
func (s *DB) ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until <= ?) ORDER BY id LIMIT 1`, micros(now)).Scan(&id)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
		worker, micros(now.Add(lease)), micros(now), id); err != nil {
		return store.Job{}, mapError(err)
	}
	var upload []byte
	j, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+`, upload FROM jobs WHERE id = ?`, id).Scan, &upload)
	if err != nil {
		return j, err
	}
	j.Upload = upload
	return j, mapError(tx.Commit())
}

// held checks in tx that the claim still holds its job.
func held(ctx context.Context, tx *sql.Tx, c store.JobClaim) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE id = ? AND state = 'running' AND attempts = ? AND worker = ?`, c.ID, c.Attempt, c.Worker).Scan(&n)
	if err != nil {
		return mapError(err)
	}
	if n == 0 {
		return fmt.Errorf("任务 %d 第 %d 次 / job %d attempt %d: %w", c.ID, c.Attempt, c.ID, c.Attempt, store.ErrJobLost)
	}
	return nil
}

// ReportJob records progress and extends the lease.
func (s *DB) ReportJob(ctx context.Context, c store.JobClaim, p store.JobProgress, now, leaseUntil time.Time) error {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET stage = ?, done = ?, total = ?, lease_until = ?, updated_at = ? WHERE id = ? AND state = 'running' AND attempts = ? AND worker = ?`,
		p.Stage, p.Done, p.Total, micros(leaseUntil), micros(now), c.ID, c.Attempt, c.Worker)
	if err != nil {
		return mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapError(err)
	} else if n == 0 {
		return fmt.Errorf("任务 %d 第 %d 次 / job %d attempt %d: %w", c.ID, c.Attempt, c.ID, c.Attempt, store.ErrJobLost)
	}
	return nil
}

// FinishJob ends a held job as done, importing its layer if it has one,
// in one transaction.
func (s *DB) FinishJob(ctx context.Context, c store.JobClaim, f store.JobFinish, e audit.Entry) (store.Job, error) {
	if err := f.Check(e); err != nil {
		return store.Job{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback()
	if err := held(ctx, tx, c); err != nil {
		return store.Job{}, err
	}
	if f.Layer != nil {
		if _, err := importLayer(ctx, tx, *f.Layer, f.Features, f.LayerEntry); err != nil {
			return store.Job{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', result = ?, error = '', upload = X'', lease_until = 0, updated_at = ? WHERE id = ?`,
		f.Result, micros(f.At), c.ID); err != nil {
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
	return j, mapError(tx.Commit())
}

// FailJob ends a held job's attempt: queued again with retry, else failed.
func (s *DB) FailJob(ctx context.Context, c store.JobClaim, msg string, retry bool, now time.Time, e audit.Entry) (store.Job, error) {
	if err := store.CheckAudit(e); err != nil {
		return store.Job{}, err
	}
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return store.Job{}, mapError(err)
	}
	defer tx.Rollback()
	if err := held(ctx, tx, c); err != nil {
		return store.Job{}, err
	}
	msg = store.JobErrorText(msg)
	state := store.JobFailed
	q := `UPDATE jobs SET state = ?, error = ?, upload = X'', lease_until = 0, worker = '', updated_at = ? WHERE id = ?`
	if retry {
		state = store.JobQueued
		q = `UPDATE jobs SET state = ?, error = ?, lease_until = 0, worker = '', updated_at = ? WHERE id = ?`
	}
	if _, err := tx.ExecContext(ctx, q, state, msg, micros(now), c.ID); err != nil {
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
	return j, mapError(tx.Commit())
}

// Job reads one job.
func (s *DB) Job(ctx context.Context, id int64) (store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return jobIn(ctx, s.db, id)
}

// Jobs lists a kind's newest jobs first.
func (s *DB) Jobs(ctx context.Context, kind string, limit int) ([]store.Job, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT ?`, kind, limit)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []store.Job{}
	for rows.Next() {
		j, err := scanJob(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, mapError(rows.Err())
}
