package shapefile

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"mineplan/internal/formats"
)

// gbk is s in GBK, by golang.org/x/text (not by this package's writer).
func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// handDBF builds a dBASE III table of C fields by hand: names and values
// are raw bytes, so a test can put any encoding (or garbage) in them.
func handDBF(ldid byte, names [][]byte, width int, rows ...[][]byte) []byte {
	nf := len(names)
	hlen := 32 + 32*nf + 1
	rlen := 1 + nf*width
	b := make([]byte, hlen+len(rows)*rlen+1)
	b[0] = 0x03
	binary.LittleEndian.PutUint32(b[4:], uint32(len(rows)))
	binary.LittleEndian.PutUint16(b[8:], uint16(hlen))
	binary.LittleEndian.PutUint16(b[10:], uint16(rlen))
	b[29] = ldid
	for j, n := range names {
		d := b[32+32*j:]
		copy(d[:10], n)
		d[11] = 'C'
		d[16] = byte(width)
	}
	b[hlen-1] = 0x0D
	for i, r := range rows {
		rec := b[hlen+i*rlen : hlen+(i+1)*rlen]
		for k := range rec {
			rec[k] = ' '
		}
		for j, v := range r {
			copy(rec[1+j*width:1+(j+1)*width], v)
		}
	}
	b[len(b)-1] = 0x1A
	return b
}

// shpOf is a valid .shp/.shx of n square records.
func shpOf(t *testing.T, n int) *Files {
	t.Helper()
	l := &formats.Layer{SRID: 4490}
	for i := 0; i < n; i++ {
		l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{}})
	}
	f, _, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func withDBF(t *testing.T, dbf, cpg []byte, n int) Files {
	f := shpOf(t, n)
	f.DBF, f.CPG = dbf, cpg
	return *f
}

// threeRows: records 1 and 2 are ASCII, record 3 holds Chinese text.
func threeRows(enc func(string) []byte) [][][]byte {
	return [][][]byte{
		{[]byte("KS-001"), []byte("copper")},
		{[]byte("KS-002"), []byte("gold")},
		{[]byte("KS-003"), enc("喀什铜矿")},
	}
}

func names(ns ...string) [][]byte {
	var out [][]byte
	for _, n := range ns {
		out = append(out, []byte(n))
	}
	return out
}

func TestDBFEncodingRefused(t *testing.T) {
	gbkText := func(s string) []byte { return gbk(t, s) }
	utf8Text := func(s string) []byte { return []byte(s) }
	gbkFile := handDBF(0, names("ID", "NAME"), 20, threeRows(gbkText)...)
	utf8File := handDBF(0, names("ID", "NAME"), 20, threeRows(utf8Text)...)
	utf8FileLDID := handDBF(ldidGBK, names("ID", "NAME"), 20, threeRows(utf8Text)...)

	for _, tc := range []struct {
		name string
		dbf  []byte
		cpg  string
		opt  ReadOptions
		want []string
	}{
		{"GBK text, .cpg says UTF-8", gbkFile, "UTF-8", ReadOptions{}, []string{
			"第 3 条记录字段 NAME：文本不是有效的 UTF-8（.cpg 文件声明的编码），可能是 GBK 编码；请用 --encoding GBK 指定",
			"record 3 field NAME: text is not valid UTF-8 (as the .cpg declares); it may be GBK: give --encoding GBK"}},
		{"UTF-8 text, .cpg says GBK", utf8File, "GBK", ReadOptions{}, []string{
			"第 3 条记录字段 NAME：.cpg 文件声明的编码为 GBK，但文件中所有非 ASCII 文本都是有效的 UTF-8，可能是 UTF-8 编码；请用 --encoding UTF-8 指定",
			"record 3 field NAME: the encoding is GBK (as the .cpg declares) but every non-ASCII text in the file is valid UTF-8; it may be UTF-8: give --encoding UTF-8"}},
		{"UTF-8 text, .cpg says GB18030", utf8File, "GB18030", ReadOptions{}, []string{"record 3 field NAME", "give --encoding UTF-8"}},
		{"UTF-8 text, language driver says 936", utf8FileLDID, "", ReadOptions{}, []string{
			"record 3 field NAME: the encoding is GBK (as the .dbf language driver byte (code page 936) declares)", "give --encoding UTF-8"}},
		{"GBK text, option says UTF-8", gbkFile, "GBK", ReadOptions{Encoding: "utf-8"}, []string{
			"record 3 field NAME: text is not valid UTF-8 (as --encoding says); it may be GBK: give --encoding GBK"}},
		{"unknown option", gbkFile, "GBK", ReadOptions{Encoding: "Big5"}, []string{
			`不支持的编码 "Big5"（可用：UTF-8, GBK, GB18030`, `unsupported encoding "Big5" (accepted: UTF-8, GBK, GB18030`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cpg []byte
			if tc.cpg != "" {
				cpg = []byte(tc.cpg)
			}
			l, _, err := ReadWith(withDBF(t, tc.dbf, cpg, 3), tc.opt)
			if err == nil {
				t.Fatalf("accepted: %v", l.Features[2].Values)
			}
			wantErr(t, err, tc.want...)
			if strings.ContainsRune(err.Error(), '\uFFFD') {
				t.Errorf("message holds U+FFFD: %v", err)
			}
		})
	}
}

func TestDBFEncodingOverride(t *testing.T) {
	gbkFile := handDBF(0, names("ID", "NAME"), 20, threeRows(func(s string) []byte { return gbk(t, s) })...)
	utf8File := handDBF(ldidGBK, names("ID", "NAME"), 20, threeRows(func(s string) []byte { return []byte(s) })...)
	for _, tc := range []struct {
		name, cpg, enc string
		dbf            []byte
	}{
		{"GBK text, wrong .cpg, option GBK", "UTF-8", "GBK", gbkFile},
		{"GBK text, option cp936", "", "cp936", gbkFile},
		{"GBK text, option GB18030 (a superset)", "UTF-8", "GB18030", gbkFile},
		{"UTF-8 text, .cpg and driver byte GBK, option UTF-8", "GBK", "UTF-8", utf8File},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cpg []byte
			if tc.cpg != "" {
				cpg = []byte(tc.cpg)
			}
			l, warns, err := ReadWith(withDBF(t, tc.dbf, cpg, 3), ReadOptions{Encoding: tc.enc})
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Features[2].Values[1]; got != "喀什铜矿" {
				t.Errorf("record 3 NAME = %q, want 喀什铜矿", got)
			}
			if l.Features[0].Values[1] != "copper" || len(warns) != 0 {
				t.Errorf("record 1 %v, warnings %v", l.Features[0].Values, warns)
			}
		})
	}
	// Without an option, a GBK file with no .cpg and no driver byte is read
	// as GBK, with a warning (the guess is never silent).
	l, warns, err := Read(withDBF(t, gbkFile, nil, 3))
	if err != nil {
		t.Fatal(err)
	}
	if l.Features[2].Values[1] != "喀什铜矿" || !hasWarning(warns, "read as GBK (--encoding overrides)") {
		t.Errorf("values %v, warnings %v", l.Features[2].Values, warns)
	}
}

// TestDBFInvalidSequences: with an option too, bytes that are not valid in
// the encoding are refused, never replaced.
func TestDBFInvalidSequences(t *testing.T) {
	bad := []byte{'a', 0x81, 0x7F, 'b'} // 0x81 leads a GBK pair; 0x7F cannot follow it
	dbf := handDBF(0, names("ID", "NOTE"), 20, [][]byte{[]byte("1"), []byte("ok")}, [][]byte{[]byte("2"), bad})
	for _, opt := range []string{"GBK", "GB18030", "UTF-8", ""} {
		_, _, err := ReadWith(withDBF(t, dbf, nil, 2), ReadOptions{Encoding: opt})
		wantErr(t, err, "第 2 条记录字段 NOTE：文本不是有效的", "record 2 field NOTE: text is not valid", "give the right encoding with --encoding (UTF-8, GBK, GB18030")
	}
	// A GBK character cut in half at the end of the field (another writer
	// counted bytes) is dropped with a warning.
	cut := gbk(t, "铜矿")[:3]
	dbf = handDBF(0, names("NOTE"), 3, [][]byte{cut})
	l, warns, err := ReadWith(withDBF(t, dbf, []byte("GBK"), 1), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Features[0].Values[0] != "铜" || !hasWarning(warns, "record 1 field NOTE", "incomplete character") {
		t.Errorf("value %q, warnings %v", l.Features[0].Values[0], warns)
	}
}

func TestDBFFieldNameEncoding(t *testing.T) {
	dbf := handDBF(0, [][]byte{[]byte("ID"), gbk(t, "矿权名称")}, 20, [][]byte{[]byte("1"), []byte("x")})
	_, _, err := Read(withDBF(t, dbf, []byte("UTF-8"), 1))
	wantErr(t, err, "第 2 个字段的名称：文本不是有效的 UTF-8（.cpg 文件声明的编码），可能是 GBK 编码；请用 --encoding GBK 指定",
		"field 2 name: text is not valid UTF-8 (as the .cpg declares); it may be GBK: give --encoding GBK")
	l, _, err := ReadWith(withDBF(t, dbf, []byte("UTF-8"), 1), ReadOptions{Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Fields[1].Name != "矿权名称" {
		t.Errorf("field name %q", l.Fields[1].Name)
	}
	// A UTF-8 name in a file declared GBK, all text ASCII otherwise.
	dbf = handDBF(ldidGBK, [][]byte{[]byte("ID"), []byte("名称")}, 20, [][]byte{[]byte("1"), []byte("x")})
	_, _, err = Read(withDBF(t, dbf, nil, 1))
	wantErr(t, err, "field 2 name: the encoding is GBK", "give --encoding UTF-8")
}

func TestReadDirZipWithEncoding(t *testing.T) {
	gbkFile := handDBF(0, names("ID", "NAME"), 20, threeRows(func(s string) []byte { return gbk(t, s) })...)
	f := withDBF(t, gbkFile, []byte("UTF-8"), 3)
	dir := t.TempDir()
	for ext, b := range map[string][]byte{".shp": f.SHP, ".shx": f.SHX, ".dbf": f.DBF, ".cpg": f.CPG} {
		if err := os.WriteFile(filepath.Join(dir, "r"+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := ReadDir(filepath.Join(dir, "r.shp"))
	wantErr(t, err, "record 3 field NAME: text is not valid UTF-8", "give --encoding GBK")
	l, _, err := ReadDirWith(dir, ReadOptions{Encoding: "GBK"})
	if err != nil || l.Features[2].Values[1] != "喀什铜矿" {
		t.Fatalf("ReadDirWith: %v", err)
	}
	z := makeZip(t, zipEntry{"r.shp", f.SHP}, zipEntry{"r.shx", f.SHX}, zipEntry{"r.dbf", f.DBF}, zipEntry{"r.cpg", f.CPG})
	_, _, err = ReadZip(z, z.Size(), ZipLimits{})
	wantErr(t, err, "record 3 field NAME: text is not valid UTF-8")
	l, _, err = ReadZipWith(z, z.Size(), ZipLimits{}, ReadOptions{Encoding: "GBK"})
	if err != nil || l.Features[2].Values[1] != "喀什铜矿" {
		t.Fatalf("ReadZipWith: %v", err)
	}
	_, _, err = ReadZipWith(z, z.Size(), ZipLimits{}, ReadOptions{Encoding: "latin1"})
	wantErr(t, err, `unsupported encoding "latin1"`)
	if err := CheckEncoding("gb2312"); err != nil {
		t.Error(err)
	}
}
