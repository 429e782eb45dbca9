package web

import (
	"net/http"

	"mineplan/internal/plan"
	"mineplan/internal/store"
)

type indexData struct {
	Page
	Plan   *plan.Plan
	Rev    store.PlanRevision
	Check  plan.CheckReport
	Tables []*plan.Table
}

func (s *Server) pageData(page Page) indexData {
	p, rev := s.current()
	return indexData{Page: page, Plan: p, Rev: rev, Check: s.currentCheck(), Tables: p.Tables}
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, http.StatusOK, "index.html", s.pageData(s.newPage(r, "index.title")))
}
