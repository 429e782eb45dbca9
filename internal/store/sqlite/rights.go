package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"mineplan/internal/audit"
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

func (s *DB) reader() rightsReader { return rightsReader{s.prepared} }

// Right returns a right by ID or licence number.
func (s *DB) Right(ctx context.Context, id string) (rights.Right, error) {
	return s.reader().Right(ctx, id)
}

// Rights lists rights.
func (s *DB) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	return s.reader().Rights(ctx, f)
}

// RightTotals sums the matching rights.
func (s *DB) RightTotals(ctx context.Context, f store.TotalsFilter) ([]rights.Total, error) {
	return s.reader().RightTotals(ctx, f)
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
	if err != nil {
		return rights.Right{}, notFound(err, "矿业权 %s 不存在 / right %s", id, id)
	}
	return store.DecodeRight(state, geom)
}

// rightsFrom is the table a filter reads, its ID column, and the
// conditions and arguments of the filter (without the cursor).
func rightsFrom(f store.RightFilter) (from, idCol string, where []string, args []any) {
	from, idCol = `rights r`, `r.id`
	if f.AsOf != nil {
		from, idCol = `right_states r`, `r.right_id`
	} else if f.BBox != nil {
		// The R*Tree finds candidates by boxes rounded outwards; the
		// exact box columns decide.
		from = `rights_rtree t CROSS JOIN rights r ON r.rowid = t.rid`
		where = append(where, `t.max_lon >= ? AND t.min_lon <= ? AND t.max_lat >= ? AND t.min_lat <= ?`)
		args = append(args, f.BBox.MinLon, f.BBox.MaxLon, f.BBox.MinLat, f.BBox.MaxLat)
	}
	where = append(where, store.RightConditions(f, func(c string) string { return "r." + c }, func(v any) string {
		args = append(args, v)
		return "?"
	})...)
	return from, idCol, where, args
}

func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(where, ` AND `)
}

// sqliteArea is a right's declared area, from its state JSON.
const sqliteArea = `COALESCE(CAST(json_extract(r.state, '$.area_km2') AS REAL), 0)`

func (r rightsReader) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	from, idCol, where, args := rightsFrom(f)
	// Unpaged, the number matched is the number read: no count query.
	paged := f.Paged()
	total := 0
	if paged {
		var countArgs []any
		count, ok := store.CountFromTotals(f, func(v any) string {
			countArgs = append(countArgs, v)
			return "?"
		})
		if !ok {
			count, countArgs = `SELECT COUNT(*) FROM `+from+whereClause(where), args
		}
		if err := r.q.QueryRowContext(ctx, count, countArgs...).Scan(&total); err != nil {
			return nil, 0, mapError(err)
		}
	}
	cond, order, err := store.RightOrder(f, idCol, "", sqliteArea, func(v any) string {
		args = append(args, v)
		return "?"
	})
	if err != nil {
		return nil, 0, err
	}
	if cond != "" {
		where = append(where, cond)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := r.q.QueryContext(ctx, `SELECT r.state, r.geom FROM `+from+whereClause(where)+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, mapError(err)
	}
	defer rows.Close()
	out, err := store.ScanRights(rows, f.StatusDay(), mapError)
	if err != nil {
		return nil, 0, err
	}
	if !paged {
		total = len(out)
	}
	return out, total, nil
}

func (r rightsReader) RightTotals(ctx context.Context, f store.TotalsFilter) ([]rights.Total, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var args []any
	q := store.TotalsQuery(f, func(v any) string {
		args = append(args, v)
		return "?"
	}, "")
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	return store.ScanTotals(rows, mapError)
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
	rows, err := r.q.QueryContext(ctx, `SELECT right_id, seq, type, date, actor, reason, doc_ref, recorded_at, recorded_by, change FROM right_events `+tail, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []rights.Event{}
	for rows.Next() {
		var e store.EventRow
		var at, change string
		if err := rows.Scan(&e.RightID, &e.Seq, &e.Type, &e.Date, &e.Actor, &e.Reason, &e.DocRef, &at, &e.RecordedBy, &change); err != nil {
			return nil, mapError(err)
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
	return out, mapError(rows.Err())
}

// AppendRightChanges stores events and states in one transaction (SQLite's
// immediate transaction is the register's write lock).
func (s *DB) AppendRightChanges(ctx context.Context, changes []store.RightChange, verify func(context.Context, store.RightsReader) error) error {
	entries := make([]audit.Entry, len(changes))
	for i, c := range changes {
		if err := store.CheckAudit(c.Audit); err != nil {
			return fmt.Errorf("change %d (right %s): %w", i+1, c.Event.RightID, err)
		}
		entries[i] = c.Audit
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	heads := map[string]head{}
	for i, c := range changes {
		id := c.Event.RightID
		cur, ok := heads[id]
		if !ok {
			var k store.TotalsKey
			var validFrom string
			err := tx.QueryRowContext(ctx, `SELECT r.seq, s.from_date, r.kind, r.main_mineral, r.status, r.scale_unit, r.valid_from, r.scale_micro
				FROM rights r JOIN right_states s ON s.right_id = r.id AND s.seq = r.seq WHERE r.id = ?`, id).
				Scan(&cur.seq, &cur.from, &k.Kind, &k.MainMineral, &k.Status, &k.Unit, &validFrom, &cur.micro)
			switch {
			case err == nil:
				k.FromYear = store.FromYear(validFrom)
				cur.key = &k
				if cur.state, err = priorState(ctx, rightsReader{tx}, id); err != nil {
					return err
				}
			case !errors.Is(err, sql.ErrNoRows):
				return mapError(err)
			}
		}
		if c.Event.Seq != cur.seq+1 || c.State.ID != id || c.State.Seq != c.Event.Seq {
			return fmt.Errorf("%w: change %d: right %s is at event %d, got event %d", store.ErrConflict, i+1, id, cur.seq, c.Event.Seq)
		}
		row := store.StateRow{Change: c, From: store.NextStateFrom(cur.from, c.Event), Until: store.OpenEnd}
		if err := writeChange(ctx, tx, row); err != nil {
			return err
		}
		key, micro := store.TotalsKeyOf(c.State)
		if cur.key != nil {
			if err := addTotals(ctx, tx, *cur.key, -1, -cur.micro); err != nil {
				return err
			}
		}
		if err := addTotals(ctx, tx, key, 1, micro); err != nil {
			return err
		}
		after, err := store.RightAuditState(c.State)
		if err != nil {
			return err
		}
		entries[i].BeforeState, entries[i].AfterState = cur.state, after
		heads[id] = head{seq: c.Event.Seq, from: row.From, key: &key, micro: micro, state: after}
	}
	if verify != nil {
		if err := verify(ctx, rightsReader{tx}); err != nil {
			return err
		}
	}
	if _, err := appendAudit(ctx, tx, entries); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

// priorState is a stored right's state before a batch changes it, for its
// audit entry.
func priorState(ctx context.Context, r store.RightsReader, id string) ([]byte, error) {
	prior, err := r.Right(ctx, id)
	if err != nil {
		return nil, err
	}
	return store.RightAuditState(prior)
}

// head is what an append needs of a right's latest state: its sequence,
// the day its history row begins, and the totals group it counts in (nil
// for a new right).
type head struct {
	seq   int
	from  string
	key   *store.TotalsKey
	micro int64
	state []byte // store.RightAuditState (nil for a new right)
}

var totalsUpsert = store.TotalsUpsertSQL(func(int) string { return "?" })

// addTotals adds n rights with micro to the maintained totals.
func addTotals(ctx context.Context, tx *sql.Tx, k store.TotalsKey, n int, micro int64) error {
	if _, err := tx.ExecContext(ctx, totalsUpsert[0], k.Kind, k.MainMineral, k.Status, k.Unit, k.FromYear, n, micro); err != nil {
		return mapError(err)
	}
	_, err := tx.ExecContext(ctx, totalsUpsert[1], k.Kind, k.Status, n)
	return mapError(err)
}

// writeChange stores one event, the right's new current state and its
// state history row, closing the previous history row.
func writeChange(ctx context.Context, tx *sql.Tx, row store.StateRow) error {
	c := row.Change
	id := c.Event.RightID
	state, wkb, err := store.EncodeRight(c.State)
	if err != nil {
		return err
	}
	cols := store.ColumnsOf(c.State)
	st := c.State
	if _, err := tx.ExecContext(ctx, `INSERT INTO rights (id, licence_number, kind, status, holder_name, holder_code, main_mineral, county, seq, state, geom,
			min_lon, min_lat, max_lon, max_lat, valid_from, valid_to, scale_unit, scale_micro)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET licence_number = excluded.licence_number, kind = excluded.kind, status = excluded.status,
		  holder_name = excluded.holder_name, holder_code = excluded.holder_code, main_mineral = excluded.main_mineral,
		  county = excluded.county, seq = excluded.seq, state = excluded.state, geom = excluded.geom,
		  min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
		  valid_from = excluded.valid_from, valid_to = excluded.valid_to, scale_unit = excluded.scale_unit, scale_micro = excluded.scale_micro`,
		id, st.LicenceNumber, st.Kind, st.Status, st.Holder.Name, st.Holder.CreditCode, st.MainMineral, st.County, st.Seq, string(state), wkb,
		cols.MinLon, cols.MinLat, cols.MaxLon, cols.MaxLat, cols.ValidFrom, cols.ValidTo, cols.ScaleUnit, cols.ScaleMicro); err != nil {
		return fmt.Errorf("right %s: %w", id, mapError(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO rights_rtree (rid, min_lon, max_lon, min_lat, max_lat) SELECT rowid, ?, ?, ?, ? FROM rights WHERE id = ?`,
		cols.MinLon, cols.MaxLon, cols.MinLat, cols.MaxLat, id); err != nil {
		return mapError(err)
	}
	ev, err := store.EventToRow(c.Event)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO right_events (right_id, seq, type, date, actor, reason, doc_ref, recorded_at, recorded_by, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.RightID, ev.Seq, ev.Type, ev.Date, ev.Actor, ev.Reason, ev.DocRef, ev.RecordedAt.Format(timeLayout), ev.RecordedBy, string(ev.Change)); err != nil {
		return fmt.Errorf("right %s event %d: %w", id, ev.Seq, mapError(err))
	}
	return writeState(ctx, tx, row, state, wkb, cols, ev.RecordedAt.Format(timeLayout))
}

// writeState adds a state history row and closes the one before it.
func writeState(ctx context.Context, tx *sql.Tx, row store.StateRow, state, wkb []byte, cols store.RightColumns, recordedAt string) error {
	st := row.Change.State
	if _, err := tx.ExecContext(ctx, `UPDATE right_states SET until_date = ? WHERE right_id = ? AND seq = ?`, row.From, st.ID, st.Seq-1); err != nil {
		return mapError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO right_states (right_id, seq, from_date, until_date, recorded_at, licence_number, kind, status, holder_name, holder_code,
			main_mineral, county, min_lon, min_lat, max_lon, max_lat, valid_from, valid_to, scale_unit, scale_micro, state, geom)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.Seq, row.From, row.Until, recordedAt, st.LicenceNumber, st.Kind, st.Status, st.Holder.Name, st.Holder.CreditCode,
		st.MainMineral, st.County, cols.MinLon, cols.MinLat, cols.MaxLon, cols.MaxLat, cols.ValidFrom, cols.ValidTo, cols.ScaleUnit, cols.ScaleMicro, string(state), wkb); err != nil {
		return fmt.Errorf("right %s state %d: %w", st.ID, st.Seq, mapError(err))
	}
	return nil
}

// backfill fills what migration 7 added for rights stored before it: the
// columns of each current state and the state history, replayed from the
// events. It runs when there are events but no history, in one
// transaction, so an interrupted backfill runs again.
func (s *DB) backfill(ctx context.Context) error {
	var need int
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM right_events) AND NOT EXISTS (SELECT 1 FROM right_states)`).Scan(&need); err != nil {
		return mapError(err)
	}
	if need == 0 {
		return nil
	}
	events, err := s.AllRightEvents(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	for _, evs := range store.ByRight(events) {
		hist, err := store.StateHistory(evs)
		if err != nil {
			return err
		}
		last := hist[len(hist)-1].Change.State
		cols := store.ColumnsOf(last)
		if _, err := tx.ExecContext(ctx, `UPDATE rights SET min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, valid_from = ?, valid_to = ?, scale_unit = ?, scale_micro = ? WHERE id = ?`,
			cols.MinLon, cols.MinLat, cols.MaxLon, cols.MaxLat, cols.ValidFrom, cols.ValidTo, cols.ScaleUnit, cols.ScaleMicro, last.ID); err != nil {
			return mapError(err)
		}
		for _, h := range hist {
			state, wkb, err := store.EncodeRight(h.Change.State)
			if err != nil {
				return err
			}
			if err := writeState(ctx, tx, h, state, wkb, store.ColumnsOf(h.Change.State), store.StoredTime(h.Change.Event.RecordedAt).Format(timeLayout)); err != nil {
				return err
			}
		}
	}
	for _, q := range store.BackfillTotalsSQL {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return mapError(err)
		}
	}
	return mapError(tx.Commit())
}
