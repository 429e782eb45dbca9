package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

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

// ReadRegisterXLSX reads the rights and their boundaries; problems in the
// boundaries are reported on the right's row.
func ReadRegisterXLSX(path string) ([]ImportRow, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("不是有效的 XLSX 文件 / not a valid XLSX file: %w", err)
	}
	defer f.Close()
	grid, err := f.GetRows(SheetRights, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("找不到工作表“%s” / no sheet %s: %w", SheetRights, SheetRights, err)
	}
	if len(grid) == 0 {
		return nil, fmt.Errorf("工作表“%s”是空的 / sheet %s is empty", SheetRights, SheetRights)
	}
	index := map[string]int{}
	for i, h := range grid[0] {
		index[strings.TrimSpace(h)] = i
	}
	var rows []ImportRow
	byID := map[string]int{}
	for n, cells := range grid[1:] {
		if allEmpty(cells) {
			continue
		}
		row := ImportRow{Row: n + 2, Values: map[string]any{}}
		for _, c := range RegisterColumns {
			for _, name := range []string{c.Header, c.Key, c.DBF} {
				if i, ok := index[name]; ok && i < len(cells) && cells[i] != "" {
					row.Values[c.Key] = cells[i]
					break
				}
			}
		}
		cell := func(name string) string {
			if i, ok := index[name]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		if s := cell("区域坐标"); s != "" {
			row.Geometry, row.Top, row.Bottom, row.GeomErr = regionGeometry(s)
			row.GeomField = "区域坐标"
		} else if s := cell("拐点坐标"); s != "" {
			row.Geometry, row.GeomErr = cornerGeometry(s)
			row.GeomField = "拐点坐标"
		}
		rows = append(rows, row)
		id := fmt.Sprint(row.Values["id"])
		if row.Values["id"] == nil {
			id = fmt.Sprint(row.Values["licence_number"])
		}
		byID[id] = len(rows) - 1
	}
	points, err := f.GetRows(SheetPoints, excelize.Options{RawCellValue: true})
	if err != nil {
		return rows, nil // no point sheet: boundaries come from the first sheet
	}
	if err := attachPoints(rows, byID, points); err != nil {
		return nil, err
	}
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

// attachPoints builds boundaries from the point sheet. Longitude and
// latitude are used when present (lossless); otherwise X, Y and the zone.
func attachPoints(rows []ImportRow, byID map[string]int, points [][]string) error {
	if len(points) == 0 {
		return nil
	}
	col := map[string]int{}
	for i, h := range points[0] {
		col[strings.TrimSpace(h)] = i
	}
	get := func(cells []string, name string) string {
		if i, ok := col[name]; ok && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	type key struct{ part, ring int }
	rings := map[int]map[key]geo.Ring{}
	order := map[int][]key{}
	for n, cells := range points[1:] {
		if allEmpty(cells) {
			continue
		}
		line := n + 2
		id := get(cells, "登记编号")
		ri, ok := byID[id]
		if !ok {
			return fmt.Errorf("工作表“%s”第 %d 行：登记编号“%s”在“%s”中没有 / sheet %s row %d: id %q is not in sheet %s", SheetPoints, line, id, SheetRights, SheetPoints, line, id, SheetRights)
		}
		part, err1 := strconv.Atoi(get(cells, "地块"))
		ring, err2 := strconv.Atoi(get(cells, "圈"))
		if err1 != nil || err2 != nil || part < 1 || ring < 1 {
			rows[ri].GeomErr = fmt.Errorf("工作表“%s”第 %d 行：地块、圈应为正整数", SheetPoints, line)
			continue
		}
		var pt geo.LonLat
		lon, errLon := strconv.ParseFloat(get(cells, "经度"), 64)
		lat, errLat := strconv.ParseFloat(get(cells, "纬度"), 64)
		if errLon == nil && errLat == nil {
			pt = geo.LonLat{Lon: lon, Lat: lat}
		} else {
			x, errX := strconv.ParseFloat(get(cells, "X（北）"), 64)
			y, errY := strconv.ParseFloat(get(cells, "Y（东）"), 64)
			zone, errZ := strconv.Atoi(get(cells, "带号"))
			if errX != nil || errY != nil || errZ != nil {
				rows[ri].GeomErr = fmt.Errorf("工作表“%s”第 %d 行：需要经度、纬度，或 X、Y 与带号", SheetPoints, line)
				continue
			}
			crs, err := geo.ZoneCRS(zone, y >= 1e7)
			if err != nil {
				rows[ri].GeomErr = fmt.Errorf("工作表“%s”第 %d 行：%v", SheetPoints, line, err)
				continue
			}
			if pt, err = crs.Unproject(geo.LonLat{Lon: y, Lat: x}); err != nil {
				rows[ri].GeomErr = err
				continue
			}
		}
		if rings[ri] == nil {
			rings[ri] = map[key]geo.Ring{}
		}
		k := key{part, ring}
		if _, seen := rings[ri][k]; !seen {
			order[ri] = append(order[ri], k)
		}
		rings[ri][k] = append(rings[ri][k], pt)
		rows[ri].GeomField = SheetPoints
	}
	for ri, ks := range order {
		var g geo.MultiPolygon
		for _, k := range ks {
			r := rings[ri][k]
			if len(r) > 0 && r[0] != r[len(r)-1] {
				r = append(r, r[0])
			}
			for len(g) < k.part {
				g = append(g, nil)
			}
			g[k.part-1] = append(g[k.part-1], r)
		}
		if rows[ri].GeomErr == nil {
			rows[ri].Geometry = g
		}
	}
	return nil
}
