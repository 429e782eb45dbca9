package web

import (
	"net/http"

	"mineplan/internal/plan"
	"mineplan/internal/store"
)

type indexData struct {
	Plan   *plan.Plan
	Rev    store.PlanRevision
	Check  plan.CheckReport
	Note   string
	Tables []*plan.Table
}

func (s *Server) pageData() indexData {
	p, rev := s.current()
	return indexData{Plan: p, Rev: rev, Check: s.currentCheck(), Note: plan.IllustrativeNote, Tables: p.Tables}
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, "index.html", s.pageData()); err != nil {
		s.cfg.Logger.Error("render index", "err", err)
	}
}
