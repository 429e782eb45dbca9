package web

import "net/http"

func (s *Server) handleMinerals(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	writeJSON(w, http.StatusOK, map[string]any{"minerals": p.Minerals})
}
