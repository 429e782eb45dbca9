package web

import "net/http"

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	v, err := s.cfg.Store.SchemaVersion(ctx)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "database unreachable"})
		return
	}
	_, rev := s.current()
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "schema_version": v, "plan_id": rev.PlanID, "plan_revision": rev.Number})
}
