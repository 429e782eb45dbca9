package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"mineplan/internal/app"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/i18n"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// The map's tools (maptools.js): search with autocomplete and the
// ellipsoidal measure.

// Search limits.
const (
	defaultSuggestions = 8
	maxSuggestions     = 20
	maxSearchText      = 64 // characters
)

// suggestion is one answer of the search: what it is, where it is (the
// box in CGCS2000 lon/lat, for the map to fly to) and its page.
type suggestion struct {
	Kind         string      `json:"kind"` // right, block or zone
	ID           string      `json:"id"`   // the right's ID, the block's or zone's code
	Code         string      `json:"code"` // the licence number, the block's or zone's code
	Label        string      `json:"label"`
	Detail       string      `json:"detail,omitempty"`
	BBox         *[4]float64 `json:"bbox"` // minLon, minLat, maxLon, maxLat; null without a geometry
	URL          string      `json:"url"`
	Illustrative bool        `json:"illustrative"`
	rank         int         // 0 the code is the text, 1 it starts with it, 2 it contains it
}

// toolError is a 400 about a parameter or the body. Message is in Chinese
// and English, as every API error is (errors.go); Text is the same in the
// request's language (Uyghur too), for maptools.js to show.
type toolError struct {
	apiError
	Text   string `json:"text"`
	Part   int    `json:"part,omitempty"`
	Ring   int    `json:"ring,omitempty"`
	Vertex int    `json:"vertex,omitempty"` // 1-based, when the error is about one
	Rule   string `json:"rule,omitempty"`
}

// newToolError builds a toolError from a maptools catalogue key.
func (s *Server) newToolError(r *http.Request, code, param, key string, args ...any) *toolError {
	tr := func(l i18n.Lang) string {
		m, err := s.messages.T(l, key, args...)
		if err != nil {
			return key
		}
		return m
	}
	return &toolError{apiError: apiError{Status: http.StatusBadRequest, Code: code, Parameter: param, Message: tr(i18n.ZH) + " / " + tr(i18n.EN)}, Text: tr(langOf(r))}
}

// geometryError wraps a "中文 / English" message of the geometry readers;
// Text is the request's half of it (both for Uyghur: they have no Uyghur).
func geometryError(r *http.Request, bilingual string) *toolError {
	text := bilingual
	if zh, en, ok := strings.Cut(bilingual, " / "); ok {
		switch langOf(r) {
		case i18n.ZH:
			text = zh
		case i18n.EN:
			text = en
		}
	}
	return &toolError{apiError: apiError{Status: http.StatusBadRequest, Code: "bad_geometry", Parameter: "geometry", Message: bilingual}, Text: text}
}

func (s *Server) writeToolError(w http.ResponseWriter, r *http.Request, e *toolError) {
	s.writeJSON(w, r, e.Status, map[string]any{"error": e})
}

// handleSearch answers GET /api/v1/search?q=&limit=: rights whose licence
// number begins with q or whose holder's name holds it (and, for a caller
// that sees full fields, whose holder's unified social credit code begins
// with it; store.RightFilter.Search), within the
// caller's jurisdiction as the register is (rights.go's narrow), found by
// the database; and the plan's planning blocks and zones whose code (or a
// zone's name) contains it, from the plan in memory. Codes that are q come
// first, then those that start with it.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	qs, err := parseQuery(r, "q", "limit", "lang")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	text := strings.TrimSpace(qs["q"])
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		s.writeToolError(w, r, s.newToolError(r, "bad_parameter", "q", "maptools.error.q_missing"))
		return
	case n > maxSearchText:
		s.writeToolError(w, r, s.newToolError(r, "bad_parameter", "q", "maptools.error.q_long", maxSearchText, n))
		return
	}
	limit := defaultSuggestions
	if v, ok := qs["limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || !integer.MatchString(v) || n < 1 || n > maxSuggestions {
			s.writeToolError(w, r, s.newToolError(r, "bad_parameter", "limit", "maptools.error.limit", maxSuggestions, clip(v)))
			return
		}
		limit = n
	}

	f := store.RightFilter{Search: text, Limit: limit}
	f.SearchCodes = s.narrow(r, &f)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	found, matched, err := app.CurrentRegister(ctx, s.cfg.Store, f, s.today())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out []suggestion
	p, _ := s.current()
	out = append(out, planSuggestions(p, text)...)
	for _, rt := range found {
		out = append(out, rightSuggestion(rt, text))
	}
	// Codes equal to the text first, then those starting with it; the
	// kinds in the order zones, blocks, rights within a rank.
	slices.SortStableFunc(out, func(a, b suggestion) int { return a.rank - b.rank })
	if len(out) > limit {
		out = out[:limit]
	}
	if out == nil {
		out = []suggestion{}
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"q": text, "suggestions": out, "rights_matched": matched, "limit": limit})
}

// rank is how well code matches text (ASCII letters in either case).
func rank(code, text string) int {
	c, t := strings.ToUpper(code), strings.ToUpper(text)
	switch {
	case c == t:
		return 0
	case strings.HasPrefix(c, t):
		return 1
	}
	return 2
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func bboxOf(b geo.BBox) *[4]float64 { return &[4]float64{b.MinLon, b.MinLat, b.MaxLon, b.MaxLat} }

func rightSuggestion(rt rights.Right, text string) suggestion {
	code := rt.LicenceNumber
	if code == "" {
		code = rt.ID
	}
	sg := suggestion{Kind: "right", ID: rt.ID, Code: code, Label: code, Detail: joinNonEmpty(" · ", rt.Name, rt.Holder.Name),
		URL: "/rights/" + rt.ID, Illustrative: rt.Illustrative, rank: rank(code, text)}
	if rt.Geometry != nil {
		sg.BBox = bboxOf(rt.Geometry.Bounds())
	}
	return sg
}

// planSuggestions are the zones (by code or name) and blocks (by code)
// that contain text, ASCII letters in either case.
func planSuggestions(p *plan.Plan, text string) []suggestion {
	t := strings.ToUpper(text)
	var out []suggestion
	for _, z := range p.Zones {
		if !strings.Contains(strings.ToUpper(z.Code), t) && !strings.Contains(z.Name, text) {
			continue
		}
		sg := suggestion{Kind: "zone", ID: z.Code, Code: z.Code, Label: z.Code, Detail: z.Name, URL: "/zones/" + z.Code, rank: rank(z.Code, text)}
		if g, ok := p.Shapes[z.Code]; ok && g != nil {
			sg.BBox = bboxOf(g.Bounds())
		}
		out = append(out, sg)
	}
	for _, b := range p.Blocks {
		if !strings.Contains(strings.ToUpper(b.Code), t) {
			continue
		}
		sg := suggestion{Kind: "block", ID: b.Code, Code: b.Code, Label: b.Code, Detail: joinNonEmpty(" · ", b.County, b.Mineral),
			URL: "/blocks/" + b.Code, Illustrative: b.Illustrative, rank: rank(b.Code, text)}
		if b.Geometry != nil {
			sg.BBox = bboxOf(b.Geometry.Bounds())
		}
		out = append(out, sg)
	}
	return out
}

// Measure limits: the body, and the vertices of a line.
const (
	maxMeasureBody     = 1 << 20
	maxMeasureVertices = 20000
)

// measureAnswer is the server's figure for a drawn line or polygon, on the
// CGCS2000 ellipsoid: a line's geodesic length (the sum of its segments'
// geodesics, Vincenty's inverse of internal/geo), a polygon's ellipsoidal
// area (internal/geo's RingArea, checked against GeographicLib's
// Planimeter) and perimeter.
type measureAnswer struct {
	Type        string   `json:"type"`
	Vertices    int      `json:"vertices"`
	LengthM     *float64 `json:"length_m,omitempty"`
	LengthKm    *float64 `json:"length_km,omitempty"`
	AreaM2      *float64 `json:"area_m2,omitempty"`
	AreaKm2     *float64 `json:"area_km2,omitempty"`
	AreaHa      *float64 `json:"area_ha,omitempty"` // hectares (公顷)
	PerimeterM  *float64 `json:"perimeter_m,omitempty"`
	PerimeterKm *float64 `json:"perimeter_km,omitempty"`
	Ellipsoid   string   `json:"ellipsoid"`
}

func fptr(v float64) *float64 { return &v }

// badGeometry is a 400 about the drawn geometry from a catalogue key.
func (s *Server) badGeometry(r *http.Request, vertex int, key string, args ...any) *toolError {
	e := s.newToolError(r, "bad_geometry", "geometry", key, args...)
	e.Vertex = vertex
	return e
}

// handleMeasure answers POST /api/v1/measure: a GeoJSON LineString,
// Polygon or MultiPolygon (or a Feature holding one) in CGCS2000 lon/lat
// gets its length or area computed here, so the browser never carries a
// second, rougher copy of the geodesy.
func (s *Server) handleMeasure(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r, "lang"); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	raw, typ, merr := s.measureGeometry(r, body)
	if merr != nil {
		s.writeToolError(w, r, merr)
		return
	}
	el := geo.CGCS2000
	if typ == "LineString" {
		pts, merr := s.lineString(r, raw)
		if merr != nil {
			s.writeToolError(w, r, merr)
			return
		}
		total := 0.0
		for i := 1; i < len(pts); i++ {
			d, _, err := el.Inverse(pts[i-1], pts[i])
			if err != nil {
				s.writeToolError(w, r, s.badGeometry(r, i+1, "maptools.error.antipodal", i, i+1))
				return
			}
			total += d
		}
		s.writeJSON(w, r, http.StatusOK, measureAnswer{Type: typ, Vertices: len(pts), LengthM: fptr(total), LengthKm: fptr(total / 1000), Ellipsoid: el.Name})
		return
	}
	mp, err := geojson.DecodeGeometry(raw)
	if err != nil {
		s.writeToolError(w, r, geometryError(r, err.Error()))
		return
	}
	if err := geo.ValidateMultiPolygon(mp); err != nil {
		me := geometryError(r, err.Error())
		if d, ok := err.(*geo.DefectError); ok {
			me.Part, me.Ring, me.Vertex, me.Rule = d.Part, d.Ring, d.Vertex, string(d.Rule)
		}
		s.writeToolError(w, r, me)
		return
	}
	area, perimeter, n := el.MultiPolygonArea(mp), 0.0, 0
	for _, p := range mp {
		for _, ring := range p {
			n += len(ring) - 1
			for i := 1; i < len(ring); i++ {
				d, _, err := el.Inverse(ring[i-1], ring[i])
				if err != nil {
					s.writeToolError(w, r, s.badGeometry(r, i+1, "maptools.error.antipodal", i, i+1))
					return
				}
				perimeter += d
			}
		}
	}
	s.writeJSON(w, r, http.StatusOK, measureAnswer{Type: typ, Vertices: n, AreaM2: fptr(area), AreaKm2: fptr(area / 1e6), AreaHa: fptr(area / 1e4),
		PerimeterM: fptr(perimeter), PerimeterKm: fptr(perimeter / 1000), Ellipsoid: el.Name})
}

// measureGeometry finds the geometry in the body (a geometry or a Feature)
// and its type.
func (s *Server) measureGeometry(r *http.Request, body []byte) (json.RawMessage, string, *toolError) {
	bad := func(key string, args ...any) (json.RawMessage, string, *toolError) {
		return nil, "", s.badGeometry(r, 0, key, args...)
	}
	var top struct {
		Type     string          `json:"type"`
		Geometry json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return bad("maptools.error.json")
	}
	raw := json.RawMessage(body)
	if top.Type == "Feature" {
		raw = top.Geometry
		top.Type = ""
		var g struct {
			Type string `json:"type"`
		}
		if len(raw) == 0 || json.Unmarshal(raw, &g) != nil || g.Type == "" {
			return bad("maptools.error.type", "null")
		}
		top.Type = g.Type
	}
	switch top.Type {
	case "LineString", "Polygon", "MultiPolygon":
		return raw, top.Type, nil
	}
	return bad("maptools.error.type", clip(top.Type))
}

// lineString reads a LineString's positions: two or more, each two or
// three finite numbers, longitude within ±180° and latitude within ±90°;
// the first bad one is named.
func (s *Server) lineString(r *http.Request, raw json.RawMessage) ([]geo.LonLat, *toolError) {
	var g struct {
		Coordinates []json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, s.badGeometry(r, 0, "maptools.error.line_coordinates")
	}
	if len(g.Coordinates) < 2 {
		return nil, s.badGeometry(r, 0, "maptools.error.line_short", len(g.Coordinates))
	}
	if len(g.Coordinates) > maxMeasureVertices {
		return nil, s.badGeometry(r, 0, "maptools.error.vertices", maxMeasureVertices)
	}
	pts := make([]geo.LonLat, len(g.Coordinates))
	for i, c := range g.Coordinates {
		vertex := func(key string, args ...any) *toolError {
			return s.badGeometry(r, i+1, key, append([]any{i + 1}, args...)...)
		}
		var nums []json.Number
		dec := json.NewDecoder(bytes.NewReader(c))
		dec.UseNumber()
		if err := dec.Decode(&nums); err != nil || len(nums) < 2 || len(nums) > 3 {
			return nil, vertex("maptools.error.position")
		}
		var v [2]float64
		for k := range v {
			f, err := nums[k].Float64()
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, vertex("maptools.error.position")
			}
			v[k] = f
		}
		if math.Abs(v[0]) > 180 || math.Abs(v[1]) > 90 {
			return nil, vertex("maptools.error.range", fmt.Sprintf("%g", v[0]), fmt.Sprintf("%g", v[1]))
		}
		pts[i] = geo.LonLat{Lon: v[0], Lat: v[1]}
	}
	return pts, nil
}
