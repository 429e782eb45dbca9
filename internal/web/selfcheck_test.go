package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
	"mineplan/internal/i18n"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/testutil"
)

// checkForm is a self-check submission: its fields, and a file to upload
// (name and bytes) when name is set.
type checkForm struct {
	fields   map[string]string
	fileName string
	file     []byte
}

// send posts the form as multipart/form-data (or urlencoded when
// urlencoded is set and there is no file) in a language.
func (f checkForm) send(t *testing.T, h http.Handler, lang string, urlencoded bool) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	ctype := "application/x-www-form-urlencoded"
	if urlencoded && f.fileName == "" {
		v := url.Values{}
		for k, x := range f.fields {
			v.Set(k, x)
		}
		body.WriteString(v.Encode())
	} else {
		mw := multipart.NewWriter(&body)
		for k, x := range f.fields {
			if err := mw.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
		if f.fileName != "" {
			fw, err := mw.CreateFormFile("file", f.fileName)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(f.file)
		} else {
			// A browser sends an empty file part when no file is chosen.
			if _, err := mw.CreateFormFile("file", ""); err != nil {
				t.Fatal(err)
			}
		}
		mw.Close()
		ctype = mw.FormDataContentType()
	}
	return request{method: "POST", path: "/check?lang=" + lang, body: body.String(), addr: nextCheckAddr(), header: map[string]string{"Content-Type": ctype}}.send(h)
}

var checkAddrs atomic.Int64

// nextCheckAddr is a new client address for each self-check the tests
// send (the check's rate limit is per address).
func nextCheckAddr() string {
	n := checkAddrs.Add(1)
	return fmt.Sprintf("10.9.%d.%d", n/250, n%250+1)
}

// lonLatPoints is corner-point text of a ring in EPSG:4490 degrees.
func lonLatPoints(r geo.Ring) string {
	var b strings.Builder
	b.WriteString("坐标系=EPSG:4490\n")
	for i, p := range r {
		n := i + 1
		if i == len(r)-1 {
			n = 1
		}
		fmt.Fprintf(&b, "%d,%.9f,%.9f\n", n, p.Lon, p.Lat)
	}
	return b.String()
}

// square is a small square ring at a point (degrees; d on a side).
func square(lon, lat, d float64) geo.Ring {
	return geo.Ring{{Lon: lon, Lat: lat}, {Lon: lon + d, Lat: lat}, {Lon: lon + d, Lat: lat + d}, {Lon: lon, Lat: lat + d}, {Lon: lon, Lat: lat}}
}

func reviewIDs(t *testing.T, s *Server) []string {
	t.Helper()
	ids, err := s.cfg.Store.ReviewIDs(testutil.Context())
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// goldApplication is a mining application for gold whose design scale is
// below 专栏20's minimum (3 万吨 of ore a year): the review finds it
// prohibited, citing 专栏20.
func goldApplication() map[string]string {
	return map[string]string{"kind": "mining", "mineral": "金矿", "method": "underground", "scale": "1", "scale_unit": "万吨/年", "county": "伽师县", "holder": "自检测试公司"}
}

// TestSelfCheckProhibitedByTable20: a corner-point file (and the same
// points typed) whose application breaks 专栏20's minimum scale gives a
// prohibited finding citing 专栏20, in every language; nothing is stored.
func TestSelfCheckProhibitedByTable20(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	before := reviewIDs(t, s)
	points := lonLatPoints(square(76.905, 39.605, 0.01))
	for _, c := range []struct {
		name string
		form checkForm
		url  bool
	}{
		{"file", checkForm{fields: goldApplication(), fileName: "parcel.txt", file: []byte(points)}, false},
		{"typed, multipart", checkForm{fields: with(goldApplication(), "points", points)}, false},
		{"typed, urlencoded", checkForm{fields: with(goldApplication(), "points", points)}, true},
	} {
		for _, lang := range []string{"zh", "ug", "en"} {
			rec := c.form.send(t, h, lang, c.url)
			body := rec.Body.String()
			if rec.Code != 200 {
				t.Fatalf("%s %s: %d %.600s", c.name, lang, rec.Code, body)
			}
			row := findingRow(body, "minimum-scale.table")
			if row == "" {
				t.Fatalf("%s %s: no minimum-scale.table finding in %s", c.name, lang, body)
			}
			sev := map[string]string{"zh": "禁止", "ug": "چەكلىنىدۇ", "en": "prohibited"}[lang]
			for _, want := range []string{`class="prohibited"`, "<td>专栏20</td>", sev} {
				if !strings.Contains(row, want) {
					t.Errorf("%s %s: the finding lacks %q: %s", c.name, lang, want, row)
				}
			}
			msg := map[string]string{"zh": "低于专栏20“金（岩金）", "ug": "ئەڭ تۆۋەن قېزىش كۆلىمى", "en": "is below 专栏20&#39;s minimum 3 矿石万吨"}[lang]
			if !strings.Contains(row, msg) {
				t.Errorf("%s %s: the finding's message lacks %q: %s", c.name, lang, msg, row)
			}
			if lang == "ug" && !strings.Contains(row, "低于专栏20") {
				t.Errorf("ug: the Chinese message should follow the title: %s", row)
			}
			verdict := map[string]string{"zh": "不符合规划", "ug": "پىلانغا ئۇيغۇن ئەمەس", "en": "does not conform to the plan"}[lang]
			if !strings.Contains(body, verdict) {
				t.Errorf("%s %s: no verdict %q", c.name, lang, verdict)
			}
			// The form keeps what was typed.
			if !strings.Contains(body, `value="自检测试公司"`) || !strings.Contains(body, `<option selected>金矿</option>`) {
				t.Errorf("%s %s: the form lost the input", c.name, lang)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		}
	}
	if after := reviewIDs(t, s); !slices.Equal(before, after) {
		t.Fatalf("the self-check stored reviews: %v then %v", before, after)
	}
}

func with(m map[string]string, k, v string) map[string]string {
	m[k] = v
	return m
}

var rowR = regexp.MustCompile(`(?s)<tr class="[a-z-]+">.*?</tr>`)

// findingRow is the report's table row of a rule ("" if none).
func findingRow(body, rule string) string {
	for _, row := range rowR.FindAllString(body, -1) {
		if strings.Contains(row, "<code>"+rule+"</code>") {
			return row
		}
	}
	return ""
}

// TestSelfCheckOverlapsALiveRight: the ground of a live right of the
// illustrative register, uploaded as GeoJSON and typed as corner points,
// gives no-overlap-rights naming the right's licence number.
func TestSelfCheckOverlapsALiveRight(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	all, _, err := s.cfg.Store.Rights(testutil.Context(), store.RightFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var right rights.Right
	for _, r := range all {
		if r.Status.Live() && len(r.Geometry) == 1 && len(r.Geometry[0]) == 1 {
			right = r
			break
		}
	}
	if right.ID == "" {
		t.Fatal("the register has no live right of one simple polygon")
	}
	county := right.County
	app := map[string]string{"kind": string(right.Kind), "mineral": right.MainMineral, "county": county, "scale": "50", "scale_unit": "万吨/年"}
	ring := right.Geometry[0][0]
	gj := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[%s]}}]}`, ringJSON(ring))
	for name, form := range map[string]checkForm{
		"geojson": {fields: app, fileName: "area.geojson", file: []byte(gj)},
		"points":  {fields: with(clone(app), "points", lonLatPoints(ring))},
		// As selfcheck.js writes a polygon drawn on the map.
		"drawn": {fields: with(clone(app), "drawn", `{"type":"Polygon","coordinates":[`+ringJSON(ring)+`]}`)},
	} {
		rec := form.send(t, h, "en", false)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %.800s", name, rec.Code, rec.Body)
		}
		row := findingRow(rec.Body.String(), "no-overlap-rights")
		if row == "" || !strings.Contains(row, right.LicenceNumber) {
			t.Fatalf("%s: no no-overlap-rights finding naming %s: %.3000s", name, right.LicenceNumber, rec.Body)
		}
		// The right is linked, and marked for the map to outline.
		link := fmt.Sprintf(`<span class="overlap" data-layer="rights" data-key="%s"><a href="/rights/%s">%s</a></span>`, right.LicenceNumber, url.PathEscape(right.ID), right.LicenceNumber)
		if !strings.Contains(row, link) {
			t.Errorf("%s: the finding does not link the right as %s: %s", name, link, row)
		}
		// The area checked, for the page's map, in lon/lat.
		var area struct {
			Type        string
			Coordinates [][][][2]float64
		}
		m := regexp.MustCompile(`<div hidden id="report-area" data-json="([^"]*)"></div>`).FindStringSubmatch(rec.Body.String())
		if m == nil || json.Unmarshal([]byte(html.UnescapeString(m[1])), &area) != nil || area.Type != "MultiPolygon" || len(area.Coordinates) != 1 ||
			math.Abs(area.Coordinates[0][0][0][0]-ring[0].Lon) > 1e-9 || math.Abs(area.Coordinates[0][0][0][1]-ring[0].Lat) > 1e-9 {
			t.Errorf("%s: the page does not give the area checked (want its first corner %v): %v", name, ring[0], m)
		}
	}
}

func clone(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func ringJSON(r geo.Ring) string {
	parts := make([]string, len(r))
	for i, p := range r {
		parts[i] = fmt.Sprintf("[%.9f,%.9f]", p.Lon, p.Lat)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestSelfCheckBadArea: corrupt corner points name their line, in each
// language, beside the area; a file of two features, an unknown type and
// a broken zip are refused with their message; the form keeps the text.
func TestSelfCheckBadArea(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	before := reviewIDs(t, s)
	bad := "坐标系=EPSG:4490\n1,76.905,39.605\n2,76.915,abc\n3,76.915,39.615\n1,76.905,39.605\n"
	for lang, want := range map[string][]string{
		"zh": {"拐点坐标有误：第 3 行"},
		"ug": {"بۇرجەك نۇقتىلىرىدا خاتالىق بار", "第 3 行"},
		"en": {"the corner points are faulty: line 3"},
	} {
		for _, file := range []bool{false, true} {
			f := checkForm{fields: with(goldApplication(), "points", bad)}
			if file {
				f = checkForm{fields: goldApplication(), fileName: "bad.txt", file: []byte(bad)}
				want = slices.Clone(want)
				want[0] = map[string]string{"zh": "文件有误：第 3 行", "ug": "ھۆججەتتە خاتالىق بار", "en": "the file is faulty: line 3"}[lang]
			}
			rec := f.send(t, h, lang, false)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d %.300s", lang, rec.Code, body)
			}
			errSpan := regexp.MustCompile(`(?s)<p class="error" id="area-error" role="alert">(.*?)</p>`).FindStringSubmatch(body)
			if errSpan == nil {
				t.Fatalf("%s: no area error: %s", lang, body)
			}
			for _, w := range want {
				if !strings.Contains(errSpan[1], w) {
					t.Errorf("%s (file %v): the area error %q lacks %q", lang, file, errSpan[1], w)
				}
			}
			if strings.Contains(errSpan[1], os.TempDir()) {
				t.Errorf("the message shows the server's temporary path: %s", errSpan[1])
			}
			if !file && !strings.Contains(body, "2,76.915,abc") {
				t.Errorf("%s: the textarea lost the text", lang)
			}
			if strings.Contains(body, "selfcheck-report") {
				t.Errorf("%s: a report with a bad area", lang)
			}
		}
	}
	two := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[` + ringJSON(square(76.9, 39.6, 0.01)) + `]}},` +
		`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[` + ringJSON(square(76.95, 39.6, 0.01)) + `]}}]}`
	for _, c := range []struct{ name, file, body, want string }{
		{"two features", "two.geojson", two, "the file must hold exactly one polygon feature; it holds 2"},
		{"unknown type", "area.kml", "<kml/>", `unsupported file type &#34;.kml&#34;`},
		{"broken zip", "area.zip", "PK not a zip", "the file is faulty: "},
		{"both", "a.txt", "x", "give one area: draw it, type the corner points or upload a file"},
		{"drawn and file", "a.txt", "x", "give one area: draw it, type the corner points or upload a file"},
		{"drawn bad vertex", "", "", "the drawn area is faulty: "},
		{"drawn not json", "", "", "the drawn area is faulty: "},
	} {
		fields := goldApplication()
		switch c.name {
		case "both":
			fields["points"] = "1,2,3"
		case "drawn and file":
			fields["drawn"] = `{"type":"Polygon","coordinates":[` + ringJSON(square(76.9, 39.6, 0.01)) + `]}`
		case "drawn bad vertex":
			fields["drawn"] = `{"type":"Polygon","coordinates":[[[76.9,39.6],[76.91,39.6],[76.91,"x"],[76.9,39.6]]]}`
		case "drawn not json":
			fields["drawn"] = `{"type":"Polygon","coordinates":[[[76.9,39.6]`
		}
		rec := checkForm{fields: fields, fileName: c.file, file: []byte(c.body)}.send(t, h, "en", false)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d, want 422 with %q: %.2000s", c.name, rec.Code, c.want, rec.Body)
		}
	}
	if after := reviewIDs(t, s); !slices.Equal(before, after) {
		t.Fatalf("stored reviews changed: %v then %v", before, after)
	}
}

// TestSelfCheckFieldErrors: each field's error shows next to it, in the
// page's language, with the form as typed; the review's own validation
// (a mining application without a scale) maps to its field.
func TestSelfCheckFieldErrors(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	points := lonLatPoints(square(76.905, 39.605, 0.01))
	cases := []struct {
		name   string
		fields map[string]string
		field  string
		want   map[string]string
	}{
		{"kind missing", map[string]string{"mineral": "金矿", "county": "伽师县", "points": points}, "kind",
			map[string]string{"zh": "请选择探矿权或采矿权", "ug": "چارلاش ھوقۇقى ياكى قېزىش ھوقۇقىنى تاللاڭ", "en": "choose an exploration or a mining right"}},
		{"mineral unknown", map[string]string{"kind": "exploration", "mineral": "金矿石", "county": "伽师县", "points": points}, "mineral",
			map[string]string{"zh": "规划中没有矿种“金矿石”", "ug": "پىلاندا «金矿石» مىنېرال تۈرى يوق", "en": "the plan has no mineral &#34;金矿石&#34;"}},
		{"method", map[string]string{"kind": "exploration", "mineral": "金矿", "method": "dredge", "county": "伽师县", "points": points}, "method",
			map[string]string{"zh": "应为露天或地下", "ug": "ئوچۇق قېزىش ياكى يەر ئاستى بولۇشى كېرەك", "en": "must be open-pit or underground"}},
		{"scale not a number", map[string]string{"kind": "mining", "mineral": "金矿", "scale": "lots", "scale_unit": "万吨/年", "county": "伽师县", "points": points}, "scale",
			map[string]string{"zh": "设计规模“lots”不是数字", "ug": "لايىھە كۆلىمى «lots» سان ئەمەس", "en": "the design scale &#34;lots&#34; is not a number"}},
		{"mining without scale (the review's rule)", map[string]string{"kind": "mining", "mineral": "金矿", "county": "伽师县", "points": points}, "scale",
			map[string]string{"zh": "采矿权申请须写明设计规模", "ug": "采矿权申请须写明设计规模", "en": "a mining application states its design scale"}},
		{"unit unknown (the review's rule)", map[string]string{"kind": "mining", "mineral": "金矿", "scale": "5", "scale_unit": "斤", "county": "伽师县", "points": points}, "scale_unit",
			map[string]string{"zh": "无法识别的单位“斤”", "ug": "خاتالىق (تەپسىلاتى خەنزۇچە): 无法识别的单位“斤”", "en": "unknown unit 斤"}},
		{"county missing", map[string]string{"kind": "exploration", "mineral": "金矿", "points": points}, "county",
			map[string]string{"zh": "请选择县（市）", "ug": "ناھىيە (شەھەر) نى تاللاڭ", "en": "choose the county"}},
		{"county unknown", map[string]string{"kind": "exploration", "mineral": "金矿", "county": "伽师镇", "points": points}, "county",
			map[string]string{"zh": "规划中没有县（市）“伽师镇”", "ug": "پىلاندا «伽师镇» ناھىيە (شەھەر) يوق", "en": "the plan has no county &#34;伽师镇&#34;"}},
		{"area missing", map[string]string{"kind": "exploration", "mineral": "金矿", "county": "伽师县"}, "area",
			map[string]string{"zh": "请在地图上绘制范围、填写拐点坐标或上传范围文件", "ug": "دائىرىنى خەرىتىدە سىزىڭ، بۇرجەك نۇقتىلىرىنى يېزىڭ ياكى دائىرە ھۆججىتىنى يۈكلەڭ", "en": "draw the area on the map, type its corner points or upload a file of it"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"zh", "ug", "en"} {
			rec := checkForm{fields: c.fields}.send(t, h, lang, true)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: %d: %.300s", c.name, lang, rec.Code, body)
				continue
			}
			tag := "span"
			if c.field == "area" {
				tag = "p"
			}
			m := regexp.MustCompile(`<` + tag + ` class="error" id="` + c.field + `-error" role="alert">([^<]*)</` + tag + `>`).FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], c.want[lang]) {
				t.Errorf("%s %s: error of %s is %q, want %q", c.name, lang, c.field, m, c.want[lang])
			}
			if c.field != "area" && !strings.Contains(body, `id="`+strings.ReplaceAll(c.field, "_", "_")+`" name="`+c.field+`"`) {
				t.Errorf("%s: no field %s", c.name, c.field)
			}
			if !strings.Contains(body, `aria-describedby="`+c.field+`-error"`) {
				t.Errorf("%s %s: the field is not described by its error", c.name, lang)
			}
			if v := c.fields["scale"]; v != "" && !strings.Contains(body, `value="`+v+`"`) {
				t.Errorf("%s %s: the scale typed is lost", c.name, lang)
			}
		}
	}
}

// TestSelfCheckPage: the empty form in each language, Uyghur right to
// left, with the plan's minerals and counties to choose from.
func TestSelfCheckPage(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	for _, l := range i18n.Langs {
		rec := request{method: "GET", path: "/check?lang=" + string(l), addr: "10.9.0.2"}.send(h)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: %d", l, rec.Code)
		}
		want := []string{`<html lang="` + l.Tag() + `" dir="` + l.Dir() + `">`, `<option selected>`, `name="points"`, `type="file"`, `<option value="伽师县"`, `<option>金矿</option>`, `enctype="multipart/form-data"`, "selfcheck.css"}
		want[1] = `<form method="post" action="/check"`
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", l, w)
			}
		}
		if l == i18n.UG && !strings.Contains(body, `dir="rtl"`) {
			t.Error("ug is not right to left")
		}
		if !strings.Contains(body, `href="/check" aria-current="page"`) {
			t.Errorf("%s: the nav does not offer the self-check", l)
		}
	}
}

// TestRuleTitles: every rule the engine can report has a title in every
// language: the served plan's rule ids and the ids the engine's code
// names (read from internal/review's source, so a new one needs a title).
func TestRuleTitles(t *testing.T) {
	s := testServer(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.current()
	ids := map[string]bool{}
	for _, r := range p.Rules.Review {
		ids[r.ID] = true
	}
	src, err := filepath.Glob("../review/*.go")
	if err != nil || len(src) == 0 {
		t.Fatal("no review source", err)
	}
	lit := regexp.MustCompile(`finding\(cfg, "([a-z0-9-]+)`)
	n := 0
	for _, f := range src {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllSubmatch(b, -1) {
			ids[string(m[1])] = true
			n++
		}
	}
	if n < 10 || len(ids) < 15 {
		t.Fatalf("found %d rule names in the source and %d ids in all: the pattern no longer matches the engine", n, len(ids))
	}
	for id := range ids {
		key := ruleTitleKey(id)
		for _, l := range i18n.Langs {
			if _, err := cat.T(l, key); err != nil {
				t.Errorf("rule %s has no title in %s (%s)", id, l, key)
			}
		}
	}
	if ruleTitleKey("minimum-scale.table") != "selfcheck.rule.minimum-scale" {
		t.Error(ruleTitleKey("minimum-scale.table"))
	}
}

// checkForm is the matrix's application as the self-check form (corner
// points typed), urlencoded.
func (m *matrix) checkForm() string {
	return url.Values{"kind": {"mining"}, "mineral": {"建筑用砂"}, "county": {m.county}, "scale": {"12"}, "scale_unit": {"万立方米/年"},
		"points": {"坐标系=EPSG:4490\n1,75.105,38.105\n2,75.118,38.105\n3,75.118,38.118\n4,75.105,38.118\n1,75.105,38.105\n"}}.Encode()
}

// TestSelfCheckShapefileAndGeoPackage: a zipped Shapefile and a
// GeoPackage of one polygon (written by fileio, as an export would be) are
// read and reviewed: the gold application's 专栏20 finding shows.
func TestSelfCheckShapefileAndGeoPackage(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	dir := t.TempDir()
	layer := &formats.Layer{Name: "area", SRID: geo.EPSG4490, Fields: []formats.Field{{Name: "name", Type: formats.String}},
		Features: []formats.Feature{{Geometry: geo.MultiPolygon{{square(76.905, 39.605, 0.01)}}, Values: []any{"area"}}}}
	if _, err := fileio.Write(filepath.Join(dir, "area.gpkg"), layer, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := fileio.Write(filepath.Join(dir, "area.shp"), layer, ""); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	parts, _ := filepath.Glob(filepath.Join(dir, "area.*"))
	n := 0
	for _, p := range parts {
		if filepath.Ext(p) == ".gpkg" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(filepath.Base(p))
		w.Write(b)
		n++
	}
	zw.Close()
	if n < 3 {
		t.Fatalf("the Shapefile has %d files", n)
	}
	gpkg, err := os.ReadFile(filepath.Join(dir, "area.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"area.zip": zbuf.Bytes(), "area.gpkg": gpkg} {
		rec := checkForm{fields: goldApplication(), fileName: name, file: b}.send(t, h, "zh", false)
		if rec.Code != 200 || findingRow(rec.Body.String(), "minimum-scale.table") == "" {
			t.Errorf("%s: %d %.1500s", name, rec.Code, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), name) {
			t.Errorf("%s: the page does not name the file it read", name)
		}
	}
}

// TestSelfCheckLimits: a body over the route's limit is refused (413)
// before it is read whole; Gauss–Krüger corner points as a licence prints
// them (X northing, Y easting with the zone prefix) are read.
func TestSelfCheckLimits(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	big := checkForm{fields: goldApplication(), fileName: "big.txt", file: bytes.Repeat([]byte("1,76.9,39.6\n"), maxSelfCheckBody/10)}
	// The form's answers are pages in the caller's language, not the
	// API's JSON: too large, and too many checks from one address.
	rec := big.send(t, h, "ug", false)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), `dir="rtl"`) {
		t.Errorf("an oversized form: %d %s %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	limited := request{method: "POST", path: "/check?lang=en", body: "kind=mining", addr: "10.99.0.1", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
	for range checkBurst {
		limited.send(h)
	}
	rec = limited.send(h)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(rec.Body.String(), "Too many requests: please try again in "+rec.Header().Get("Retry-After")+" seconds") {
		t.Errorf("the check's rate limit on the page: %d %s %.1500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	// The API keeps its JSON.
	api := request{method: "POST", path: "/api/v1/check", body: "{}", addr: "10.99.0.1", header: map[string]string{"Content-Type": "application/json"}}.send(h)
	if api.Code != http.StatusTooManyRequests || !strings.Contains(api.Header().Get("Content-Type"), "application/json") {
		t.Errorf("the API's rate limit: %d %s", api.Code, api.Header().Get("Content-Type"))
	}
	// Zone 26 (central meridian 78°E), near 巴楚县's seat.
	gk := "带号=26\nJ1,4400000,26500000\nJ2,4400000,26501000\nJ3,4401000,26501000\nJ4,4401000,26500000\nJ1,4400000,26500000\n"
	fields := goldApplication()
	fields["county"], fields["points"] = "巴楚县", gk
	rec = checkForm{fields: fields}.send(t, h, "en", true)
	if rec.Code != 200 || findingRow(rec.Body.String(), "minimum-scale.table") == "" {
		t.Errorf("GK corner points: %d %.1500s", rec.Code, rec.Body)
	}
}
