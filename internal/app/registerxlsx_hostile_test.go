package app_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mineplan/internal/app"
	"mineplan/internal/formats/shapefile"
	"mineplan/internal/formats/xlsx"
	"mineplan/internal/formats/ziplimit"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

var hostilePointHeader = []any{"登记编号", "地块", "圈", "圈属性", "点号", "经度", "纬度", "X（北）", "Y（东）", "带号"}

// square is the corner points of one ring (lon/lat, not closed).
var square = [][2]string{{"75.5", "39.5"}, {"75.51", "39.5"}, {"75.51", "39.51"}, {"75.5", "39.51"}}

// workbook writes a register workbook: rights rows (登记编号 only, which is
// enough to read) and point rows as given, to a file in dir.
func workbook(t testing.TB, dir string, ids []string, points [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", app.SheetRights); err != nil {
		t.Fatal(err)
	}
	header := []any{"登记编号", "项目（矿山）名称"}
	if err := f.SetSheetRow(app.SheetRights, "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		row := []any{id, "矿山" + id}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(app.SheetRights, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if points != nil {
		if _, err := f.NewSheet(app.SheetPoints); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(app.SheetPoints, "A1", &hostilePointHeader); err != nil {
			t.Fatal(err)
		}
		for i, p := range points {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow(app.SheetPoints, cell, &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("register-%d.xlsx", time.Now().UnixNano()))
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// ring is the point rows of one ring of right id.
func ring(id string, part, ringNo any) [][]any {
	var out [][]any
	for k, p := range square {
		out = append(out, []any{id, part, ringNo, "外圈", k + 1, p[0], p[1]})
	}
	return out
}

func concat(rs ...[][]any) [][]any {
	var out [][]any
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

func wantText(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error containing %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if !strings.Contains(err.Error(), " / ") {
		t.Errorf("not bilingual: %v", err)
	}
}

// geomErr reads the workbook and returns the boundary fault of its only
// right; it must come back fast whatever the numbers say.
func geomErr(t *testing.T, path string) error {
	t.Helper()
	start := time.Now()
	rows, err := app.ReadRegisterXLSX(path)
	if err != nil {
		t.Fatalf("refused whole: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].GeomErr != nil && (rows[0].GeomField != app.SheetPoints || rows[0].Geometry != nil) {
		t.Errorf("field %q, geometry %v with the fault", rows[0].GeomField, rows[0].Geometry)
	}
	return rows[0].GeomErr
}

// TestHugeParcelNumber: a parcel number of 2 000 000 000 used to grow a
// slice to that length until the process ran out of memory.
func TestHugeParcelNumber(t *testing.T) {
	dir := t.TempDir()
	path := workbook(t, dir, []string{"KS-1"}, concat(ring("KS-1", 1, 1), ring("KS-1", 2000000000, 1)))
	err := geomErr(t, path)
	wantText(t, err, "工作表“拐点坐标”第 6 行字段 地块：地块 2000000000 超出 1～100（一宗矿业权最多 100 个地块）",
		"sheet 拐点坐标 row 6 field 地块: parcel number 2000000000 is outside 1 to 100 (a right has at most 100 parcels)")

	// The fault reaches the import report on the right's row, and nothing
	// is stored.
	rows, err := app.ReadRegisterXLSX(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(testutil.Context()); err != nil {
		t.Fatal(err)
	}
	rep, err := app.ImportRights(testutil.Context(), db, testPlan(t), rows, importDay, clock, false)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		if p.Row == 2 && p.Field == app.SheetPoints && strings.Contains(p.Message, "sheet 拐点坐标 row 6 field 地块") {
			found = true
		}
	}
	if !found || rep.Imported != 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestAbsurdPointCells(t *testing.T) {
	dir := t.TempDir()
	row := func(part, ringNo, point, lon, lat any) [][]any {
		return concat(ring("KS-1", 1, 1), [][]any{{"KS-1", part, ringNo, "外圈", point, lon, lat}})
	}
	xy := func(x, y, zone any) [][]any {
		return concat(ring("KS-1", 1, 1), [][]any{{"KS-1", 1, 1, "外圈", 5, "", "", x, y, zone}})
	}
	for _, tc := range []struct {
		name   string
		points [][]any
		want   []string
	}{
		{"parcel 1e308", row("1e308", 1, 5, "75.5", "39.5"), []string{"第 6 行字段 地块：“1e308”不是 1～100 的整数", `sheet 拐点坐标 row 6 field 地块: "1e308" is not a whole number from 1 to 100`}},
		{"parcel -1", row("-1", 1, 5, "75.5", "39.5"), []string{`row 6 field 地块: "-1" is not a whole number from 1 to 100`}},
		{"parcel NaN", row("NaN", 1, 5, "75.5", "39.5"), []string{`row 6 field 地块: "NaN" is not a whole number`}},
		{"parcel 1.5", row("1.5", 1, 5, "75.5", "39.5"), []string{`row 6 field 地块: "1.5" is not a whole number`}},
		{"parcel empty", row("", 1, 5, "75.5", "39.5"), []string{"row 6 field 地块: the parcel number is empty"}},
		{"ring 0", row(1, 0, 5, "75.5", "39.5"), []string{"row 6 field 圈: ring number 0 is outside 1 to 1000"}},
		{"ring 1001", row(1, 1001, 5, "75.5", "39.5"), []string{"第 6 行字段 圈：圈 1001 超出 1～1000（一个地块最多 1000 个圈）", "row 6 field 圈: ring number 1001 is outside 1 to 1000 (a parcel has at most 1000 rings)"}},
		{"point NaN", row(1, 1, "NaN", "75.5", "39.5"), []string{`row 6 field 点号: "NaN" is not a whole number from 1 to 200000`}},
		{"point 1e308", row(1, 1, "1e308", "75.5", "39.5"), []string{`row 6 field 点号: "1e308" is not a whole number`}},
		{"point -3", row(1, 1, "-3", "75.5", "39.5"), []string{`row 6 field 点号: "-3" is not a whole number`}},
		{"longitude Inf", row(1, 1, 5, "Inf", "39.5"), []string{"第 6 行字段 经度：经度“Inf”不是数字", `sheet 拐点坐标 row 6 field 经度: the longitude "Inf" is not a number`}},
		{"longitude 1e999", row(1, 1, 5, "1e999", "39.5"), []string{"row 6 field 经度: the longitude 1e999 is outside −180 to 180"}},
		{"longitude 200", row(1, 1, 5, "200", "39.5"), []string{"row 6 field 经度: the longitude 200 is outside −180 to 180"}},
		{"latitude NaN", row(1, 1, 5, "75.5", "NaN"), []string{`row 6 field 纬度: the latitude "NaN" is not a number`}},
		{"latitude missing", row(1, 1, 5, "75.5", ""), []string{"row 6 field 纬度: the latitude is empty"}},
		{"zone 1e308", xy("4370000", "25500000", "1e308"), []string{`row 6 field 带号: "1e308" is not a whole number from 25 to 45`}},
		{"zone 2000000000", xy("4370000", "25500000", "2000000000"), []string{"row 6 field 带号: zone 2000000000 is outside 25 to 45"}},
		{"northing 1e999", xy("1e999", "25500000", "25"), []string{"row 6 field X（北）: the X (northing) 1e999 is outside"}},
		{"easting Inf", xy("4370000", "-Inf", "25"), []string{`row 6 field Y（东）: the Y (easting) "-Inf" is not a number`}},
		{"no position", xy("", "", ""), []string{"sheet 拐点坐标 row 6: needs 经度 and 纬度"}},
		{"parcel skipped", concat(ring("KS-1", 1, 1), ring("KS-1", 3, 1)), []string{"第 6 行字段 地块：地块 3 跳过了地块 2", "sheet 拐点坐标 row 6 field 地块: parcel 3 skips parcel 2 (parcels are numbered from 1 without gaps)"}},
		{"parcel 2 first", ring("KS-1", 2, 1), []string{"row 2 field 地块: parcel 2 skips parcel 1"}},
		{"ring skipped", concat(ring("KS-1", 1, 1), ring("KS-1", 1, 3)), []string{"row 6 field 圈: ring 3 of parcel 1 skips ring 2 (rings are numbered from 1 without gaps)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := geomErr(t, workbook(t, dir, []string{"KS-1"}, tc.points))
			wantText(t, err, tc.want...)
		})
	}
}

// TestPointRowsAnyOrder: rows of parcels and rings may come in any order
// as long as each number first appears after its predecessor.
func TestPointRowsAnyOrder(t *testing.T) {
	dir := t.TempDir()
	hole := [][]any{}
	for k, p := range [][2]string{{"75.502", "39.502"}, {"75.502", "39.505"}, {"75.505", "39.505"}, {"75.505", "39.502"}} {
		hole = append(hole, []any{"KS-1", 1, 2, "内圈", k + 5, p[0], p[1]})
	}
	second := ring("KS-1", 2, 1)
	for _, r := range second {
		r[5] = strings.Replace(r[5].(string), "75.5", "75.6", 1)
	}
	path := workbook(t, dir, []string{"KS-1"}, concat(ring("KS-1", 1, 1)[:2], second, ring("KS-1", 1, 1)[2:], hole))
	rows, err := app.ReadRegisterXLSX(path)
	if err != nil {
		t.Fatal(err)
	}
	g := rows[0].Geometry
	if rows[0].GeomErr != nil || len(g) != 2 || len(g[0]) != 2 || len(g[1]) != 1 || len(g[0][0]) != 5 || len(g[0][1]) != 5 {
		t.Fatalf("err %v, geometry %v", rows[0].GeomErr, g)
	}
	if g[0][0][2].Lon != 75.51 || g[1][0][0].Lon != 75.6 {
		t.Errorf("geometry %v", g)
	}
}

// rezip copies a workbook, replacing (or adding) parts.
func rezip(t testing.TB, src, dst string, replace map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	done := map[string]bool{}
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if body, ok := replace[f.Name]; ok {
			io.WriteString(w, body)
			done[f.Name] = true
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	for name, body := range replace {
		if !done[name] {
			w, _ := zw.Create(name)
			io.WriteString(w, body)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func part(t testing.TB, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// TestWideRow: one cell at column XFD made excelize fill 16 384 cells for
// its row; 100 000 such rows (a 500 KB file) took over a minute. The
// workbook is refused before excelize reads a row.
func TestWideRow(t *testing.T) {
	dir := t.TempDir()
	path := workbook(t, dir, []string{"KS-1"}, ring("KS-1", 1, 1))
	sheet := part(t, path, "xl/worksheets/sheet2.xml")
	for _, tc := range []struct{ name, cell, want string }{
		{"XFD", `<c r="XFD3"><v>1</v></c>`, "XLSX 文件工作表“拐点坐标”：单元格 XFD3 在第 16384 列，超过 256 列（IV）的上限 / XLSX file sheet 拐点坐标: cell XFD3 is in column 16384, beyond the limit of 256 columns (IV)"},
		{"entity", `<c r="&#88;FD3"><v>1</v></c>`, "cell XFD3 is in column 16384"},
		{"prefixed, single quotes, spaces", `<x:c x:r = 'iv3'/><c r='IX3'/>`, "cell IX3 is in column 258"},
		{"bad reference", `<c r="3A"/>`, `cell reference "3A" is invalid`},
		{"row number", `</row><row r="2000000">`, `row number "2000000" is invalid (want 1 to 1048576)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(sheet, `<c r="A3"`, tc.cell+`<c r="A3"`, 1)
			if bad == sheet {
				t.Fatal("fixture: no cell A3")
			}
			dst := filepath.Join(dir, tc.name+".xlsx")
			rezip(t, path, dst, map[string]string{"xl/worksheets/sheet2.xml": bad})
			_, err := app.ReadRegisterXLSX(dst)
			wantText(t, err, tc.want)
		})
	}
	// Too many cells in one row, without references.
	many := strings.Repeat(`<c><v>1</v></c>`, xlsx.MaxColumns+1)
	dst := filepath.Join(dir, "many.xlsx")
	rezip(t, path, dst, map[string]string{"xl/worksheets/sheet2.xml": strings.Replace(sheet, `<c r="A3"`, many+`<c r="A3"`, 1)})
	_, err := app.ReadRegisterXLSX(dst)
	wantText(t, err, "XLSX file sheet 拐点坐标: row 3 has more than the limit of 256 cells")
}

func TestLongCell(t *testing.T) {
	dir := t.TempDir()
	path := workbook(t, dir, []string{"KS-1"}, ring("KS-1", 1, 1))
	sheet := part(t, path, "xl/worksheets/sheet1.xml")
	long := `<c r="C2" t="inlineStr"><is><t>` + strings.Repeat("铜", xlsx.MaxCellChars+1) + `</t></is></c>`
	bad := strings.Replace(sheet, `</row><row r="2"`, `<c r="C1" t="inlineStr"><is><t>区域坐标</t></is></c></row><row r="2"`, 1)
	bad = strings.Replace(bad, `</row></sheetData>`, long+`</row></sheetData>`, 1)
	dst := filepath.Join(dir, "long.xlsx")
	rezip(t, path, dst, map[string]string{"xl/worksheets/sheet1.xml": bad})
	_, err := app.ReadRegisterXLSX(dst)
	wantText(t, err, "工作表“矿业权”第 2 行字段 区域坐标：单元格有 32768 个字符，超过 Excel 的上限 32767", "sheet 矿业权 row 2 field 区域坐标: the cell has 32768 characters, over Excel's limit of 32767")
}

// deflated is data compressed as a zip entry would hold it.
func deflated(t testing.TB, write func(io.Writer)) ([]byte, uint32, int64) {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	crc := crc32.NewIEEE()
	cw := &countWriter{}
	write(io.MultiWriter(fw, crc, cw))
	fw.Close()
	return comp.Bytes(), crc.Sum32(), cw.n
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// bombOf copies a valid workbook and replaces the sheet 矿业权 with one
// padded with whitespace to size bytes (a few hundred KB compressed),
// declaring declared bytes in the zip directory (the real size when 0).
func bombOf(t testing.TB, src, dst string, size, declared int64) {
	t.Helper()
	sheet := part(t, src, "xl/worksheets/sheet1.xml")
	i := strings.Index(sheet, "<sheetData>")
	comp, crc, n := deflated(t, func(w io.Writer) {
		io.WriteString(w, sheet[:i])
		pad := make([]byte, 1<<20)
		for k := range pad {
			pad[k] = ' '
		}
		for left := size - int64(len(sheet)); left > 0; left -= int64(len(pad)) {
			w.Write(pad[:min(left, int64(len(pad)))])
		}
		io.WriteString(w, sheet[i:])
	})
	if declared == 0 {
		declared = n
	}
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, _ := os.Create(dst)
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(declared)})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(comp)
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
}

// TestZipBomb: a workbook whose sheet inflates past the limit every zip
// shares (the Shapefile upload's) is refused, both when the zip directory
// says so and when it lies.
func TestZipBomb(t *testing.T) {
	if ziplimit.DefaultMaxBytes != shapefile.DefaultMaxZipBytes || ziplimit.DefaultMaxEntries != shapefile.DefaultMaxZipEntries {
		t.Fatal("the XLSX and Shapefile zip limits differ")
	}
	if testing.Short() {
		t.Skip("inflates 512 MiB")
	}
	dir := t.TempDir()
	src := workbook(t, dir, []string{"KS-1"}, ring("KS-1", 1, 1))
	over := int64(ziplimit.DefaultMaxBytes) + 1<<20
	honest := filepath.Join(dir, "honest.xlsx")
	bombOf(t, src, honest, over, 0)
	if st, _ := os.Stat(honest); st.Size() > 2<<20 {
		t.Fatalf("bomb is %d bytes", st.Size())
	}
	_, err := app.ReadRegisterXLSX(honest)
	wantText(t, err, "XLSX 文件（zip 压缩包）：压缩包解压后超过 536870912 字节上限 / XLSX file (a zip archive): the zip's uncompressed size is over the limit of 536870912 bytes")

	lying := filepath.Join(dir, "lying.xlsx")
	bombOf(t, src, lying, over, 4096)
	start := time.Now()
	_, err = app.ReadRegisterXLSX(lying)
	wantText(t, err, "XLSX file (a zip archive): cannot read zip entry xl/worksheets/sheet1.xml: its structure is invalid, or an entry inflates to more than the directory declares")
	t.Logf("lying bomb refused in %s: %v", time.Since(start), err)
}

func TestXLSXPartLimits(t *testing.T) {
	dir := t.TempDir()
	src := workbook(t, dir, []string{"KS-1"}, ring("KS-1", 1, 1))
	// Shared strings past MaxXLSXPartBytes: excelize decodes them whole.
	sst := part(t, src, "xl/sharedStrings.xml")
	big := strings.Replace(sst, "</sst>", strings.Repeat(" ", xlsx.MaxPartBytes)+"</sst>", 1)
	dst := filepath.Join(dir, "sst.xlsx")
	rezip(t, src, dst, map[string]string{"xl/sharedStrings.xml": big})
	_, err := app.ReadRegisterXLSX(dst)
	wantText(t, err, "XLSX 文件的部件 xl/sharedStrings.xml 解压后", "XLSX part xl/sharedStrings.xml inflates to 3355", "over the limit of 33554432")

	// More entries than the zip limit.
	extra := map[string]string{}
	for i := 0; i < ziplimit.DefaultMaxEntries; i++ {
		extra[fmt.Sprintf("customXml/item%d.xml", i)] = "<a/>"
	}
	dst = filepath.Join(dir, "entries.xlsx")
	rezip(t, src, dst, extra)
	_, err = app.ReadRegisterXLSX(dst)
	wantText(t, err, "XLSX file (a zip archive): the zip has 10", "entries, over the limit of 1000")

	// Not a zip at all.
	dst = filepath.Join(dir, "text.xlsx")
	os.WriteFile(dst, []byte("登记编号,地块\n"), 0o644)
	_, err = app.ReadRegisterXLSX(dst)
	wantText(t, err, "XLSX 文件（zip 压缩包）：不是有效的 zip 压缩包（结构无效", "XLSX file (a zip archive): not a valid zip archive (its structure is invalid")
}

func TestRowLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 000 rows")
	}
	dir := t.TempDir()
	// More corner points for one right than MaxPointsPerRight, streamed.
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", app.SheetRights)
	f.SetSheetRow(app.SheetRights, "A1", &[]any{"登记编号"})
	f.SetSheetRow(app.SheetRights, "A2", &[]any{"KS-1"})
	f.NewSheet(app.SheetPoints)
	sw, err := f.NewStreamWriter(app.SheetPoints)
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", hostilePointHeader)
	for i := 1; i <= app.MaxPointsPerRight+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		sw.SetRow(cell, []any{"KS-1", 1, 1, "外圈", i, "75.5", "39.5"})
	}
	sw.Flush()
	path := filepath.Join(dir, "points.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = app.ReadRegisterXLSX(path)
	wantText(t, err, "工作表“拐点坐标”第 200002 行字段 登记编号：矿业权 KS-1 的拐点超过 200000 个的上限", "sheet 拐点坐标 row 200002 field 登记编号: right KS-1 has more than the limit of 200000 corner points")

	// More rights than MaxRegisterRights.
	f = excelize.NewFile()
	f.SetSheetName("Sheet1", app.SheetRights)
	sw, _ = f.NewStreamWriter(app.SheetRights)
	sw.SetRow("A1", []any{"登记编号"})
	for i := 1; i <= app.MaxRegisterRights+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		sw.SetRow(cell, []any{fmt.Sprintf("KS-%d", i)})
	}
	sw.Flush()
	path = filepath.Join(dir, "rights.xlsx")
	f.SaveAs(path)
	f.Close()
	_, err = app.ReadRegisterXLSX(path)
	wantText(t, err, "sheet 矿业权 row 100002: more than the limit of 100000 rights")
}

// FuzzReadRegisterXLSX: whatever the bytes of the file, ReadRegisterXLSX
// returns rows or a bilingual error, and never panics.
func FuzzReadRegisterXLSX(f *testing.F) {
	dir := f.TempDir()
	valid := workbook(f, dir, []string{"KS-1", "KS-2"}, concat(ring("KS-1", 1, 1), ring("KS-2", 1, 1), ring("KS-2", 2, 1)))
	b, err := os.ReadFile(valid)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	xy := workbook(f, dir, []string{"KS-1"}, [][]any{{"KS-1", 1, 1, "外圈", 1, "", "", "4370000", "25500000", "25"}, {"KS-1", 1, 1, "外圈", 2, "", "", "4370000", "25501000", "25"}, {"KS-1", 1, 1, "外圈", 3, "", "", "4371000", "25501000", "25"}})
	b, _ = os.ReadFile(xy)
	f.Add(b)
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, fmt.Sprintf("fuzz-%d.xlsx", os.Getpid())) // one file per fuzzing process
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := app.ReadRegisterXLSX(path)
		if err != nil {
			if !strings.Contains(err.Error(), " / ") {
				t.Fatalf("not bilingual: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.GeomErr != nil && !strings.Contains(r.GeomErr.Error(), " / ") {
				t.Fatalf("row %d: not bilingual: %v", r.Row, r.GeomErr)
			}
			for _, p := range r.Geometry {
				if len(p) == 0 {
					t.Fatalf("row %d: a parcel without rings", r.Row)
				}
			}
		}
	})
}
