// Package xlsx reads and writes Excel workbooks (Office Open XML) for the
// registers that arrive and leave as spreadsheets. It is a codec only: a
// workbook is sheets of rows of cells; what the columns mean is the
// caller's (app.ReadRegisterXLSX). An uploaded workbook is checked before
// excelize parses it (check.go), and every row is streamed, never the
// whole sheet.
package xlsx

import (
	"errors"
	"fmt"
	"os"

	"github.com/xuri/excelize/v2"

	"mineplan/internal/formats/ziplimit"
)

// Limits of a workbook, beyond the zip limits every archive obeys
// (ziplimit: the shared total of inflated bytes and entries);
// docs/formats.md ("Limits and memory budget") states them.
const (
	MaxColumns   = 256    // columns of a worksheet (IV, the old .xls limit)
	MaxCellChars = 32_767 // characters of a cell (Excel's own limit)
	// MaxPartBytes bounds each part of the workbook other than the
	// worksheets (shared strings, styles, the workbook itself): excelize
	// decodes those whole, at about six times their size.
	MaxPartBytes = 32 << 20
	// streamBytes is excelize's UnzipXMLSizeLimit: a worksheet larger
	// than this is read from a temporary file as a stream.
	streamBytes = 16 << 20
)

// Workbook is an open workbook to read.
type Workbook struct{ f *excelize.File }

// Open checks a workbook (the zip limits, the size of each part, the cell
// references of every worksheet) and opens it for reading.
func Open(path string) (*Workbook, error) {
	if err := check(path); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: ziplimit.DefaultMaxBytes, UnzipXMLSizeLimit: streamBytes})
	if err != nil {
		return nil, fmt.Errorf("不是有效的 XLSX 文件 / not a valid XLSX file: %v", err)
	}
	return &Workbook{f}, nil
}

// Close releases the workbook's temporary files.
func (w *Workbook) Close() error { return w.f.Close() }

// ErrNoSheet is wrapped by EachRow's error when the sheet does not exist.
var ErrNoSheet = errors.New("no such sheet")

// EachRow streams a sheet's rows (1-based numbers, raw cell values),
// never holding the whole sheet. A missing sheet is an error that wraps
// ErrNoSheet.
func (w *Workbook) EachRow(sheet string, fn func(line int, cells []string) error) error {
	it, err := w.f.Rows(sheet)
	var missing excelize.ErrSheetNotExist
	if errors.As(err, &missing) {
		return fmt.Errorf("找不到工作表“%[1]s” / no sheet %[1]s: %w", sheet, ErrNoSheet)
	}
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
		if len(cells) > MaxColumns {
			return Fault(sheet, line, "", "有 %[1]d 列，超过 %[2]d 列的上限", "has %[1]d columns, over the limit of %[2]d", len(cells), MaxColumns)
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

// Fault is a bilingual error naming the sheet, the row and, when given,
// the field (column header): "工作表“拐点坐标”第 5 行字段 地块：… /
// sheet 拐点坐标 row 5 field 地块: …". zh and en take the same arguments,
// by index.
func Fault(sheet string, line int, field, zh, en string, args ...any) error {
	wz := fmt.Sprintf("工作表“%s”第 %d 行", sheet, line)
	we := fmt.Sprintf("sheet %s row %d", sheet, line)
	if field != "" {
		wz += "字段 " + field
		we += " field " + field
	}
	return errors.New(wz + "：" + fmt.Sprintf(zh, args...) + " / " + we + ": " + fmt.Sprintf(en, args...))
}

// Sheet is a sheet to write: a header row, then the rows. Cells are
// strings, numbers or nil.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// Write writes a new workbook with the sheets in order, the header row of
// each frozen. The file is created with mode 0644 (less the umask): a
// data file, not a program.
func Write(path string, sheets []Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("工作簿至少要有一个工作表 / a workbook needs a sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		header := make([]any, len(s.Header))
		for j, h := range s.Header {
			header[j] = h
		}
		if err := f.SetSheetRow(s.Name, "A1", &header); err != nil {
			return err
		}
		for j, row := range s.Rows {
			cell, err := excelize.CoordinatesToCellName(1, j+2)
			if err != nil {
				return err
			}
			if err := f.SetSheetRow(s.Name, cell, &row); err != nil {
				return err
			}
		}
		if err := f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
