// Package cornerpoints reads and writes corner-point text (拐点坐标): the
// boundary of a right or a planning block as numbered points, in a CGCS2000
// Gauss–Krüger 3° zone (X = northing, Y = easting, the surveying order that
// licences print) or in longitude and latitude. The accepted forms are
// documented with examples in docs/formats.md.
package cornerpoints

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"mineplan/internal/geo"
)

// Error is a fault in the text, with its line and the rule it breaks.
type Error struct {
	Line int    // 1-based; 0 when the fault concerns the whole file
	Rule string // short English name of the rule, for tests and logs
	ZH   string // the message in Chinese
	EN   string // the message in English
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("第 %d 行：%s / line %d: %s", e.Line, e.ZH, e.Line, e.EN)
	}
	return fmt.Sprintf("%s / %s", e.ZH, e.EN)
}

// Warning is a fault that does not stop the parse.
type Warning = Error

// Parcel is the result of a parse.
type Parcel struct {
	Name string
	// DeclaredArea is the area the file states (its 面积 header), as
	// printed; comparing it with the computed area is the review's job.
	DeclaredArea string
	// CRS is the file's reference system; Source is the geometry in it.
	CRS    geo.CRS
	Source geo.MultiPolygon
	// Geometry is the same boundary in EPSG:4490.
	Geometry geo.MultiPolygon
	Warnings []Warning
}

// MaxZoneOffset is how far (degrees of longitude) a point may lie from its
// zone's central meridian: zones are 3° wide, so 1.5° plus a margin for
// parcels that straddle a zone boundary.
const MaxZoneOffset = 2.0

// MaxPoints bounds the points one file may hold: a licence boundary has
// tens or hundreds. The geometry checks (geo.ValidateMultiPolygon) take
// O(n log n) for ordinary boundaries, so the bound mainly limits the work
// a hostile file can cause (edges that all meet each other).
const MaxPoints = 20000

type point struct {
	line int
	name string
	xy   geo.LonLat // Lon = easting (or longitude), Lat = northing (or latitude)
}

type ring struct {
	hole   bool
	points []point
}

type parser struct {
	crs       geo.CRS
	crsSet    bool
	crsLine   int
	zone      int
	zoneLine  int
	declared  int
	declLine  int
	name      string
	area      string
	rings     []ring
	cur       *ring
	nextHole  bool
	warnings  []Warning
	total     int
	geoDegree bool
}

func fail(line int, rule, zh, en string, a ...any) *Error {
	return &Error{Line: line, Rule: rule, ZH: fmt.Sprintf(zh, a...), EN: fmt.Sprintf(en, a...)}
}

// Parse reads corner-point text (UTF-8, or GBK when the bytes are not valid
// UTF-8). It returns the first fault as an *Error; warnings come with the
// parcel.
func Parse(b []byte) (*Parcel, error) {
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		if err != nil {
			return nil, fail(0, "encoding", "文件既不是 UTF-8 也不是 GBK 编码", "the file is neither UTF-8 nor GBK")
		}
		b = d
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	p := &parser{}
	for i, raw := range strings.Split(string(b), "\n") {
		if err := p.line(i+1, strings.TrimSpace(strings.TrimSuffix(raw, "\r"))); err != nil {
			return nil, err
		}
	}
	if err := p.endRing(len(strings.Split(string(b), "\n"))); err != nil {
		return nil, err
	}
	return p.finish()
}

var keyValue = regexp.MustCompile(`^([^\d\s,，*#\-+][^=:：]*?)\s*[=:：]\s*(.*)$`)

func (p *parser) line(n int, s string) error {
	switch {
	case s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//"):
		return nil
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		return nil // section headers such as [地块坐标]
	}
	fields := splitFields(s)
	head := fields[0]
	switch {
	case head == "*" || head == "地块" || head == "外环" || head == "外圈":
		hole := len(fields) > 1 && fields[len(fields)-1] == "-1"
		if err := p.endRing(n); err != nil {
			return err
		}
		p.nextHole = hole
		return nil
	case head == "洞" || head == "内环" || head == "内圈":
		if err := p.endRing(n); err != nil {
			return err
		}
		if len(p.rings) == 0 {
			return fail(n, "hole-first", "内环（洞）出现在任何外环之前", "a hole comes before any outer ring")
		}
		p.nextHole = true
		return nil
	}
	if m := keyValue.FindStringSubmatch(s); m != nil && len(p.rings) == 0 && p.cur == nil {
		return p.header(n, strings.TrimSpace(m[1]), strings.TrimSpace(m[2]))
	}
	return p.point(n, fields)
}

func splitFields(s string) []string {
	s = strings.NewReplacer("，", ",", "\t", ",", "；", ",", ";", ",").Replace(s)
	var out []string
	for _, f := range strings.Split(s, ",") {
		out = append(out, strings.Fields(f)...)
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

func (p *parser) header(n int, key, val string) error {
	k := strings.ToLower(key)
	switch k {
	case "坐标系", "坐标系统", "crs", "坐标参考系":
		return p.setCRS(n, val)
	case "带号", "zone":
		z, err := strconv.Atoi(val)
		if err != nil || z < 25 || z > 45 {
			return fail(n, "zone", "带号 %q 不是 25–45 之间的 3 度带带号", "zone %q is not a 3° zone number from 25 to 45", val)
		}
		p.zone, p.zoneLine = z, n
	case "分带", "几度分带", "带宽":
		if strings.TrimSuffix(val, "度") != "3" {
			return fail(n, "zone-width", "只支持 3 度分带（文件为 %s）", "only 3° zones are supported (file says %s)", val)
		}
	case "点数", "拐点数", "points":
		c, err := strconv.Atoi(val)
		if err != nil || c < 0 {
			return fail(n, "count", "点数 %q 不是整数", "point count %q is not a whole number", val)
		}
		p.declared, p.declLine = c, n
	case "名称", "地块名称", "name":
		p.name = val
	case "面积", "area":
		p.area = val
	case "投影", "投影类型", "计量单位", "单位", "精度", "转换参数", "几何类型":
		// Informational; the CRS and the numbers decide.
	default:
		p.warnings = append(p.warnings, *fail(n, "unknown-header", "未知的文件头 %q，已忽略", "unknown header %q ignored", key))
	}
	return nil
}

func (p *parser) setCRS(n int, val string) error {
	v := strings.ToUpper(strings.ReplaceAll(val, " ", ""))
	switch {
	case strings.HasPrefix(v, "EPSG:"):
		c, err := geo.ParseEPSG(v)
		if err != nil {
			return fail(n, "crs", "不支持的坐标系 %s（支持 EPSG:4490、4326、4513–4554）", "unsupported CRS %s (supported: EPSG:4490, 4326, 4513–4554)", val)
		}
		p.crs, p.crsSet, p.crsLine = c, true, n
	case strings.Contains(v, "2000") || strings.Contains(v, "CGCS"):
		p.crs, _ = geo.LookupCRS(geo.EPSG4490)
		p.crsSet, p.crsLine = false, n // geographic or zone: the zone header decides
	case strings.Contains(v, "WGS84") || strings.Contains(v, "WGS-84"):
		p.crs, _ = geo.LookupCRS(geo.EPSG4326)
		p.crsSet, p.crsLine = true, n
	case strings.Contains(v, "西安") || strings.Contains(v, "北京") || strings.Contains(v, "1980") || strings.Contains(v, "1954") || strings.Contains(v, "XIAN") || strings.Contains(v, "BEIJING"):
		return fail(n, "legacy-crs", "不支持 %s：请先转换为 2000 国家大地坐标系（CGCS2000）", "%s is not supported: convert to CGCS2000 first", val)
	default:
		return fail(n, "crs", "无法识别坐标系 %q", "unrecognised CRS %q", val)
	}
	return nil
}

var dmsPattern = regexp.MustCompile(`^([NSEWnsew]?)\s*(\d+(?:\.\d+)?)\s*[°度:]\s*(?:(\d+(?:\.\d+)?)\s*['′分:]?)?\s*(?:(\d+(?:\.\d+)?)\s*(?:"|″|''|秒)?)?\s*([NSEWnsew]?)$`)

// parseCoord reads a number, or degrees–minutes–seconds; hemi is N, S, E,
// W or "" when none is written.
func parseCoord(s string) (v float64, hemi string, dms bool, ok bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, "", false, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	m := dmsPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, "", false, false
	}
	deg, _ := strconv.ParseFloat(m[2], 64)
	var min, sec float64
	if m[3] != "" {
		min, _ = strconv.ParseFloat(m[3], 64)
	}
	if m[4] != "" {
		sec, _ = strconv.ParseFloat(m[4], 64)
	}
	if min >= 60 || sec >= 60 {
		return 0, "", true, false
	}
	hemi = strings.ToUpper(m[1] + m[5])
	if len(hemi) > 1 {
		return 0, "", true, false
	}
	v = deg + min/60 + sec/3600
	if hemi == "S" || hemi == "W" {
		v = -v
	}
	return v, hemi, true, true
}

func (p *parser) point(n int, fields []string) error {
	if len(fields) != 3 {
		return fail(n, "point", "点行应为“点号, X, Y”三项，此行有 %d 项：%q", "a point line is “number, X, Y”: this one has %d fields: %q", len(fields), strings.Join(fields, ","))
	}
	p.total++
	if p.total > MaxPoints {
		return fail(n, "too-many", "点数超过上限 %d", "more than %d points", MaxPoints)
	}
	a, ha, dmsA, okA := parseCoord(fields[1])
	b, hb, dmsB, okB := parseCoord(fields[2])
	if !okA {
		return fail(n, "number", "第 2 项 %q 不是数字或度分秒", "field 2 %q is not a number or degrees–minutes–seconds", fields[1])
	}
	if !okB {
		return fail(n, "number", "第 3 项 %q 不是数字或度分秒", "field 3 %q is not a number or degrees–minutes–seconds", fields[2])
	}
	var xy geo.LonLat
	switch {
	case dmsA || dmsB || ha != "" || hb != "" || p.crs.Geographic && p.crsSet:
		// Longitude and latitude: in that order unless the hemisphere
		// letters say otherwise.
		p.geoDegree = true
		lon, lat := a, b
		if ha == "N" || ha == "S" || hb == "E" || hb == "W" {
			lon, lat = b, a
		}
		xy = geo.LonLat{Lon: lon, Lat: lat}
	default:
		xy = geo.LonLat{Lon: b, Lat: a} // X = northing, Y = easting
	}
	if p.cur == nil {
		p.cur = &ring{hole: p.nextHole}
		p.nextHole = false
	}
	pt := point{line: n, name: fields[0], xy: xy}
	pts := p.cur.points
	if len(pts) > 0 && pts[len(pts)-1].xy == xy {
		p.warnings = append(p.warnings, *fail(n, "duplicate", "点 %s 与上一点坐标相同，已略去", "point %s repeats the previous point and was dropped", pt.name))
		return nil
	}
	p.cur.points = append(p.cur.points, pt)
	// A ring closes when it returns to its first point (by coordinates or
	// by point number); the next point starts a new ring.
	if len(p.cur.points) > 1 && (xy == pts[0].xy || pt.name == pts[0].name) {
		if xy != pts[0].xy {
			return fail(n, "closing-point", "点 %s 重复第一点的点号，但坐标不同", "point %s repeats the first point's number with different coordinates", pt.name)
		}
		p.rings = append(p.rings, *p.cur)
		p.cur = nil
	}
	return nil
}

// endRing is called at a separator and at the end: an open ring is an error.
func (p *parser) endRing(n int) error {
	if p.cur == nil {
		return nil
	}
	last := p.cur.points[len(p.cur.points)-1]
	return fail(last.line, "not-closed", "环未闭合：第 %d 行起的环以点 %s 结束，未回到第一点 %s（末尾请重复第一点）", "ring not closed: the ring from line %d ends at point %s, not back at its first point %s (repeat the first point at the end)", p.cur.points[0].line, last.name, p.cur.points[0].name)
}

func (p *parser) finish() (*Parcel, error) {
	if len(p.rings) == 0 {
		return nil, fail(0, "empty", "文件中没有坐标点", "the file has no points")
	}
	count := 0
	for _, r := range p.rings {
		count += len(r.points)
	}
	if p.declLine > 0 && p.declared != count && p.declared != count-len(p.rings) {
		return nil, fail(p.declLine, "count", "文件头写明 %d 个点，实际读到 %d 个（含闭合点）", "the header states %d points, the file has %d (with closing points)", p.declared, count)
	}
	if err := p.resolveCRS(); err != nil {
		return nil, err
	}
	parcel := &Parcel{Name: p.name, DeclaredArea: p.area, CRS: p.crs, Warnings: p.warnings}
	var rings [][]int // for each part, the index in p.rings of each of its rings
	for i, r := range p.rings {
		ringSrc := make(geo.Ring, len(r.points))
		ringGeo := make(geo.Ring, len(r.points))
		for i, pt := range r.points {
			ringSrc[i] = pt.xy
			g, err := p.toGeographic(pt)
			if err != nil {
				return nil, err
			}
			ringGeo[i] = g
		}
		if r.hole {
			if len(parcel.Source) == 0 {
				return nil, fail(r.points[0].line, "hole-first", "内环（洞）出现在任何外环之前", "a hole comes before any outer ring")
			}
			last := len(parcel.Source) - 1
			parcel.Source[last] = append(parcel.Source[last], ringSrc)
			parcel.Geometry[last] = append(parcel.Geometry[last], ringGeo)
			rings[last] = append(rings[last], i)
			continue
		}
		parcel.Source = append(parcel.Source, geo.Polygon{ringSrc})
		parcel.Geometry = append(parcel.Geometry, geo.Polygon{ringGeo})
		rings = append(rings, []int{i})
	}
	if err := p.validate(parcel.Source, rings); err != nil {
		return nil, err
	}
	return parcel, nil
}

// resolveCRS decides the zone from the header and the eastings, and checks
// that they agree.
func (p *parser) resolveCRS() error {
	if p.geoDegree || p.crs.Geographic && p.crsSet {
		if !p.crs.Geographic {
			if p.crsSet {
				return fail(p.crsLine, "crs", "坐标为经纬度，但坐标系 %s 是投影坐标系", "the points are longitude/latitude but %s is projected", p.crs.Name)
			}
			p.crs, _ = geo.LookupCRS(geo.EPSG4490)
		}
		if p.crs.EPSG == 0 {
			p.crs, _ = geo.LookupCRS(geo.EPSG4490)
		}
		return nil
	}
	first := p.rings[0].points[0]
	prefixed := first.xy.Lon >= 1e7
	zone := p.zone
	if p.crsSet && !p.crs.Geographic {
		if p.zone != 0 && p.zone != p.crs.Zone {
			return fail(p.zoneLine, "zone-mismatch", "带号 %d 与坐标系 %s 不符", "zone %d disagrees with %s", p.zone, p.crs.Name)
		}
		zone = p.crs.Zone
		prefixed = p.crs.ZonePrefixed
	}
	for _, r := range p.rings {
		for _, pt := range r.points {
			y := pt.xy.Lon
			switch {
			case y >= 1e7:
				pz := int(y / 1e6)
				if zone == 0 {
					zone = pz
				}
				if pz != zone {
					return fail(pt.line, "zone-prefix", "点 %s 的 Y 坐标 %.2f 带号前缀为 %d，与声明的带号 %d 不符", "point %s: easting %.2f carries zone %d, but the zone is %d", pt.name, y, pz, zone)
				}
				if !prefixed {
					return fail(pt.line, "zone-prefix", "点 %s 的 Y 坐标 %.2f 带有带号前缀，而坐标系不带带号", "point %s: easting %.2f carries a zone prefix, but the CRS does not", pt.name, y)
				}
			case y >= 0 && y < 1e6:
				if prefixed && p.crsSet {
					return fail(pt.line, "zone-prefix", "点 %s 的 Y 坐标 %.2f 缺少带号前缀", "point %s: easting %.2f lacks the zone prefix", pt.name, y)
				}
				if zone == 0 {
					return fail(pt.line, "no-zone", "点 %s 的 Y 坐标 %.2f 不含带号，文件头也未写带号（请写“带号=25”等）", "point %s: easting %.2f has no zone and the header gives none (add “带号=25” or similar)", pt.name, y)
				}
				prefixed = false
			default:
				return fail(pt.line, "easting", "点 %s 的 Y 坐标 %.2f 不是有效的东坐标", "point %s: %.2f is not a valid easting", pt.name, y)
			}
			if x := pt.xy.Lat; x < 0 || x > 7e6 {
				return fail(pt.line, "northing", "点 %s 的 X 坐标 %.2f 超出中国范围（0–7 000 000 米）", "point %s: northing %.2f is outside China (0–7 000 000 m)", pt.name, x)
			}
		}
	}
	crs, err := geo.ZoneCRS(zone, prefixed)
	if err != nil {
		return fail(p.zoneLine, "zone", "%v", "%v", err)
	}
	p.crs = crs
	return nil
}

func (p *parser) toGeographic(pt point) (geo.LonLat, error) {
	if p.crs.Geographic {
		if pt.xy.Lon < -180 || pt.xy.Lon > 180 || pt.xy.Lat < -90 || pt.xy.Lat > 90 {
			return geo.LonLat{}, fail(pt.line, "range", "点 %s 的经纬度 (%g, %g) 超出范围", "point %s: longitude/latitude (%g, %g) out of range", pt.name, pt.xy.Lon, pt.xy.Lat)
		}
		return pt.xy, nil
	}
	g, err := p.crs.Unproject(pt.xy)
	if err != nil {
		return geo.LonLat{}, err
	}
	if d := math.Abs(g.Lon - p.crs.CentralMeridian); d > MaxZoneOffset || math.IsNaN(d) {
		return geo.LonLat{}, fail(pt.line, "outside-zone", "点 %s 距 %d 带中央经线 %.0f° 有 %.2f°，远在该带之外（带宽 ±1.5°）", "point %[1]s lies %.2[4]f° from the central meridian %.0[3]f° of zone %[2]d, far outside the zone (±1.5°)", pt.name, p.crs.Zone, p.crs.CentralMeridian, d)
	}
	return g, nil
}
