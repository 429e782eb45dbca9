package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// pgq is what the pool and a transaction share.
type pgq interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type reader struct{ q pgq }

var _ store.RightsReader = reader{}

// Right returns a right by ID or licence number.
func (s *DB) Right(ctx context.Context, id string) (rights.Right, error) {
	return s.reader.Right(ctx, id)
}

// Rights lists rights.
func (s *DB) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	return s.reader.Rights(ctx, f)
}

// RightTotals sums the matching rights.
func (s *DB) RightTotals(ctx context.Context, f store.TotalsFilter) ([]rights.Total, error) {
	return s.reader.RightTotals(ctx, f)
}

// RightEvents returns one right's events.
func (s *DB) RightEvents(ctx context.Context, id string) ([]rights.Event, error) {
	return s.reader.RightEvents(ctx, id)
}

// AllRightEvents returns every event.
func (s *DB) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	return s.reader.AllRightEvents(ctx)
}

func (r reader) Right(ctx context.Context, id string) (rights.Right, error) {
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

// rightsQuery is the table a filter reads, its ID column, and the
// conditions of the filter (without the cursor); arg adds a parameter.
func rightsQuery(f store.RightFilter, arg func(any) string) (from, idCol string, where []string) {
	from, idCol = `rights r`, `r.id`
	if f.AsOf != nil {
		from, idCol = `right_states r`, `r.right_id`
	}
	if f.BBox != nil {
		// && finds candidates by single-precision boxes; the exact box
		// columns decide. Unpaged (the review's candidates), every match
		// is read, so the GiST index serves whatever the box: the box is
		// given as a subquery, which the planner does not estimate. That
		// estimate (PostGIS reads the column's histogram) cost more than
		// the query, and kept the prepared statement on per-call plans.
		box := fmt.Sprintf(`ST_MakeEnvelope(%s, %s, %s, %s, 4490)`, arg(f.BBox.MinLon), arg(f.BBox.MinLat), arg(f.BBox.MaxLon), arg(f.BBox.MaxLat))
		if !f.Paged() {
			box = `(SELECT ` + box + `)`
		}
		where = append(where, `r.geom && `+box)
	}
	where = append(where, store.RightConditions(f, func(c string) string { return "r." + c }, arg)...)
	return from, idCol + ` COLLATE "C"`, where
}

func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(where, ` AND `)
}

// pgArea is a right's declared area, from its state JSON.
const pgArea = `COALESCE((r.state::jsonb ->> 'area_km2')::double precision, 0)`

func (r reader) Rights(ctx context.Context, f store.RightFilter) ([]rights.Right, int, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	from, idCol, where := rightsQuery(f, arg)
	// Unpaged, the number matched is the number read: no count query.
	paged := f.Paged()
	total := 0
	if paged {
		var countArgs []any
		count, ok := store.CountFromTotals(f, func(v any) string {
			countArgs = append(countArgs, v)
			return fmt.Sprintf("$%d", len(countArgs))
		})
		if !ok {
			count, countArgs = `SELECT COUNT(*) FROM `+from+whereClause(where), args
		}
		if err := r.q.QueryRow(ctx, count, countArgs...).Scan(&total); err != nil {
			return nil, 0, mapError(err)
		}
	}
	cond, order, err := store.RightOrder(f, idCol, ` COLLATE "C"`, pgArea, arg)
	if err != nil {
		return nil, 0, err
	}
	if cond != "" {
		where = append(where, cond)
	}
	page := ""
	if f.Limit > 0 {
		page = fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	if f.Offset > 0 {
		page += fmt.Sprintf(` OFFSET %d`, f.Offset)
	}
	rows, err := r.q.Query(ctx, `SELECT r.state, ST_AsBinary(r.geom) FROM `+from+whereClause(where)+` ORDER BY `+order+page, args...)
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

func (r reader) RightTotals(ctx context.Context, f store.TotalsFilter) ([]rights.Total, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	var args []any
	q := store.TotalsQuery(f, func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}, ` COLLATE "C"`)
	rows, err := r.q.Query(ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	return store.ScanTotals(rows, mapError)
}

func (r reader) RightEvents(ctx context.Context, id string) ([]rights.Event, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	rt, err := r.Right(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.events(ctx, `WHERE right_id = $1 ORDER BY seq`, rt.ID)
}

func (r reader) AllRightEvents(ctx context.Context) ([]rights.Event, error) {
	ctx, cancel := store.WithTimeout(ctx)
	defer cancel()
	return r.events(ctx, `ORDER BY right_id COLLATE "C", seq`)
}

func (r reader) events(ctx context.Context, tail string, args ...any) ([]rights.Event, error) {
	rows, err := r.q.Query(ctx, `SELECT right_id, seq, type, date, actor, reason, doc_ref, recorded_at, recorded_by, change FROM right_events `+tail, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := []rights.Event{}
	for rows.Next() {
		var e store.EventRow
		var change string
		if err := rows.Scan(&e.RightID, &e.Seq, &e.Type, &e.Date, &e.Actor, &e.Reason, &e.DocRef, &e.RecordedAt, &e.RecordedBy, &change); err != nil {
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
	entries := make([]audit.Entry, len(changes))
	for i, c := range changes {
		if err := store.CheckAudit(c.Audit); err != nil {
			return fmt.Errorf("change %d (right %s): %w", i+1, c.Event.RightID, err)
		}
		entries[i] = c.Audit
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('mineplan:rights', 0))`); err != nil {
		return mapError(err)
	}
	heads := map[string]head{}
	for i, c := range changes {
		id := c.Event.RightID
		cur, ok := heads[id]
		if !ok {
			var k store.TotalsKey
			var validFrom string
			err := tx.QueryRow(ctx, `SELECT r.seq, s.from_date, r.kind, r.main_mineral, r.status, r.scale_unit, r.valid_from, r.scale_micro
				FROM rights r JOIN right_states s ON s.right_id = r.id AND s.seq = r.seq WHERE r.id = $1`, id).
				Scan(&cur.seq, &cur.from, &k.Kind, &k.MainMineral, &k.Status, &k.Unit, &validFrom, &cur.micro)
			switch {
			case err == nil:
				k.FromYear = store.FromYear(validFrom)
				cur.key = &k
				if cur.state, err = priorState(ctx, reader{tx}, id); err != nil {
					return err
				}
			case !errors.Is(err, pgx.ErrNoRows):
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
		if err := verify(ctx, reader{tx}); err != nil {
			return err
		}
	}
	if _, err := appendAudit(ctx, tx, entries); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
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

var totalsUpsert = store.TotalsUpsertSQL(func(i int) string { return fmt.Sprintf("$%d", i) })

// addTotals adds n rights with micro to the maintained totals.
func addTotals(ctx context.Context, tx pgx.Tx, k store.TotalsKey, n int, micro int64) error {
	if _, err := tx.Exec(ctx, totalsUpsert[0], k.Kind, k.MainMineral, k.Status, k.Unit, k.FromYear, n, micro); err != nil {
		return mapError(err)
	}
	_, err := tx.Exec(ctx, totalsUpsert[1], k.Kind, k.Status, n)
	return mapError(err)
}

// writeChange stores one event, the right's new current state and its
// state history row, closing the previous history row.
func writeChange(ctx context.Context, tx pgx.Tx, row store.StateRow) error {
	c := row.Change
	id := c.Event.RightID
	state, wkb, err := store.EncodeRight(c.State)
	if err != nil {
		return err
	}
	cols := store.ColumnsOf(c.State)
	st := c.State
	if _, err := tx.Exec(ctx, `INSERT INTO rights (id, licence_number, kind, status, holder_name, holder_code, main_mineral, county, seq, state, geom,
			min_lon, min_lat, max_lon, max_lat, valid_from, valid_to, scale_unit, scale_micro)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_GeomFromWKB($11, 4490), $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (id) DO UPDATE SET licence_number = excluded.licence_number, kind = excluded.kind, status = excluded.status,
		  holder_name = excluded.holder_name, holder_code = excluded.holder_code, main_mineral = excluded.main_mineral,
		  county = excluded.county, seq = excluded.seq, state = excluded.state, geom = excluded.geom,
		  min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
		  valid_from = excluded.valid_from, valid_to = excluded.valid_to, scale_unit = excluded.scale_unit, scale_micro = excluded.scale_micro`,
		id, st.LicenceNumber, string(st.Kind), string(st.Status), st.Holder.Name, st.Holder.CreditCode, st.MainMineral, st.County, st.Seq, string(state), wkb,
		cols.MinLon, cols.MinLat, cols.MaxLon, cols.MaxLat, cols.ValidFrom, cols.ValidTo, cols.ScaleUnit, cols.ScaleMicro); err != nil {
		return fmt.Errorf("right %s: %w", id, mapError(err))
	}
	ev, err := store.EventToRow(c.Event)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO right_events (right_id, seq, type, date, actor, reason, doc_ref, recorded_at, recorded_by, change) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ev.RightID, ev.Seq, ev.Type, ev.Date, ev.Actor, ev.Reason, ev.DocRef, ev.RecordedAt, ev.RecordedBy, string(ev.Change)); err != nil {
		return fmt.Errorf("right %s event %d: %w", id, ev.Seq, mapError(err))
	}
	return writeState(ctx, tx, row, state, wkb, cols)
}

// writeState adds a state history row and closes the one before it.
func writeState(ctx context.Context, tx pgx.Tx, row store.StateRow, state, wkb []byte, cols store.RightColumns) error {
	st := row.Change.State
	if _, err := tx.Exec(ctx, `UPDATE right_states SET until_date = $1 WHERE right_id = $2 AND seq = $3`, row.From, st.ID, st.Seq-1); err != nil {
		return mapError(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO right_states (right_id, seq, from_date, until_date, recorded_at, licence_number, kind, status, holder_name, holder_code,
			main_mineral, county, min_lon, min_lat, max_lon, max_lat, valid_from, valid_to, scale_unit, scale_micro, state, geom)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, ST_GeomFromWKB($22, 4490))`,
		st.ID, st.Seq, row.From, row.Until, store.StoredTime(row.Change.Event.RecordedAt), st.LicenceNumber, string(st.Kind), string(st.Status), st.Holder.Name, st.Holder.CreditCode,
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
	var need bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM right_events) AND NOT EXISTS (SELECT 1 FROM right_states)`).Scan(&need); err != nil {
		return mapError(err)
	}
	if !need {
		return nil
	}
	events, err := s.AllRightEvents(ctx)
	if err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx)
	for _, evs := range store.ByRight(events) {
		hist, err := store.StateHistory(evs)
		if err != nil {
			return err
		}
		last := hist[len(hist)-1].Change.State
		cols := store.ColumnsOf(last)
		if _, err := tx.Exec(ctx, `UPDATE rights SET min_lon = $1, min_lat = $2, max_lon = $3, max_lat = $4, valid_from = $5, valid_to = $6, scale_unit = $7, scale_micro = $8 WHERE id = $9`,
			cols.MinLon, cols.MinLat, cols.MaxLon, cols.MaxLat, cols.ValidFrom, cols.ValidTo, cols.ScaleUnit, cols.ScaleMicro, last.ID); err != nil {
			return mapError(err)
		}
		for _, h := range hist {
			state, wkb, err := store.EncodeRight(h.Change.State)
			if err != nil {
				return err
			}
			if err := writeState(ctx, tx, h, state, wkb, store.ColumnsOf(h.Change.State)); err != nil {
				return err
			}
		}
	}
	for _, q := range store.BackfillTotalsSQL {
		if _, err := tx.Exec(ctx, q); err != nil {
			return mapError(err)
		}
	}
	return mapError(tx.Commit(ctx))
}
