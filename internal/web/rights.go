package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// rightsParams are the parameters of /api/v1/rights.
var rightsParams = []string{"kind", "status", "county", "mineral", "holder", "bbox", "as_of", "limit", "offset", "after"}

// maxCursor bounds the after= cursor, a right ID.
const maxCursor = 200

// rightsQuery checks every parameter of /api/v1/rights; the first bad one
// is the error.
func (s *Server) rightsQuery(r *http.Request) (f store.RightFilter, asOf *rights.Date, limit, offset int, err error) {
	q, err := parseQuery(r, rightsParams...)
	if err != nil {
		return f, nil, 0, 0, err
	}
	p, _ := s.current()
	if f.Kind, err = q.kind(); err != nil {
		return
	}
	if f.Status, err = q.status(); err != nil {
		return
	}
	if f.County, err = q.county(p); err != nil {
		return
	}
	if f.Mineral, err = q.mineral(p); err != nil {
		return
	}
	f.Holder = q.holder()
	if f.BBox, err = q.bbox(); err != nil {
		return
	}
	if asOf, err = q.asOf(); err != nil {
		return
	}
	if limit, err = q.limit(); err != nil {
		return
	}
	if f.After, err = cursor(q); err != nil {
		return
	}
	offset, err = q.offset()
	return
}

// cursor reads after=, the last right ID of the previous page (its
// "next" member).
func cursor(q query) (string, error) {
	v, ok := q["after"]
	if !ok {
		return "", nil
	}
	if len(v) > maxCursor {
		return "", badParameter("after", fmt.Sprintf("参数 after 应为上一页的 next 值（不超过 %d 字节）", maxCursor),
			fmt.Sprintf("parameter after must be the previous page's next value (at most %d bytes)", maxCursor))
	}
	return v, nil
}

// handleRights serves the register as GeoJSON: ?kind= &status= &county=
// &mineral= &holder= &bbox= &as_of=YYYY-MM-DD &limit=1–1000 &offset=
// &after=. The store filters, counts (numberMatched) and pages; a full
// page carries "next", the cursor for after= (keyset paging, cheaper than
// offset on a deep page). Every parameter is checked; an unknown or
// malformed one is a 400 that names it.
func (s *Server) handleRights(w http.ResponseWriter, r *http.Request) {
	f, asOf, limit, offset, err := s.rightsQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	f.Limit, f.Offset = limit, offset
	var page []rights.Right
	var matched int
	if asOf != nil {
		page, matched, err = app.RegisterAsOf(ctx, s.cfg.Store, f, *asOf)
	} else {
		page, matched, err = app.CurrentRegister(ctx, s.cfg.Store, f, s.today())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	members := []geojson.Member{{Name: "numberMatched", Value: matched}, {Name: "numberReturned", Value: len(page)},
		{Name: "limit", Value: limit}, {Name: "offset", Value: offset}}
	if len(page) == limit && limit > 0 {
		members = append(members, geojson.Member{Name: "next", Value: page[len(page)-1].ID})
	}
	var buf bytes.Buffer
	if err := geojson.WriteLayer(&buf, app.RightsLayer(page, false), members...); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *Server) handleRight(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rt, err := s.cfg.Store.Right(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rt.Status = rt.StatusOn(s.today())
	s.writeJSON(w, r, http.StatusOK, map[string]any{"right": rt, "geometry": rt.Geometry, "links": map[string]string{"events": "/api/v1/rights/" + rt.ID + "/events"}})
}

func (s *Server) handleRightEvents(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	evs, err := s.cfg.Store.RightEvents(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"events": evs})
}

// today is the server's day for derived statuses; tests fix the clock.
func (s *Server) today() rights.Date {
	now := time.Now
	if s.cfg.Now != nil {
		now = s.cfg.Now
	}
	y, m, d := now().UTC().Date()
	return rights.D(y, m, d)
}
