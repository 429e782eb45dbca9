package store

import (
	"encoding/json"
	"fmt"
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
	Change     []byte
}

// EventToRow flattens an event.
func EventToRow(ev rights.Event) (EventRow, error) {
	c, err := json.Marshal(ev.Change)
	return EventRow{ev.RightID, ev.Seq, string(ev.Type), ev.Date.String(), ev.Actor, ev.Reason, ev.DocRef, StoredTime(ev.RecordedAt), c}, err
}

// Event rebuilds an event.
func (r EventRow) Event() (rights.Event, error) {
	ev := rights.Event{RightID: r.RightID, Seq: r.Seq, Type: rights.EventType(r.Type), Actor: r.Actor, Reason: r.Reason, DocRef: r.DocRef, RecordedAt: r.RecordedAt.UTC()}
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

// RightConditions are a filter's SQL conditions, apart from the box, for
// either backend: col qualifies a column name, arg adds a parameter and
// returns its placeholder.
func RightConditions(f RightFilter, col func(string) string, arg func(any) string) []string {
	var where []string
	for _, c := range []struct{ col, v string }{{"kind", string(f.Kind)}, {"status", string(f.Status)}, {"county", f.County}, {"main_mineral", f.Mineral}} {
		if c.v != "" {
			where = append(where, col(c.col)+` = `+arg(c.v))
		}
	}
	if f.Holder != "" {
		where = append(where, `(`+col("holder_name")+` = `+arg(f.Holder)+` OR `+col("holder_code")+` = `+arg(f.Holder)+`)`)
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
	if f.Live {
		var live []string
		for _, s := range rights.LiveStatuses() {
			live = append(live, string(s))
		}
		where = append(where, in("status", live))
	}
	return where
}

// KeepRight applies the parts of a filter that backends apply in Go: the
// exact box and liveness.
func KeepRight(r rights.Right, f RightFilter) bool {
	if f.BBox != nil && !r.Geometry.Bounds().Intersects(*f.BBox) {
		return false
	}
	return !f.Live || r.Status.Live()
}

// Page applies Offset and Limit.
func Page(rs []rights.Right, f RightFilter) []rights.Right {
	if f.Offset >= len(rs) {
		return []rights.Right{}
	}
	rs = rs[f.Offset:]
	if f.Limit > 0 && f.Limit < len(rs) {
		rs = rs[:f.Limit]
	}
	return rs
}
