package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"mineplan/internal/authz"
	"mineplan/internal/formats"
	"mineplan/internal/formats/cornerpoints"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// ImportRow is one right read from a file, before validation.
type ImportRow struct {
	Row       int            // row (XLSX, 1-based with the header as row 1) or feature number
	Values    map[string]any // by RegisterColumn key
	Geometry  geo.MultiPolygon
	Top       *float64
	Bottom    *float64
	GeomField string
	GeomErr   error
}

// ImportProblem is one fault of one row, named by row and field.
type ImportProblem struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// String is the problem in Chinese, then English: the message holds both,
// separated by " / ".
func (p ImportProblem) String() string {
	zh, en, ok := strings.Cut(p.Message, " / ")
	if !ok {
		en = zh
	}
	return fmt.Sprintf("第 %d 行，%s：%s / row %d, %s: %s", p.Row, p.Field, zh, p.Row, fieldKey(p.Field), en)
}

// fieldKey is the English name of a column by its Chinese header.
func fieldKey(header string) string {
	for _, c := range RegisterColumns {
		if c.Header == header {
			return c.Key
		}
	}
	switch header {
	case "拐点坐标", "区域坐标":
		return "boundary"
	case "矿业权人":
		return "holder"
	case "统一社会信用代码":
		return "credit_code"
	case "状态":
		return "status"
	}
	return header
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Rows     int             `json:"rows"`
	Imported int             `json:"imported"`
	DryRun   bool            `json:"dry_run"`
	Problems []ImportProblem `json:"problems"`
}

// ReadRegisterFile reads rights from XLSX, GeoJSON, Shapefile (or a zip)
// or GeoPackage; opt applies to the layer formats (the .dbf encoding).
func ReadRegisterFile(path string, opt fileio.ReadOptions) ([]ImportRow, error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return ReadRegisterXLSX(path)
	}
	l, _, err := fileio.ReadWith(path, opt)
	if err != nil {
		return nil, err
	}
	if err := l.Reproject(geo.EPSG4490); err != nil {
		return nil, err
	}
	return layerRows(l), nil
}

func layerRows(l *formats.Layer) []ImportRow {
	idx := map[string]int{}
	for i, f := range l.Fields {
		idx[f.Name] = i
	}
	rows := make([]ImportRow, len(l.Features))
	for n, f := range l.Features {
		row := ImportRow{Row: n + 1, Values: map[string]any{}, Geometry: f.Geometry, GeomField: "geometry"}
		for _, c := range RegisterColumns {
			for _, name := range []string{c.Key, c.DBF, c.Header} {
				if i, ok := idx[name]; ok && f.Values[i] != nil {
					row.Values[c.Key] = f.Values[i]
					break
				}
			}
		}
		rows[n] = row
	}
	return rows
}

func regionGeometry(s string) (geo.MultiPolygon, *float64, *float64, error) {
	r, err := cornerpoints.ParseRegion(s)
	if err != nil {
		return nil, nil, nil, err
	}
	return r.Geometry, r.ElevationTop, r.ElevationBottom, nil
}

func cornerGeometry(s string) (geo.MultiPolygon, error) {
	p, err := cornerpoints.Parse([]byte(s))
	if err != nil {
		return nil, err
	}
	return p.Geometry, nil
}

// importEvents turns a row into the events that recreate it: a grant in
// the status a new right has, then the event that reaches its status. The
// county and minerals must be in the plan's catalogues (the county is
// stored by its catalogue name) and the boundary inside its territory.
func importEvents(p *plan.Plan, row ImportRow, day rights.Date) ([]rights.Event, []ImportProblem) {
	var problems []ImportProblem
	bad := func(field, msg string) {
		problems = append(problems, ImportProblem{Row: row.Row, Field: field, Message: msg})
	}
	r := &rights.Right{}
	for _, c := range RegisterColumns {
		v, err := c.ValueText(row.Values[c.Key])
		if err != nil {
			bad(c.Header, err.Error())
			continue
		}
		if v == "" {
			continue
		}
		if err := c.set(r, v); err != nil {
			bad(c.Header, err.Error())
		}
	}
	checkCatalogues(p, r, bad)
	if row.Top != nil || row.Bottom != nil {
		r.ElevationTop, r.ElevationBottom = row.Top, row.Bottom
	}
	switch {
	case row.GeomErr != nil:
		bad(fieldHeader(row.GeomField), row.GeomErr.Error())
	case len(row.Geometry) == 0:
		bad("拐点坐标", "缺少范围（拐点坐标）/ the boundary is missing")
	default:
		if err := geo.ValidateMultiPolygon(row.Geometry); err != nil {
			bad(fieldHeader(row.GeomField), err.Error())
		} else if err := p.CheckInside(row.Geometry); err != nil {
			bad(fieldHeader(row.GeomField), err.Error())
		}
	}
	id := r.ID
	if id == "" {
		id = r.LicenceNumber
	}
	if id == "" {
		bad("许可证号", "许可证号与登记编号都为空 / both the licence number and the registration id are empty")
	}
	if len(problems) > 0 {
		return nil, problems
	}
	final := r.Status
	switch {
	case r.Kind == rights.Exploration:
		r.Status = rights.Valid
	case r.Kind == rights.Mining && final == rights.UnderConstruction:
		r.Status = rights.UnderConstruction
	case r.Kind == rights.Mining:
		r.Status = rights.Producing
	}
	reason := "导入：" + day.String() + " 导入时的状态"
	events := []rights.Event{{RightID: id, Type: rights.Grant, Date: r.ValidFrom, Actor: "导入", Reason: "导入", Change: rights.Change{Right: r, Geometry: row.Geometry}}}
	follow := map[rights.Status]rights.EventType{rights.Retained: rights.Retain, rights.Suspended: rights.Suspend, rights.Closed: rights.Close, rights.Cancelled: rights.Cancel}
	if t, ok := follow[final]; ok {
		events = append(events, rights.Event{RightID: id, Type: t, Date: day, Actor: "导入", Reason: reason})
	}
	return events, nil
}

// checkCatalogues reports a county or mineral the plan does not know, with
// the closest names, and stores a known county by its catalogue name.
func checkCatalogues(p *plan.Plan, r *rights.Right, bad func(field, msg string)) {
	if r.County != "" {
		if c, ok := p.CountyByNameOrCode(r.County); ok {
			r.County = c.Name
		} else {
			near := p.ClosestCounties(r.County, 3)
			bad(fieldHeader("county"), fmt.Sprintf("规划中没有县（市）“%s”；相近的有：%s / the plan has no county %q; closest: %s", r.County, strings.Join(near, "、"), r.County, strings.Join(near, ", ")))
		}
	}
	minerals := append([]string{r.MainMineral}, r.Associated...)
	for i, m := range minerals {
		if m == "" {
			continue
		}
		if _, ok := p.Mineral(m); !ok {
			field := fieldHeader("main_mineral")
			if i > 0 {
				field = fieldHeader("associated")
			}
			near := p.ClosestMinerals(m, 5)
			bad(field, fmt.Sprintf("规划中没有矿种“%s”；相近的有：%s / the plan has no mineral %q; closest: %s", m, strings.Join(near, "、"), m, strings.Join(near, ", ")))
		}
	}
}

func fieldHeader(field string) string {
	for _, c := range RegisterColumns {
		if c.Key == field || strings.HasPrefix(field, c.Key+".") {
			return c.Header
		}
	}
	switch field {
	case "holder.name":
		return "矿业权人"
	case "holder.credit_code":
		return "统一社会信用代码"
	case "geometry":
		return "拐点坐标"
	}
	return field
}

var errDryRun = errors.New("dry run")

// ImportRights validates every row and, unless dryRun, stores all of them
// in one transaction; one bad row stores nothing. Every problem is
// reported with its row and field.
//
// It stops with ctx's error, storing nothing, when ctx is cancelled.
func ImportRights(ctx context.Context, st store.Store, p *plan.Plan, rows []ImportRow, day rights.Date, now time.Time, dryRun bool) (ImportReport, error) {
	rep := ImportReport{Rows: len(rows), DryRun: dryRun, Problems: []ImportProblem{}}
	var all []rights.Event
	rowOf := map[string]int{}
	seen := map[string]int{}
	for _, row := range rows {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		evs, probs := importEvents(p, row, day)
		rep.Problems = append(rep.Problems, probs...)
		if len(evs) == 0 {
			continue
		}
		id := evs[0].RightID
		if first, dup := seen[id]; dup {
			rep.Problems = append(rep.Problems, ImportProblem{Row: row.Row, Field: "许可证号", Message: fmt.Sprintf("与第 %d 行重复：%s / repeats row %d: %s", first, id, first, id)})
			continue
		}
		seen[id] = row.Row
		if lic := evs[0].Change.Right.LicenceNumber; lic != "" {
			if first, dup := seen["licence:"+lic]; dup {
				rep.Problems = append(rep.Problems, ImportProblem{Row: row.Row, Field: "许可证号", Message: fmt.Sprintf("许可证号与第 %d 行重复：%s / the licence number repeats row %d: %s", first, lic, first, lic)})
				continue
			}
			seen["licence:"+lic] = row.Row
		}
		if _, err := st.Right(ctx, id); err == nil {
			rep.Problems = append(rep.Problems, ImportProblem{Row: row.Row, Field: "许可证号", Message: id + " 已在登记簿中 / " + id + " is already in the register"})
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return rep, err
		}
		// Check the row's own events now, so each bad row is reported.
		var state *rights.Right
		ok := true
		for _, ev := range evs {
			ev.Seq = 1
			if state != nil {
				ev.Seq = state.Seq + 1
			}
			next, err := rights.Apply(state, ev)
			if err != nil {
				rep.Problems = append(rep.Problems, problemFor(row.Row, err))
				ok = false
				break
			}
			state = &next
		}
		if ok {
			rowOf[id] = row.Row
			all = append(all, evs...)
		}
	}
	rep.Problems = append(rep.Problems, overlapsWithin(all, rowOf)...)
	if len(rep.Problems) > 0 {
		sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Row < rep.Problems[j].Row })
		return rep, nil
	}
	if dryRun {
		// Run the same checks against the stored register, then roll back.
		_, err := recordEvents(ctx, st, all, now, authz.RightsImport, func(context.Context, store.RightsReader) error { return errDryRun })
		if err != nil && !errors.Is(err, errDryRun) {
			rep.Problems = append(rep.Problems, problemForID(err, rowOf))
		}
		return rep, nil
	}
	stored, err := recordEvents(ctx, st, all, now, authz.RightsImport, nil)
	if err != nil {
		var oe *rights.OverlapError
		if errors.As(err, &oe) {
			rep.Problems = append(rep.Problems, problemForID(err, rowOf))
			return rep, nil
		}
		return rep, err
	}
	rep.Imported = len(stored)
	return rep, nil
}

func problemFor(row int, err error) ImportProblem {
	var ve *rights.ValidationError
	var te *rights.TransitionError
	switch {
	case errors.As(err, &ve):
		return ImportProblem{Row: row, Field: fieldHeader(ve.Field), Message: ve.ZH + " / " + ve.EN}
	case errors.As(err, &te):
		return ImportProblem{Row: row, Field: "状态", Message: err.Error()}
	}
	return ImportProblem{Row: row, Field: "", Message: err.Error()}
}

func problemForID(err error, rowOf map[string]int) ImportProblem {
	var oe *rights.OverlapError
	if errors.As(err, &oe) {
		return ImportProblem{Row: rowOf[oe.Right], Field: "拐点坐标", Message: err.Error()}
	}
	return ImportProblem{Message: err.Error()}
}

// overlapsWithin reports rows of the file that overlap each other with
// different holders (overlaps with the stored register are checked when
// storing). A sweep over the boxes sorted by west edge keeps this near
// linear for a register's scattered parcels; each overlap is reported on
// the later row.
func overlapsWithin(events []rights.Event, rowOf map[string]int) []ImportProblem {
	type grant struct {
		ev  rights.Event
		box geo.BBox
	}
	var grants []grant
	for _, ev := range events {
		if ev.Type == rights.Grant {
			grants = append(grants, grant{ev, ev.Change.Geometry.Bounds()})
		}
	}
	sort.SliceStable(grants, func(i, j int) bool { return grants[i].box.MinLon < grants[j].box.MinLon })
	var out []ImportProblem
	for i := range grants {
		for j := i + 1; j < len(grants) && grants[j].box.MinLon <= grants[i].box.MaxLon; j++ {
			a, b := grants[i].ev, grants[j].ev
			if !grants[i].box.Intersects(grants[j].box) || sameHolder(a.Change.Right.Holder, b.Change.Right.Holder) {
				continue
			}
			if rowOf[a.RightID] < rowOf[b.RightID] {
				a, b = b, a
			}
			if area := geo.OverlapArea(a.Change.Geometry, b.Change.Geometry); area >= rights.MinOverlapM2 {
				out = append(out, ImportProblem{Row: rowOf[a.RightID], Field: "拐点坐标",
					Message: fmt.Sprintf("与第 %d 行（%s，%s）重叠 %.2f 平方米 / overlaps row %d (%s, %s) by %.2f m²", rowOf[b.RightID], b.RightID, b.Change.Right.Holder.Name, area, rowOf[b.RightID], b.RightID, b.Change.Right.Holder.Name, area)})
			}
		}
	}
	return out
}

// ExportRegister writes the register in a format by name: xlsx, shp,
// gpkg or geojson.
func ExportRegister(path, format string, rs []rights.Right) ([]string, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s 已存在，不覆盖 / %s exists: not overwritten", path, path)
	}
	switch format {
	case "xlsx":
		return nil, WriteRegisterXLSX(path, rs)
	case "shp", "gpkg", "geojson":
		return fileio.Write(path, RightsLayer(rs, format == "shp"), "UTF-8")
	}
	return nil, fmt.Errorf("不支持的导出格式 %q（xlsx、shp、gpkg、geojson）/ unsupported format %q", format, format)
}
