package web

import (
	"net/http"
	"strings"
)

type tableSummary struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Clause string `json:"clause"`
	Rows   int    `json:"rows"`
	Totals int    `json:"totals"`
	URL    string `json:"url"`
}

func (s *Server) handleTables(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	out := make([]tableSummary, 0, len(p.Tables))
	for _, t := range p.Tables {
		out = append(out, tableSummary{t.ID, t.Title, t.Clause, len(t.Rows), len(t.Totals), "/api/v1/plan/tables/" + t.ID})
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"tables": out})
}

// handleTable serves one table; the id may be 专栏16, 16 or zl16.
func (s *Server) handleTable(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	id := r.PathValue("id")
	norm := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(id, "zl"), "专栏"), "0")
	t := p.Table("专栏" + norm)
	if t == nil {
		s.writeError(w, r, notFound("没有表格 "+clip(id)+"（专栏1–专栏20） / no table "+clip(id)+" (专栏1–专栏20)"))
		return
	}
	s.writeJSON(w, r, http.StatusOK, t)
}
