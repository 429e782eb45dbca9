package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// Helpers both backends use to turn register rows into domain values, so
// that they decode identically.

// DecodeRight rebuilds a right from its state JSON and geometry WKB.
func DecodeRight(state []byte, wkb []byte) (rights.Right, error) {
	var r rights.Right
	if err := json.Unmarshal(state, &r); err != nil {
		return r, fmt.Errorf("right state: %w", err)
	}
	g, err := geo.AreaFromWKB(wkb)
	if err != nil {
		return r, fmt.Errorf("right %s geometry: %w", r.ID, err)
	}
	r.Geometry = g
	return r, nil
}

// EncodeRight gives a right's state JSON and geometry WKB.
func EncodeRight(r rights.Right) (state []byte, wkb []byte, err error) {
	state, err = json.Marshal(r)
	return state, r.Geometry.WKB(), err
}

// EventRow is an event as stored.
type EventRow struct {
	RightID    string
	Seq        int
	Type       string
	Date       string
	Actor      string
	Reason     string
	DocRef     string
	RecordedAt time.Time
	RecordedBy string
	Change     []byte
}

// EventToRow flattens an event.
func EventToRow(ev rights.Event) (EventRow, error) {
	c, err := json.Marshal(ev.Change)
	return EventRow{ev.RightID, ev.Seq, string(ev.Type), ev.Date.String(), ev.Actor, ev.Reason, ev.DocRef, StoredTime(ev.RecordedAt), ev.RecordedBy, c}, err
}

// Event rebuilds an event.
func (r EventRow) Event() (rights.Event, error) {
	ev := rights.Event{RightID: r.RightID, Seq: r.Seq, Type: rights.EventType(r.Type), Actor: r.Actor, Reason: r.Reason, DocRef: r.DocRef, RecordedAt: r.RecordedAt.UTC(), RecordedBy: r.RecordedBy}
	d, err := rights.ParseDate(r.Date)
	if err != nil {
		return ev, fmt.Errorf("event %s/%d date %q: %w", r.RightID, r.Seq, r.Date, err)
	}
	ev.Date = d
	if err := json.Unmarshal(r.Change, &ev.Change); err != nil {
		return ev, fmt.Errorf("event %s/%d change: %w", r.RightID, r.Seq, err)
	}
	return ev, nil
}

// RightColumns are the values a right's row holds besides its state JSON
// and geometry, for the queries to filter, page and sum on: the exact
// bounding box (the spatial indexes' boxes are rounded outwards), the
// validity dates as YYYY-MM-DD ("" for none) and the design scale in
// millionths of its unit.
type RightColumns struct {
	MinLon, MinLat, MaxLon, MaxLat float64
	ValidFrom, ValidTo             string
	ScaleUnit                      string
	ScaleMicro                     int64
}

// ColumnsOf derives a right's columns.
func ColumnsOf(r rights.Right) RightColumns {
	b := r.Geometry.Bounds()
	c := RightColumns{MinLon: b.MinLon, MinLat: b.MinLat, MaxLon: b.MaxLon, MaxLat: b.MaxLat, ValidFrom: r.ValidFrom.String(), ValidTo: r.ValidTo.String()}
	if r.DesignScale != nil {
		c.ScaleUnit, c.ScaleMicro = r.DesignScale.Unit, r.DesignScale.Micro()
	}
	return c
}

// StateRow is one row of the state history: a right's state after an
// event, and the days it is the as-of state on.
type StateRow struct {
	Change RightChange
	// From is the first day this state is the register's as of: the
	// latest date among the events up to this one (rights.Replay stops at
	// the first event dated after the day).
	From string
	// Until is the next state's From, or OpenEnd for the current state.
	Until string
}

// OpenEnd is the Until of a right's current state.
const OpenEnd = "9999-12-31"

// StateHistory gives the state rows of one right's events, given in
// sequence, replaying them (to backfill the history of a register stored
// before it was kept).
func StateHistory(events []rights.Event) ([]StateRow, error) {
	var cur *rights.Right
	var out []StateRow
	from := ""
	for _, ev := range events {
		n, err := rights.Apply(cur, ev)
		if err != nil {
			return nil, fmt.Errorf("right %s event %d: %w", ev.RightID, ev.Seq, err)
		}
		cur = &n
		from = max(from, ev.Date.String())
		if len(out) > 0 {
			out[len(out)-1].Until = from
		}
		out = append(out, StateRow{Change: RightChange{Event: ev, State: n}, From: from, Until: OpenEnd})
	}
	return out, nil
}

// NextStateFrom is the From of the state after an event whose right's
// previous state began on prevFrom ("" for a new right).
func NextStateFrom(prevFrom string, ev rights.Event) string { return max(prevFrom, ev.Date.String()) }

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// RightConditions are a filter's SQL conditions for either backend, apart
// from the cursor and the spatial index's candidate test: col qualifies a
// column name, arg adds a parameter and returns its placeholder.
func RightConditions(f RightFilter, col func(string) string, arg func(any) string) []string {
	var where []string
	for _, c := range []struct{ col, v string }{{"kind", string(f.Kind)}, {"county", f.County}, {"main_mineral", f.Mineral}} {
		if c.v != "" {
			where = append(where, col(c.col)+` = `+arg(c.v))
		}
	}
	if f.Status != "" {
		where = append(where, statusCondition(f, col, arg))
	}
	if f.Holder != "" {
		where = append(where, `(`+col("holder_name")+` = `+arg(f.Holder)+` OR `+col("holder_code")+` = `+arg(f.Holder)+`)`)
	}
	if f.Search != "" {
		pat := likeEscaper.Replace(strings.ToUpper(f.Search))
		like := func(column, pattern string) string {
			return `UPPER(` + col(column) + `) LIKE ` + arg(pattern) + ` ESCAPE '\'`
		}
		or := []string{like("licence_number", pat+"%"), like("holder_name", "%"+pat+"%")}
		if f.SearchCodes {
			or = append(or, like("holder_code", pat+"%"))
		}
		where = append(where, `(`+strings.Join(or, ` OR `)+`)`)
	}
	in := func(column string, values []string) string {
		if len(values) == 0 {
			return `1 = 0`
		}
		ps := make([]string, len(values))
		for i, v := range values {
			ps[i] = arg(v)
		}
		return col(column) + ` IN (` + strings.Join(ps, `, `) + `)`
	}
	if f.Minerals != nil {
		where = append(where, in("main_mineral", f.Minerals))
	}
	if f.CreditCode != "" {
		where = append(where, col("holder_code")+` = `+arg(f.CreditCode))
	}
	if f.KindMinerals != nil {
		var or []string
		for _, k := range []rights.Kind{rights.Exploration, rights.Mining} { // a fixed order: one statement text
			if ms := f.KindMinerals[k]; len(ms) > 0 {
				or = append(or, `(`+col("kind")+` = `+arg(string(k))+` AND `+in("main_mineral", ms)+`)`)
			}
		}
		if len(or) == 0 {
			or = []string{`1 = 0`}
		}
		where = append(where, `(`+strings.Join(or, ` OR `)+`)`)
	}
	if f.Live {
		var live []string
		for _, s := range rights.LiveStatuses() {
			live = append(live, string(s))
		}
		where = append(where, in("status", live))
	}
	if f.BBox != nil {
		b := f.BBox
		where = append(where, col("max_lon")+` >= `+arg(b.MinLon)+` AND `+col("min_lon")+` <= `+arg(b.MaxLon)+
			` AND `+col("max_lat")+` >= `+arg(b.MinLat)+` AND `+col("min_lat")+` <= `+arg(b.MaxLat))
	}
	if f.AsOf != nil {
		where = append(where, col("from_date")+` <= `+arg(f.AsOf.String())+` AND `+col("until_date")+` > `+arg(f.AsOf.String()))
	}
	return where
}

// Paged says whether a filter asks for one page rather than every match.
func (f RightFilter) Paged() bool { return f.Limit > 0 || f.Offset > 0 || f.After != "" }

// StatusDay is the day a filter reads statuses on, if any.
func (f RightFilter) StatusDay() *rights.Date {
	if f.AsOf != nil {
		return f.AsOf
	}
	return f.On
}

// statusCondition filters on the stored status or, with a day, on the
// status rights.Right.StatusOn gives: an exploration right that is valid
// or retained and whose valid_to is before the day reads as expired.
// Written as conditions on the stored status so the index on it serves.
func statusCondition(f RightFilter, col func(string) string, arg func(any) string) string {
	day := f.StatusDay()
	if day == nil {
		return col("status") + ` = ` + arg(string(f.Status))
	}
	lapsed := func() string {
		return col("kind") + ` = ` + arg(string(rights.Exploration)) + ` AND ` + col("valid_to") + ` <> '' AND ` + col("valid_to") + ` < ` + arg(day.String())
	}
	switch f.Status {
	case rights.Expired:
		return `(` + col("status") + ` = ` + arg(string(rights.Expired)) + ` OR (` + col("status") + ` IN (` + arg(string(rights.Valid)) + `, ` + arg(string(rights.Retained)) + `) AND ` + lapsed() + `))`
	case rights.Valid, rights.Retained:
		return `(` + col("status") + ` = ` + arg(string(f.Status)) + ` AND NOT (` + lapsed() + `))`
	}
	return col("status") + ` = ` + arg(string(f.Status))
}

// ByRight splits events given grouped by right (AllRightEvents) into one
// slice per right.
func ByRight(events []rights.Event) [][]rights.Event {
	var out [][]rights.Event
	for start := 0; start < len(events); {
		end := start
		for end < len(events) && events[end].RightID == events[start].RightID {
			end++
		}
		out = append(out, events[start:end])
		start = end
	}
	return out
}

// TotalsKey is the group of the maintained totals a right counts in.
type TotalsKey struct {
	Kind, MainMineral, Status, Unit string
	FromYear                        string // YYYY, "" without a validity start
}

// TotalsKeyOf is a right's group and its design scale in millionths.
func TotalsKeyOf(r rights.Right) (TotalsKey, int64) {
	c := ColumnsOf(r)
	return TotalsKey{string(r.Kind), r.MainMineral, string(r.Status), c.ScaleUnit, FromYear(c.ValidFrom)}, c.ScaleMicro
}

// FromYear is the year of a YYYY-MM-DD date column ("" for none).
func FromYear(date string) string {
	if len(date) < 4 {
		return ""
	}
	return date[:4]
}

// BackfillTotalsSQL rebuilds the maintained totals from the rights'
// columns (after a backfill of those), in SQL both backends run.
var BackfillTotalsSQL = []string{
	`DELETE FROM right_totals`,
	`INSERT INTO right_totals (kind, main_mineral, status, scale_unit, from_year, rights, scale_micro)
	 SELECT kind, main_mineral, status, scale_unit, substr(valid_from, 1, 4), COUNT(*), SUM(scale_micro) FROM rights GROUP BY kind, main_mineral, status, scale_unit, substr(valid_from, 1, 4)`,
	`DELETE FROM right_counts`,
	`INSERT INTO right_counts (kind, status, rights) SELECT kind, status, COUNT(*) FROM rights GROUP BY kind, status`,
}

// TotalsUpsertSQL adds n rights (n = -1 removes one) and micro to a
// group of each totals table; the placeholders are the backend's, in the
// order kind, main_mineral, status, scale_unit, from_year, n, micro for
// the first and kind, status, n for the second.
func TotalsUpsertSQL(ph func(i int) string) [2]string {
	return [2]string{
		`INSERT INTO right_totals (kind, main_mineral, status, scale_unit, from_year, rights, scale_micro) VALUES (` +
			ph(1) + `, ` + ph(2) + `, ` + ph(3) + `, ` + ph(4) + `, ` + ph(5) + `, ` + ph(6) + `, ` + ph(7) + `)
		 ON CONFLICT (kind, main_mineral, status, scale_unit, from_year) DO UPDATE SET rights = right_totals.rights + excluded.rights, scale_micro = right_totals.scale_micro + excluded.scale_micro`,
		`INSERT INTO right_counts (kind, status, rights) VALUES (` + ph(1) + `, ` + ph(2) + `, ` + ph(3) + `)
		 ON CONFLICT (kind, status) DO UPDATE SET rights = right_counts.rights + excluded.rights`,
	}
}

// TotalsQuery is the SQL of RightTotals for either backend: arg adds a
// parameter and returns its placeholder; collate is the backend's
// byte-order collation clause, so groups sort as Go strings do.
func TotalsQuery(f TotalsFilter, arg func(any) string, collate string) string {
	where := []string{`kind = ` + arg(string(f.Kind))}
	if f.Live {
		var live []string
		for _, s := range rights.LiveStatuses() {
			live = append(live, arg(string(s)))
		}
		where = append(where, `status IN (`+strings.Join(live, `, `)+`)`)
	}
	if f.Minerals == nil {
		return `SELECT '', status, '', CAST(SUM(rights) AS bigint), 0 FROM right_counts WHERE ` + strings.Join(where, ` AND `) +
			` GROUP BY status HAVING SUM(rights) > 0 ORDER BY status` + collate
	}
	if len(f.Minerals) == 0 {
		where = append(where, `1 = 0`)
	} else {
		ps := make([]string, len(f.Minerals))
		for i, m := range f.Minerals {
			ps[i] = arg(m)
		}
		where = append(where, `main_mineral IN (`+strings.Join(ps, `, `)+`)`)
	}
	if f.FromYear != 0 {
		where = append(where, `from_year >= `+arg(fmt.Sprintf("%04d", f.FromYear)))
	}
	return `SELECT main_mineral, status, scale_unit, CAST(SUM(rights) AS bigint), CAST(SUM(scale_micro) AS bigint) FROM right_totals WHERE ` + strings.Join(where, ` AND `) +
		` GROUP BY main_mineral, status, scale_unit HAVING SUM(rights) > 0 ORDER BY main_mineral` + collate + `, status` + collate + `, scale_unit` + collate
}

// CountFromTotals is the maintained count of the rights a filter keeps,
// when the filter asks only for a kind or a stored status (or liveness):
// the register's whole-list counts then cost a few rows of right_counts
// rather than a scan (PostgreSQL's COUNT reads every matching row). ok is
// false when the filter needs the rights' own count.
func CountFromTotals(f RightFilter, arg func(any) string) (query string, ok bool) {
	if f.County != "" || f.Mineral != "" || f.Minerals != nil || f.Holder != "" || f.Search != "" || f.CreditCode != "" || f.KindMinerals != nil || f.BBox != nil || f.AsOf != nil || (f.Status != "" && f.On != nil) {
		return "", false
	}
	where := []string{`rights > 0`}
	if f.Kind != "" {
		where = append(where, `kind = `+arg(string(f.Kind)))
	}
	if f.Status != "" {
		where = append(where, `status = `+arg(string(f.Status)))
	}
	if f.Live {
		var live []string
		for _, s := range rights.LiveStatuses() {
			live = append(live, arg(string(s)))
		}
		where = append(where, `status IN (`+strings.Join(live, `, `)+`)`)
	}
	return `SELECT CAST(COALESCE(SUM(rights), 0) AS bigint) FROM right_counts WHERE ` + strings.Join(where, ` AND `), true
}

// SortKey is a right's value in a sort column, as a cursor's AfterKey:
// the right as a page returns it (its status the one on the filter's day).
func SortKey(r rights.Right, s RightSort) string {
	switch s {
	case SortLicence:
		return r.LicenceNumber
	case SortHolder:
		return r.Holder.Name
	case SortCounty:
		return r.County
	case SortMineral:
		return r.MainMineral
	case SortStatus:
		return string(r.Status)
	case SortValidTo:
		return r.ValidTo.String()
	case SortArea:
		return strconv.FormatFloat(r.DeclaredAreaKm2, 'g', -1, 64)
	}
	return r.ID
}

// RightOrder is a filter's ORDER BY list and, with a cursor, the
// condition keeping the rows after it, for either backend: idCol is the
// ID column (with its byte-order collation), collate the backend's
// byte-order collation clause for text, area its expression of the
// declared area, arg adds a parameter and returns its placeholder (called
// in the order the placeholders appear: the condition's first).
func RightOrder(f RightFilter, idCol, collate, area string, arg func(any) string) (cond, order string, err error) {
	dir, op := "", ">"
	if f.Desc {
		dir, op = " DESC", "<"
	}
	var expr string
	var key any = f.AfterKey
	switch f.Sort {
	case SortID:
		if f.After != "" {
			cond = idCol + ` ` + op + ` ` + arg(f.After)
		}
		return cond, idCol + dir, nil
	case SortLicence, SortHolder, SortCounty, SortMineral, SortValidTo:
		column := map[RightSort]string{SortLicence: "licence_number", SortHolder: "holder_name", SortCounty: "county", SortMineral: "main_mineral", SortValidTo: "valid_to"}[f.Sort]
		expr = `r.` + column + collate
	case SortStatus:
		expr = `r.status` + collate
		if day := f.StatusDay(); day != nil {
			// The enumerations and a formatted date: literals, so the
			// expression adds no parameter.
			expr = `(CASE WHEN r.kind = '` + string(rights.Exploration) + `' AND r.status IN ('` + string(rights.Valid) + `', '` + string(rights.Retained) +
				`') AND r.valid_to <> '' AND r.valid_to < '` + day.String() + `' THEN '` + string(rights.Expired) + `' ELSE r.status END)` + collate
		}
	case SortArea:
		expr = area
		v, perr := strconv.ParseFloat(f.AfterKey, 64)
		if f.After != "" && perr != nil {
			return "", "", fmt.Errorf("面积游标 %q 不是数 / the area cursor %q is not a number", f.AfterKey, f.AfterKey)
		}
		key = v
	default:
		return "", "", fmt.Errorf("未知的排序列 %q / unknown sort column %q", f.Sort, f.Sort)
	}
	if f.After != "" {
		cond = `(` + expr + ` ` + op + ` ` + arg(key) + ` OR (` + expr + ` = ` + arg(key) + ` AND ` + idCol + ` ` + op + ` ` + arg(f.After) + `))`
	}
	return cond, expr + dir + `, ` + idCol + dir, nil
}
