package app

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"mineplan/internal/formats/ziplimit"
	"mineplan/internal/geo"
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
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetRights); err != nil {
		return err
	}
	header := make([]any, len(RegisterColumns))
	for i, c := range RegisterColumns {
		header[i] = c.Header
	}
	if err := f.SetSheetRow(SheetRights, "A1", &header); err != nil {
		return err
	}
	for i, r := range rs {
		row := make([]any, len(RegisterColumns))
		for j, c := range RegisterColumns {
			row[j] = c.Label(c.get(r))
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(SheetRights, cell, &row); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(SheetPoints); err != nil {
		return err
	}
	ph := make([]any, len(pointHeaders))
	for i, h := range pointHeaders {
		ph[i] = h
	}
	if err := f.SetSheetRow(SheetPoints, "A1", &ph); err != nil {
		return err
	}
	line := 2
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
					row := []any{r.ID, pi + 1, ri + 1, kind, k + 1, strconv.FormatFloat(pt.Lon, 'f', -1, 64), strconv.FormatFloat(pt.Lat, 'f', -1, 64), round2(xy.Lat), round2(xy.Lon), zone}
					cell, _ := excelize.CoordinatesToCellName(1, line)
					if err := f.SetSheetRow(SheetPoints, cell, &row); err != nil {
						return err
					}
					line++
				}
			}
		}
	}
	for _, s := range []string{SheetRights, SheetPoints} {
		if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

func round2(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

// Limits of the register workbook, beyond the zip limits every archive
// obeys (ziplimit: the shared total of inflated bytes and entries). They
// are far above any real register (a prefecture holds a few thousand
// rights of a few dozen corner points each) and bound the memory and time
// of one import; docs/formats.md ("Limits and memory budget") states them.
const (
	MaxRegisterRights  = 100_000   // non-empty rows of sheet 矿业权
	MaxRegisterPoints  = 1_000_000 // non-empty rows of sheet 拐点坐标
	MaxPointsPerRight  = 200_000   // corner points of one right
	MaxPartsPerRight   = 100       // 地块: parcels of one right
	MaxRingsPerPart    = 1000      // 圈: rings of one parcel
	MaxRegisterColumns = 256       // columns of a worksheet (IV, the old .xls limit)
	MaxCellChars       = 32_767    // characters of a cell (Excel's own limit)
	// MaxXLSXPartBytes bounds each part of the workbook other than the
	// worksheets (shared strings, styles, the workbook itself): excelize
	// decodes those whole, at about six times their size.
	MaxXLSXPartBytes = 32 << 20
	// xlsxStreamBytes is excelize's UnzipXMLSizeLimit: a worksheet larger
	// than this is read from a temporary file as a stream.
	xlsxStreamBytes = 16 << 20
)

// xlsxOptions are the options every excelize.OpenFile of an uploaded
// workbook takes.
func xlsxOptions() excelize.Options {
	return excelize.Options{UnzipSizeLimit: ziplimit.DefaultMaxBytes, UnzipXMLSizeLimit: xlsxStreamBytes}
}

// ReadRegisterXLSX reads the rights and their boundaries. The workbook is
// checked before excelize parses it (checkXLSX: the zip limits, the size
// of each part, the cell references of every worksheet); every number
// that sizes what is built (parcel, ring and point numbers, zones, rows,
// points) is bounded. Faults of a right's boundary are reported on the
// right's row (ImportRow.GeomErr), naming the point sheet's row and
// field; a file beyond the limits is refused whole.
func ReadRegisterXLSX(path string) ([]ImportRow, error) {
	if err := checkXLSX(path); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, xlsxOptions())
	if err != nil {
		return nil, fmt.Errorf("不是有效的 XLSX 文件 / not a valid XLSX file: %v", err)
	}
	defer f.Close()
	var rows []ImportRow
	byID := map[string]int{}
	var index map[string]int
	err = eachRow(f, SheetRights, func(line int, cells []string) error {
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
			return sheetFault(SheetRights, line, "", "矿业权超过 %[1]d 个的上限", "more than the limit of %[1]d rights", MaxRegisterRights)
		}
		row := ImportRow{Row: line, Values: map[string]any{}}
		cell := func(name string) (string, error) {
			i, ok := index[name]
			if !ok || i >= len(cells) {
				return "", nil
			}
			if n := utf8.RuneCountInString(cells[i]); n > MaxCellChars {
				return "", sheetFault(SheetRights, line, name, "单元格有 %[1]d 个字符，超过 Excel 的上限 %[2]d", "the cell has %[1]d characters, over Excel's limit of %[2]d", n, MaxCellChars)
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
	var missing excelize.ErrSheetNotExist
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("找不到工作表“%[1]s” / no sheet %[1]s", SheetRights)
	case err != nil:
		return nil, err
	case index == nil:
		return nil, fmt.Errorf("工作表“%[1]s”是空的 / sheet %[1]s is empty", SheetRights)
	}
	pts := newPointReader(rows, byID)
	err = eachRow(f, SheetPoints, pts.row)
	switch {
	case errors.As(err, &missing):
		return rows, nil // no point sheet: boundaries come from the first sheet
	case err != nil:
		return nil, err
	}
	pts.finish()
	return rows, nil
}

// eachRow streams a sheet's rows (1-based numbers, raw cell values),
// never holding the whole sheet.
func eachRow(f *excelize.File, sheet string, fn func(line int, cells []string) error) error {
	it, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer it.Close()
	line := 0
	for it.Next() {
		line++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("工作表“%[1]s”第 %[2]d 行无法读取 / sheet %[1]s row %[2]d cannot be read: %[3]v", sheet, line, err)
		}
		if len(cells) > MaxRegisterColumns {
			return sheetFault(sheet, line, "", "有 %[1]d 列，超过 %[2]d 列的上限", "has %[1]d columns, over the limit of %[2]d", len(cells), MaxRegisterColumns)
		}
		if err := fn(line, cells); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("工作表“%[1]s”第 %[2]d 行之后无法读取 / sheet %[1]s cannot be read after row %[2]d: %[3]v", sheet, line, err)
	}
	return nil
}

// sheetFault is a bilingual error naming the sheet, the row and, when
// given, the field (column header): "工作表“拐点坐标”第 5 行字段 地块：… /
// sheet 拐点坐标 row 5 field 地块: …". zh and en take the same arguments,
// by index.
func sheetFault(sheet string, line int, field, zh, en string, args ...any) error {
	wz := fmt.Sprintf("工作表“%s”第 %d 行", sheet, line)
	we := fmt.Sprintf("sheet %s row %d", sheet, line)
	if field != "" {
		wz += "字段 " + field
		we += " field " + field
	}
	return errors.New(wz + "：" + fmt.Sprintf(zh, args...) + " / " + we + ": " + fmt.Sprintf(en, args...))
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
		if n := utf8.RuneCountInString(cells[i]); n > MaxCellChars && tooLong == nil {
			tooLong = sheetFault(SheetPoints, line, name, "单元格有 %[1]d 个字符，超过 Excel 的上限 %[2]d", "the cell has %[1]d characters, over Excel's limit of %[2]d", n, MaxCellChars)
		}
		return strings.TrimSpace(cells[i])
	}
	id := get("登记编号")
	if tooLong != nil {
		return tooLong
	}
	ri, ok := p.byID[id]
	if !ok {
		return fmt.Errorf("工作表“%[1]s”第 %[2]d 行字段 登记编号：“%[3]s”在工作表“%[4]s”中没有 / sheet %[1]s row %[2]d field 登记编号: %[3]q is not in sheet %[4]s", SheetPoints, line, shortText(id), SheetRights)
	}
	if p.total++; p.total > MaxRegisterPoints {
		return sheetFault(SheetPoints, line, "", "拐点超过 %[1]d 个的上限", "more than the limit of %[1]d corner points", MaxRegisterPoints)
	}
	if p.points[ri]++; p.points[ri] > MaxPointsPerRight {
		return sheetFault(SheetPoints, line, "登记编号", "矿业权 %[1]s 的拐点超过 %[2]d 个的上限", "right %[1]s has more than the limit of %[2]d corner points", shortText(id), MaxPointsPerRight)
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
		return fail(sheetFault(SheetPoints, line, "地块", "%[1]s", "%[2]s", err.(*bilingual).zh, err.(*bilingual).en))
	}
	ring, err := whole(get("圈"), 1, MaxRingsPerPart, "圈", "ring number", "一个地块最多 1000 个圈", "a parcel has at most 1000 rings")
	if err != nil {
		return fail(sheetFault(SheetPoints, line, "圈", "%[1]s", "%[2]s", err.(*bilingual).zh, err.(*bilingual).en))
	}
	if s := get("点号"); s != "" {
		if v, perr := strconv.ParseFloat(s, 64); perr == nil || isNumberWord(s) {
			if v != math.Trunc(v) || v < 1 || v > MaxPointsPerRight || math.IsNaN(v) {
				return fail(sheetFault(SheetPoints, line, "点号", "“%[1]s”不是 1～%[2]d 的整数（点号也可以是 J1 这样的文字）", "%[1]q is not a whole number from 1 to %[2]d (a point number may also be a label such as J1)", shortText(s), MaxPointsPerRight))
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
		return fail(sheetFault(SheetPoints, line, "地块", "地块 %[1]d 跳过了地块 %[2]d（地块应从 1 起连续编号）", "parcel %[1]d skips parcel %[2]d (parcels are numbered from 1 without gaps)", part, len(ps)+1))
	}
	rs := ps[part-1]
	switch {
	case ring == len(rs)+1:
		rs = append(rs, nil)
	case ring > len(rs)+1:
		return fail(sheetFault(SheetPoints, line, "圈", "地块 %[1]d 的圈 %[2]d 跳过了圈 %[3]d（圈应从 1 起连续编号）", "ring %[2]d of parcel %[1]d skips ring %[3]d (rings are numbered from 1 without gaps)", part, ring, len(rs)+1))
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
			return geo.LonLat{}, sheetFault(SheetPoints, line, "经度", "%[1]s", "%[2]s", err.zh, err.en)
		}
		lat, err := finite(latText, "纬度", "latitude", 90)
		if err != nil {
			return geo.LonLat{}, sheetFault(SheetPoints, line, "纬度", "%[1]s", "%[2]s", err.zh, err.en)
		}
		return geo.LonLat{Lon: lon, Lat: lat}, nil
	}
	xText, yText, zText := get("X（北）"), get("Y（东）"), get("带号")
	if xText == "" && yText == "" && zText == "" {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "", "需要经度、纬度，或 X（北）、Y（东）与带号", "needs 经度 and 纬度 (longitude, latitude), or X（北）, Y（东） and 带号 (zone)")
	}
	x, err := finite(xText, "X（北）", "X (northing)", 1e8)
	if err != nil {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "X（北）", "%[1]s", "%[2]s", err.zh, err.en)
	}
	y, err := finite(yText, "Y（东）", "Y (easting)", 1e8)
	if err != nil {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "Y（东）", "%[1]s", "%[2]s", err.zh, err.en)
	}
	zone, zerr := whole(zText, 25, 45, "带号", "zone", "3° 带带号为 25～45", "3° zones are numbered 25 to 45")
	if zerr != nil {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "带号", "%[1]s", "%[2]s", zerr.(*bilingual).zh, zerr.(*bilingual).en)
	}
	crs, cerr := geo.ZoneCRS(zone, y >= 1e7)
	if cerr != nil {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "带号", "%[1]v", "%[1]v", cerr)
	}
	pt, uerr := crs.Unproject(geo.LonLat{Lon: y, Lat: x})
	if uerr != nil {
		return geo.LonLat{}, sheetFault(SheetPoints, line, "Y（东）", "%[1]v", "%[1]v", uerr)
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
		return 0, &bilingual{fmt.Sprintf("“%s”不是 %d～%d 的整数", shortText(s), lo, hi), fmt.Sprintf("%q is not a whole number from %d to %d", shortText(s), lo, hi)}
	}
	t := strings.TrimLeft(s, "0")
	n, err := strconv.Atoi(t)
	if t == "" {
		n, err = 0, nil
	}
	if err != nil || len(t) > 9 || n < lo || n > hi {
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 %d～%d（%s）", zh, shortText(s), lo, hi, whyZH), fmt.Sprintf("%s %s is outside %d to %d (%s)", en, shortText(s), lo, hi, whyEN)}
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
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 −%g～%g", zh, shortText(s), max, max), fmt.Sprintf("the %s %s is outside −%g to %g", en, shortText(s), max, max)}
	}
	if err != nil || isNumberWord(s) || strings.ContainsAny(s, "xXpP_") {
		return 0, &bilingual{fmt.Sprintf("%s“%s”不是数字", zh, shortText(s)), fmt.Sprintf("the %s %q is not a number", en, shortText(s))}
	}
	if math.Abs(v) > max {
		return 0, &bilingual{fmt.Sprintf("%s %s 超出 −%g～%g", zh, shortText(s), max, max), fmt.Sprintf("the %s %s is outside −%g to %g", en, shortText(s), max, max)}
	}
	return v, nil
}

func shortText(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// checkXLSX refuses a workbook before excelize parses it: the zip limits
// shared with every archive (ziplimit: entries, declared and inflated
// sizes), MaxXLSXPartBytes for each part other than a worksheet, and in
// every part the cell references: at most MaxRegisterColumns columns and
// cells in a row, row numbers within Excel's 1 048 576 (a cell at column
// XFD makes excelize fill 16 384 cells for one row).
func checkXLSX(path string) error {
	fail := func(err error) error {
		var ze *ziplimit.Error
		if errors.As(err, &ze) {
			return fmt.Errorf("XLSX 文件（zip 压缩包）：%s / XLSX file (a zip archive): %s", ze.ZH, ze.EN)
		}
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("无法打开 %[1]s / cannot open %[1]s: %[2]v", path, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return fmt.Errorf("无法读取 %[1]s / cannot read %[1]s: %[2]v", path, err)
	}
	za, err := ziplimit.Open(file, st.Size(), ziplimit.Limits{})
	if err != nil {
		return fail(err)
	}
	for _, f := range za.File {
		if !isWorksheetPart(f.Name) && f.UncompressedSize64 > MaxXLSXPartBytes {
			return fmt.Errorf("XLSX 文件的部件 %[1]s 解压后 %[2]d 字节，超过 %[3]d 字节的上限 / XLSX part %[1]s inflates to %[2]d bytes, over the limit of %[3]d", f.Name, f.UncompressedSize64, MaxXLSXPartBytes)
		}
	}
	sheets := sheetParts(za)
	for _, f := range za.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := za.Open(f)
		if err != nil {
			return fail(err)
		}
		err = scanCells(rc, f.Name, sheets[strings.ToLower(f.Name)])
		rc.Close()
		if err != nil {
			return fail(err)
		}
	}
	return nil
}

// isWorksheetPart: the parts excelize streams rather than decodes whole.
func isWorksheetPart(name string) bool {
	return strings.HasPrefix(strings.ToLower(strings.ReplaceAll(name, `\`, "/")), "xl/worksheets/sheet")
}

// sheetParts maps worksheet parts (lower-case zip names) to sheet names,
// from the workbook and its relationships, for messages; a part it cannot
// place is named by its path.
func sheetParts(za *ziplimit.Archive) map[string]string {
	find := func(name string) *zip.File {
		for _, f := range za.File {
			if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), name) {
				return f
			}
		}
		return nil
	}
	attrs := func(name, elem string, want ...string) [][]string {
		f := find(name)
		if f == nil || f.UncompressedSize64 > MaxXLSXPartBytes {
			return nil
		}
		b, err := za.Read(f)
		if err != nil {
			return nil
		}
		var out [][]string
		d := xml.NewDecoder(strings.NewReader(string(b)))
		for {
			tok, err := d.RawToken()
			if err != nil {
				return out
			}
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != elem {
				continue
			}
			vals := make([]string, len(want))
			for _, a := range se.Attr {
				for i, w := range want {
					if a.Name.Local == w {
						vals[i] = a.Value
					}
				}
			}
			out = append(out, vals)
		}
	}
	wb := "xl/workbook.xml"
	for _, r := range attrs("_rels/.rels", "Relationship", "Type", "Target") {
		if strings.HasSuffix(r[0], "/officeDocument") {
			wb = strings.TrimPrefix(r[1], "/")
		}
	}
	targets := map[string]string{}
	for _, r := range attrs(path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels"), "Relationship", "Id", "Target") {
		t := r[1]
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(path.Dir(wb), t)
		}
		targets[r[0]] = strings.ToLower(t)
	}
	out := map[string]string{}
	for _, s := range attrs(wb, "sheet", "name", "id") {
		if t, ok := targets[s[1]]; ok {
			out[t] = s[0]
		}
	}
	return out
}

// maxSheetRows is the XLSX format's row limit.
const maxSheetRows = excelize.TotalRows

// scanCells reads a part as text (whatever its name: relationships may
// point anywhere) and refuses the cell references excelize would turn
// into huge rows: in each <row>, at most MaxRegisterColumns cells and no
// reference beyond column MaxRegisterColumns or row maxSheetRows. It is a
// byte scanner, not an XML parser: text that only looks like a cell in a
// comment or CDATA section can refuse a file, nothing can hide a cell.
func scanCells(r io.Reader, part, sheet string) error {
	where := func(zh, en string, args ...any) error {
		name := fmt.Sprintf("工作表“%s”", sheet)
		nameEN := "sheet " + sheet
		if sheet == "" {
			name, nameEN = "部件 "+part, "part "+part
		}
		return fmt.Errorf("XLSX 文件%s：%s / XLSX file %s: %s", name, fmt.Sprintf(zh, args...), nameEN, fmt.Sprintf(en, args...))
	}
	br := bufio.NewReaderSize(r, 64<<10)
	cells, row := 0, 0
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
		name, err := xmlName(br)
		if err != nil {
			return ignoreEOF(err)
		}
		local := name[strings.LastIndexByte(name, ':')+1:]
		if local != "c" && local != "row" {
			continue
		}
		ref, err := refAttr(br)
		if err != nil {
			return ignoreEOF(err)
		}
		if local == "row" {
			cells = 0
			if ref != "" {
				n, ok := rowNumber(ref)
				if !ok || n > maxSheetRows {
					return where("行号“%s”无效（应为 1～%d）", "row number %q is invalid (want 1 to %d)", shortText(ref), maxSheetRows)
				}
				row = n
			} else {
				row++
			}
			continue
		}
		if cells++; cells > MaxRegisterColumns {
			return where("第 %d 行的单元格超过 %d 个的上限", "row %d has more than the limit of %d cells", row, MaxRegisterColumns)
		}
		if ref != "" {
			col, n, ok := cellRef(ref)
			switch {
			case !ok || n > maxSheetRows:
				return where("单元格引用“%s”无效", "cell reference %q is invalid", shortText(ref))
			case col > MaxRegisterColumns:
				return where("单元格 %s 在第 %d 列，超过 %d 列（IV）的上限", "cell %s is in column %d, beyond the limit of %d columns (IV)", shortText(ref), col, MaxRegisterColumns)
			}
		}
	}
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// xmlName reads an element name after '<' (empty for </…, <!…, <?…).
func xmlName(br *bufio.Reader) (string, error) {
	var b []byte
	for len(b) < 64 {
		c, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '<' {
			br.UnreadByte()
			return string(b), nil
		}
		b = append(b, c)
	}
	return string(b), nil
}

// refAttr reads the attributes of a start tag up to '>' and returns the
// value of the one whose local name is r (entities decoded).
func refAttr(br *bufio.Reader) (string, error) {
	ref := ""
	for {
		c, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		switch {
		case c == '>' || c == '<':
			if c == '<' {
				br.UnreadByte()
			}
			return ref, nil
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/':
			continue
		}
		// An attribute: name, optional space, '=', optional space, quoted value.
		name := []byte{c}
		for {
			c, err = br.ReadByte()
			if err != nil {
				return "", err
			}
			if c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '<' {
				break
			}
			if len(name) < 64 {
				name = append(name, c)
			}
		}
		for c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if c, err = br.ReadByte(); err != nil {
				return "", err
			}
		}
		if c != '=' {
			br.UnreadByte()
			continue
		}
		for {
			if c, err = br.ReadByte(); err != nil {
				return "", err
			}
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				break
			}
		}
		if c != '"' && c != '\'' {
			br.UnreadByte()
			continue
		}
		quote := c
		var val []byte
		for {
			if c, err = br.ReadByte(); err != nil {
				return "", err
			}
			if c == quote {
				break
			}
			if len(val) < 256 {
				val = append(val, c)
			}
		}
		n := string(name)
		if n[strings.LastIndexByte(n, ':')+1:] == "r" {
			ref = strings.TrimSpace(html.UnescapeString(string(val)))
		}
	}
}

func rowNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 1
}

// cellRef splits "AB12" (letters of any case, optional $ marks) into its
// column and row numbers.
func cellRef(s string) (col, row int, ok bool) {
	s = strings.ReplaceAll(s, "$", "")
	i := 0
	for i < len(s) && i < 8 && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		col = col*26 + int(s[i]|0x20-'a') + 1
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	row, ok = rowNumber(s[i:])
	return col, row, ok
}
