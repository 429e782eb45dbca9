package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"mineplan/internal/geo"
)

// handleZones serves the zone layer of the current revision as a GeoJSON
// FeatureCollection; ?bbox=minLon,minLat,maxLon,maxLat filters in the
// database and ?type= by zone type.
func (s *Server) handleZones(w http.ResponseWriter, r *http.Request) {
	p, rev := s.current()
	q, err := parseQuery(r, "bbox", "type")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bbox, err := q.bbox()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	typ, err := q.zoneType(p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	zones, err := s.cfg.Store.Zones(ctx, rev.PlanID, rev.Number, bbox)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fc := geo.FeatureCollection{Name: fmt.Sprintf("%s 第%d版 规划分区（示意）", rev.PlanID, rev.Number)}
	for _, z := range zones {
		if typ != "" && z.Type != typ {
			continue
		}
		var props map[string]any
		if err := json.Unmarshal(z.Properties, &props); err != nil {
			s.writeError(w, r, fmt.Errorf("zone %s properties: %w", z.Code, err))
			return
		}
		fc.Features = append(fc.Features, geo.Feature{ID: z.Code, Geometry: z.Geometry, Properties: props})
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Write(b)
}
