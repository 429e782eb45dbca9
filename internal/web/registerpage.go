package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/i18n"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// registerPage is the register as a table (GET /register): the API's
// filters (rightsQuery) as a GET form, narrowed to the caller's
// jurisdiction as the API narrows (narrow), with its paging.
type registerPage struct {
	Page
	// Values are the form's values as typed (kept on an error).
	Values map[string]string
	// Errors are the form's errors by field; "" is an error of no field
	// (an unknown or repeated parameter).
	Errors   map[string]*Msg
	Kinds    []string
	Statuses []string
	Rows     []registerRow
	Matched  int
	Limit    int
	Offset   int
	// NextURL and FirstURL page on (after= cursor) and back to the start;
	// GeoJSONURL is the same query from the API.
	NextURL, FirstURL, GeoJSONURL string
	Searched                      bool
	// Headers are the table's column headers; a sortable one links the
	// same query sorted by it (reversed when it is the sort already).
	Headers []sortHeader
	// Exports link the same query's whole match in each export format
	// (the caller may export: rights.export).
	Exports []exportLink
	// MapStrings are registermap.js's strings.
	MapStrings map[string]string
}

// sortHeader is a column header of the register's table.
type sortHeader struct {
	Key  string // its message
	Href string // "" for a column the register does not sort on
	// AriaSort is "ascending" or "descending" on the sorted column.
	AriaSort string
}

// exportLink is a download of the query's matches in one format.
type exportLink struct {
	Format, Href, Key string
}

// registerColumns are the table's columns in order, with the sort each
// one's header asks for (store.SortID: not sortable).
var registerColumns = []struct {
	key  string
	sort store.RightSort
}{
	{"workspace.register.licence", store.SortLicence}, {"workspace.register.name", store.SortID}, {"workspace.register.holder", store.SortHolder},
	{"workspace.register.kind", store.SortID}, {"workspace.register.mineral", store.SortMineral}, {"workspace.register.county", store.SortCounty},
	{"workspace.register.status", store.SortStatus}, {"workspace.register.valid_to", store.SortValidTo}, {"workspace.register.area", store.SortArea},
}

type registerRow struct {
	ID, LicenceNumber, Name, Holder, Kind, Mineral, County, Status, ValidTo, AreaKm2 string
	Illustrative                                                                     bool
	// BBox is the right's box as minLon,minLat,maxLon,maxLat, for the map.
	BBox string
}

// registerQuery is the register's query from the form: the language
// switch's lang= and empty fields (a field left blank) are dropped.
func registerQuery(r *http.Request) (raw string, values map[string]string) {
	values = map[string]string{}
	var kept []string
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if pair == "" || v == "" || k == "lang" {
			continue
		}
		kept = append(kept, pair)
		if name, err := url.QueryUnescape(k); err == nil {
			if val, err := url.QueryUnescape(v); err == nil {
				values[name] = val
			}
		}
	}
	return strings.Join(kept, "&"), values
}

// withQuery is r with another raw query.
func withQuery(r *http.Request, raw string) *http.Request {
	c := r.Clone(r.Context())
	u := *r.URL
	u.RawQuery = raw
	c.URL = &u
	return c
}

// registerErrors checks each parameter on its own with the API's checks
// (rightsQuery), so every bad field gets its message, in the page's
// language.
func (s *Server) registerErrors(r *http.Request, raw string, values map[string]string) map[string]*Msg {
	errs := map[string]*Msg{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		_, _, err := s.rightsQueryOf(withQuery(r, pair))
		var ae *apiError
		if err == nil || !errors.As(err, &ae) {
			continue
		}
		name := ae.Parameter
		if !slices.Contains(rightsParams, name) {
			errs[""] = M("workspace.error.unknown", name)
			continue
		}
		if name == "sort" {
			errs[""] = M("officer.error.sort", values[name])
			continue
		}
		if name == "limit" || name == "offset" || name == "after" || name == "bbox" {
			errs[""] = M("workspace.error.paging", name)
			continue
		}
		errs[name] = s.filterError(r, name, values[name])
	}
	if len(errs) == 0 {
		// Each is well-formed on its own: what is left is a parameter
		// given twice.
		if _, _, err := s.rightsQueryOf(withQuery(r, raw)); err != nil {
			var ae *apiError
			name := ""
			if errors.As(err, &ae) {
				name = ae.Parameter
			}
			errs[""] = M("workspace.error.repeated", name)
			if name == "after" { // a cursor that does not fit the sort
				errs[""] = M("workspace.error.paging", name)
			}
		}
	}
	return errs
}

// filterError is a field's message: for a county or a mineral the plan
// does not have, with the closest names it has.
func (s *Server) filterError(r *http.Request, name, value string) *Msg {
	p, _ := s.current()
	sep := ", "
	if langOf(r) == i18n.ZH {
		sep = "、"
	}
	switch name {
	case "county":
		return M("workspace.error.county", value, strings.Join(review.ClosestCounties(p, value, 3), sep))
	case "mineral":
		return M("workspace.error.mineral", value, strings.Join(review.ClosestMinerals(p, value, 5), sep))
	}
	return M("workspace.error."+name, value)
}

// rightsQueryOf is rightsQuery's error and paging only.
func (s *Server) rightsQueryOf(r *http.Request) (limit, offset int, err error) {
	_, _, limit, offset, err = s.rightsQuery(r)
	return
}

func (s *Server) handleRegisterPage(w http.ResponseWriter, r *http.Request) {
	raw, values := registerQuery(r)
	data := registerPage{Page: s.newPage(r, "workspace.register.title"), Values: values, Errors: map[string]*Msg{}}
	for _, k := range []rights.Kind{rights.Exploration, rights.Mining} {
		data.Kinds = append(data.Kinds, string(k))
	}
	for _, st := range statuses {
		data.Statuses = append(data.Statuses, string(st))
	}
	if errs := s.registerErrors(r, raw, values); len(errs) > 0 {
		data.Errors = errs
		s.render(w, r, http.StatusBadRequest, "register.html", data)
		return
	}
	q := withQuery(r, raw)
	f, asOf, limit, offset, err := s.rightsQuery(q)
	if err != nil { // registerErrors found none: not reached
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	s.narrow(r, &f)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	f.Limit, f.Offset = limit, offset
	var page []rights.Right
	if asOf != nil {
		page, data.Matched, err = app.RegisterAsOf(ctx, s.cfg.Store, f, *asOf)
	} else {
		page, data.Matched, err = app.CurrentRegister(ctx, s.cfg.Store, f, s.today())
	}
	if err != nil {
		s.cfg.Logger.Error("register page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	data.Searched, data.Limit, data.Offset = true, limit, offset
	for _, rt := range page {
		b := rt.Geometry.Bounds()
		row := registerRow{ID: rt.ID, LicenceNumber: rt.LicenceNumber, Name: rt.Name, Holder: rt.Holder.Name, Kind: string(rt.Kind),
			Mineral: rt.MainMineral, County: rt.County, Status: string(rt.Status), ValidTo: rt.ValidTo.String(),
			AreaKm2: strconv.FormatFloat(rt.DeclaredAreaKm2, 'f', -1, 64), Illustrative: rt.Illustrative,
			BBox: fmt.Sprintf("%g,%g,%g,%g", b.MinLon, b.MinLat, b.MaxLon, b.MaxLat)}
		data.Rows = append(data.Rows, row)
	}
	filters := url.Values{}
	for k, v := range values {
		if k != "offset" && k != "after" {
			filters.Set(k, v)
		}
	}
	data.GeoJSONURL = "/api/v1/rights?" + filters.Encode()
	if len(page) == limit && limit > 0 {
		next := url.Values{}
		for k, v := range filters {
			next[k] = v
		}
		next.Set("after", nextCursor(f, page[len(page)-1]))
		data.NextURL = "/register?" + next.Encode()
	}
	if offset > 0 || values["after"] != "" {
		data.FirstURL = "/register?" + filters.Encode()
	}
	data.Headers = sortHeaders(filters, f)
	data.Exports = s.exportLinks(r, filters)
	if data.MapStrings, err = s.registerMapStrings(langOf(r)); err != nil {
		s.cfg.Logger.Error("register page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	s.render(w, r, http.StatusOK, "register.html", data)
}

// sortHeaders are the table's headers for a query (filters without its
// paging): each sortable one links the query sorted by its column from the
// start, ascending, or descending when it is the ascending sort already.
func sortHeaders(filters url.Values, f store.RightFilter) []sortHeader {
	out := make([]sortHeader, len(registerColumns))
	for i, c := range registerColumns {
		out[i].Key = c.key
		if c.sort == store.SortID {
			continue
		}
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		value := string(c.sort)
		if f.Sort == c.sort {
			out[i].AriaSort = "ascending"
			if f.Desc {
				out[i].AriaSort = "descending"
			} else {
				value = "-" + value
			}
		}
		q.Set("sort", value)
		out[i].Href = "/register?" + q.Encode()
	}
	return out
}

// exportLinks are the downloads of a query's matches, when the caller's
// role may export and the route is served.
func (s *Server) exportLinks(r *http.Request, filters url.Values) []exportLink {
	if !s.patterns["GET /register/export"] || authz.ScopeOf(who(r).Role, authz.RightsExport) == authz.None {
		return nil
	}
	var out []exportLink
	for _, t := range exportTypes {
		format := t.name
		q := url.Values{}
		for k, v := range filters {
			if k != "limit" {
				q[k] = v
			}
		}
		q.Set("format", format)
		out = append(out, exportLink{Format: format, Href: "/register/export?" + q.Encode(), Key: "officer.export." + format})
	}
	return out
}

// registerMapStrings are the messages registermap.js shows.
func (s *Server) registerMapStrings(l i18n.Lang) (map[string]string, error) {
	out := map[string]string{}
	for _, k := range []string{"officer.map.show", "officer.map.loading", "officer.map.failed", "officer.map.no_licence"} {
		v, err := s.messages.T(l, k)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func registerSamples() map[string]any {
	return map[string]any{"register.html": registerPage{Page: samplePage(), Values: map[string]string{"kind": "mining", "status": "valid", "county": "伽师县"},
		Errors: map[string]*Msg{"": M("workspace.error.unknown", "x"), "kind": M("workspace.error.kind", "x"), "status": M("workspace.error.status", "x"),
			"county": M("workspace.error.county", "x", "y"), "mineral": M("workspace.error.mineral", "x", "y"), "holder": M("workspace.error.holder", "x"),
			"as_of": M("workspace.error.as_of", "x")},
		Kinds: []string{"exploration", "mining"}, Statuses: []string{"valid"}, Matched: 1, Limit: 100, Searched: true,
		Rows:    []registerRow{{ID: "sample", LicenceNumber: "sample", Kind: "mining", Status: "valid", Illustrative: true}},
		NextURL: "/register?after=x", FirstURL: "/register", GeoJSONURL: "/api/v1/rights",
		Headers: sortHeaders(url.Values{}, store.RightFilter{Sort: store.SortHolder}), Exports: []exportLink{{Format: "xlsx", Href: "/register/export?format=xlsx", Key: "officer.export.xlsx"}},
		MapStrings: map[string]string{"officer.map.show": "x"}}}
}
