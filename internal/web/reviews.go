package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/review"
	"mineplan/internal/store"
)

// Request size limits: an application is one feature.
const (
	maxReviewBody = 4 << 20
	maxCheckBody  = 256 << 10
)

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// readBody reads a request body, which the route's body limit (limitBody)
// bounds, and answers a larger one as too large.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge(mbe.Limit)
	}
	return b, err
}

// reviewError turns validation errors into a 422 that lists the fields.
func (s *Server) reviewError(w http.ResponseWriter, r *http.Request, err error) {
	var ve review.ValidationErrors
	if errors.As(err, &ve) {
		s.writeJSON(w, r, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"code": "invalid_application", "message": "申请有误 / invalid application", "fields": ve}})
		return
	}
	s.writeError(w, r, err)
}

// handleCreateReview reviews an application and stores the report.
func (s *Server) handleCreateReview(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rep, err := app.RunReview(ctx, s.cfg.Store, s.currentEngine(), &s.areas, body, s.now())
	if err != nil {
		s.reviewError(w, r, err)
		return
	}
	// The new review's owner must be within the caller's jurisdiction: a
	// holder files for itself, a county clerk in its county and for the
	// minerals the county grants.
	a := who(r)
	obj := authz.Object{CreditCode: a.CreditCode}
	if rep.Application != nil {
		obj.Counties, obj.Mineral, obj.RightKind = []string{rep.Application.County}, rep.Application.Mineral, string(rep.Application.Kind)
	}
	if d := authz.Decide(a, authz.ReviewCreate, obj, s.currentGrants()); d != authz.Allow {
		s.deny(w, r, r.Pattern, authz.ReviewCreate, authz.Forbid) // nothing to hide: the caller sent it
		return
	}
	id, err := app.SaveReview(ctx, s.cfg.Store, body, rep)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/reviews/"+id)
	s.writeJSON(w, r, http.StatusCreated, map[string]any{"id": id, "report": rep, "links": map[string]string{"self": "/api/v1/reviews/" + id, "html": "/reviews/" + id, "rerun": "/api/v1/reviews/" + id + "/rerun"}})
}

// reviewObject is a stored review as the authorisation table sees it: its
// owner's credit code, the application's county, mineral and kind.
func reviewObject(sr store.StoredReview) (authz.Object, error) {
	var rep struct {
		Application *review.Application `json:"application"`
	}
	if err := json.Unmarshal(sr.Report, &rep); err != nil {
		return authz.Object{}, fmt.Errorf("review %s report: %w", sr.ID, err)
	}
	obj := authz.Object{CreditCode: sr.OwnerCreditCode}
	if sr.OwnerCounty != "" {
		obj.Counties = []string{sr.OwnerCounty}
	}
	if rep.Application != nil {
		obj.Mineral, obj.RightKind = rep.Application.Mineral, string(rep.Application.Kind)
	}
	return obj, nil
}

// storedReview reads a review the caller may take act on; otherwise the
// answer (404 for a review outside the caller's view) is written.
func (s *Server) storedReview(w http.ResponseWriter, r *http.Request, act authz.Action) (store.StoredReview, bool) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	sr, err := s.cfg.Store.Review(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return sr, false
	}
	obj, err := reviewObject(sr)
	if err != nil {
		s.writeError(w, r, err)
		return sr, false
	}
	return sr, s.decideObject(w, r, act, obj)
}

func (s *Server) handleGetReview(w http.ResponseWriter, r *http.Request) {
	sr, ok := s.storedReview(w, r, authz.ReviewRead)
	if !ok {
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"id": sr.ID, "report": json.RawMessage(sr.Report)})
}

func (s *Server) handleRerunReview(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.storedReview(w, r, authz.ReviewRerun); !ok {
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	stored, again, identical, err := app.Rerun(ctx, s.cfg.Store, r.PathValue("id"))
	if err != nil {
		s.reviewError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"id": r.PathValue("id"), "identical": identical, "stored": stored, "rerun": again})
}

// handleCheck is the public check: the same review, nothing stored,
// limited in size and rate (its route's limits).
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rep, err := app.RunReview(ctx, s.cfg.Store, s.currentEngine(), &s.areas, body, s.now())
	if err != nil {
		s.reviewError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

// handleReviewPage renders a stored report as printable HTML.
func (s *Server) handleReviewPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	sr, err := s.cfg.Store.Review(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "error.review_not_found")
		return
	case err != nil:
		s.cfg.Logger.Error("review page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	obj, err := reviewObject(sr)
	if err != nil {
		s.cfg.Logger.Error("review page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	if !s.decideObject(w, r, authz.ReviewRead, obj) {
		return
	}
	var rep review.Report
	if err := json.Unmarshal(sr.Report, &rep); err != nil {
		s.writeError(w, r, err)
		return
	}
	page := s.newPage(r, "review.page_title")
	page.TitleArg = sr.ID
	s.page(w, r, http.StatusOK, "review.html", reviewPage{Page: page, ID: sr.ID, Report: &rep, CanRerun: s.canRerun(r)})
}

type reviewPage struct {
	Page
	ID     string
	Report *review.Report
	// CanRerun shows the re-run form; Rerun is a re-run's report (after
	// the form is sent) and Identical says it equals the stored one.
	CanRerun  bool
	Rerun     *review.Report
	Identical bool
}
