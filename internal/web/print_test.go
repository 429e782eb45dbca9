package web

import (
	"fmt"
	"html"
	"math"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

func getPrint(t *testing.T, h http.Handler, token, query string) (int, string) {
	t.Helper()
	rec := request{method: "GET", path: "/print" + query, token: token, addr: "10.30.0.1"}.send(h)
	return rec.Code, rec.Body.String()
}

// TestPrintBadQueries: each bad parameter is a 400 page with its message,
// in the page's language, next to the field it names; what was typed is
// kept; an unknown right or block is a 404 page.
func TestPrintBadQueries(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	for _, c := range []struct {
		query, field, want string
	}{
		{"?bbox=1,2,3&lang=en", "bbox", "must be four decimal numbers"},
		{"?bbox=a,b,c,d&lang=en", "bbox", "must be four decimal numbers"},
		{"?bbox=NaN,39,76,40&lang=en", "bbox", "must be four decimal numbers"},
		{"?bbox=76,39,75,40&lang=en", "bbox", "west must be less than east"},
		{"?bbox=75,40,76,39&lang=en", "bbox", "west must be less than east"},
		{"?bbox=175,39,185,40&lang=en", "bbox", "is outside longitude"},
		{"?bbox=75,39,75.0001,39.0001&lang=en", "bbox", "too small"},
		{"?lang=en", "bbox", "Give an extent"},
		{"?bbox=75,39,76,40&paper=B5&lang=en", "paper", `Unknown paper "B5"`},
		{"?bbox=75,39,76,40&orient=sideways&lang=en", "orient", `Unknown orientation "sideways"`},
		{"?bbox=75,39,76,40&layers=rights,roads&lang=en", "layers", `Unknown layer "roads"`},
		{"?bbox=75,39,76,40&as_of=2024-13-01&lang=en", "as_of", `The date "2024-13-01"`},
		{"?bbox=75,39,76,40&title=" + strings.Repeat("x", 121) + "&lang=en", "title", "at most 120 characters"},
		{"?right=a&block=b&lang=en", "right", "not both"},
		{"?bbox=75,39,76,40&colour=red&lang=en", "query", "colour"},
		{"?bbox=75,39,76,40&bbox=75,39,76,40&lang=en", "query", "bbox"},
		{"?bbox=76,39,75,40", "bbox", "西应小于东"},
		{"?paper=B5&bbox=75,39,76,40&lang=ug", "paper", "B5"},
	} {
		code, body := getPrint(t, h, "", c.query)
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", c.query, code)
			continue
		}
		m := regexp.MustCompile(`id="` + c.field + `-error" role="alert">([^<]*)<`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(html.UnescapeString(m[1]), c.want) {
			t.Errorf("%s: the %s error is %q, want it to say %q", c.query, c.field, m, c.want)
		}
		if c.field != "query" && c.field != "right" && c.field != "layers" && !strings.Contains(body, `aria-describedby="`) {
			t.Errorf("%s: the field is not tied to its error", c.query)
		}
		if strings.Contains(body, `id="sheet"`) {
			t.Errorf("%s: a sheet is drawn for a bad query", c.query)
		}
	}
	if _, body := getPrint(t, h, "", "?bbox=76,39,75,40&lang=ug"); !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, `value="76,39,75,40"`) {
		t.Error("the ug page is not right to left or lost what was typed")
	}
	for _, q := range []string{"?right=no-such-right&lang=en", "?block=NOPE&lang=en"} {
		if code, body := getPrint(t, h, "", q); code != http.StatusNotFound || !strings.Contains(body, "was not found") {
			t.Errorf("%s: %d %.200s", q, code, body)
		}
	}
}

var cornerRowRE = regexp.MustCompile(`<tr><td>(\d+)</td><td>([\d.]+)</td><td>([\d.]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>`)

// TestPrintCornersEqualGeo: the corner table of a right gives each vertex
// once, numbered, with the figures the geo package's projection gives in
// the right's zone (as `coords convert` prints them, to 0.1 mm) and its
// lon/lat in degrees, minutes and seconds.
func TestPrintCornersEqualGeo(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	code, body := getPrint(t, h, "", "?right="+m.right.ID+"&lang=en")
	if code != http.StatusOK {
		t.Fatalf("%d %.300s", code, body)
	}
	zone := m.right.GKZone
	crs, err := geo.ZoneCRS(zone, true)
	if err != nil {
		t.Fatal(err)
	}
	var want []geo.LonLat
	for _, p := range m.right.Geometry {
		for _, r := range p {
			want = append(want, r[:len(r)-1]...)
		}
	}
	rows := cornerRowRE.FindAllStringSubmatch(body, -1)
	if len(rows) != len(want) || len(want) < 3 {
		t.Fatalf("%d rows for %d corners", len(rows), len(want))
	}
	for i, row := range rows {
		p, err := crs.Project(want[i])
		if err != nil {
			t.Fatal(err)
		}
		if row[1] != strconv.Itoa(i+1) || row[2] != fmt.Sprintf("%.4f", p.Lat) || row[3] != fmt.Sprintf("%.4f", p.Lon) {
			t.Errorf("corner %d: %v, want N=%d X=%.4f Y=%.4f", i+1, row[1:4], i+1, p.Lat, p.Lon)
		}
		if row[4] != dmsPoint(want[i].Lon, 'E', 'W') || row[5] != dmsPoint(want[i].Lat, 'N', 'S') {
			t.Errorf("corner %d: lon/lat %v", i+1, row[4:])
		}
		// The degrees, minutes and seconds read back to the vertex (0.0001″).
		if back := readDMS(t, row[4]); math.Abs(back-want[i].Lon) > 0.00006/3600 {
			t.Errorf("corner %d: %s reads back as %.10f, not %.10f", i+1, row[4], back, want[i].Lon)
		}
	}
	if !strings.Contains(body, fmt.Sprintf("zone %d (central meridian %g°E, EPSG:%d)", zone, crs.CentralMeridian, crs.EPSG)) {
		t.Error("the table does not name its zone")
	}
	// A block's table, from the plan's geometry.
	p, _ := s.current()
	b := p.Blocks[0]
	code, body = getPrint(t, h, "", "?block="+b.Code+"&lang=en")
	if code != http.StatusOK {
		t.Fatalf("block: %d", code)
	}
	rows = cornerRowRE.FindAllStringSubmatch(body, -1)
	bc, _ := geo.ZoneCRS(geo.ZoneForLon((b.Geometry.Bounds().MinLon+b.Geometry.Bounds().MaxLon)/2), true)
	first, _ := bc.Project(b.Geometry[0][0])
	if len(rows) == 0 || rows[0][2] != fmt.Sprintf("%.4f", first.Lat) || rows[0][3] != fmt.Sprintf("%.4f", first.Lon) {
		t.Errorf("block %s: first row %v, want %.4f %.4f", b.Code, rows[:min(1, len(rows))], first.Lat, first.Lon)
	}
}

func readDMS(t *testing.T, s string) float64 {
	m := regexp.MustCompile(`^(\d+)°(\d+)′([\d.]+)″[EN]$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("not DMS: %q", s)
	}
	d, _ := strconv.ParseFloat(m[1], 64)
	mi, _ := strconv.ParseFloat(m[2], 64)
	se, _ := strconv.ParseFloat(m[3], 64)
	return d + mi/60 + se/3600
}

// TestPrintApprovalNumber: the operator's 审图号 is on every sheet when
// configured; without one the sheet says it must not be published.
func TestPrintApprovalNumber(t *testing.T) {
	s := testServer(t)
	_, body := getPrint(t, s.Handler(), "", "?bbox=75.9,39.4,76.1,39.6&lang=en")
	if s.cfg.Map.ApprovalNumber == "" && !strings.Contains(body, "No map approval number (审图号) is configured") {
		t.Error("a sheet without an approval number does not say so")
	}
	cfg := s.cfg
	cfg.Map.ApprovalNumber = "新S(2026)001号"
	p, rev := s.current()
	withNo, err := New(cfg, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"?bbox=75.9,39.4,76.1,39.6&lang=en", "?block=" + p.Blocks[0].Code, "?bbox=75.9,39.4,76.1,39.6&lang=ug&paper=A3&orient=portrait"} {
		code, body := getPrint(t, withNo.Handler(), "", q)
		if code != http.StatusOK || !strings.Contains(body, `class="approval-number">`) || !strings.Contains(body, "新S(2026)001号") {
			t.Errorf("%s: %d, the approval number is not on the sheet", q, code)
		}
	}
	// And in every page's footer.
	for _, path := range []string{"/map", "/check", "/plan", "/"} {
		rec := request{method: "GET", path: path, addr: "10.9.0.7"}.send(withNo.Handler())
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<p class="approval">`) || !strings.Contains(rec.Body.String(), "新S(2026)001号") {
			t.Errorf("%s: %d, the approval number is not in the footer", path, rec.Code)
		}
	}
}

// TestPrintPublicView: the public's sheet of a right carries its public
// fields only and the legend of the public layers; an officer's has the
// unpublished layers it is served, and still only the public fields.
// Outside a caller's jurisdiction the right is not found.
func TestPrintPublicView(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	code, pub := getPrint(t, h, "", "?right="+m.right.ID+"&lang=en")
	if code != http.StatusOK {
		t.Fatal(code)
	}
	for _, want := range []string{m.right.LicenceNumber, m.right.Holder.Name, "Corner points", `data-swatch="rights:valid"`, `"layers":["zones","blocks","rights"]`} {
		if !strings.Contains(html.UnescapeString(pub), want) { // print.js's data is attribute-escaped JSON
			t.Errorf("the public sheet lacks %q", want)
		}
	}
	for _, hidden := range []string{m.right.Holder.CreditCode, `data-swatch="protected_areas"`, `data-swatch="applications"`, "protected_areas", "applications"} {
		if hidden != "" && strings.Contains(pub, hidden) {
			t.Errorf("the public sheet shows %q", hidden)
		}
	}
	// Asking for an officers' layer does not give it to the public.
	if _, b := getPrint(t, h, "", "?bbox=75.9,39.4,76.1,39.6&layers=protected_areas,rights"); strings.Contains(b, `data-swatch="protected_areas"`) || !strings.Contains(html.UnescapeString(b), `"layers":["rights"]`) {
		t.Error("the public got the protected areas by asking")
	}
	code, off := getPrint(t, h, "licensing", "?right="+m.right.ID+"&lang=en")
	if code != http.StatusOK || !strings.Contains(off, `data-swatch="protected_areas"`) {
		t.Errorf("the officer's sheet: %d, no protected areas", code)
	}
	if m.right.Holder.CreditCode != "" && strings.Contains(off, m.right.Holder.CreditCode) {
		t.Error("the officer's sheet shows the credit code (a sheet carries public fields only)")
	}
	if code, _ := getPrint(t, h, "holder-out", "?right="+m.right.ID); code != http.StatusNotFound {
		t.Errorf("another holder: %d, want 404", code)
	}
}

// TestPrintScaleAndExtent: the extent holds the box, has the frame's
// shape on Web Mercator and a standard scale, and the scale bar's length
// is its ground length at that scale.
func TestPrintScaleAndExtent(t *testing.T) {
	for _, l := range printLayouts {
		box := geo.BBox{MinLon: 75.91, MinLat: 39.41, MaxLon: 76.07, MaxLat: 39.47}
		e, ok := fitExtent(box, l.MapW/l.MapH)
		if !ok {
			t.Fatal("not ok")
		}
		e = toStandardScale(e, l.MapW)
		if e[0] > box.MinLon || e[1] > box.MinLat || e[2] < box.MaxLon || e[3] < box.MaxLat {
			t.Errorf("%s: extent %v does not hold %v", l.Class, e, box)
		}
		aspect := (e[2] - e[0]) * math.Pi / 180 / (mercY(e[3]) - mercY(e[1]))
		if math.Abs(aspect-l.MapW/l.MapH) > 1e-9 {
			t.Errorf("%s: aspect %g, frame %g", l.Class, aspect, l.MapW/l.MapH)
		}
		scale := parallelLength(e) / (l.MapW / 1000)
		decade := math.Pow(10, math.Floor(math.Log10(scale)+1e-9))
		k := math.Round(scale/decade*10) / 10
		if math.Abs(scale-k*decade) > 1e-6*scale || (k != 1 && k != 2 && k != 2.5 && k != 5) {
			t.Errorf("%s: scale 1:%f is not a standard scale", l.Class, scale)
		}
		sb := makeScaleBar(math.Round(scale))
		if sb.LengthMM <= 5 || sb.LengthMM > 50 {
			t.Errorf("%s: scale bar %g mm", l.Class, sb.LengthMM)
		}
	}
	// The parallel's length: one degree of longitude at 39.5°N on
	// CGCS2000 (N cos φ · π/180 ≈ 86.0 km).
	if got := parallelLength([4]float64{75, 39.5, 76, 39.5}); math.Abs(got-86_012) > 20 {
		t.Errorf("1° at 39.5°N: %.1f m", got)
	}
}

// TestPrintLayoutsMatchCSS: print.css places the map frame at the sizes
// print.go computes the extent and scale for, and each sheet's page-size
// file names its paper.
func TestPrintLayoutsMatchCSS(t *testing.T) {
	css, err := os.ReadFile("static/print.css")
	if err != nil {
		t.Fatal(err)
	}
	for key, l := range printLayouts {
		re := regexp.MustCompile(`\.sheet\.` + l.Class + ` \.map-box \{ width: ([\d.]+)mm; height: ([\d.]+)mm; \}`)
		m := re.FindStringSubmatch(string(css))
		if m == nil || m[1] != strconv.FormatFloat(l.MapW, 'f', -1, 64) || m[2] != strconv.FormatFloat(l.MapH, 'f', -1, 64) {
			t.Errorf("%s: print.css has %v, print.go %g × %g", key, m, l.MapW, l.MapH)
		}
		sheet := regexp.MustCompile(`\.sheet\.` + l.Class + ` \{ width: ([\d.]+)mm; height: ([\d.]+)mm;`).FindStringSubmatch(string(css))
		if sheet == nil || sheet[1] != strconv.FormatFloat(l.SheetW, 'f', -1, 64) || sheet[2] != strconv.FormatFloat(l.SheetH, 'f', -1, 64) {
			t.Errorf("%s: sheet %v", key, sheet)
		}
		page, err := os.ReadFile("static/print-" + l.Class + ".css")
		paper, orient, _ := strings.Cut(key, "-")
		if err != nil || !strings.Contains(string(page), "size: "+paper+" "+orient+";") {
			t.Errorf("%s: %s %v", key, page, err)
		}
	}
}

// TestPrintTableSheet: a corner table too long for the panel goes on a
// second sheet of the same paper, with its parcels and holes marked.
func TestPrintTableSheet(t *testing.T) {
	s := testServer(t)
	var b strings.Builder
	if err := s.pages["en"].ExecuteTemplate(&b, "print.html", printSamples()["print.html"]); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, `class="sheet `); n != 2 || !strings.Contains(out, `class="sheet table-sheet a4-landscape"`) {
		t.Errorf("%d sheets, or no table sheet", n)
	}
	if strings.Count(out, `class="corners"`) != 1 || !strings.Contains(out, "Parcel 1, hole 1") || !strings.Contains(out, "Parcel 1<") {
		t.Error("the table is not on its own sheet once, or lacks its parcel and hole rows")
	}
}
