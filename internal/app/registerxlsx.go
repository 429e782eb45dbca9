package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"mineplan/internal/formats/xlsx"
	"mineplan/internal/geo"
	"mineplan/internal/input"
	"mineplan/internal/rights"
)

// XLSX layout: sheet 矿业权 has one row per right under a header row of
// Chinese column names (RegisterColumns); sheet 拐点坐标 has one row per
// corner point. On import, the boundary may instead be in a 区域坐标 column
// (registration coordinate string) or a 拐点坐标 column (corner-point text)
// of the first sheet.
const (
	SheetRights = "矿业权"
	SheetPoints = "拐点坐标"
)

var pointHeaders = []string{"登记编号", "地块", "圈", "圈属性", "点号", "经度", "纬度", "X（北）", "Y（东）", "带号"}

// WriteRegisterXLSX writes the register to a new XLSX file.
func WriteRegisterXLSX(path string, rs []rights.Right) error {
	header := make([]string, len(RegisterColumns))
	for i, c := range RegisterColumns {
		header[i] = c.Header
	}
	rows := make([][]any, len(rs))
	for i, r := range rs {
		row := make([]any, len(RegisterColumns))
		for j, c := range RegisterColumns {
			row[j] = c.Label(c.get(r))
		}
		rows[i] = row
	}
	var points [][]any
	for _, r := range rs {
		b := r.Geometry.Bounds()
		zone := geo.ZoneForLon((b.MinLon + b.MaxLon) / 2)
		crs, err := geo.ZoneCRS(zone, true)
		if err != nil {
			return fmt.Errorf("%s: %w", r.ID, err)
		}
		for pi, p := range r.Geometry {
			for ri, ring := range p {
				kind := "外圈"
				if ri > 0 {
					kind = "内圈"
				}
				for k, pt := range ring {
					xy, err := crs.Project(pt)
					if err != nil {
						return err
					}
					// Longitude and latitude as text with every digit: Excel
					// keeps 15 significant digits of a number, which would
					// make an export → import round trip lossy.
					points = append(points, []any{r.ID, pi + 1, ri + 1, kind, k + 1, strconv.FormatFloat(pt.Lon, 'f', -1, 64), strconv.FormatFloat(pt.Lat, 'f', -1, 64), round2(xy.Lat), round2(xy.Lon), zone})
				}
			}
		}
	}
	return xlsx.Write(path, []xlsx.Sheet{{Name: SheetRights, Header: header, Rows: rows}, {Name: SheetPoints, Header: pointHeaders, Rows: points}})
}

func round2(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

// Limits of the register workbook, beyond those of every workbook
// (xlsx.MaxColumns, xlsx.xlsx.MaxCellChars, xlsx.MaxPartBytes and the zip
// limits). They are far above any real register (a prefecture holds a few
// thousand rights of a few dozen corner points each) and bound the memory
// and time of one import; docs/formats.md ("Limits and memory budget")
// states them.
const (
	MaxRegisterRights = 100_000   // non-empty rows of sheet 矿业权
	MaxRegisterPoints = 1_000_000 // non-empty rows of sheet 拐点坐标
	MaxPointsPerRight = 200_000   // corner points of one right
	MaxPartsPerRight  = 100       // 地块: parcels of one right
	MaxRingsPerPart   = 1000      // 圈: rings of one parcel
)

// ReadRegisterXLSX reads the rights and their boundaries. The workbook is
// checked before excelize parses it (checkXLSX: the zip limits, the size
// of each part, the cell references of every worksheet); every number
// that sizes what is built (parcel, ring and point numbers, zones, rows,
// points) is bounded. Faults of a right's boundary are reported on the
// right's row (ImportRow.GeomErr), naming the point sheet's row and
// field; a file beyond the limits is refused whole.
func ReadRegisterXLSX(path string) ([]ImportRow, error) {
	f, err := xlsx.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []ImportRow
	byID := map[string]int{}
	var index map[string]int
	err = f.EachRow(SheetRights, func(line int, cells []string) error {
		if line == 1 {
			index = map[string]int{}
			for i, h := range cells {
				index[strings.TrimSpace(h)] = i
			}
			return nil
		}
		if allEmpty(cells) {
			return nil
		}
		if len(rows) >= MaxRegisterRights {
			return xlsx.Fault(SheetRights, line, "", "矿业权超过 %[1]d 个的上限", "more than the limit of %[1]d rights", MaxRegisterRights)
		}
		row := ImportRow{Row: line, Values: map[string]any{}}
		cell := func(name string) (string, error) {
			i, ok := index[name]
			if !ok || i >= len(cells) {
				return "", nil
			}
			if n := utf8.RuneCountInString(cells[i]); n > xlsx.MaxCellChars {
				return "", xlsx.Fault(SheetRights, line, name, "单元格有 %[1]d 个字符，超过 Excel 的上限 %[2]d", "the cell has %[1]d characters, over Excel's limit of %[2]d", n, xlsx.MaxCellChars)
			}
			return cells[i], nil
		}
		for _, c := range RegisterColumns {
			for _, name := range []string{c.Header, c.Key, c.DBF} {
				v, err := cell(name)
				if err != nil {
					return err
				}
				if v != "" {
					row.Values[c.Key] = v
					break
				}
			}
		}
		region, err := cell("区域坐标")
		if err != nil {
			return err
		}
		corner, err := cell("拐点坐标")
		if err != nil {
			return err
		}
		if s := strings.TrimSpace(region); s != "" {
			row.Geometry, row.Top, row.Bottom, row.GeomErr = regionGeometry(s)
			row.GeomField = "区域坐标"
		} else if s := strings.TrimSpace(corner); s != "" {
			row.Geometry, row.GeomErr = cornerGeometry(s)
			row.GeomField = "拐点坐标"
		}
		rows = append(rows, row)
		id := fmt.Sprint(row.Values["id"])
		if row.Values["id"] == nil {
			id = fmt.Sprint(row.Values["licence_number"])
		}
		byID[id] = len(rows) - 1
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case index == nil:
		return nil, fmt.Errorf("工作表“%[1]s”是空的 / sheet %[1]s is empty", SheetRights)
	}
	pts := newPointReader(rows, byID)
	err = f.EachRow(SheetPoints, pts.row)
	switch {
	case errors.Is(err, xlsx.ErrNoSheet):
		return rows, nil // no point sheet: boundaries come from the first sheet
	case err != nil:
		return nil, err
	}
	pts.finish()
	return rows, nil
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// pointReader builds boundaries from the point sheet: rows of one right
// give its parcels (地块) and their rings (圈), numbered from 1 without
// gaps, in any row order. Longitude and latitude are used when present
// (lossless); otherwise X, Y and the zone.
type pointReader struct {
	rows   []ImportRow
	byID   map[string]int
	col    map[string]int
	parts  map[int][]geo.Polygon // by index in rows
	points map[int]int
	total  int
}

func newPointReader(rows []ImportRow, byID map[string]int) *pointReader {
	return &pointReader{rows: rows, byID: byID, parts: map[int][]geo.Polygon{}, points: map[int]int{}}
}

func (p *pointReader) row(line int, cells []string) error {
	if line == 1 {
		p.col = map[string]int{}
		for i, h := range cells {
			p.col[strings.TrimSpace(h)] = i
		}
		return nil
	}
	if allEmpty(cells) {
		return nil
	}
	var tooLong error
	get := func(name string) string {
		i, ok := p.col[name]
		if !ok || i >= len(cells) {
			return ""
		}
		if n := utf8.RuneCountInString(cells[i]); n > xlsx.MaxCellChars && tooLong == nil {
			tooLong = xlsx.Fault(SheetPoints, line, name, "单元格有 %[1]d 个字符，超过 Excel 的上限 %[2]d", "the cell has %[1]d characters, over Excel's limit of %[2]d", n, xlsx.MaxCellChars)
		}
		return strings.TrimSpace(cells[i])
	}
	id := get("登记编号")
	if tooLong != nil {
		return tooLong
	}
	ri, ok := p.byID[id]
	if !ok {
		return fmt.Errorf("工作表“%[1]s”第 %[2]d 行字段 登记编号：“%[3]s”在工作表“%[4]s”中没有 / sheet %[1]s row %[2]d field 登记编号: %[3]q is not in sheet %[4]s", SheetPoints, line, input.Excerpt(id), SheetRights)
	}
	if p.total++; p.total > MaxRegisterPoints {
		return xlsx.Fault(SheetPoints, line, "", "拐点超过 %[1]d 个的上限", "more than the limit of %[1]d corner points", MaxRegisterPoints)
	}
	if p.points[ri]++; p.points[ri] > MaxPointsPerRight {
		return xlsx.Fault(SheetPoints, line, "登记编号", "矿业权 %[1]s 的拐点超过 %[2]d 个的上限", "right %[1]s has more than the limit of %[2]d corner points", input.Excerpt(id), MaxPointsPerRight)
	}
	row := &p.rows[ri]
	if row.GeomErr != nil {
		return nil // the first fault of a right is the one reported
	}
	row.GeomField = SheetPoints
	fail := func(err error) error {
		row.GeomErr = err
		delete(p.parts, ri)
		return nil
	}
	part, err := whole(get("地块"), 1, MaxPartsPerRight, "地块", "parcel number", "一宗矿业权最多 100 个地块", "a right has at most 100 parcels")
	if err != nil {
		return fail(xlsx.Fault(SheetPoints, line, "地块", "%[1]s", "%[2]s", err.(*bilingual).zh, err.(*bilingual).en))
	}
	ring, err := whole(get("圈"), 1, MaxRingsPerPart, "圈", "ring number", "一个地块最多 1000 个圈", "a parcel has at most 1000 rings")
	if err != nil {
		return fail(xlsx.Fault(SheetPoints, line, "圈", "%[1]s", "%[2]s", err.(*bilingual).zh, err.(*bilingual).en))
	}
	if s := get("点号"); s != "" {
		if v, perr := strconv.ParseFloat(s, 64); perr == nil || isNumberWord(s) {
			if v != math.Trunc(v) || v < 1 || v > MaxPointsPerRight || math.IsNaN(v) {
				return fail(xlsx.Fault(SheetPoints, line, "点号", "“%[1]s”不是 1～%[2]d 的整数（点号也可以是 J1 这样的文字）", "%[1]q is not a whole number from 1 to %[2]d (a point number may also be a label such as J1)", input.Excerpt(s), MaxPointsPerRight))
			}
		}
	}
	pt, err := p.position(get, line)
	if tooLong != nil {
		return tooLong
	}
	if err != nil {
		return fail(err)
	}
	ps := p.parts[ri]
	switch {
	case part == len(ps)+1:
		ps = append(ps, nil)
	case part > len(ps)+1:
		return fail(xlsx.Fault(SheetPoints, line, "地块", "地块 %[1]d 跳过了地块 %[2]d（地块应从 1 起连续编号）", "parcel %[1]d skips parcel %[2]d (parcels are numbered from 1 without gaps)", part, len(ps)+1))
	}
	rs := ps[part-1]
	switch {
	case ring == len(rs)+1:
		rs = append(rs, nil)
	case ring > len(rs)+1:
		return fail(xlsx.Fault(SheetPoints, line, "圈", "地块 %[1]d 的圈 %[2]d 跳过了圈 %[3]d（圈应从 1 起连续编号）", "ring %[2]d of parcel %[1]d skips ring %[3]d (rings are numbered from 1 without gaps)", part, ring, len(rs)+1))
	}
	rs[ring-1] = append(rs[ring-1], pt)
	ps[part-1] = rs
	p.parts[ri] = ps
	return nil
}

// isNumberWord: words strconv.ParseFloat reads as numbers that are not
// digits (so a point number "NaN" or "Inf" is refused, not kept as a label).
func isNumberWord(s string) bool {
	t := strings.ToLower(strings.TrimLeft(s, "+-"))
	return t == "nan" || t == "inf" || t == "infinity"
}

// position reads a corner point: 经度 and 纬度, else X（北）, Y（东） and 带号.
func (p *pointReader) position(get func(string) string, line int) (geo.LonLat, error) {
	lonText, latText := get("经度"), get("纬度")
	if lonText != "" || latText != "" {
		lon, err := finite(lonText, "经度", "longitude", 180)
		if err != nil {
			return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "经度", "%[1]s", "%[2]s", err.zh, err.en)
		}
		lat, err := finite(latText, "纬度", "latitude", 90)
		if err != nil {
			return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "纬度", "%[1]s", "%[2]s", err.zh, err.en)
		}
		return geo.LonLat{Lon: lon, Lat: lat}, nil
	}
	xText, yText, zText := get("X（北）"), get("Y（东）"), get("带号")
	if xText == "" && yText == "" && zText == "" {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "", "需要经度、纬度，或 X（北）、Y（东）与带号", "needs 经度 and 纬度 (longitude, latitude), or X（北）, Y（东） and 带号 (zone)")
	}
	x, err := finite(xText, "X（北）", "X (northing)", 1e8)
	if err != nil {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "X（北）", "%[1]s", "%[2]s", err.zh, err.en)
	}
	y, err := finite(yText, "Y（东）", "Y (easting)", 1e8)
	if err != nil {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "Y（东）", "%[1]s", "%[2]s", err.zh, err.en)
	}
	zone, zerr := whole(zText, 25, 45, "带号", "zone", "3° 带带号为 25～45", "3° zones are numbered 25 to 45")
	if zerr != nil {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "带号", "%[1]s", "%[2]s", zerr.(*bilingual).zh, zerr.(*bilingual).en)
	}
	crs, cerr := geo.ZoneCRS(zone, y >= 1e7)
	if cerr != nil {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "带号", "%[1]v", "%[1]v", cerr)
	}
	pt, uerr := crs.Unproject(geo.LonLat{Lon: y, Lat: x})
	if uerr != nil {
		return geo.LonLat{}, xlsx.Fault(SheetPoints, line, "Y（东）", "%[1]v", "%[1]v", uerr)
	}
	return pt, nil
}

// finish closes each right's rings and sets its boundary.
func (p *pointReader) finish() {
	for ri, ps := range p.parts {
		var g geo.MultiPolygon
		for _, rs := range ps {
			var poly geo.Polygon
			for _, r := range rs {
				if len(r) > 0 && r[0] != r[len(r)-1] {
					r = append(r, r[0])
				}
				poly = append(poly, r)
			}
			g = append(g, poly)
		}
		if p.rows[ri].GeomErr == nil {
			p.rows[ri].Geometry = g
		}
	}
}

// bilingual is a fault of one cell, before its sheet, row and field are
// known.
type bilingual struct{ zh, en string }

func (b *bilingual) Error() string { return b.zh + " / " + b.en }

// whole reads a whole number from lo to hi: digits only, so "1e308",
// "-1", "1.5", "NaN" and "Inf" are refused, not rounded or wrapped.
func whole(s string, lo, hi int, zh, en, whyZH, whyEN string) (int, error) {
	if s == "" {
		return 0, &bilingual{fmt.Sprintf("%s为空，应为 %d～%d 的整数", zh, lo, hi), fmt.Sprintf("the %s is empty; it must be a whole number from %d to %d", en, lo, hi)}
	}
	digits := s != ""
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			digits = false
			break
		}
	}
	if !digits {
		return 0, &bilingual{fmt.Sprintf("“%s”不是 %d～%d 的整数", input.Excerpt(s), lo, hi), fmt.Sprintf("%q is not a whole number from %d to %d", input.Excerpt(s), lo, hi)}
	}
	t := strings.TrimLeft(s, "0")
	n, err := strconv.Atoi(t)
	if t == "" {
		n, err = 0, nil
	}
	if err != nil || len(t) > 9 || n < lo || n > hi {
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 %d～%d（%s）", zh, input.Excerpt(s), lo, hi, whyZH), fmt.Sprintf("%s %s is outside %d to %d (%s)", en, input.Excerpt(s), lo, hi, whyEN)}
	}
	return n, nil
}

// finite reads a decimal coordinate of absolute value at most max;
// "Inf", "NaN" and numbers beyond the range are refused.
func finite(s, zh, en string, max float64) (float64, *bilingual) {
	if s == "" {
		return 0, &bilingual{zh + "为空", "the " + en + " is empty"}
	}
	v, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 −%g～%g", zh, input.Excerpt(s), max, max), fmt.Sprintf("the %s %s is outside −%g to %g", en, input.Excerpt(s), max, max)}
	}
	if err != nil || isNumberWord(s) || strings.ContainsAny(s, "xXpP_") {
		return 0, &bilingual{fmt.Sprintf("%s“%s”不是数字", zh, input.Excerpt(s)), fmt.Sprintf("the %s %q is not a number", en, input.Excerpt(s))}
	}
	if math.Abs(v) > max {
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 −%g～%g", zh, input.Excerpt(s), max, max), fmt.Sprintf("the %s %s is outside −%g to %g", en, input.Excerpt(s), max, max)}
	}
	return v, nil
}
