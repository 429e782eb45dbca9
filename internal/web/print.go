package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/mapconf"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// Print (出图): GET /print lays out one map sheet at A4 or A3 — frame,
// title, legend, scale bar, north arrow, a labelled lon/lat graticule, the
// date and the data statement with the operator's 审图号 — and, for a
// right or a planning block, its corner-point table in Gauss–Krüger and in
// lon/lat. Everything geometric is decided here, not in the browser: the
// extent the map shows (the asked box widened to the map frame's shape on
// Web Mercator), the ellipsoidal scale, the scale bar, the graticule and
// the corner points (through the conversion `mineplan coords convert` and
// GET /api/v1/coords use). print.js only draws the map into the frame and
// composes the PNG; the browser's print makes the PDF (print-*.css sets
// the page size).

// printLayout is one paper size and orientation: the sheet and the map
// frame (the neat line) in millimetres. static/print.css places the frame
// with the same figures (TestPrintLayoutsMatchCSS).
type printLayout struct {
	Class          string // the sheet's class and its print-<class>.css
	SheetW, SheetH float64
	MapW, MapH     float64
}

var printLayouts = map[string]printLayout{
	"A4-landscape": {"a4-landscape", 297, 210, 183, 162},
	"A4-portrait":  {"a4-portrait", 210, 297, 174, 160},
	"A3-landscape": {"a3-landscape", 420, 297, 289, 249},
	"A3-portrait":  {"a3-portrait", 297, 420, 261, 272},
}

// printDPI is the PNG's resolution.
const printDPI = 150

// maxCornerRowsOnSheet: a longer corner-point table goes on a second sheet.
const maxCornerRowsOnSheet = 16

// printForm is the query as the caller gave it (kept to show again).
type printForm struct {
	BBox, Paper, Orient, Layers, AsOf, Right, Block, Title string
}

// printPage is what print.html renders.
type printPage struct {
	Page
	Form   printForm
	Errors map[string]*Msg
	Sheet  *printSheet // nil when the query has errors
	// The form's choices and the ones selected.
	Papers, Orients     []string
	PaperSel, OrientSel string
}

var (
	printPapers  = []string{"A4", "A3"}
	printOrients = []string{"landscape", "portrait"}
)

// printSheet is the laid-out sheet.
type printSheet struct {
	Layout   printLayout
	Title    string
	TitleMsg *Msg // the default title, when none was given
	// Legend: the layers drawn (the caller's visible layers among those
	// asked for) and the entries of each.
	Layers      []string
	ZoneTypes   []string
	BlockKinds  []string
	RightStatus []string
	RightKinds  []string
	Scale       int64 // 1:Scale on the centre parallel
	ScaleText   string
	ScaleBar    scaleBar
	Grid        graticule
	Date        string
	AsOf        string
	PlanTitle   string
	Revision    int
	// Illustrative: the plan's or the right's data are illustrative.
	Illustrative bool
	Approval     string
	Subject      *printSubject
	// Data is what print.js needs, as JSON in the page.
	Data printData
}

// printSubject is the right or block printed, with its corner points.
type printSubject struct {
	Kind    string // "right" or "block"
	Code    string // licence number or block code
	Fields  []rightField
	Corners cornerTable
	// TableSheet: the corner table is on a sheet of its own.
	TableSheet bool
}

// cornerTable is a boundary's corner points: each vertex once, numbered
// as a corner-point file numbers them (cornerpoints.Write), in the
// boundary's Gauss–Krüger 3° zone (the easting with the zone number) and
// in CGCS2000 lon/lat.
type cornerTable struct {
	Zone            int
	CentralMeridian float64
	EPSG            int
	Rows            []cornerRow
}

type cornerRow struct {
	// Part, when set, starts a ring: a parcel (print.corners.parcel) or
	// a hole (print.corners.hole), numbered from 1.
	Part     *Msg
	N        int
	X, Y     string // northing, easting (with the zone number), metres, as `coords convert` prints them
	Lon, Lat string // degrees, minutes, seconds
	LonDeg   float64
	LatDeg   float64
}

// scaleBar is drawn in the panel: Segments equal parts over LengthMM.
type scaleBar struct {
	LengthMM float64
	SvgW     float64 // the bar with room for its end labels
	Segments []scaleSegment
	Labels   []scaleLabel
}

type scaleSegment struct {
	X, W  float64
	Black bool
}

type scaleLabel struct {
	X   float64
	Msg *Msg
}

// graticule is the lon/lat grid over the map frame, in millimetres from
// the frame's top-left corner.
type graticule struct {
	W, H      float64
	Meridians []gridLine
	Parallels []gridLine
	ViewBox   string
	// Where the ticks and labels outside the frame go.
	HTick, HLabel, WTick, WLabel float64
	OuterW                       float64
	OuterH                       float64
	NorthX                       float64
	NorthArrow                   string // the arrow's path
}

type gridLine struct {
	At    float64 // x of a meridian, y of a parallel
	Label string
}

// printData is the JSON print.js reads from #print-data's data-json.
type printData struct {
	Extent     [4]float64 `json:"extent"` // w, s, e, n: exactly what the frame shows
	Layers     []string   `json:"layers"`
	AsOf       string     `json:"as_of,omitempty"`
	PixelRatio float64    `json:"pixel_ratio"`
	PNG        [2]int     `json:"png"` // width, height in pixels at printDPI
	Name       string     `json:"name"`
}

var printParams = []string{"bbox", "paper", "orient", "layers", "as_of", "right", "block", "title", "lang"}

// handlePrint serves GET /print.
func (s *Server) handlePrint(w http.ResponseWriter, r *http.Request) {
	pg := s.newPage(r, "print.title")
	out := printPage{Page: pg, Errors: map[string]*Msg{}, Papers: printPapers, Orients: printOrients}
	q, err := parseQuery(r, printParams...)
	if err != nil {
		var ae *apiError
		name := ""
		if errors.As(err, &ae) {
			name = ae.Parameter
		}
		out.Errors["query"] = M("print.error.query", name)
		s.render(w, r, http.StatusBadRequest, "print.html", out)
		return
	}
	f := printForm{BBox: q["bbox"], Paper: q["paper"], Orient: q["orient"], Layers: q["layers"], AsOf: q["as_of"],
		Right: q["right"], Block: q["block"], Title: q["title"]}
	out.Form = f
	out.PaperSel, out.OrientSel = strings.ToUpper(f.Paper), strings.ToLower(f.Orient)
	sh, answered := s.buildPrint(w, r, f, out.Errors)
	switch {
	case answered:
		return
	case len(out.Errors) > 0:
		s.render(w, r, http.StatusBadRequest, "print.html", out)
		return
	}
	out.Sheet = sh
	// A signed-in caller's answer is not cached (privateNoStore).
	s.page(w, r, http.StatusOK, "print.html", out)
}

// buildPrint checks the query and lays out the sheet. Field errors go in
// errs; a right or block that is not there, or a right outside the
// caller's jurisdiction, is answered here (answered is true).
func (s *Server) buildPrint(w http.ResponseWriter, r *http.Request, f printForm, errs map[string]*Msg) (sh *printSheet, answered bool) {
	fail := func(status int, key string) (*printSheet, bool) {
		s.errorPage(w, r, status, key)
		return nil, true
	}
	p, rev := s.current()
	paper := strings.ToUpper(f.Paper)
	if paper == "" {
		paper = "A4"
	}
	if paper != "A4" && paper != "A3" {
		errs["paper"] = M("print.error.paper", clip(f.Paper))
	}
	orient := strings.ToLower(f.Orient)
	if orient == "" {
		orient = "landscape"
	}
	if orient != "landscape" && orient != "portrait" {
		errs["orient"] = M("print.error.orient", clip(f.Orient))
	}
	lay := printLayouts[paper+"-"+orient]

	// Layers: those asked for (all by default), of those the caller is
	// served; the tiles refuse the others anyway.
	asked := mapLayers
	if f.Layers != "" {
		asked = nil
		for _, l := range strings.Split(f.Layers, ",") {
			l = strings.TrimSpace(l)
			if !mapconf.Known(l) {
				errs["layers"] = M("print.error.layers", clip(l))
				break
			}
			if !slices.Contains(asked, l) {
				asked = append(asked, l)
			}
		}
	}
	visible := map[string]bool{}
	for _, e := range s.visibleLayers(r, false) {
		visible[e.ID] = true
	}
	var layers []string
	for _, l := range mapLayers { // draw order
		if slices.Contains(asked, l) && visible[l] {
			layers = append(layers, l)
		}
	}

	var asOf string
	if f.AsOf != "" {
		d, err := rights.ParseDate(f.AsOf)
		if err != nil || d.Year() < 1990 || d.Year() > 2100 {
			errs["as_of"] = M("print.error.as_of", clip(f.AsOf))
		} else {
			asOf = d.String()
		}
	}
	if n := utf8.RuneCountInString(f.Title); n > maxPrintTitle {
		errs["title"] = M("print.error.title", maxPrintTitle)
	}

	// The subject: a right or a block.
	var subj *printSubject
	var bounds *geo.BBox
	illustrative := s.illustrative()
	var defaultTitle *Msg
	switch {
	case f.Right != "" && f.Block != "":
		errs["right"] = M("print.error.right_and_block")
	case f.Right != "":
		ctx, cancel := s.queryContext(r)
		defer cancel()
		rt, err := s.cfg.Store.Right(ctx, f.Right)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return fail(http.StatusNotFound, "print.right_not_found")
		case err != nil:
			s.cfg.Logger.Error("print", "right", f.Right, "err", err)
			return fail(http.StatusInternalServerError, "error.internal")
		}
		// As the right's page: outside the caller's rights.read
		// jurisdiction it is not found.
		if d := authz.Decide(who(r), authz.RightsRead, rightObject(rt), s.currentGrants()); d == authz.Hide {
			s.deny(w, r, r.Pattern, authz.RightsRead, authz.Hide)
			return nil, true
		}
		if _, ok := s.view(r, "rights"); !ok || len(rt.Geometry) == 0 {
			return fail(http.StatusNotFound, "print.right_not_found")
		}
		rt.Status = rt.StatusOn(s.today())
		rp, err := buildRightPage(rt, nil, false) // the public fields, whoever prints
		if err != nil {
			s.cfg.Logger.Error("print", "right", f.Right, "err", err)
			return fail(http.StatusInternalServerError, "error.internal")
		}
		subj = &printSubject{Kind: "right", Code: rt.LicenceNumber}
		for _, fl := range rp.Fields {
			if slices.Contains(printRightFields, fl.Key) {
				subj.Fields = append(subj.Fields, fl)
			}
		}
		zone := rt.GKZone
		ct, err := corners(rt.Geometry, zone)
		if err != nil {
			s.cfg.Logger.Error("print corners", "right", f.Right, "err", err)
			return fail(http.StatusInternalServerError, "error.internal")
		}
		subj.Corners = ct
		b := rt.Geometry.Bounds()
		bounds = &b
		illustrative = illustrative || rt.Illustrative
		defaultTitle = M("print.default_title.right", rt.LicenceNumber, rt.Name)
	case f.Block != "":
		i := slices.IndexFunc(p.Blocks, func(b plan.Block) bool { return b.Code == f.Block })
		if i < 0 {
			return fail(http.StatusNotFound, "print.block_not_found")
		}
		blk := p.Blocks[i]
		if _, ok := s.view(r, "blocks"); !ok || len(blk.Geometry) == 0 {
			return fail(http.StatusNotFound, "print.block_not_found")
		}
		subj = &printSubject{Kind: "block", Code: blk.Code, Fields: []rightField{
			{Key: "kind", Msg: M("map.block_kind." + blk.Kind)},
			{Key: "mineral", Text: blk.Mineral},
			{Key: "area_km2", Msg: M("rightpage.km2", strconv.FormatFloat(blk.AreaKm2, 'f', 4, 64))},
			{Key: "county", Text: blk.County},
			{Key: "zone", Text: blk.Zone},
			{Key: "source", Text: blk.Table},
		}}
		ct, err := corners(geo.MultiPolygon{blk.Geometry}, 0)
		if err != nil {
			s.cfg.Logger.Error("print corners", "block", f.Block, "err", err)
			return fail(http.StatusInternalServerError, "error.internal")
		}
		subj.Corners = ct
		b := blk.Geometry.Bounds()
		bounds = &b
		illustrative = illustrative || blk.Illustrative
		defaultTitle = M("print.default_title.block", blk.Code)
	}

	// The box: as given, or the subject's with a margin.
	var box geo.BBox
	switch {
	case f.BBox != "":
		b, key := parsePrintBBox(f.BBox)
		if key != "" {
			errs["bbox"] = M(key, clip(f.BBox))
		}
		box = b
	case bounds != nil:
		box = padBox(*bounds, 0.15)
	default:
		errs["bbox"] = M("print.error.bbox_missing")
	}
	if len(errs) > 0 {
		return nil, false
	}
	extent, ok := fitExtent(box, lay.MapW/lay.MapH)
	// Widened once more, about its centre, to the next standard scale.
	extent = toStandardScale(extent, lay.MapW)
	if !ok || extent[0] < -180 || extent[2] > 180 || extent[1] < -85.06 || extent[3] > 85.06 {
		errs["bbox"] = M("print.error.bbox_range", clip(f.BBox))
		return nil, false
	}
	sh = &printSheet{Layout: lay, Title: f.Title, TitleMsg: defaultTitle, Layers: layers,
		ZoneTypes: mapZoneTypes, BlockKinds: mapBlockKinds, RightStatus: mapRightStatuses, RightKinds: mapRightKinds,
		Date: s.today().String(), AsOf: asOf, PlanTitle: p.Meta.Title, Revision: rev.Number, Illustrative: illustrative,
		Approval: s.cfg.Map.ApprovalNumber, Subject: subj}
	if sh.Title == "" && sh.TitleMsg == nil {
		sh.TitleMsg = M("print.default_title")
	}
	if subj != nil && len(subj.Corners.Rows) > maxCornerRowsOnSheet {
		subj.TableSheet = true
	}
	ground := parallelLength(extent) // metres across the frame on the centre parallel
	sh.Scale = int64(math.Round(ground / (lay.MapW / 1000)))
	sh.ScaleText = groupDigits(sh.Scale)
	sh.ScaleBar = makeScaleBar(float64(sh.Scale))
	sh.Grid = makeGraticule(extent, lay.MapW, lay.MapH)
	mm := func(v float64) int { return int(math.Round(v / 25.4 * printDPI)) }
	name := "mineplan-" + strings.ToLower(paper) + "-" + orient
	if subj != nil {
		name += "-" + subj.Code
	}
	sh.Data = printData{Extent: extent, Layers: layers, AsOf: asOf, PixelRatio: printDPI / 96.0,
		PNG: [2]int{mm(lay.SheetW), mm(lay.SheetH)}, Name: name}
	return sh, false
}

const maxPrintTitle = 120

// printRightFields are the right's public fields the sheet shows.
var printRightFields = []string{"name", "holder", "kind", "main_mineral", "status", "validity", "area_km2", "county"}

// parsePrintBBox reads w,s,e,n in CGCS2000 degrees; the second result is
// the error's catalogue key.
func parsePrintBBox(raw string) (geo.BBox, string) {
	parts := strings.Split(raw, ",")
	if len(parts) != 4 {
		return geo.BBox{}, "print.error.bbox_format"
	}
	var v [4]float64
	for i, p := range parts {
		p = strings.TrimSpace(p)
		f, err := strconv.ParseFloat(p, 64)
		if !decimal.MatchString(p) || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return geo.BBox{}, "print.error.bbox_format"
		}
		v[i] = f
	}
	b := geo.BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	switch {
	case b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -85 || b.MaxLat > 85:
		return b, "print.error.bbox_range"
	case b.MinLon >= b.MaxLon || b.MinLat >= b.MaxLat:
		return b, "print.error.bbox_order"
	case b.MaxLon-b.MinLon < 0.0005 && b.MaxLat-b.MinLat < 0.0005, b.MaxLon-b.MinLon > 60 || b.MaxLat-b.MinLat > 40:
		return b, "print.error.bbox_size"
	}
	return b, ""
}

// padBox widens a box by frac of its size on each side (at least about
// 100 m), so a right's boundary does not touch the frame.
func padBox(b geo.BBox, frac float64) geo.BBox {
	dx := math.Max((b.MaxLon-b.MinLon)*frac, 0.001)
	dy := math.Max((b.MaxLat-b.MinLat)*frac, 0.001)
	return geo.BBox{MinLon: b.MinLon - dx, MinLat: b.MinLat - dy, MaxLon: b.MaxLon + dx, MaxLat: b.MaxLat + dy}
}

func mercY(lat float64) float64 { return math.Log(math.Tan(math.Pi/4 + lat*math.Pi/360)) }
func mercLat(y float64) float64 { return math.Atan(math.Sinh(y)) * 180 / math.Pi }

// fitExtent widens the box on Web Mercator to the frame's aspect (width
// over height), centred on the box: the map then shows exactly it. ok is
// false when the widened box leaves the world.
func fitExtent(b geo.BBox, aspect float64) ([4]float64, bool) {
	x0, x1 := b.MinLon*math.Pi/180, b.MaxLon*math.Pi/180
	y0, y1 := mercY(b.MinLat), mercY(b.MaxLat)
	w, h := x1-x0, y1-y0
	if w/h > aspect {
		c, nh := (y0+y1)/2, w/aspect
		y0, y1 = c-nh/2, c+nh/2
	} else {
		c, nw := (x0+x1)/2, h*aspect
		x0, x1 = c-nw/2, c+nw/2
	}
	e := [4]float64{x0 * 180 / math.Pi, mercLat(y0), x1 * 180 / math.Pi, mercLat(y1)}
	return e, e[0] >= -180 && e[2] <= 180 && e[1] >= -85.06 && e[3] <= 85.06
}

// parallelLength is the length on the CGCS2000 ellipsoid of the extent's
// centre parallel between its west and east edges: N(φ)·cos φ·Δλ. On Web
// Mercator a parallel is a straight horizontal line, so this over the
// frame's width is the map's scale along it.
func parallelLength(e [4]float64) float64 {
	latC := mercLat((mercY(e[1]) + mercY(e[3])) / 2)
	phi := latC * math.Pi / 180
	el := geo.CGCS2000
	n := el.A / math.Sqrt(1-el.E2()*math.Sin(phi)*math.Sin(phi))
	return n * math.Cos(phi) * (e[2] - e[0]) * math.Pi / 180
}

// standardScales are the scales a sheet is drawn at, per decade: 1:1 000,
// 1:2 000, 1:2 500, 1:5 000, 1:10 000 …
var standardScales = []float64{1, 2, 2.5, 5}

// toStandardScale widens the extent about its centre (on Web Mercator, so
// the centre parallel stays) until its scale on a frame mapW mm wide is
// the next standard scale.
func toStandardScale(e [4]float64, mapW float64) [4]float64 {
	scale := parallelLength(e) / (mapW / 1000)
	decade := math.Pow(10, math.Floor(math.Log10(scale)))
	want := 10 * decade
	for _, k := range standardScales {
		if k*decade >= scale*(1-1e-9) {
			want = k * decade
			break
		}
	}
	f := want / scale
	x0, x1 := e[0]*math.Pi/180, e[2]*math.Pi/180
	y0, y1 := mercY(e[1]), mercY(e[3])
	cx, cy, hw, hh := (x0+x1)/2, (y0+y1)/2, (x1-x0)/2*f, (y1-y0)/2*f
	return [4]float64{(cx - hw) * 180 / math.Pi, mercLat(cy - hh), (cx + hw) * 180 / math.Pi, mercLat(cy + hh)}
}

// makeScaleBar picks a round ground length whose bar is at most 50 mm.
func makeScaleBar(scale float64) scaleBar {
	maxGround := 50.0 / 1000 * scale // metres in 50 mm
	step := math.Pow(10, math.Floor(math.Log10(maxGround)))
	ground := step
	for _, k := range []float64{5, 2, 1} {
		if k*step <= maxGround {
			ground = k * step
			break
		}
	}
	length := ground / scale * 1000
	sb := scaleBar{LengthMM: round2(length), SvgW: round2(length + 14)}
	for i := range 4 {
		sb.Segments = append(sb.Segments, scaleSegment{X: round2(float64(i) * length / 4), W: round2(length / 4), Black: i%2 == 0})
	}
	for _, k := range []float64{0, 0.5, 1} {
		g := ground * k
		var m *Msg
		if ground >= 2000 {
			m = M("print.scale.km", strconv.FormatFloat(g/1000, 'f', -1, 64))
		} else {
			m = M("print.scale.m", strconv.FormatFloat(g, 'f', -1, 64))
		}
		sb.Labels = append(sb.Labels, scaleLabel{X: round2(k * length), Msg: m})
	}
	return sb
}

// gridSteps are the graticule's candidate intervals, in degrees.
var gridSteps = func() []float64 {
	var out []float64
	for _, s := range []float64{1, 2, 5, 10, 15, 30} {
		out = append(out, s/3600)
	}
	for _, m := range []float64{1, 2, 5, 10, 15, 30} {
		out = append(out, m/60)
	}
	return append(out, 1, 2, 5, 10)
}()

// makeGraticule places meridians and parallels at a round interval giving
// two to six lines across the frame's longer side.
func makeGraticule(e [4]float64, w, h float64) graticule {
	g := graticule{W: w, H: h, OuterW: w + 20, OuterH: h + 20, ViewBox: fmt.Sprintf("-10 -10 %g %g", w+20, h+20),
		HTick: h + 1.8, HLabel: h + 4.6, WTick: w + 1.8, WLabel: w + 2.6}
	span := math.Max(e[2]-e[0], e[3]-e[1])
	step := gridSteps[len(gridSteps)-1]
	for _, s := range gridSteps {
		if span/s <= 6 {
			step = s
			break
		}
	}
	for v := math.Ceil(e[0]/step) * step; v < e[2]; v += step {
		x := (v - e[0]) / (e[2] - e[0]) * w
		if x > 1 && x < w-1 {
			g.Meridians = append(g.Meridians, gridLine{At: round2(x), Label: dms(v, step, 'E', 'W')})
		}
	}
	y0, y1 := mercY(e[1]), mercY(e[3])
	for v := math.Ceil(e[1]/step) * step; v < e[3]; v += step {
		y := (y1 - mercY(v)) / (y1 - y0) * h
		if y > 1 && y < h-1 {
			g.Parallels = append(g.Parallels, gridLine{At: round2(y), Label: dms(v, step, 'N', 'S')})
		}
	}
	g.NorthX = w - 9
	g.NorthArrow = fmt.Sprintf("M %g 3 L %g 15 L %g 12 L %g 15 Z", g.NorthX, g.NorthX+3.5, g.NorthX, g.NorthX-3.5)
	return g
}

// groupDigits writes n with a thin space every three digits (1:50 000).
func groupDigits(n int64) string {
	d := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteString("\u2009")
		}
		b.WriteRune(c)
	}
	return b.String()
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// dms writes a graticule value in degrees, minutes and seconds, as fine as
// the interval needs.
func dms(v, step float64, pos, neg rune) string {
	hemi := pos
	if v < 0 {
		hemi, v = neg, -v
	}
	secs := int64(math.Round(v * 3600))
	d, m, sec := secs/3600, secs/60%60, secs%60
	switch {
	case step*3600 < 60 || sec != 0:
		return fmt.Sprintf("%d°%02d′%02d″%c", d, m, sec, hemi)
	case step < 1 || m != 0:
		return fmt.Sprintf("%d°%02d′%c", d, m, hemi)
	}
	return fmt.Sprintf("%d°%c", d, hemi)
}

// dmsPoint writes a corner's degree to 0.0001″ (about 3 mm).
func dmsPoint(v float64, pos, neg rune) string {
	hemi := pos
	if v < 0 {
		hemi, v = neg, -v
	}
	tenK := int64(math.Round(v * 3600 * 10000)) // units of 0.0001″
	d := tenK / (3600 * 10000)
	m := tenK / (60 * 10000) % 60
	s := tenK % (60 * 10000)
	return fmt.Sprintf("%d°%02d′%02d.%04d″%c", d, m, s/10000, s%10000, hemi)
}

// corners lists a boundary's corner points. zone is the boundary's 3°
// zone (0: the zone of its centre); the projected figures come from
// app.ConvertPoints, the conversion of `mineplan coords convert` and GET
// /api/v1/coords, so the table, the CLI and the map agree to the digit.
func corners(g geo.MultiPolygon, zone int) (cornerTable, error) {
	if zone < 25 || zone > 45 {
		b := g.Bounds()
		zone = geo.ZoneForLon((b.MinLon + b.MaxLon) / 2)
	}
	to, err := geo.ZoneCRS(zone, true)
	if err != nil {
		return cornerTable{}, err
	}
	from, _ := geo.LookupCRS(geo.EPSG4490)
	ct := cornerTable{Zone: zone, CentralMeridian: to.CentralMeridian, EPSG: to.EPSG}
	var in bytes.Buffer
	var pts []geo.LonLat
	n := 0
	for i, p := range g {
		for j, r := range p {
			pr := r
			if len(pr) > 1 && pr[len(pr)-1] == pr[0] {
				pr = pr[:len(pr)-1] // the closing vertex is the first
			}
			for k, pt := range pr {
				n++
				row := cornerRow{N: n, LonDeg: pt.Lon, LatDeg: pt.Lat, Lon: dmsPoint(pt.Lon, 'E', 'W'), Lat: dmsPoint(pt.Lat, 'N', 'S')}
				if k == 0 && (len(g) > 1 || len(p) > 1) {
					if j == 0 {
						row.Part = M("print.corners.parcel", i+1)
					} else {
						row.Part = M("print.corners.hole", i+1, j)
					}
				}
				ct.Rows = append(ct.Rows, row)
				pts = append(pts, pt)
				in.WriteString(strconv.FormatFloat(pt.Lon, 'f', -1, 64) + " " + strconv.FormatFloat(pt.Lat, 'f', -1, 64) + "\n")
			}
		}
	}
	var out bytes.Buffer
	if err := app.ConvertPoints(from, to, &in, &out, io.Discard); err != nil {
		return cornerTable{}, err
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(pts) {
		return cornerTable{}, fmt.Errorf("corners: %d points, %d converted", len(pts), len(lines))
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 {
			return cornerTable{}, fmt.Errorf("corners: unexpected conversion output %q", l)
		}
		ct.Rows[i].Y, ct.Rows[i].X = f[0], f[1] // easting northing → X northing, Y easting
	}
	return ct, nil
}

// printSamples are print.html's sample data for the start-up check: the
// form with errors, and a sheet with a right's corner table.
func printSamples() map[string]any {
	ct, err := corners(geo.MultiPolygon{{{{Lon: 75.1, Lat: 38.1}, {Lon: 75.2, Lat: 38.1}, {Lon: 75.2, Lat: 38.2}, {Lon: 75.1, Lat: 38.1}}, {{Lon: 75.12, Lat: 38.12}, {Lon: 75.15, Lat: 38.12}, {Lon: 75.15, Lat: 38.15}, {Lon: 75.12, Lat: 38.12}}}}, 25)
	if err != nil {
		panic(err) // a fixed sample
	}
	e, _ := fitExtent(geo.BBox{MinLon: 75, MinLat: 38, MaxLon: 75.3, MaxLat: 38.3}, 183.0/162)
	sh := &printSheet{Layout: printLayouts["A4-landscape"], Title: "sample", TitleMsg: M("print.default_title"), Layers: mapLayers,
		ZoneTypes: mapZoneTypes, BlockKinds: mapBlockKinds, RightStatus: mapRightStatuses, RightKinds: mapRightKinds,
		Scale: 50000, ScaleText: groupDigits(50000), ScaleBar: makeScaleBar(50000), Grid: makeGraticule(e, 183, 162), Date: "2026-01-01", AsOf: "2025-01-01",
		PlanTitle: "sample", Revision: 1, Illustrative: true, Approval: "sample",
		Subject: &printSubject{Kind: "right", Code: "sample", Fields: []rightField{{Key: "name", Text: "sample"}, {Key: "status", Msg: M("status.valid")}},
			Corners: ct, TableSheet: true},
		Data: printData{Extent: e, Layers: mapLayers, PixelRatio: 1.5, PNG: [2]int{1754, 1240}, Name: "sample"}}
	withErrors := printPage{Page: samplePage(), Errors: map[string]*Msg{"query": M("print.error.query", "x"), "bbox": M("print.error.bbox_format", "x"),
		"paper": M("print.error.paper", "x"), "orient": M("print.error.orient", "x"), "layers": M("print.error.layers", "x"),
		"as_of": M("print.error.as_of", "x"), "title": M("print.error.title", 1), "right": M("print.error.right_and_block")}}
	return map[string]any{"print.html": printPage{Page: samplePage(), Sheet: sh, Errors: withErrors.Errors, Papers: printPapers, Orients: printOrients}}
}
