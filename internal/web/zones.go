package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/illustrative"
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
	fc := &formats.Layer{Name: fmt.Sprintf("%s 第%d版 规划分区（示意）", rev.PlanID, rev.Number), SRID: geo.EPSG4490}
	for _, z := range zones {
		if typ != "" && z.Type != typ {
			continue
		}
		var props map[string]any
		if err := json.Unmarshal(z.Properties, &props); err != nil {
			s.writeError(w, r, fmt.Errorf("zone %s properties: %w", z.Code, err))
			return
		}
		var g geo.MultiPolygon
		if z.Geometry != nil {
			g = geo.MultiPolygon{z.Geometry}
		}
		if err := fc.Add(z.Code, g, props); err != nil {
			s.writeError(w, r, fmt.Errorf("zone %s properties: %w", z.Code, err))
			return
		}
	}
	fc.SortFields()
	b, err := illustrative.Encode(fc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	w.Write(b)
}
