package xlsx_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"mineplan/internal/formats/xlsx"
)

// TestWriteRead: what Write writes, Open and EachRow read back, and the
// file is a data file (no execute bits), not 0755 as excelize's SaveAs
// makes it.
func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx")
	sheets := []xlsx.Sheet{
		{Name: "矿业权", Header: []string{"许可证号", "面积"}, Rows: [][]any{{"C6500002021", 1.25}, {"T6500002022", nil}}},
		{Name: "拐点坐标", Header: []string{"点号"}, Rows: [][]any{{1}, {2}}},
	}
	if err := xlsx.Write(path, sheets); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o111 != 0 || perm&0o600 != 0o600 {
		t.Errorf("mode %v, want rw for the owner and no execute bits (0644 less the umask)", perm)
	}
	wb, err := xlsx.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var got [][]string
	if err := wb.EachRow("矿业权", func(line int, cells []string) error {
		if line != len(got)+1 {
			t.Errorf("line %d after %d rows", line, len(got))
		}
		got = append(got, cells)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"许可证号", "面积"}, {"C6500002021", "1.25"}, {"T6500002022"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	err = wb.EachRow("没有", func(int, []string) error { return nil })
	if !errors.Is(err, xlsx.ErrNoSheet) {
		t.Errorf("missing sheet: %v, want ErrNoSheet", err)
	}
}

func TestWriteNeedsASheet(t *testing.T) {
	if err := xlsx.Write(filepath.Join(t.TempDir(), "x.xlsx"), nil); err == nil {
		t.Fatal("a workbook without sheets was written")
	}
}

func TestOpenRefusesNonWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.xlsx")
	if err := os.WriteFile(path, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := xlsx.Open(path); err == nil {
		t.Fatal("a text file opened as a workbook")
	}
}
