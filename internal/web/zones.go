package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"mineplan/internal/geo"
)

// handleZones serves the zone layer of the current revision as a GeoJSON
// FeatureCollection; ?bbox=minLon,minLat,maxLon,maxLat filters in the
// database and ?type= by zone type.
func (s *Server) handleZones(w http.ResponseWriter, r *http.Request) {
	_, rev := s.current()
	var bbox *geo.BBox
	if q := r.URL.Query().Get("bbox"); q != "" {
		b, err := parseBBox(q)
		if err != nil {
			s.writeError(w, r, badRequest("bad_bbox", err.Error()))
			return
		}
		bbox = &b
	}
	typ := r.URL.Query().Get("type")
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

func parseBBox(q string) (geo.BBox, error) {
	parts := strings.Split(q, ",")
	if len(parts) != 4 {
		return geo.BBox{}, fmt.Errorf("bbox 需要 4 个数：最小经度,最小纬度,最大经度,最大纬度 (got %d values)", len(parts))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return geo.BBox{}, fmt.Errorf("bbox 第 %d 个值 %q 不是数字", i+1, p)
		}
		v[i] = f
	}
	b := geo.BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	if b.MinLon > b.MaxLon || b.MinLat > b.MaxLat {
		return geo.BBox{}, fmt.Errorf("bbox 的最小值大于最大值")
	}
	return b, nil
}
