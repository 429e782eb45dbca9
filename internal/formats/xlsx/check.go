package xlsx

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"mineplan/internal/formats/ziplimit"
	"mineplan/internal/input"
)

// The checks run before excelize sees an uploaded workbook.

// check refuses a workbook before excelize parses it: the zip limits
// shared with every archive (ziplimit: entries, declared and inflated
// sizes), MaxPartBytes for each part other than a worksheet, and in
// every part the cell references: at most MaxColumns columns and
// cells in a row, row numbers within Excel's 1 048 576 (a cell at column
// XFD makes excelize fill 16 384 cells for one row).
func check(path string) error {
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
		if !isWorksheetPart(f.Name) && f.UncompressedSize64 > MaxPartBytes {
			return fmt.Errorf("XLSX 文件的部件 %[1]s 解压后 %[2]d 字节，超过 %[3]d 字节的上限 / XLSX part %[1]s inflates to %[2]d bytes, over the limit of %[3]d", f.Name, f.UncompressedSize64, MaxPartBytes)
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
		if f == nil || f.UncompressedSize64 > MaxPartBytes {
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
// into huge rows: in each <row>, at most MaxColumns cells and no
// reference beyond column MaxColumns or row maxSheetRows. It is a
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
					return where("行号“%s”无效（应为 1～%d）", "row number %q is invalid (want 1 to %d)", input.Excerpt(ref), maxSheetRows)
				}
				row = n
			} else {
				row++
			}
			continue
		}
		if cells++; cells > MaxColumns {
			return where("第 %d 行的单元格超过 %d 个的上限", "row %d has more than the limit of %d cells", row, MaxColumns)
		}
		if ref != "" {
			col, n, ok := cellRef(ref)
			switch {
			case !ok || n > maxSheetRows:
				return where("单元格引用“%s”无效", "cell reference %q is invalid", input.Excerpt(ref))
			case col > MaxColumns:
				return where("单元格 %s 在第 %d 列，超过 %d 列（IV）的上限", "cell %s is in column %d, beyond the limit of %d columns (IV)", input.Excerpt(ref), col, MaxColumns)
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
