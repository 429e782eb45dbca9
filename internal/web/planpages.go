package web

import (
	"net/http"
	"strings"

	"mineplan/internal/plan"
)

// The plan's public pages: the plan (its tables with their clauses and
// the arithmetic check's disagreements), a zone and a planning block.
// Plan text (titles, names, the check's messages) is data in Chinese, as
// the plan prints it; the interface around it is in the page's language.

type planTableRow struct {
	ID, Title, Clause, URL string
	Rows, Totals           int
}

type planZoneRow struct {
	Code, Name, Type string
	Counties         string
	HasShape         bool
}

type planPage struct {
	Page
	Meta          plan.Meta
	Tables        []planTableRow
	Zones         []planZoneRow
	Blocks        int
	Check         plan.CheckReport
	Disagreements []plan.Disagreement
	Beyond        int
}

func (s *Server) handlePlanPage(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	out := planPage{Page: s.newPage(r, "plan.title"), Meta: p.Meta, Check: s.currentCheck(), Blocks: len(p.Blocks)}
	for _, t := range p.Tables {
		out.Tables = append(out.Tables, planTableRow{ID: t.ID, Title: t.Title, Clause: t.Clause, URL: "/api/v1/plan/tables/" + t.ID, Rows: len(t.Rows), Totals: len(t.Totals)})
	}
	for _, z := range p.Zones {
		_, shape := p.Shapes[z.Code]
		out.Zones = append(out.Zones, planZoneRow{Code: z.Code, Name: z.Name, Type: z.Type, Counties: strings.Join(z.Counties, "、"), HasShape: shape})
	}
	// Disagreements beyond printed rounding first: those are the plan's
	// own errors; the rest agree within rounding.
	for _, d := range out.Check.Disagreements {
		if d.Kind == plan.BeyondRounding {
			out.Disagreements = append(out.Disagreements, d)
			out.Beyond++
		}
	}
	for _, d := range out.Check.Disagreements {
		if d.Kind != plan.BeyondRounding {
			out.Disagreements = append(out.Disagreements, d)
		}
	}
	s.page(w, r, http.StatusOK, "plan.html", out)
}

type zonePage struct {
	Page
	Zone     plan.Zone
	Counties string
	Minerals string
	TableURL string
	HasShape bool
	Blocks   []plan.Block
	Overlaps []plan.Overlap
}

func (s *Server) handleZonePage(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	code := r.PathValue("code")
	for _, z := range p.Zones {
		if z.Code != code {
			continue
		}
		page := s.newPage(r, "plan.zone_title")
		page.TitleArg = z.Code
		out := zonePage{Page: page, Zone: z, Counties: strings.Join(z.Counties, "、"), Minerals: z.MineralsText, TableURL: tableURL(z.Table)}
		if out.Minerals == "" {
			out.Minerals = strings.Join(z.Minerals, "、")
		}
		_, out.HasShape = p.Shapes[z.Code]
		for _, b := range p.Blocks {
			if b.Zone == z.Code {
				out.Blocks = append(out.Blocks, b)
			}
		}
		for _, o := range p.Overlaps {
			if o.A == z.Code || o.B == z.Code {
				out.Overlaps = append(out.Overlaps, o)
			}
		}
		s.page(w, r, http.StatusOK, "zone.html", out)
		return
	}
	s.errorPage(w, r, http.StatusNotFound, "plan.zone_not_found")
}

type blockPage struct {
	Page
	Block    plan.Block
	ZoneName string
	TableURL string
}

func (s *Server) handleBlockPage(w http.ResponseWriter, r *http.Request) {
	p, _ := s.current()
	code := r.PathValue("code")
	for _, b := range p.Blocks {
		if b.Code != code {
			continue
		}
		page := s.newPage(r, "plan.block_title")
		page.TitleArg = b.Code
		out := blockPage{Page: page, Block: b, TableURL: tableURL(b.Table)}
		for _, z := range p.Zones {
			if z.Code == b.Zone {
				out.ZoneName = z.Name
			}
		}
		s.page(w, r, http.StatusOK, "block.html", out)
		return
	}
	s.errorPage(w, r, http.StatusNotFound, "plan.block_not_found")
}

// tableURL is a table's API address, when the text names one (专栏16).
func tableURL(table string) string {
	if !strings.HasPrefix(table, "专栏") {
		return ""
	}
	return "/api/v1/plan/tables/" + table
}

func planSamples() map[string]any {
	area := &plan.Figure{Printed: "12.5"}
	z := plan.Zone{Code: "KC01", Name: "示例", Type: "key_mining_zone", Level: "prefecture", Counties: []string{"伽师县"}, Area: area, Rights: area, Planned: area, Blocks: area, Table: "专栏16", Row: 1}
	b := plan.Block{Code: "KT001", Kind: "exploration", Mineral: "铜矿", AreaKm2: 1.5, County: "伽师县", Zone: "KC01", Table: "专栏16", Illustrative: true}
	return map[string]any{
		"plan.html": planPage{Page: samplePage(), Meta: plan.Meta{Title: "示例", PeriodStart: 2021, PeriodEnd: 2025},
			Tables: []planTableRow{{ID: "专栏1", Title: "示例", Clause: "二", URL: "/api/v1/plan/tables/专栏1", Rows: 3}},
			Zones:  []planZoneRow{{Code: "KC01", Name: "示例", Type: "key_mining_zone", Counties: "伽师县", HasShape: true}}, Blocks: 1,
			Check: plan.CheckReport{Checked: 3, Agreed: 2}, Disagreements: []plan.Disagreement{{Check: "x", Kind: plan.BeyondRounding, Where: "专栏7", Message: "示例"}}, Beyond: 1},
		"zone.html":  zonePage{Page: samplePage(), Zone: z, Counties: "伽师县", Minerals: "铜", TableURL: "/api/v1/plan/tables/专栏16", HasShape: true, Blocks: []plan.Block{b}, Overlaps: []plan.Overlap{{A: "KC01", B: "KC02", Relation: "within", Clause: "专栏13"}}},
		"block.html": blockPage{Page: samplePage(), Block: b, ZoneName: "示例", TableURL: "/api/v1/plan/tables/专栏16"},
	}
}
