package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// reviewsPageSize is the number of stored reviews a page of GET /reviews
// lists.
const reviewsPageSize = 50

// reviewsPage is the stored reviews' list (GET /reviews): filters by
// verdict, county and the day range of creation as a GET form, narrowed to
// the caller's review.read jurisdiction in the database, newest first,
// keyset-paged.
type reviewsPage struct {
	Page
	Values   map[string]string
	Errors   map[string]*Msg
	Verdicts []string
	Rows     []reviewRow
	Matched  int
	// NextURL pages on, FirstURL goes back to the first page.
	NextURL, FirstURL string
}

type reviewRow struct {
	ID, CreatedAt, Verdict, Kind, Mineral, County, Applicant string
}

var reviewsParams = []string{"verdict", "county", "from", "until", "after"}

// reviewCursor is after= of the reviews' list: the last review's creation
// time in microseconds since 1970 and its ID.
func reviewCursor(sr store.StoredReview) string {
	return strconv.FormatInt(sr.CreatedAt.UnixMicro(), 10) + "~" + sr.ID
}

// reviewsFilter reads the list's form; each bad field gets its message.
func (s *Server) reviewsFilter(r *http.Request, values map[string]string) (store.ReviewFilter, map[string]*Msg) {
	var f store.ReviewFilter
	errs := map[string]*Msg{}
	for k, v := range values {
		if !slices.Contains(reviewsParams, k) {
			errs[""] = M("workspace.error.unknown", k)
			continue
		}
		if len(v) > maxValue {
			errs[k] = M("officer.error.too_long", k)
		}
	}
	if v := values["verdict"]; v != "" {
		switch review.Verdict(v) {
		case review.Conforming, review.Conditional, review.NonConforming:
			f.Verdict = v
		default:
			errs["verdict"] = M("officer.error.verdict", v)
		}
	}
	if v := values["county"]; v != "" {
		p, _ := s.current()
		if c, ok := p.CountyByNameOrCode(v); ok {
			f.County = c.Name
		} else {
			errs["county"] = s.filterError(r, "county", v)
		}
	}
	day := func(name string) time.Time {
		v := values[name]
		if v == "" {
			return time.Time{}
		}
		d, err := rights.ParseDate(v)
		if err != nil {
			errs[name] = M("officer.error.date", v)
			return time.Time{}
		}
		return d.Time
	}
	f.From = day("from")
	if until := day("until"); !until.IsZero() {
		f.Until = until.AddDate(0, 0, 1) // the whole day
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.From.Before(f.Until) {
		errs["until"] = M("officer.error.range")
	}
	if v := values["after"]; v != "" {
		us, id, ok := strings.Cut(v, "~")
		n, err := strconv.ParseInt(us, 10, 64)
		if !ok || err != nil || id == "" || len(v) > maxCursor {
			errs[""] = M("workspace.error.paging", "after")
		} else {
			f.AfterAt, f.AfterID = time.UnixMicro(n).UTC(), id
		}
	}
	return f, errs
}

// narrowReviews confines the list to the caller's review.read reach, as
// Decide would allow the reviews one by one (reviewObject).
func (s *Server) narrowReviews(r *http.Request, f *store.ReviewFilter) bool {
	reach, d := authz.ReachOf(who(r), authz.ReviewRead)
	if d != authz.Allow {
		return false
	}
	f.CreditCode = reach.CreditCode
	if reach.County != "" {
		if f.County != "" && f.County != reach.County {
			f.KindMinerals = map[rights.Kind][]string{}
		}
		f.County = reach.County
	}
	if reach.CountyGrants && f.KindMinerals == nil {
		f.KindMinerals = s.served.Load().countyMinerals
	}
	return true
}

func (s *Server) handleReviewsPage(w http.ResponseWriter, r *http.Request) {
	_, values := registerQuery(r)
	data := reviewsPage{Page: s.newPage(r, "officer.reviews.title"), Values: values,
		Verdicts: []string{string(review.Conforming), string(review.Conditional), string(review.NonConforming)}}
	f, errs := s.reviewsFilter(r, values)
	if data.Errors = errs; len(errs) > 0 {
		s.render(w, r, http.StatusBadRequest, "reviews.html", data)
		return
	}
	if !s.narrowReviews(r, &f) { // the route's action: not reached
		s.errorPage(w, r, http.StatusForbidden, "error.forbidden_page")
		return
	}
	f.Limit = reviewsPageSize
	ctx, cancel := s.queryContext(r)
	defer cancel()
	list, matched, err := s.cfg.Store.Reviews(ctx, f)
	if err != nil {
		s.cfg.Logger.Error("reviews page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	data.Matched = matched
	for _, sr := range list {
		data.Rows = append(data.Rows, reviewRowOf(sr))
	}
	filters := url.Values{}
	for k, v := range values {
		if k != "after" {
			filters.Set(k, v)
		}
	}
	if len(list) == f.Limit {
		next := url.Values{}
		for k, v := range filters {
			next[k] = v
		}
		next.Set("after", reviewCursor(list[len(list)-1]))
		data.NextURL = "/reviews?" + next.Encode()
	}
	if values["after"] != "" {
		data.FirstURL = "/reviews?" + filters.Encode()
	}
	s.render(w, r, http.StatusOK, "reviews.html", data)
}

// reviewRowOf is a stored review's row: the application's fields from its
// report.
func reviewRowOf(sr store.StoredReview) reviewRow {
	row := reviewRow{ID: sr.ID, CreatedAt: sr.CreatedAt.UTC().Format("2006-01-02 15:04:05"), Verdict: sr.Verdict, County: sr.OwnerCounty}
	var rep struct {
		Application *review.Application `json:"application"`
	}
	if json.Unmarshal(sr.Report, &rep) == nil && rep.Application != nil {
		row.Kind, row.Mineral, row.Applicant = string(rep.Application.Kind), rep.Application.Mineral, rep.Application.Holder
		if row.County == "" {
			row.County = rep.Application.County
		}
	}
	return row
}

// handleRerunPage re-runs a stored review from the review page's form
// (POST /reviews/{id}/rerun, review.rerun): the existing use case
// (app.Rerun, audited as review.rerun), then the review page with the new
// report beside the stored one.
func (s *Server) handleRerunPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	sr, ok := s.reviewForPage(w, r, authz.ReviewRerun)
	if !ok {
		return
	}
	stored, again, identical, err := app.Rerun(ctx, s.cfg.Store, sr.ID)
	if err != nil {
		s.cfg.Logger.Error("review re-run", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	page := s.newPage(r, "review.page_title")
	page.TitleArg = sr.ID
	s.render(w, r, http.StatusOK, "review.html", reviewPage{Page: page, ID: sr.ID, Report: stored, Rerun: again, Identical: identical, CanRerun: s.canRerun(r)})
}

// reviewForPage reads a stored review for an HTML page and decides act on
// it; otherwise the error page is written.
func (s *Server) reviewForPage(w http.ResponseWriter, r *http.Request, act authz.Action) (store.StoredReview, bool) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	sr, err := s.cfg.Store.Review(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "error.review_not_found")
		return sr, false
	case err != nil:
		s.cfg.Logger.Error("review page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return sr, false
	}
	obj, err := reviewObject(sr)
	if err != nil {
		s.cfg.Logger.Error("review page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return sr, false
	}
	return sr, s.decideObject(w, r, act, obj)
}

// canRerun says the review page shows the re-run form: the route is served
// and the caller's role may re-run.
func (s *Server) canRerun(r *http.Request) bool {
	return s.patterns["POST /reviews/{id}/rerun"] && authz.ScopeOf(who(r).Role, authz.ReviewRerun) != authz.None
}

func officerSamples() map[string]any {
	rv := sampleReviewPage()
	rv.CanRerun, rv.Rerun, rv.Identical = true, rv.Report, false
	return map[string]any{"review.html": rv, "reviews.html": reviewsPage{Page: samplePage(), Values: map[string]string{"verdict": "conforming"},
		// No errors: the list is rendered (the error branches are one line each).
		Verdicts: []string{"conforming"}, Matched: 1, Rows: []reviewRow{{ID: "RV1", Verdict: "conforming", Kind: "mining"}},
		NextURL: "/reviews?after=x", FirstURL: "/reviews"}}
}
