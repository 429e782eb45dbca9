package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/formats/gpkg"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

var importDay = rights.D(2026, 11, 28)
var clock = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func emptyDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(testutil.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

func demoDB(t *testing.T) *sqlite.DB {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	db := emptyDB(t)
	if _, err := app.LoadDemoRegister(testutil.Context(), db, p, clock); err != nil {
		t.Fatal(err)
	}
	return db
}

func register(t *testing.T, st store.Store) []rights.Right {
	t.Helper()
	rs, _, err := app.CurrentRegister(testutil.Context(), st, store.RightFilter{}, importDay)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func export(t *testing.T, rs []rights.Right, format string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "register."+format)
	if _, err := app.ExportRegister(path, format, rs); err != nil {
		t.Fatal(err)
	}
	return path
}

func importInto(t *testing.T, st store.Store, path string, dryRun bool) app.ImportReport {
	t.Helper()
	rows, err := app.ReadRegisterFile(path, fileio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := app.ImportRights(testutil.Context(), st, testPlan(t), rows, importDay, clock, dryRun)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func xlsxContent(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// TestExportImportExport: for each format, export the demo register,
// import it into an empty database and export again; the two exports
// agree (bytes for GeoJSON and Shapefile, content where the format embeds
// timestamps).
func TestExportImportExport(t *testing.T) {
	src := demoDB(t)
	rs := register(t, src)
	for _, format := range []string{"geojson", "shp", "gpkg", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			first := export(t, rs, format)
			dst := emptyDB(t)
			rep := importInto(t, dst, first, false)
			if len(rep.Problems) != 0 || rep.Imported != len(rs) {
				t.Fatalf("import: %+v", rep)
			}
			again := register(t, dst)
			second := export(t, again, format)
			switch format {
			case "geojson":
				a, _ := os.ReadFile(first)
				b, _ := os.ReadFile(second)
				if !bytes.Equal(a, b) {
					t.Fatal("the second GeoJSON export differs from the first")
				}
			case "shp":
				for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
					a, _ := os.ReadFile(first[:len(first)-4] + ext)
					b, _ := os.ReadFile(second[:len(second)-4] + ext)
					if !bytes.Equal(a, b) {
						t.Errorf("%s differs between the exports", ext)
					}
				}
			case "gpkg":
				a, err1 := gpkg.Read(first)
				b, err2 := gpkg.Read(second)
				if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
					t.Fatalf("GeoPackage contents differ (%v %v)", err1, err2)
				}
			case "xlsx":
				a, b := xlsxContent(t, first), xlsxContent(t, second)
				for sheet := range a {
					for i := range a[sheet] {
						if i < len(b[sheet]) && !reflect.DeepEqual(a[sheet][i], b[sheet][i]) {
							t.Fatalf("XLSX sheet %s row %d differs:\n%q\n%q", sheet, i+1, a[sheet][i], b[sheet][i])
						}
					}
					if len(a[sheet]) != len(b[sheet]) {
						t.Fatalf("sheet %s: %d rows became %d", sheet, len(a[sheet]), len(b[sheet]))
					}
				}
			}
		})
	}
}

// TestImportOneBadRowChangesNothing: 100 rows with one bad cell; the
// import stores nothing, names the row and field, and a dry run reports
// the same.
func TestImportOneBadRowChangesNothing(t *testing.T) {
	rs := register(t, demoDB(t))[:100]
	path := export(t, rs, "xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Row 58 is the 57th right; break its credit code's check character.
	code, _ := f.GetCellValue(app.SheetRights, "F58")
	if len(code) != 18 {
		t.Fatalf("E58 holds %q, not a credit code: the column layout changed", code)
	}
	wrong := code[:17] + "0"
	if code[17] == '0' {
		wrong = code[:17] + "1"
	}
	f.SetCellValue(app.SheetRights, "F58", wrong)
	f.Save()
	f.Close()

	dst := emptyDB(t)
	dry := importInto(t, dst, path, true)
	real := importInto(t, dst, path, false)
	if len(real.Problems) != 1 || real.Problems[0].Row != 58 || real.Problems[0].Field != "统一社会信用代码" || real.Imported != 0 || real.Rows != 100 {
		t.Fatalf("report: %+v", real)
	}
	if !reflect.DeepEqual(dry.Problems, real.Problems) || !dry.DryRun {
		t.Errorf("dry run reported %+v, the import %+v", dry.Problems, real.Problems)
	}
	if _, n, _ := dst.Rights(testutil.Context(), store.RightFilter{}); n != 0 {
		t.Fatalf("%d rights stored by a failed import", n)
	}
	// Fixed, a dry run finds nothing and still stores nothing; then the
	// import stores all 100.
	f, _ = excelize.OpenFile(path)
	f.SetCellValue(app.SheetRights, "F58", code)
	f.Save()
	f.Close()
	if rep := importInto(t, dst, path, true); len(rep.Problems) != 0 || rep.Imported != 0 {
		t.Fatalf("clean dry run: %+v", rep)
	}
	if _, n, _ := dst.Rights(testutil.Context(), store.RightFilter{}); n != 0 {
		t.Fatal("a dry run stored rights")
	}
	if rep := importInto(t, dst, path, false); rep.Imported != 100 {
		t.Fatalf("clean import: %+v", rep)
	}
}

func TestImportReportsEveryBadRow(t *testing.T) {
	rs := register(t, demoDB(t))[:10]
	path := export(t, rs, "xlsx")
	f, _ := excelize.OpenFile(path)
	f.SetCellValue(app.SheetRights, "C3", "勘探权")               // kind: not a choice
	f.SetCellValue(app.SheetRights, "R5", "2021-13-01")        // valid_from: bad date
	f.SetCellValue(app.SheetRights, "A7", rs[0].LicenceNumber) // a duplicate licence number
	f.Save()
	f.Close()
	rep := importInto(t, emptyDB(t), path, true)
	got := map[int]string{}
	for _, p := range rep.Problems {
		got[p.Row] = p.Field
	}
	want := map[int]string{3: "种类", 5: "有效期起", 7: "许可证号"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems %+v, want rows and fields %v", rep.Problems, want)
	}
}

// testPlan is the embedded plan the imports check counties and minerals
// against.
func testPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
