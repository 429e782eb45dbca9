package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

type searchAnswer struct {
	Q             string `json:"q"`
	Limit         int    `json:"limit"`
	RightsMatched int    `json:"rights_matched"`
	Suggestions   []struct {
		Kind, ID, Code, Label, Detail, URL string
		BBox                               *[4]float64
		Illustrative                       bool
	} `json:"suggestions"`
}

type toolErrorBody struct {
	Error struct {
		Code, Parameter, Message, Text, Rule string
		Part, Ring, Vertex                   int
	} `json:"error"`
}

func searchAs(t *testing.T, token, query string) (int, searchAnswer, string) {
	t.Helper()
	s := testServer(t)
	rec := request{method: "GET", path: "/api/v1/search?" + query, token: token, addr: "10.30.0.1"}.send(s.Handler())
	var a searchAnswer
	if rec.Code == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("search %s: %v: %s", query, err, rec.Body)
		}
	}
	return rec.Code, a, rec.Body.String()
}

// TestSearchFindsARightByItsLicenceNumber: the start of a known licence
// number from the illustrative register finds the right, with its box
// and page; the whole number, in lower case, finds it alone; its middle
// finds nothing (licence numbers are matched by their start).
func TestSearchFindsARightByItsLicenceNumber(t *testing.T) {
	m := matrixFixture(t)
	lic := m.right.LicenceNumber
	if len(lic) < 12 {
		t.Fatalf("the fixture's licence number %q is short", lic)
	}
	code, a, body := searchAs(t, "", "q="+url.QueryEscape(lic[:10])+"&limit=20")
	if code != 200 {
		t.Fatalf("search: %d %s", code, body)
	}
	found := false
	for _, s := range a.Suggestions {
		if s.Kind == "right" && s.ID == m.right.ID {
			found = true
			b := m.right.Geometry.Bounds()
			if s.URL != "/rights/"+m.right.ID || s.Code != lic || s.BBox == nil || *s.BBox != [4]float64{b.MinLon, b.MinLat, b.MaxLon, b.MaxLat} {
				t.Errorf("the right's suggestion: %+v, want its page and box %v", s, b)
			}
			if !strings.Contains(s.Detail, m.right.Holder.Name) {
				t.Errorf("the suggestion's detail %q lacks the holder", s.Detail)
			}
		}
	}
	if !found {
		t.Fatalf("the start of %s does not find right %s: %s", lic, m.right.ID, body)
	}
	if _, a, body := searchAs(t, "", "q="+url.QueryEscape(lic[6:16])); hasRight(a, m.right.ID) {
		t.Errorf("the middle of %s finds the right: %s", lic, body)
	}
	// Lower case finds the capitals; the whole number comes first.
	code, a, body = searchAs(t, "", "q="+url.QueryEscape(strings.ToLower(lic)))
	if code != 200 || len(a.Suggestions) == 0 || a.Suggestions[0].ID != m.right.ID || a.RightsMatched != 1 {
		t.Fatalf("the whole number in lower case: %d %s", code, body)
	}
	// The holder's name is public: it finds the right too.
	_, a, body = searchAs(t, "", "q="+url.QueryEscape(m.right.Holder.Name)+"&limit=20")
	if !hasRight(a, m.right.ID) {
		t.Errorf("the holder's name does not find the right: %s", body)
	}
}

func hasRight(a searchAnswer, id string) bool {
	for _, s := range a.Suggestions {
		if s.Kind == "right" && s.ID == id {
			return true
		}
	}
	return false
}

// TestSearchCreditCodeOnlyWhereSeen: the unified social credit code is not
// a public field, so the public does not find a right by it (and never
// sees it); the holder itself and the prefecture's licensing officer do;
// another holder finds nothing of the right, as its register shows it
// nothing of it.
func TestSearchCreditCodeOnlyWhereSeen(t *testing.T) {
	m := matrixFixture(t)
	cc := m.right.Holder.CreditCode
	q := "q=" + url.QueryEscape(cc[:16]) + "&limit=20"
	code, a, body := searchAs(t, "", q)
	if code != 200 || hasRight(a, m.right.ID) || a.RightsMatched != 0 {
		t.Fatalf("the public finds the right by its credit code: %d %s", code, body)
	}
	_, _, body = searchAs(t, "", "q="+url.QueryEscape(m.right.LicenceNumber))
	if strings.Contains(body, cc) {
		t.Errorf("the public answer shows the credit code: %s", body)
	}
	for _, who := range []string{"holder-in", "licensing"} {
		if _, a, body := searchAs(t, who, q); !hasRight(a, m.right.ID) {
			t.Errorf("%s does not find the right by its credit code: %s", who, body)
		}
	}
	if _, a, body := searchAs(t, "holder-out", q); hasRight(a, m.right.ID) {
		t.Errorf("another holder finds the right by its credit code: %s", body)
	}
	if _, a, body := searchAs(t, "holder-out", "q="+url.QueryEscape(m.right.LicenceNumber)); hasRight(a, m.right.ID) {
		t.Errorf("another holder finds a right outside its jurisdiction: %s", body)
	}
}

// TestSearchFindsBlocksAndZones: plan codes are found from the plan, with
// their pages; an exact code comes first.
func TestSearchFindsBlocksAndZones(t *testing.T) {
	s := testServer(t)
	p, _ := s.current()
	for _, c := range []struct{ q, kind, url string }{{"KT001", "block", "/blocks/KT001"}, {"kt001", "block", "/blocks/KT001"}, {"CZ027", "zone", "/zones/CZ027"}} {
		code, a, body := searchAs(t, "", "q="+c.q)
		if code != 200 || len(a.Suggestions) == 0 {
			t.Fatalf("%s: %d %s", c.q, code, body)
		}
		first := a.Suggestions[0]
		if first.Kind != c.kind || first.URL != c.url {
			t.Errorf("%s: first suggestion %+v, want the %s at %s", c.q, first, c.kind, c.url)
		}
		var want *geo.BBox
		if c.kind == "block" {
			for _, b := range p.Blocks {
				if b.Code == "KT001" && b.Geometry != nil {
					bb := b.Geometry.Bounds()
					want = &bb
				}
			}
		} else if g, ok := p.Shapes["CZ027"]; ok {
			bb := g.Bounds()
			want = &bb
		}
		if want != nil && (first.BBox == nil || *first.BBox != [4]float64{want.MinLon, want.MinLat, want.MaxLon, want.MaxLat}) {
			t.Errorf("%s: box %v, want %v", c.q, first.BBox, want)
		}
	}
	// A part of a code lists several, at most limit.
	code, a, body := searchAs(t, "", "q=KT&limit=3")
	if code != 200 || len(a.Suggestions) != 3 || a.Limit != 3 {
		t.Fatalf("q=KT&limit=3: %d %s", code, body)
	}
}

// TestSearchLimitAndCount: the database counts the matches; limit bounds
// what is listed.
func TestSearchLimitAndCount(t *testing.T) {
	code, a, body := searchAs(t, "", "q="+url.QueryEscape("示例矿业有限公司")+"&limit=5")
	if code != 200 || len(a.Suggestions) != 5 || a.RightsMatched < 100 {
		t.Fatalf("every illustrative holder: %d, %d listed of %d: %.300s", code, len(a.Suggestions), a.RightsMatched, body)
	}
}

// TestSearchBadQueries: each bad query is a 400 that names the parameter,
// in Chinese and English, with the request's language in text.
func TestSearchBadQueries(t *testing.T) {
	for _, c := range []struct{ query, param, text string }{
		{"", "q", "parameter q (the text to search for) is required"},
		{"q=%20%20", "q", "parameter q (the text to search for) is required"},
		{"q=", "q", ""},
		{"q=" + strings.Repeat("x", 65), "q", "parameter q is at most 64 characters (got 65)"},
		{"q=a&limit=0", "limit", "parameter limit must be a whole number from 1 to 20, got “0”"},
		{"q=a&limit=21", "limit", "from 1 to 20"},
		{"q=a&limit=x", "limit", "got “x”"},
		{"q=a&limit=-1", "limit", ""},
		{"q=a&bogus=1", "bogus", ""},
	} {
		code, _, body := searchAs(t, "", c.query+"&lang=en")
		var e toolErrorBody
		if err := json.Unmarshal([]byte(body), &e); err != nil || code != 400 || e.Error.Parameter != c.param || !bilingualR.MatchString(e.Error.Message) {
			t.Errorf("%q: %d %s, want a bilingual 400 naming %s", c.query, code, body, c.param)
			continue
		}
		if c.text != "" && !strings.Contains(e.Error.Text, c.text) {
			t.Errorf("%q: text %q, want %q", c.query, e.Error.Text, c.text)
		}
	}
	_, _, body := searchAs(t, "", "lang=ug")
	var e toolErrorBody
	if json.Unmarshal([]byte(body), &e); !strings.ContainsAny(e.Error.Text, "ئېىۋ") {
		t.Errorf("the Uyghur error is not in Uyghur: %s", body)
	}
}

type measureBody struct {
	Type                                                                string
	Vertices                                                            int
	LengthM, LengthKm, AreaM2, AreaKm2, AreaHa, PerimeterM, PerimeterKm *float64
	Ellipsoid                                                           string
}

func measure(t *testing.T, body, lang string) (int, measureBody, toolErrorBody, string) {
	t.Helper()
	s := testServer(t)
	path := "/api/v1/measure"
	if lang != "" {
		path += "?lang=" + lang
	}
	rec := request{method: "POST", path: path, body: body, addr: "10.31.0.1"}.send(s.Handler())
	var raw map[string]json.RawMessage
	json.Unmarshal(rec.Body.Bytes(), &raw)
	var m measureBody
	get := func(k string) *float64 {
		if v, ok := raw[k]; ok {
			var f float64
			if json.Unmarshal(v, &f) == nil {
				return &f
			}
		}
		return nil
	}
	json.Unmarshal(raw["type"], &m.Type)
	json.Unmarshal(raw["vertices"], &m.Vertices)
	json.Unmarshal(raw["ellipsoid"], &m.Ellipsoid)
	m.LengthM, m.LengthKm, m.AreaM2, m.AreaKm2, m.AreaHa, m.PerimeterM, m.PerimeterKm = get("length_m"), get("length_km"), get("area_m2"), get("area_km2"), get("area_ha"), get("perimeter_m"), get("perimeter_km")
	var e toolErrorBody
	json.Unmarshal(rec.Body.Bytes(), &e)
	return rec.Code, m, e, rec.Body.String()
}

// GeographicLib's figures on the CGCS2000 ellipsoid (a = 6378137 m, 1/f =
// 298.257222101), from GeodSolve and Planimeter 2.x:
//
//	echo "0 0 1 0"   | GeodSolve -i -e 6378137 0.0033528106811836 -p 6   → 110574.388554
//	echo "39 75 40 75" | GeodSolve -i -e 6378137 0.0033528106811836 -p 6 → 111025.045545
//	printf "39 75\n39 75.1\n39.1 75.1\n39.1 75\n" | Planimeter -e 6378137 0.0033528106811836 -p 9
//	  → 4 39516.360134749 96101807.3571
const (
	meridianDegreeAtEquator = 110574.388554
	meridianDegreeAt39      = 111025.045545
	boxPerimeter            = 39516.360134749
	boxArea                 = 96101807.3571
)

// TestMeasureLine: a line's length is the geodesic's, to the millimetre
// of GeographicLib's, and a Feature holding a line is read as the line.
func TestMeasureLine(t *testing.T) {
	for _, c := range []struct {
		body string
		want float64
	}{
		{`{"type":"LineString","coordinates":[[0,0],[0,1]]}`, meridianDegreeAtEquator},
		{`{"type":"LineString","coordinates":[[75,39],[75,39.5,1200],[75,40]]}`, meridianDegreeAt39},
		{`{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[75,39],[75,40]]}}`, meridianDegreeAt39},
	} {
		code, m, _, body := measure(t, c.body, "")
		if code != 200 || m.LengthM == nil || m.LengthKm == nil || m.Type != "LineString" || m.Ellipsoid != "CGCS2000" {
			t.Fatalf("%s: %d %s", c.body, code, body)
		}
		if d := math.Abs(*m.LengthM - c.want); d > 0.001 {
			t.Errorf("%s: %.6f m, GeographicLib %.6f m (off by %.4f m)", c.body, *m.LengthM, c.want, d)
		}
		if math.Abs(*m.LengthKm-*m.LengthM/1000) > 1e-9 || m.AreaM2 != nil {
			t.Errorf("%s: km %v, area %v", c.body, *m.LengthKm, m.AreaM2)
		}
	}
}

// TestMeasurePolygon: a polygon's area is the project's ellipsoidal area
// (geo.PolygonArea, exactly) and agrees with GeographicLib's Planimeter;
// hectares and km² follow; the perimeter is the geodesics'.
func TestMeasurePolygon(t *testing.T) {
	ring := geo.Ring{{Lon: 75, Lat: 39}, {Lon: 75.1, Lat: 39}, {Lon: 75.1, Lat: 39.1}, {Lon: 75, Lat: 39.1}, {Lon: 75, Lat: 39}}
	coords, _ := json.Marshal([][]geo.LonLat{ring})
	code, m, _, body := measure(t, fmt.Sprintf(`{"type":"Polygon","coordinates":%s}`, coords), "")
	if code != 200 || m.AreaM2 == nil || m.Type != "Polygon" || m.Vertices != 4 {
		t.Fatalf("%d %s", code, body)
	}
	if want := geo.CGCS2000.PolygonArea(geo.Polygon{ring}); *m.AreaM2 != want {
		t.Errorf("area %.6f m², geo.PolygonArea %.6f m²", *m.AreaM2, want)
	}
	if d := math.Abs(*m.AreaM2 - boxArea); d > 0.01 {
		t.Errorf("area %.4f m², Planimeter %.4f m² (off by %.4f)", *m.AreaM2, boxArea, d)
	}
	if d := math.Abs(*m.PerimeterM - boxPerimeter); d > 0.001 {
		t.Errorf("perimeter %.6f m, Planimeter %.6f m", *m.PerimeterM, boxPerimeter)
	}
	if math.Abs(*m.AreaHa-*m.AreaM2/1e4) > 1e-9 || math.Abs(*m.AreaKm2-*m.AreaM2/1e6) > 1e-12 || math.Abs(*m.PerimeterKm-*m.PerimeterM/1000) > 1e-9 {
		t.Errorf("units: %v ha, %v km², %v km", *m.AreaHa, *m.AreaKm2, *m.PerimeterKm)
	}
	// Clockwise, as a MultiPolygon with a hole: the same area less the hole's.
	hole := geo.Ring{{Lon: 75.02, Lat: 39.02}, {Lon: 75.04, Lat: 39.02}, {Lon: 75.04, Lat: 39.04}, {Lon: 75.02, Lat: 39.04}, {Lon: 75.02, Lat: 39.02}}
	cw := geo.Ring{ring[0], ring[3], ring[2], ring[1], ring[0]}
	mc, _ := json.Marshal([][][]geo.LonLat{{cw, hole}})
	code, m2, _, body := measure(t, fmt.Sprintf(`{"type":"MultiPolygon","coordinates":%s}`, mc), "")
	want := geo.CGCS2000.PolygonArea(geo.Polygon{ring, hole})
	if code != 200 || m2.AreaM2 == nil || math.Abs(*m2.AreaM2-want) > 1e-6 || *m2.AreaM2 >= *m.AreaM2 {
		t.Errorf("multipolygon with a hole: %d %s, want %.3f m²", code, body, want)
	}
}

// TestMeasureBadGeometry: every refusal is a 400 naming the vertex where
// there is one, bilingual, with the request's language in text.
func TestMeasureBadGeometry(t *testing.T) {
	for _, c := range []struct {
		body   string
		vertex int
		text   string
		rule   string
	}{
		{`{"type":"LineString","coordinates":[[75,39],[75,95]]}`, 2, "vertex 2: (75, 95) is not a longitude within ±180°", ""},
		{`{"type":"LineString","coordinates":[[75,39],[76,39],["a",1]]}`, 3, "vertex 3: a position must be", ""},
		{`{"type":"LineString","coordinates":[[75,39],[76]]}`, 2, "vertex 2", ""},
		{`{"type":"LineString","coordinates":[[75,39]]}`, 0, "at least 2 vertices (got 1)", ""},
		{`{"type":"LineString","coordinates":{}}`, 0, "array of positions", ""},
		{`{"type":"Point","coordinates":[75,39]}`, 0, "geometry type “Point” cannot be measured", ""},
		{`{"type":"Feature","geometry":null}`, 0, "cannot be measured", ""},
		{`not json`, 0, "the body is not JSON", ""},
		{`{"type":"Polygon","coordinates":[[[75,39],[75.1,39.1],[75.1,39],[75,39.1],[75,39]]]}`, 0, "", "self-intersection"},
		{`{"type":"Polygon","coordinates":[[[75,39],[75,39],[75.1,39],[75,39.1],[75,39]]]}`, 2, "vertex 2", "repeated"},
		{`{"type":"Polygon","coordinates":[[[75,39],[75.1,39],[75,39.1]]]}`, 0, "", ""},
		{`{"type":"Polygon","coordinates":[[[75,39],[175.1,99],[75,39.1],[75,39]]]}`, 2, "vertex 2", "range"},
	} {
		code, _, e, body := measure(t, c.body, "en")
		if code != 400 || e.Error.Parameter != "geometry" || e.Error.Code != "bad_geometry" || !bilingualR.MatchString(e.Error.Message) || e.Error.Text == "" {
			t.Errorf("%s: %d %s, want a bilingual 400 about the geometry", c.body, code, body)
			continue
		}
		if c.text != "" && !strings.Contains(e.Error.Text, c.text) {
			t.Errorf("%s: text %q, want %q", c.body, e.Error.Text, c.text)
		}
		if c.vertex != 0 && e.Error.Vertex != c.vertex {
			t.Errorf("%s: vertex %d, want %d: %s", c.body, e.Error.Vertex, c.vertex, body)
		}
		if c.rule != "" && e.Error.Rule != c.rule {
			t.Errorf("%s: rule %q, want %q", c.body, e.Error.Rule, c.rule)
		}
	}
	if code, _, e, _ := measure(t, `{"type":"LineString","coordinates":[[75,39],[75,95]]}`, "zh"); code != 400 || !strings.Contains(e.Error.Text, "第 2 点") {
		t.Errorf("the Chinese text: %q", e.Error.Text)
	}
	big := `{"type":"LineString","coordinates":[` + strings.Repeat("[75.123456789,39.123456789],", maxMeasureBody/28) + `[75,39]]}`
	if code, _, _, body := measure(t, big, ""); code != 413 {
		t.Errorf("a body over the limit: %d %.200s", code, body)
	}
}
