package web

import (
	"net/http"
	"sort"
	"strings"

	"mineplan/internal/i18n"
	"mineplan/internal/plan"
)

// mapLayers are the tile layers the page offers toggles for, in draw
// order; map.js removes those /tiles/index.json does not list for the
// caller (applications: officers only).
var mapLayers = []string{"zones", "blocks", "protected_areas", "red_lines", "rights", "applications"}

// The legend's entries, in the order shown.
var (
	mapZoneTypes = []string{"national_planning_area", "strategic_protection_zone", "key_exploration_zone", "key_mining_zone",
		"sand_gravel_zone", "mining_economic_zone", "development_layout"}
	mapBlockKinds    = []string{"exploration", "mining"}
	mapRightStatuses = []string{"valid", "producing", "under_construction", "retained", "suspended", "expired", "closed", "cancelled"}
	mapRightKinds    = []string{"exploration", "mining"}
)

// mapPage is what map.html renders.
type mapPage struct {
	Page
	Layers      []string
	ZoneTypes   []string
	BlockKinds  []string
	RightStatus []string
	RightKinds  []string
	Strings     map[string]any // map.js's strings (see mapStrings)
	Clauses     mapClauses
}

// mapClauses is the plan clause that governs each kind of feature, from
// the plan being served: map.js shows it in the identify popup.
type mapClauses struct {
	Zones     map[string]string `json:"zones"`      // zone code → its table (专栏13 …)
	ZoneTypes map[string]string `json:"zone_types"` // zone type → the tables that list it
	Blocks    map[string]string `json:"blocks"`     // block kind → 专栏16 / 专栏17
	Minerals  map[string]string `json:"minerals"`   // mineral → its policy clause
}

func planClauses(p *plan.Plan) mapClauses {
	c := mapClauses{Zones: map[string]string{}, ZoneTypes: map[string]string{}, Blocks: map[string]string{}, Minerals: map[string]string{}}
	byType := map[string]map[string]bool{}
	for _, z := range p.Zones {
		c.Zones[z.Code] = z.Table
		if byType[z.Type] == nil {
			byType[z.Type] = map[string]bool{}
		}
		byType[z.Type][z.Table] = true
	}
	for t, tables := range byType {
		var ts []string
		for x := range tables {
			ts = append(ts, x)
		}
		sort.Strings(ts)
		c.ZoneTypes[t] = strings.Join(ts, "、")
	}
	for _, b := range p.Blocks {
		if _, ok := c.Blocks[b.Kind]; !ok && b.Table != "" {
			c.Blocks[b.Kind] = b.Table
		}
	}
	for _, m := range p.Minerals {
		if m.PolicyClause != "" {
			c.Minerals[m.Name] = m.PolicyClause
			for _, a := range m.Aliases {
				c.Minerals[a] = m.PolicyClause
			}
		}
	}
	return c
}

// mapStrings are the messages map.js shows, in one language: the
// catalogue's map.js.* keys (and maptools.js's maptools.js.*) and the register's and plan's code names
// (status.*, kind.*, zone_type.*), by full key, and MapLibre's own control
// labels (map.js.maplibre.*) as its locale object.
func mapStrings(cat *i18n.Catalog, l i18n.Lang) (map[string]any, error) {
	out := map[string]any{}
	locale := map[string]string{}
	for _, k := range cat.Keys() {
		if !strings.HasPrefix(k, "map.js.") && !strings.HasPrefix(k, "maptools.js.") && !strings.HasPrefix(k, "status.") && !strings.HasPrefix(k, "kind.") && !strings.HasPrefix(k, "zone_type.") {
			continue
		}
		v, err := cat.T(l, k)
		if err != nil {
			return nil, err
		}
		if ml, ok := strings.CutPrefix(k, "map.js.maplibre."); ok {
			locale[ml] = v
			continue
		}
		out[k] = v
	}
	out["maplibre"] = locale
	return out, nil
}

func (s *Server) mapPageData(pg Page) (mapPage, error) {
	p, _ := s.current()
	strs, err := mapStrings(s.messages, pg.Lang)
	if err != nil {
		return mapPage{}, err
	}
	return mapPage{Page: pg, Layers: mapLayers, ZoneTypes: mapZoneTypes, BlockKinds: mapBlockKinds,
		RightStatus: mapRightStatuses, RightKinds: mapRightKinds, Strings: strs, Clauses: planClauses(p)}, nil
}

// mapSamples are map.html's sample data for the start-up check, in each
// language (the strings block differs by language).
func (s *Server) mapSamples() map[string]any {
	d, err := s.mapPageData(samplePage())
	if err != nil {
		// A missing message: the check renders this and fails on it.
		return map[string]any{"map.html": nil}
	}
	return map[string]any{"map.html": d}
}

// handleMapPage serves GET /map, the public map.
func (s *Server) handleMapPage(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r, "lang"); err != nil {
		s.writeError(w, r, err)
		return
	}
	data, err := s.mapPageData(s.newPage(r, "map.title"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.page(w, r, http.StatusOK, "map.html", data)
}
