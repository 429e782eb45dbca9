package web

import "net/http"

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	v, err := s.cfg.Store.SchemaVersion(ctx)
	if err != nil {
		s.writeJSON(w, r, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "error": "数据库无法连接 / database unreachable"})
		return
	}
	_, rev := s.current()
	s.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "schema_version": v, "plan_id": rev.PlanID, "plan_revision": rev.Number})
}
