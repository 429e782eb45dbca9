package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// dbtx is what *sql.DB and *sql.Tx share, so reads work inside and
// outside a transaction.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type rightsReader struct{ q dbtx }

var _ store.RightsReader = rightsReader{}

func (s *DB) reader() rightsReader { return rightsReader{s.db} }

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
	var state, geom []byte
	err := r.q.QueryRowContext(ctx, `SELECT state, geom FROM rights WHERE id = ? OR (licence_number = ? AND licence_number <> '') ORDER BY id = ? DESC LIMIT 1`, id, id, id).Scan(&state, &geom)
	if errors.Is(err, sql.ErrNoRows) {
		return rights.Right{}, fmt.Errorf("矿业权 %s 不存在 / right %s: %w", id, id, store.ErrNotFound)
	}
	if err != nil {
		return rights.Right{}, err
	}
	return store.DecodeRight(state, geom)
}

func (r rightsReader) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var where []string
	var args []any
	from := `rights r`
	if f.BBox != nil {
		// Driven from the R*Tree, whose boxes are rounded outwards; the
		// exact box is checked in Go.
		from = `rights_rtree t CROSS JOIN rights r ON r.rowid = t.rid`
		where = append(where, `t.max_lon >= ? AND t.min_lon <= ? AND t.max_lat >= ? AND t.min_lat <= ?`)
		args = append(args, f.BBox.MinLon, f.BBox.MaxLon, f.BBox.MinLat, f.BBox.MaxLat)
	}
	where = append(where, store.RightConditions(f, func(c string) string { return "r." + c }, func(v any) string {
		args = append(args, v)
		return "?"
	})...)
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	// Without a box every condition is in SQL, so the database counts and
	// pages; with one, the exact box is checked in Go first.
	total, page := -1, ""
	if f.BBox == nil {
		if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from+cond, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
		if f.Limit > 0 || f.Offset > 0 {
			limit := f.Limit
			if limit <= 0 {
				limit = -1 // SQLite: no limit
			}
			page = fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
		}
	}
	rows, err := r.q.QueryContext(ctx, `SELECT r.state, r.geom FROM `+from+cond+` ORDER BY r.id`+page, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []rights.Right
	for rows.Next() {
		var state, geom []byte
		if err := rows.Scan(&state, &geom); err != nil {
			return nil, 0, err
		}
		rt, err := store.DecodeRight(state, geom)
		if err != nil {
			return nil, 0, err
		}
		if store.KeepRight(rt, f) {
			out = append(out, rt)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
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
	return r.events(ctx, `WHERE right_id = ? ORDER BY seq`, rt.ID)
}

func (r rightsReader) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return r.events(ctx, `ORDER BY right_id, seq`)
}

func (r rightsReader) events(ctx context.Context, tail string, args ...any) ([]rights.Event, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT right_id, seq, type, date, actor, reason, doc_ref, recorded_at, change FROM right_events `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []rights.Event{}
	for rows.Next() {
		var e store.EventRow
		var at, change string
		if err := rows.Scan(&e.RightID, &e.Seq, &e.Type, &e.Date, &e.Actor, &e.Reason, &e.DocRef, &at, &change); err != nil {
			return nil, err
		}
		if e.RecordedAt, err = time.Parse(timeLayout, at); err != nil {
			return nil, fmt.Errorf("event %s/%d recorded_at %q", e.RightID, e.Seq, at)
		}
		e.Change = []byte(change)
		ev, err := e.Event()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// AppendRightChanges stores events and states in one transaction (SQLite's
// immediate transaction is the register's write lock).
func (s *DB) AppendRightChanges(ctx context.Context, changes []store.RightChange, verify func(context.Context, store.RightsReader) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	seqs := map[string]int{}
	for i, c := range changes {
		id := c.Event.RightID
		cur, ok := seqs[id]
		if !ok {
			err := tx.QueryRowContext(ctx, `SELECT seq FROM rights WHERE id = ?`, id).Scan(&cur)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO rights (id, licence_number, kind, status, holder_name, holder_code, main_mineral, county, seq, state, geom)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET licence_number = excluded.licence_number, kind = excluded.kind, status = excluded.status,
			  holder_name = excluded.holder_name, holder_code = excluded.holder_code, main_mineral = excluded.main_mineral,
			  county = excluded.county, seq = excluded.seq, state = excluded.state, geom = excluded.geom`,
			id, c.State.LicenceNumber, c.State.Kind, c.State.Status, c.State.Holder.Name, c.State.Holder.CreditCode, c.State.MainMineral, c.State.County, c.State.Seq, string(state), wkb); err != nil {
			return fmt.Errorf("right %s: %w", id, mapError(err))
		}
		b := c.State.Geometry.Bounds()
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO rights_rtree (rid, min_lon, max_lon, min_lat, max_lat) SELECT rowid, ?, ?, ?, ? FROM rights WHERE id = ?`,
			b.MinLon, b.MaxLon, b.MinLat, b.MaxLat, id); err != nil {
			return mapError(err)
		}
		row, err := store.EventToRow(c.Event)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO right_events (right_id, seq, type, date, actor, reason, doc_ref, recorded_at, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.RightID, row.Seq, row.Type, row.Date, row.Actor, row.Reason, row.DocRef, row.RecordedAt.Format(timeLayout), string(row.Change)); err != nil {
			return fmt.Errorf("right %s event %d: %w", id, row.Seq, mapError(err))
		}
	}
	if verify != nil {
		if err := verify(ctx, rightsReader{tx}); err != nil {
			return err
		}
	}
	return mapError(tx.Commit())
}
