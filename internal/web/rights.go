package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// rightsParams are the parameters of /api/v1/rights.
var rightsParams = []string{"kind", "status", "county", "mineral", "holder", "bbox", "as_of", "limit", "offset", "after", "sort"}

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
	if f.Sort, f.Desc, err = sortOf(q); err != nil {
		return
	}
	if f.After, f.AfterKey, err = sortedCursor(q, f.Sort); err != nil {
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

// sortOf reads sort=COLUMN or sort=-COLUMN (descending): licence, holder,
// county, mineral, status, valid_to or area; without it, the ID order.
func sortOf(q query) (store.RightSort, bool, error) {
	v, ok := q["sort"]
	if !ok {
		return store.SortID, false, nil
	}
	name, desc := strings.CutPrefix(v, "-")
	for _, s := range store.RightSorts {
		if s != store.SortID && string(s) == name {
			return s, desc, nil
		}
	}
	var names []string
	for _, s := range store.RightSorts[1:] {
		names = append(names, string(s))
	}
	return "", false, badParameter("sort", fmt.Sprintf("参数 sort 应为 %s 之一（前加 - 为降序），收到 %q", strings.Join(names, "、"), clip(v)),
		fmt.Sprintf("parameter sort must be one of %s (with a leading - for descending), got %q", strings.Join(names, ", "), clip(v)))
}

// sortedCursor reads after=: the last ID of the previous page, or, sorted
// by a column, that right's value in the column (base64url) and its ID
// joined by a dot, as the previous page's "next" gives it.
func sortedCursor(q query, s store.RightSort) (id, key string, err error) {
	v, err := cursor(q)
	if err != nil || v == "" || s == store.SortID {
		return v, "", err
	}
	enc, id, ok := strings.Cut(v, ".")
	b, derr := base64.RawURLEncoding.DecodeString(enc)
	if !ok || id == "" || derr != nil || !utf8.Valid(b) {
		return "", "", badParameter("after", "参数 after 应为上一页的 next 值（按列排序时为“列值.编号”）", "parameter after must be the previous page's next value (sorted by a column: value.id)")
	}
	return id, string(b), nil
}

// nextCursor is the after= value of the page after one ending with last.
func nextCursor(f store.RightFilter, last rights.Right) string {
	if f.Sort == store.SortID {
		return last.ID
	}
	return base64.RawURLEncoding.EncodeToString([]byte(store.SortKey(last, f.Sort))) + "." + last.ID
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
	full := s.narrow(r, &f)
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
		members = append(members, geojson.Member{Name: "next", Value: nextCursor(f, page[len(page)-1])})
	}
	layer := app.RightsLayer(page, false)
	if !full {
		layer = publicLayer(layer)
	}
	var buf bytes.Buffer
	if err := geojson.WriteLayer(&buf, layer, members...); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Write(buf.Bytes())
}

// narrow confines a register query to the caller's jurisdiction, in SQL:
// a caller with rights.read sees full fields of the rights in its reach
// only (a holder its own credit code's, a county clerk its county's with
// the minerals the county grants); any other caller sees the public
// fields of every right. It says whether fields are full.
func (s *Server) narrow(r *http.Request, f *store.RightFilter) (full bool) {
	reach, d := authz.ReachOf(who(r), authz.RightsRead)
	if d != authz.Allow {
		return false
	}
	nothing := map[rights.Kind][]string{} // keeps no right
	f.CreditCode = reach.CreditCode
	if reach.County != "" {
		if f.County != "" && f.County != reach.County {
			f.KindMinerals = nothing
		}
		f.County = reach.County
	}
	if reach.CountyGrants && f.KindMinerals == nil {
		f.KindMinerals = s.served.Load().countyMinerals
	}
	return true
}

// rightObject is a right as the authorisation table sees it.
func rightObject(rt rights.Right) authz.Object {
	return authz.Object{Counties: []string{rt.County}, CreditCode: rt.Holder.CreditCode, Mineral: rt.MainMineral, RightKind: string(rt.Kind)}
}

// rightView reads a right and decides what of it the caller sees: full
// (rights.read allowed on it), public (a role without rights.read), or
// nothing (outside the caller's jurisdiction: a 404 is written).
func (s *Server) rightView(w http.ResponseWriter, r *http.Request) (rt rights.Right, full, ok bool) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rt, err := s.cfg.Store.Right(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return rt, false, false
	}
	switch authz.Decide(who(r), authz.RightsRead, rightObject(rt), s.currentGrants()) {
	case authz.Allow:
		return rt, true, true
	case authz.Hide:
		s.deny(w, r, r.Pattern, authz.RightsRead, authz.Hide)
		return rt, false, false
	}
	return rt, false, true
}

func (s *Server) handleRight(w http.ResponseWriter, r *http.Request) {
	rt, full, ok := s.rightView(w, r)
	if !ok {
		return
	}
	rt.Status = rt.StatusOn(s.today())
	var body any = rt
	if !full {
		pub, err := publicRight(rt)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		body = pub
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"right": body, "geometry": rt.Geometry, "links": map[string]string{"events": "/api/v1/rights/" + rt.ID + "/events"}})
}

func (s *Server) handleRightEvents(w http.ResponseWriter, r *http.Request) {
	rt, full, ok := s.rightView(w, r)
	if !ok {
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	evs, err := s.cfg.Store.RightEvents(ctx, rt.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if full {
		s.writeJSON(w, r, http.StatusOK, map[string]any{"events": evs})
		return
	}
	pub, err := publicEvents(evs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"events": pub})
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
