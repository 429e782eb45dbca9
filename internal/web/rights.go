package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

const maxPage = 1000

// handleRights serves the register as GeoJSON: ?kind= &status= &county=
// &mineral= &bbox= &as_of=YYYY-MM-DD &limit= &offset=.
func (s *Server) handleRights(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.RightFilter{Kind: rights.Kind(q.Get("kind")), Status: rights.Status(q.Get("status")), County: q.Get("county"), Mineral: q.Get("mineral"), Holder: q.Get("holder")}
	if f.Kind != "" && f.Kind != rights.Exploration && f.Kind != rights.Mining {
		s.writeError(w, r, badRequest("bad_kind", "kind 应为 exploration（探矿权）或 mining（采矿权）"))
		return
	}
	if b := q.Get("bbox"); b != "" {
		box, err := parseBBox(b)
		if err != nil {
			s.writeError(w, r, badRequest("bad_bbox", err.Error()))
			return
		}
		f.BBox = &box
	}
	limit, offset := 100, 0
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				s.writeError(w, r, badRequest("bad_"+name, name+" 应为非负整数"))
				return
			}
			*dst = n
		}
	}
	if limit == 0 || limit > maxPage {
		limit = maxPage
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	var all []rights.Right
	var err error
	if asOf := q.Get("as_of"); asOf != "" {
		day, perr := rights.ParseDate(asOf)
		if perr != nil {
			s.writeError(w, r, badRequest("bad_as_of", "as_of 应为 YYYY-MM-DD 格式的日期"))
			return
		}
		if all, err = app.RegisterAsOf(ctx, s.cfg.Store, day); err == nil {
			all = app.FilterRights(all, f)
		}
	} else {
		all, err = app.CurrentRegister(ctx, s.cfg.Store, f, s.today())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page := store.Page(all, store.RightFilter{Limit: limit, Offset: offset})
	var buf bytes.Buffer
	if err := geojson.WriteLayer(&buf, app.RightsLayer(page, false),
		geojson.Member{Name: "numberMatched", Value: len(all)}, geojson.Member{Name: "numberReturned", Value: len(page)},
		geojson.Member{Name: "limit", Value: limit}, geojson.Member{Name: "offset", Value: offset}); err != nil {
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
	writeJSON(w, http.StatusOK, map[string]any{"right": rt, "geometry": rt.Geometry, "links": map[string]string{"events": "/api/v1/rights/" + rt.ID + "/events"}})
}

func (s *Server) handleRightEvents(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	evs, err := s.cfg.Store.RightEvents(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs})
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
