package web

import "net/http"

func (s *Server) handleMinerals(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	s.writeJSON(w, r, http.StatusOK, map[string]any{"minerals": p.Minerals})
}
