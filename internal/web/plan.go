package web

import (
	"net/http"

	"mineplan/internal/plan"
)

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	p, rev := s.current()
	s.writeJSON(w, r, http.StatusOK, map[string]any{
		"plan":     p.Meta,
		"revision": rev,
		"counts": map[string]int{
			"tables": len(p.Tables), "minerals": len(p.Minerals), "zones": len(p.Zones),
			"statements": len(p.Statements), "targets": len(p.Rules.Targets),
		},
		"rules": p.Rules,
		"links": map[string]string{
			"tables": "/api/v1/plan/tables", "check": "/api/v1/plan/check",
			"minerals": "/api/v1/minerals", "zones": "/api/v1/zones",
		},
		"illustrative_geometry": plan.IllustrativeNote,
	})
}

func (s *Server) handlePlanCheck(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, s.currentCheck())
}
