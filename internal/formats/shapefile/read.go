package shapefile

import (
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
// deleted records, unreadable cells read as nil.
func Read(files Files) (*formats.Layer, []Warning, error) {
	var ws warnings
	if len(files.SHP) == 0 {
		return nil, nil, errorf("缺少 .shp 文件", "missing .shp file")
	}
	if files.DBF == nil {
		return nil, nil, errorf("缺少 .dbf 文件（Shapefile 的属性表是必需的）", "missing .dbf file (a shapefile's attribute table is required)")
	}
	tbl, err := parseDBF(files.DBF)
	if err != nil {
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
	dec := newDecoder(guessCharset(files.CPG, tbl, &ws))
	cols, fields := columns(tbl, dec, &ws)
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
			vals[j] = c.value(r[c.src.off:c.src.off+c.src.width], rec, dec, &ws)
		}
		l.Features = append(l.Features, formats.Feature{Geometry: g, Values: vals})
	}
	if deleted > 0 {
		ws.add(0, "", ".dbf 中有 %d 条记录标记为已删除，已跳过", "%d records are marked deleted in the .dbf and were skipped", deleted)
	}
	if err := l.Validate(); err != nil { // cannot happen; a safety net
		return nil, nil, errorf("内部错误：%v", "internal error: %v", err)
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
	if f.SHP, err = os.ReadFile(path); err != nil {
		return nil, nil, errorf("无法读取 %s：%v", "cannot read %s: %v", path, err)
	}
	for _, m := range []struct {
		ext string
		dst *[]byte
	}{{".shx", &f.SHX}, {".dbf", &f.DBF}, {".prj", &f.PRJ}, {".cpg", &f.CPG}} {
		p := find(m.ext)
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, errorf("无法读取 %s：%v", "cannot read %s: %v", p, err)
		}
		if b == nil {
			b = []byte{}
		}
		*m.dst = b
	}
	return Read(f)
}
