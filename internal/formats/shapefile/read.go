package shapefile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// Files is a shapefile held in memory, one byte slice per member file.
// SHP and DBF are required; SHX, PRJ and CPG are optional (nil when the
// file is absent). Name becomes the layer name.
type Files struct {
	Name string
	SHP  []byte
	SHX  []byte
	DBF  []byte
	PRJ  []byte
	CPG  []byte
}

// Read decodes a polygon shapefile into a layer. It never panics on
// malformed input and never allocates from a length it has not checked
// against the bytes present. Errors name the record (1-based) and what is
// wrong, in Chinese and English. Warnings report what was accepted but
// should be known: a missing .prj (SRID 0), a guessed encoding, skipped
// deleted records, unreadable cells read as nil. Text that is not valid in
// the .dbf's encoding is refused (see ReadWith).
func Read(files Files) (*formats.Layer, []Warning, error) {
	return ReadWith(files, ReadOptions{})
}

// errInvalidText is column.value's refusal of undecodable text; ReadWith
// turns it into a message naming the record, the field and the encoding.
var errInvalidText = errors.New("invalid text")

// ReadWith is Read with read options. The .dbf encoding is the option's,
// else the .cpg's, else the language driver byte's, else guessed from the
// content (with a warning). A field name or text value that does not
// decode cleanly in it is refused, naming the record (1-based) and the
// field and suggesting the encoding the text does decode in; so is a file
// the .cpg or the language driver byte declares GBK or GB18030 whose every
// non-ASCII text is valid UTF-8. Nothing is replaced with U+FFFD.
func ReadWith(files Files, opt ReadOptions) (*formats.Layer, []Warning, error) {
	optCS, err := opt.charset()
	if err != nil {
		return nil, nil, err
	}
	var ws warnings
	if len(files.SHP) == 0 {
		return nil, nil, errorf("缺少 .shp 文件", "missing .shp file")
	}
	if files.DBF == nil {
		return nil, nil, errorf("缺少 .dbf 文件（Shapefile 的属性表是必需的）", "missing .dbf file (a shapefile's attribute table is required)")
	}
	if n := int64(len(files.SHP)) + int64(len(files.SHX)) + int64(len(files.DBF)) + int64(len(files.PRJ)) + int64(len(files.CPG)); n > formats.MaxInputBytes {
		return nil, nil, errorf("Shapefile 的各文件合计 %d 字节，超过上限 %d 字节", "the shapefile's files have %d bytes together, over the limit of %d", n, int64(formats.MaxInputBytes))
	}
	tbl, err := parseDBF(files.DBF)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLimits(tbl); err != nil {
		return nil, nil, err
	}
	skip := func(rec int) bool { return rec <= tbl.nrec && tbl.deleted(rec-1) }
	geoms, err := readSHP(files.SHP, skip, &ws)
	if err != nil {
		return nil, nil, err
	}
	if len(geoms) != tbl.nrec {
		return nil, nil, errorf(".shp 有 %d 条记录，.dbf 有 %d 条记录，两者不一致", ".shp has %d records but .dbf has %d", len(geoms), tbl.nrec)
	}
	checkSHX(files.SHX, len(geoms), &ws)

	l := &formats.Layer{Name: files.Name}
	if l.SRID, err = readPRJ(files.PRJ, &ws); err != nil {
		return nil, nil, err
	}
	cs, src := chooseCharset(files.CPG, tbl, optCS, &ws)
	if err := checkDeclaredGBK(tbl, cs, src); err != nil {
		return nil, nil, err
	}
	dec := newDecoder(cs)
	cols, fields, err := columns(tbl, dec, src, &ws)
	if err != nil {
		return nil, nil, err
	}
	l.Fields = fields
	l.Features = make([]formats.Feature, 0, len(geoms))
	deleted := 0
	for i, g := range geoms {
		rec := i + 1
		if tbl.deleted(i) {
			deleted++
			continue
		}
		r := tbl.record(i)
		vals := make([]any, len(cols))
		for j := range cols {
			c := &cols[j]
			raw := r[c.src.off : c.src.off+c.src.width]
			if vals[j], err = c.value(raw, rec, dec, &ws); err != nil {
				return nil, nil, invalidText(tbl, textPos{rec, j}, bytes.TrimRight(raw, " \x00"), cs, src)
			}
		}
		l.Features = append(l.Features, formats.Feature{Geometry: g, Values: vals})
	}
	if deleted > 0 {
		ws.add(0, "", ".dbf 中有 %d 条记录标记为已删除，已跳过", "%d records are marked deleted in the .dbf and were skipped", deleted)
	}
	if err := l.Validate(); err != nil { // cannot happen; a safety net
		return nil, nil, fmt.Errorf("内部错误 / internal error: %v", err)
	}
	return l, ws.result(), nil
}

// readPRJ identifies the CRS. No .prj is SRID 0 with a warning; a .prj
// naming a CRS mineplan does not support is an error.
func readPRJ(prj []byte, ws *warnings) (int, error) {
	text := strings.TrimSpace(strings.TrimPrefix(string(prj), "\uFEFF"))
	if text == "" {
		ws.add(0, "", "没有 .prj 文件，坐标系未知（SRID 0）", "no .prj file: the CRS is unknown (SRID 0)")
		return 0, nil
	}
	crs, err := geo.CRSFromWKT(text)
	if err != nil {
		return 0, errorf(".prj：%v", ".prj: %v", err)
	}
	return crs.EPSG, nil
}

// checkSHX compares the index with the records found; the reader walks the
// .shp itself, so a bad index is only a warning.
func checkSHX(shx []byte, n int, ws *warnings) {
	if shx == nil {
		ws.add(0, "", "没有 .shx 索引文件", "no .shx index file")
		return
	}
	end, _, err := shpHeader(shx, ".shx")
	if err != nil {
		ws.add(0, "", ".shx 索引无效，已忽略：%v", ".shx index is invalid and was ignored: %v", err)
		return
	}
	if got := (end - headerSize) / 8; got != n {
		ws.add(0, "", ".shx 索引有 %d 条，.shp 有 %d 条记录；已忽略索引", ".shx indexes %d records but the .shp has %d; the index was ignored", got, n)
	}
}

// ReadDir reads the shapefile whose .shp is at path, finding the .shx,
// .dbf, .prj and .cpg beside it (extensions matched case-insensitively).
// path may also be a directory holding exactly one .shp.
func ReadDir(path string) (*formats.Layer, []Warning, error) {
	return ReadDirWith(path, ReadOptions{})
}

// ReadDirWith is ReadDir with read options (the .dbf encoding). The
// member files together may not exceed formats.MaxInputBytes.
func ReadDirWith(path string, opt ReadOptions) (*formats.Layer, []Warning, error) {
	if _, err := opt.charset(); err != nil {
		return nil, nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, errorf("无法读取 %s：%v", "cannot read %s: %v", path, err)
	}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, nil, errorf("无法读取目录 %s：%v", "cannot read directory %s: %v", path, err)
		}
		var shps []string
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".shp") && !strings.HasPrefix(e.Name(), "._") {
				shps = append(shps, e.Name())
			}
		}
		switch len(shps) {
		case 0:
			return nil, nil, errorf("目录 %s 中没有 .shp 文件", "no .shp file in directory %s", path)
		case 1:
			path = filepath.Join(path, shps[0])
		default:
			sort.Strings(shps)
			list := strings.Join(shps, ", ")
			return nil, nil, errorf("目录中有多个 .shp 文件（%s），请指定一个", "the directory holds several .shp files (%s); name one", list)
		}
	}
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	if !strings.EqualFold(ext, ".shp") {
		return nil, nil, errorf("%s 不是 .shp 文件", "%s is not a .shp file", path)
	}
	stem := base[:len(base)-len(ext)]
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, errorf("无法读取目录 %s：%v", "cannot read directory %s: %v", dir, err)
	}
	find := func(want string) string {
		exact := stem + want
		found := ""
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() {
				continue
			}
			if n == exact || n == stem+strings.ToUpper(want) {
				return filepath.Join(dir, n)
			}
			if found == "" && strings.EqualFold(n, exact) {
				found = filepath.Join(dir, n)
			}
		}
		return found
	}
	f := Files{Name: stem}
	budget := int64(formats.MaxInputBytes)
	if f.SHP, err = readMember(path, &budget); err != nil {
		return nil, nil, err
	}
	for _, m := range []struct {
		ext string
		dst *[]byte
	}{{".shx", &f.SHX}, {".dbf", &f.DBF}, {".prj", &f.PRJ}, {".cpg", &f.CPG}} {
		p := find(m.ext)
		if p == "" {
			continue
		}
		if *m.dst, err = readMember(p, &budget); err != nil {
			return nil, nil, err
		}
	}
	return ReadWith(f, opt)
}
