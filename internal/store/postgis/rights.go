package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// pgq is what the pool and a transaction share.
type pgq interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type rightsReader struct{ q pgq }

var _ store.RightsReader = rightsReader{}

func (s *DB) reader() rightsReader { return rightsReader{s.pool} }

// Right returns a right by ID or licence number.
func (s *DB) Right(ctx context.Context, id string) (rights.Right, error) {
	return s.reader().Right(ctx, id)
}

// Rights lists rights.
func (s *DB) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	return s.reader().Rights(ctx, f)
}

// RightEvents returns one right's events.
func (s *DB) RightEvents(ctx context.Context, id string) ([]rights.Event, error) {
	return s.reader().RightEvents(ctx, id)
}

// AllRightEvents returns every event.
func (s *DB) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	return s.reader().AllRightEvents(ctx)
}

func (r rightsReader) Right(ctx context.Context, id string) (rights.Right, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var state string
	var geom []byte
	err := r.q.QueryRow(ctx, `SELECT state, ST_AsBinary(geom) FROM rights WHERE id = $1 OR (licence_number = $1 AND licence_number <> '') ORDER BY id = $1 DESC LIMIT 1`, id).Scan(&state, &geom)
	if errors.Is(err, pgx.ErrNoRows) {
		return rights.Right{}, fmt.Errorf("矿业权 %s 不存在 / right %s: %w", id, id, store.ErrNotFound)
	}
	if err != nil {
		return rights.Right{}, mapError(err)
	}
	return store.DecodeRight([]byte(state), geom)
}

func (r rightsReader) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.BBox != nil {
		// && compares single-precision boxes; the exact box is checked in Go.
		where = append(where, fmt.Sprintf(`geom && ST_MakeEnvelope(%s, %s, %s, %s, 4490)`, arg(f.BBox.MinLon), arg(f.BBox.MinLat), arg(f.BBox.MaxLon), arg(f.BBox.MaxLat)))
	}
	where = append(where, store.RightConditions(f, func(c string) string { return c }, arg)...)
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	// Without a box every condition is in SQL, so the database counts and
	// pages; with one, the exact box is checked in Go first.
	total, page := -1, ""
	if f.BBox == nil {
		if err := r.q.QueryRow(ctx, `SELECT COUNT(*) FROM rights`+cond, args...).Scan(&total); err != nil {
			return nil, 0, mapError(err)
		}
		if f.Limit > 0 {
			page = fmt.Sprintf(` LIMIT %d`, f.Limit)
		}
		if f.Offset > 0 {
			page += fmt.Sprintf(` OFFSET %d`, f.Offset)
		}
	}
	rows, err := r.q.Query(ctx, `SELECT state, ST_AsBinary(geom) FROM rights`+cond+` ORDER BY id COLLATE "C"`+page, args...)
	if err != nil {
		return nil, 0, mapError(err)
	}
	defer rows.Close()
	var out []rights.Right
	for rows.Next() {
		var state string
		var geom []byte
		if err := rows.Scan(&state, &geom); err != nil {
			return nil, 0, err
		}
		rt, err := store.DecodeRight([]byte(state), geom)
		if err != nil {
			return nil, 0, err
		}
		if store.KeepRight(rt, f) {
			out = append(out, rt)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, mapError(err)
	}
	if total >= 0 {
		return out, total, nil
	}
	return store.Page(out, f), len(out), nil
}

func (r rightsReader) RightEvents(ctx context.Context, id string) ([]rights.Event, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rt, err := r.Right(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.events(ctx, `WHERE right_id = $1 ORDER BY seq`, rt.ID)
}

func (r rightsReader) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return r.events(ctx, `ORDER BY right_id COLLATE "C", seq`)
}

func (r rightsReader) events(ctx context.Context, tail string, args ...any) ([]rights.Event, error) {
	rows, err := r.q.Query(ctx, `SELECT right_id, seq, type, date, actor, reason, doc_ref, recorded_at, change FROM right_events `+tail, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []rights.Event{}
	for rows.Next() {
		var e store.EventRow
		var change string
		if err := rows.Scan(&e.RightID, &e.Seq, &e.Type, &e.Date, &e.Actor, &e.Reason, &e.DocRef, &e.RecordedAt, &change); err != nil {
			return nil, err
		}
		e.Change = []byte(change)
		ev, err := e.Event()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, mapError(rows.Err())
}

// AppendRightChanges stores events and states in one transaction; an
// advisory lock on the register serialises writers, so verify sees every
// committed change.
func (s *DB) AppendRightChanges(ctx context.Context, changes []store.RightChange, verify func(context.Context, store.RightsReader) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('mineplan:rights', 0))`); err != nil {
		return mapError(err)
	}
	seqs := map[string]int{}
	for i, c := range changes {
		id := c.Event.RightID
		cur, ok := seqs[id]
		if !ok {
			err := tx.QueryRow(ctx, `SELECT seq FROM rights WHERE id = $1`, id).Scan(&cur)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return mapError(err)
			}
		}
		if c.Event.Seq != cur+1 || c.State.ID != id || c.State.Seq != c.Event.Seq {
			return fmt.Errorf("%w: change %d: right %s is at event %d, got event %d", store.ErrConflict, i+1, id, cur, c.Event.Seq)
		}
		seqs[id] = c.Event.Seq
		state, wkb, err := store.EncodeRight(c.State)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rights (id, licence_number, kind, status, holder_name, holder_code, main_mineral, county, seq, state, geom)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_GeomFromWKB($11, 4490))
			ON CONFLICT (id) DO UPDATE SET licence_number = excluded.licence_number, kind = excluded.kind, status = excluded.status,
			  holder_name = excluded.holder_name, holder_code = excluded.holder_code, main_mineral = excluded.main_mineral,
			  county = excluded.county, seq = excluded.seq, state = excluded.state, geom = excluded.geom`,
			id, c.State.LicenceNumber, string(c.State.Kind), string(c.State.Status), c.State.Holder.Name, c.State.Holder.CreditCode, c.State.MainMineral, c.State.County, c.State.Seq, string(state), wkb); err != nil {
			return fmt.Errorf("right %s: %w", id, mapError(err))
		}
		row, err := store.EventToRow(c.Event)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO right_events (right_id, seq, type, date, actor, reason, doc_ref, recorded_at, change) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			row.RightID, row.Seq, row.Type, row.Date, row.Actor, row.Reason, row.DocRef, row.RecordedAt, string(row.Change)); err != nil {
			return fmt.Errorf("right %s event %d: %w", id, row.Seq, mapError(err))
		}
	}
	if verify != nil {
		if err := verify(ctx, rightsReader{tx}); err != nil {
			return err
		}
	}
	return mapError(tx.Commit(ctx))
}
