package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
	"mineplan/internal/i18n"
	"mineplan/internal/review"
	"mineplan/internal/rights"
)

// The self-check (自检): the public check as a page. The caller describes
// an application in a form (kind, mineral, method, scale, county, holder)
// and gives its area as corner-point text or as an uploaded file; the
// review runs with the served engine, exactly as POST /api/v1/check does,
// and its report shows on the same page. Nothing is stored.

// maxSelfCheckBody bounds the form with its file: a licence's boundary in
// any of the accepted formats is far smaller.
const maxSelfCheckBody = 8 << 20

// maxPointsText bounds the corner-point textarea (MaxPoints lines of a
// few dozen bytes fit).
const maxPointsText = 1 << 20

// selfCheckExts are the file types the self-check reads, by extension,
// with the reader every import uses (fileio).
var selfCheckExts = []string{".zip", ".gpkg", ".txt", ".geojson", ".json"}

// scaleUnits are design-scale units the plan's tables use.
var scaleUnits = []string{"万吨/年", "万立方米/年", "吨/年"}

// selfCheckForm is what the caller typed, kept to fill the form again.
type selfCheckForm struct {
	Kind, Mineral, Method, Scale, ScaleUnit, County, Holder, Points string
	// Drawn is the polygon drawn on the page's map: a GeoJSON Polygon or
	// MultiPolygon in CGCS2000 lon/lat (selfcheck.js writes it).
	Drawn string
	// FileName is the uploaded file's name (a file input cannot be
	// filled again; the page names the file it read).
	FileName string
}

type countyOption struct{ Value, Label string }

// findingView is a finding as the page shows it in its language.
type findingView struct {
	Severity review.Severity
	Clause   string
	Rule     string
	// TitleKey, for Uyghur, is the rule's title in the catalogue; the
	// message then follows in Chinese (findings carry zh and en only).
	TitleKey string
	Message  string
	// Overlaps are the features the finding names (a right, a zone, a
	// block, a protected area), for the page's links and its map.
	Overlaps []overlapView
}

// overlapView is one feature a finding names: the tile layer it is drawn
// in and the attribute that finds it there (a right's licence number, a
// zone's or block's code), with its page where it has one.
type overlapView struct {
	Layer, Key, Label, Href string
}

// overlapsOf reads the features a finding names from its evidence.
func overlapsOf(ev map[string]any) []overlapView {
	str := func(k string) string { v, _ := ev[k].(string); return v }
	var out []overlapView
	if id, lic := str("right"), str("licence_number"); id != "" {
		out = append(out, overlapView{Layer: "rights", Key: lic, Label: lic, Href: "/rights/" + url.PathEscape(id)})
	}
	if z := str("zone"); z != "" {
		out = append(out, overlapView{Layer: "zones", Key: z, Label: z, Href: "/zones/" + url.PathEscape(z)})
	}
	if b := str("block"); b != "" {
		out = append(out, overlapView{Layer: "blocks", Key: b, Label: b, Href: "/blocks/" + url.PathEscape(b)})
	}
	if l, f := str("layer"), str("feature"); l != "" && f != "" {
		out = append(out, overlapView{Layer: l, Key: f, Label: f})
	}
	return out
}

type selfCheckPage struct {
	Page
	Form     selfCheckForm
	Errors   map[string]*Msg
	Minerals []string
	Counties []countyOption
	Exts     string
	// Kinds and Methods are the values of the kind and method choices.
	Kinds, Methods []string
	// ScaleUnits are units the review reads, offered to the scale's unit.
	ScaleUnits []string
	// MessageLang is the language tag of the findings' messages (zh-CN
	// unless the page is English).
	MessageLang string
	Report      *review.Report
	Findings    []findingView
	// Strings are selfcheck.js's messages (selfcheck.js.*) and the map's
	// layer names, in the page's language.
	Strings map[string]string
	// Area is the area the report is of, as a GeoJSON geometry in lon/lat,
	// for selfcheck.js to show whichever way it was given.
	Area map[string]any
}

// selfCheckStrings are the messages selfcheck.js shows.
func selfCheckStrings(cat *i18n.Catalog, l i18n.Lang) map[string]string {
	out := map[string]string{}
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "selfcheck.js.") {
			out[k], _ = cat.T(l, k) // listed keys exist in every language (the catalogue's own check)
		}
	}
	return out
}

func (s *Server) selfCheckPage(r *http.Request, f selfCheckForm) selfCheckPage {
	p, _ := s.current()
	l := langOf(r)
	out := selfCheckPage{Page: s.newPage(r, "selfcheck.title"), Form: f, Errors: map[string]*Msg{}, Exts: strings.Join(selfCheckExts, " "),
		Kinds: []string{string(rights.Exploration), string(rights.Mining)}, Methods: []string{"open-pit", "underground"},
		ScaleUnits: scaleUnits, MessageLang: i18n.ZH.Tag(), Strings: selfCheckStrings(s.messages, l)}
	if l == i18n.EN {
		out.MessageLang = l.Tag()
	}
	for _, m := range p.Minerals {
		if !m.Group {
			out.Minerals = append(out.Minerals, m.Name)
		}
	}
	for _, c := range p.Counties {
		label := c.Name
		if l == i18n.EN && c.NameEN != "" {
			label = c.NameEN
		}
		out.Counties = append(out.Counties, countyOption{Value: c.Name, Label: label})
	}
	return out
}

func (s *Server) handleSelfCheckPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "selfcheck.html", s.selfCheckPage(r, selfCheckForm{}))
}

// handleSelfCheck validates the form, reads the area, runs the review and
// shows the report (or the errors, next to their fields, with the form as
// typed).
func (s *Server) handleSelfCheck(w http.ResponseWriter, r *http.Request) {
	var file multipart.File
	var header *multipart.FileHeader
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxSelfCheckBody)
		if err == nil {
			file, header, err = r.FormFile("file")
			if errors.Is(err, http.ErrMissingFile) {
				err = nil
			}
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "selfcheck.error.too_large")
			return
		}
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if file != nil {
		defer file.Close()
	}
	f := selfCheckForm{Kind: r.PostFormValue("kind"), Mineral: strings.TrimSpace(r.PostFormValue("mineral")), Method: r.PostFormValue("method"),
		Scale: strings.TrimSpace(r.PostFormValue("scale")), ScaleUnit: strings.TrimSpace(r.PostFormValue("scale_unit")),
		County: strings.TrimSpace(r.PostFormValue("county")), Holder: strings.TrimSpace(r.PostFormValue("holder")), Points: r.PostFormValue("points"),
		Drawn: strings.TrimSpace(r.PostFormValue("drawn"))}
	if header != nil && header.Filename == "" && header.Size == 0 {
		file, header = nil, nil // an empty file input
	}
	if header != nil {
		f.FileName = filepath.Base(header.Filename)
	}
	page := s.selfCheckPage(r, f)
	l := page.Lang
	p, _ := s.current()

	// The form's own checks, before the review's.
	props := map[string]any{}
	switch f.Kind {
	case string(rights.Exploration), string(rights.Mining):
		props["kind"] = f.Kind
	case "":
		page.Errors["kind"] = M("selfcheck.error.kind_missing")
	default:
		page.Errors["kind"] = M("selfcheck.error.kind")
	}
	switch {
	case f.Mineral == "":
		page.Errors["mineral"] = M("selfcheck.error.mineral_missing")
	default:
		if _, ok := p.Mineral(f.Mineral); !ok {
			page.Errors["mineral"] = M("selfcheck.error.mineral", f.Mineral)
		}
		props["mineral"] = f.Mineral
	}
	switch f.Method {
	case "":
	case "open-pit", "underground":
		props["method"] = f.Method
	default:
		page.Errors["method"] = M("selfcheck.error.method")
	}
	if f.Scale != "" {
		v, err := strconv.ParseFloat(f.Scale, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			page.Errors["scale"] = M("selfcheck.error.scale", f.Scale)
		} else {
			props["scale"] = v
		}
	}
	if f.ScaleUnit != "" {
		props["scale_unit"] = f.ScaleUnit
	}
	if f.County == "" {
		page.Errors["county"] = M("selfcheck.error.county_missing")
	} else {
		if _, ok := p.CountyByNameOrCode(f.County); !ok {
			page.Errors["county"] = M("selfcheck.error.county", f.County)
		}
		props["county"] = f.County
	}
	if f.Holder != "" {
		props["holder"] = f.Holder
	}
	var geom geo.MultiPolygon
	sources := 0
	for _, given := range []bool{header != nil, strings.TrimSpace(f.Points) != "", f.Drawn != ""} {
		if given {
			sources++
		}
	}
	switch {
	case sources > 1:
		page.Errors["area"] = M("selfcheck.error.area_both")
	case f.Drawn != "":
		if len(f.Drawn) > maxPointsText {
			page.Errors["area"] = M("selfcheck.error.points_size", maxPointsText)
			break
		}
		geom, page.Errors["area"] = readArea(l, []byte(f.Drawn), ".geojson", "", "selfcheck.error.drawn")
	case header != nil:
		ext := strings.ToLower(filepath.Ext(header.Filename))
		if !slices.Contains(selfCheckExts, ext) {
			page.Errors["area"] = M("selfcheck.error.file_type", ext, page.Exts)
			break
		}
		b, err := io.ReadAll(file)
		if err != nil {
			page.Errors["area"] = M("selfcheck.error.file", detail(l, err.Error()))
			break
		}
		geom, page.Errors["area"] = readArea(l, b, ext, f.FileName, "selfcheck.error.file")
	case strings.TrimSpace(f.Points) != "":
		if len(f.Points) > maxPointsText {
			page.Errors["area"] = M("selfcheck.error.points_size", maxPointsText)
			break
		}
		geom, page.Errors["area"] = readArea(l, []byte(f.Points), ".txt", "", "selfcheck.error.points")
	default:
		page.Errors["area"] = M("selfcheck.error.area_missing")
	}
	if page.Errors["area"] == nil {
		delete(page.Errors, "area")
	}
	if len(page.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "selfcheck.html", page)
		return
	}

	body, err := applicationFeature(props, geom)
	if err != nil {
		s.cfg.Logger.Error("self-check", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	rep, err := app.RunReview(ctx, s.cfg.Store, s.currentEngine(), &s.areas, body, s.now())
	var ve review.ValidationErrors
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve {
			field := formField(fe.Field)
			if page.Errors[field] == nil {
				page.Errors[field] = M("selfcheck.error.field", pick(l, fe.ZH, fe.EN))
			}
		}
		s.render(w, r, http.StatusUnprocessableEntity, "selfcheck.html", page)
		return
	case err != nil:
		s.cfg.Logger.Error("self-check", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	page.Report = rep
	page.Area = map[string]any{"type": "MultiPolygon", "coordinates": lonLatCoords(geom)}
	for _, fd := range rep.Findings {
		v := findingView{Severity: fd.Severity, Clause: fd.Clause, Rule: fd.Rule, Message: pick(l, fd.MessageZH, fd.MessageEN), Overlaps: overlapsOf(fd.Evidence)}
		if l == i18n.UG {
			v.TitleKey = ruleTitleKey(fd.Rule)
		}
		page.Findings = append(page.Findings, v)
	}
	s.render(w, r, http.StatusOK, "selfcheck.html", page)
}

// ruleTitleKey is the catalogue key of a finding's rule title: findings
// of one rule share its title (minimum-scale.table is minimum-scale).
func ruleTitleKey(rule string) string {
	base, _, _ := strings.Cut(rule, ".")
	return "selfcheck.rule." + base
}

// readArea reads the area from a file's bytes with the reader of its
// extension (the importers' reader, so every format, CRS and message is
// theirs), and requires one feature. The error is a message for the
// area's field; key is the message that leads a reader's detail.
func readArea(l i18n.Lang, b []byte, ext, name, key string) (geo.MultiPolygon, *Msg) {
	dir, err := os.MkdirTemp("", "mineplan-selfcheck-")
	if err != nil {
		return nil, M(key, detail(l, err.Error()))
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "area"+ext)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, M(key, detail(l, err.Error()))
	}
	layer, _, err := fileio.Read(path)
	if err != nil {
		// The readers name their file: name the caller's, not ours.
		msg := strings.ReplaceAll(err.Error(), path, name)
		msg = strings.ReplaceAll(msg, dir+string(os.PathSeparator), "")
		return nil, M(key, detail(l, msg))
	}
	if len(layer.Features) != 1 {
		return nil, M("selfcheck.error.one_feature", len(layer.Features))
	}
	if err := layer.Reproject(geo.EPSG4490); err != nil {
		return nil, M(key, detail(l, err.Error()))
	}
	return layer.Features[0].Geometry, nil
}

// detail is the part of a bilingual "中文 / English" message for the
// language: English for en, Chinese otherwise (the Uyghur catalogue's
// lead-in then precedes the Chinese detail).
func detail(l i18n.Lang, s string) string {
	zh, en, ok := strings.Cut(s, " / ")
	if !ok {
		return s
	}
	return pick(l, zh, en)
}

func pick(l i18n.Lang, zh, en string) string {
	if l == i18n.EN {
		return en
	}
	return zh
}

// formField is the form field that a review validation error concerns.
func formField(field string) string {
	switch f, _, _ := strings.Cut(strings.TrimPrefix(field, "properties."), "."); f {
	case "kind", "mineral", "method", "scale", "scale_unit", "county", "holder":
		return f
	case "geometry":
		return "area"
	}
	return "form"
}

// applicationFeature is the application as the review reads it: a GeoJSON
// Feature in EPSG:4490.
func applicationFeature(props map[string]any, g geo.MultiPolygon) ([]byte, error) {
	b, err := json.Marshal(map[string]any{"type": "Feature", "properties": props,
		"geometry": map[string]any{"type": "MultiPolygon", "coordinates": lonLatCoords(g)}})
	if err != nil {
		return nil, fmt.Errorf("self-check application: %w", err)
	}
	return b, nil
}

// lonLatCoords are a multipolygon's GeoJSON coordinates.
func lonLatCoords(g geo.MultiPolygon) [][][][2]float64 {
	coords := make([][][][2]float64, len(g))
	for i, p := range g {
		coords[i] = make([][][2]float64, len(p))
		for j, ring := range p {
			coords[i][j] = make([][2]float64, len(ring))
			for k, pt := range ring {
				coords[i][j][k] = [2]float64{pt.Lon, pt.Lat}
			}
		}
	}
	return coords
}

func selfCheckSamples() map[string]any {
	scale := 25.0
	page := selfCheckPage{Page: samplePage(), Form: selfCheckForm{Kind: "mining", Mineral: "铜矿", County: "伽师县", FileName: "a.txt"},
		Errors:   map[string]*Msg{"kind": M("selfcheck.error.kind"), "area": M("selfcheck.error.points", "第 3 行"), "form": M("selfcheck.error.field", "x")},
		Minerals: []string{"铜矿"}, Kinds: []string{"mining"}, Methods: []string{"underground"}, ScaleUnits: scaleUnits, Counties: []countyOption{{Value: "伽师县", Label: "伽师县"}}, Exts: ".txt", Strings: map[string]string{"selfcheck.js.loading": "…"},
		Report: &review.Report{Verdict: review.NonConforming, Application: &review.Application{Kind: rights.Mining, Mineral: "铜矿", County: "伽师县", Scale: &scale, ScaleUnit: "万吨/年"}},
		Findings: []findingView{{Severity: review.Prohibited, Clause: "专栏20", Rule: "minimum-scale.table", TitleKey: "selfcheck.rule.minimum-scale", Message: "示例",
			Overlaps: []overlapView{{Layer: "rights", Key: "C1", Label: "C1", Href: "/rights/r1"}, {Layer: "protected_areas", Key: "p", Label: "p"}}},
			{Severity: review.Info, Clause: "四", Rule: "registration-authority", Message: "示例"}}}
	return map[string]any{"selfcheck.html": page}
}
