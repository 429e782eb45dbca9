package shapefile

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// Limits of the dBASE III table written.
const (
	MaxFieldNameBytes = 10  // a field name, in the chosen encoding
	MaxStringBytes    = 254 // a C (text) value, in the chosen encoding
	MaxIntegerWidth   = 20  // an N integer: int64 with its sign
	MaxRealWidth      = 24  // an N real, sign and point included
	MaxRealDecimals   = 15  // digits after the point of an N real
)

// WriteOptions controls Write.
type WriteOptions struct {
	// Encoding of the .dbf text: "UTF-8" (the default when empty) or
	// "GBK" (aliases: UTF8, 65001; CP936, 936, GB2312), case-insensitive.
	// The .cpg records it as "UTF-8" or "GBK".
	Encoding string
	// Modified is the .dbf's last-update date; zero means today. Set it
	// to make the output reproducible.
	Modified time.Time
}

// WriteReport says what Write changed to fit the format.
type WriteReport struct {
	// FieldNames holds the dBASE name written for each of the layer's
	// fields, in order: the name cut to 10 bytes at a character boundary
	// and, if that collides with an earlier name (case-insensitively),
	// cut further and suffixed _1, _2, …
	FieldNames []string
	// Warnings lists text values truncated to 254 bytes.
	Warnings []Warning
}

// Write writes l as dir/name.shp, .shx, .dbf, .cpg and, when l.SRID is
// not 0, .prj (a stale name.prj is removed for SRID 0). It truncates field
// names and long text as WriteReport describes; use WriteWithReport to
// learn the final names and the truncations.
func Write(dir, name string, l *formats.Layer, opts WriteOptions) error {
	_, err := WriteWithReport(dir, name, l, opts)
	return err
}

// WriteWithReport is Write returning the WriteReport.
func WriteWithReport(dir, name string, l *formats.Layer, opts WriteOptions) (*WriteReport, error) {
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".shp") {
		name = name[:len(name)-len(ext)]
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") {
		return nil, errorf("文件名 %q 无效", "invalid file name %q", name)
	}
	files, rep, err := Encode(l, opts)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, name)
	for _, m := range []struct {
		ext  string
		data []byte
	}{{".shp", files.SHP}, {".shx", files.SHX}, {".dbf", files.DBF}, {".prj", files.PRJ}, {".cpg", files.CPG}} {
		if m.data == nil {
			if err := os.Remove(base + m.ext); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, errorf("无法删除旧文件 %s：%v", "cannot remove stale %s: %v", base+m.ext, err)
			}
			continue
		}
		if err := os.WriteFile(base+m.ext, m.data, 0o644); err != nil {
			return nil, errorf("无法写入 %s：%v", "cannot write %s: %v", base+m.ext, err)
		}
	}
	return rep, nil
}

// Encode builds the shapefile in memory: what Write writes. PRJ is nil
// when l.SRID is 0.
func Encode(l *formats.Layer, opts WriteOptions) (*Files, *WriteReport, error) {
	if l == nil {
		return nil, nil, errorf("图层为空", "nil layer")
	}
	cs := csUTF8
	if strings.TrimSpace(opts.Encoding) != "" {
		c, ok := parseCharset(opts.Encoding)
		if !ok || c == csGB18030 {
			return nil, nil, errorf("不支持的编码 %q（应为 GBK 或 UTF-8）", "unsupported encoding %q (want GBK or UTF-8)", opts.Encoding)
		}
		cs = c
	}
	if err := l.Validate(); err != nil {
		var ve *formats.ValidationError
		if errors.As(err, &ve) {
			return nil, nil, errors.New("图层无效：" + ve.ZH + " / invalid layer: " + ve.EN)
		}
		return nil, nil, errorf("图层无效：%v", "invalid layer: %v", err)
	}
	f := &Files{Name: l.Name, CPG: []byte(cs.String())}
	if l.SRID != 0 {
		crs, err := geo.LookupCRS(l.SRID)
		if err != nil {
			return nil, nil, err
		}
		f.PRJ = []byte(crs.WKT())
	}
	var err error
	if f.SHP, f.SHX, err = encodeSHP(l); err != nil {
		return nil, nil, err
	}
	date := opts.Modified
	if date.IsZero() {
		date = time.Now()
	}
	rep := &WriteReport{}
	if f.DBF, err = encodeDBF(l, cs, date, rep); err != nil {
		return nil, nil, err
	}
	return f, rep, nil
}

// encodeSHP writes the geometry as Polygon records: outer rings clockwise,
// holes counter-clockwise, reversing a ring's point order where needed and
// otherwise keeping every coordinate as given.
func encodeSHP(l *formats.Layer) (shp, shx []byte, err error) {
	total := int64(headerSize)
	for i, f := range l.Features {
		nParts, nPoints := 0, 0
		for pi, poly := range f.Geometry {
			if len(poly) == 0 {
				return nil, nil, featureErrorf(i+1, "第 %d 个多边形没有环", "polygon %d has no rings", pi+1)
			}
			for ri, r := range poly {
				if f := checkRing(r); f != nil {
					return nil, nil, errors.New(fmt.Sprintf("第 %d 个要素第 %d 个多边形第 %d 个环", i+1, pi+1, ri+1) + f.zh +
						fmt.Sprintf(" / feature %d polygon %d ring %d ", i+1, pi+1, ri+1) + f.en)
				}
				nParts++
				nPoints += len(r)
			}
		}
		total += 8 + polygonFixed + 4*int64(nParts) + 16*int64(nPoints)
	}
	if total > math.MaxInt32 {
		return nil, nil, errorf(".shp 将有 %d 字节，超过 2 GiB 上限", ".shp would have %d bytes, over the 2 GiB limit", total)
	}
	shp = make([]byte, total)
	shx = make([]byte, headerSize+8*len(l.Features))
	fileBox := geo.BBox{}
	off := headerSize
	for i, f := range l.Features {
		var rings []geo.Ring
		for _, poly := range f.Geometry {
			for ri, r := range poly {
				if (ringArea2(r) < 0) != (ri == 0) { // shells clockwise, holes counter-clockwise
					r = reversed(r)
				}
				rings = append(rings, r)
			}
		}
		box := f.Geometry.Bounds()
		if i == 0 {
			fileBox = box
		} else {
			fileBox.MinLon, fileBox.MinLat = math.Min(fileBox.MinLon, box.MinLon), math.Min(fileBox.MinLat, box.MinLat)
			fileBox.MaxLon, fileBox.MaxLat = math.Max(fileBox.MaxLon, box.MaxLon), math.Max(fileBox.MaxLat, box.MaxLat)
		}
		nPoints := 0
		for _, r := range rings {
			nPoints += len(r)
		}
		clen := polygonFixed + 4*len(rings) + 16*nPoints
		be.PutUint32(shx[headerSize+8*i:], uint32(off/2))
		be.PutUint32(shx[headerSize+8*i+4:], uint32(clen/2))
		be.PutUint32(shp[off:], uint32(i+1))
		be.PutUint32(shp[off+4:], uint32(clen/2))
		c := shp[off+8 : off+8+clen]
		le.PutUint32(c[0:], shapePolygon)
		le.PutUint64(c[4:], math.Float64bits(box.MinLon))
		le.PutUint64(c[12:], math.Float64bits(box.MinLat))
		le.PutUint64(c[20:], math.Float64bits(box.MaxLon))
		le.PutUint64(c[28:], math.Float64bits(box.MaxLat))
		le.PutUint32(c[36:], uint32(len(rings)))
		le.PutUint32(c[40:], uint32(nPoints))
		p, start := polygonFixed, 0
		for _, r := range rings {
			le.PutUint32(c[p:], uint32(start))
			p += 4
			start += len(r)
		}
		for _, r := range rings {
			for _, pt := range r {
				le.PutUint64(c[p:], math.Float64bits(pt.Lon))
				le.PutUint64(c[p+8:], math.Float64bits(pt.Lat))
				p += 16
			}
		}
		off += 8 + clen
	}
	writeSHPHeader(shp, len(shp), fileBox)
	writeSHPHeader(shx, len(shx), fileBox)
	return shp, shx, nil
}

// ringFault is a ring defect in both languages.
type ringFault struct{ zh, en string }

// checkRing says what is wrong with a ring to be written, or nil.
func checkRing(r geo.Ring) *ringFault {
	if len(r) < 4 {
		return &ringFault{fmt.Sprintf("只有 %d 个点（闭合环至少 4 个点）", len(r)), fmt.Sprintf("has %d points (a closed ring needs at least 4)", len(r))}
	}
	for j, p := range r {
		if math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || math.IsInf(p.Lon, 0) || math.IsInf(p.Lat, 0) {
			return &ringFault{fmt.Sprintf("第 %d 个点的坐标不是有限数", j+1), fmt.Sprintf("point %d has a coordinate that is not a finite number", j+1)}
		}
	}
	if r[0] != r[len(r)-1] {
		return &ringFault{"未闭合（末点不等于首点）", "is not closed (last point differs from first)"}
	}
	if a := ringArea2(r); a == 0 || math.IsInf(a, 0) || math.IsNaN(a) {
		return &ringFault{"面积为零（退化环）", "has zero area (degenerate)"}
	}
	return nil
}

// dbfColumn is one field being written.
type dbfColumn struct {
	name       []byte
	typ        byte
	width, dec int
	cells      [][]byte // per feature; nil for no value
}

func encodeDBF(l *formats.Layer, cs charset, date time.Time, rep *WriteReport) ([]byte, error) {
	enc := newEncoder(cs)
	var ws warnings
	names, err := fieldNames(l.Fields, enc)
	if err != nil {
		return nil, err
	}
	cols := make([]dbfColumn, len(l.Fields))
	recLen := 1
	for j, fd := range l.Fields {
		c := &cols[j]
		c.name = names[j]
		c.cells = make([][]byte, len(l.Features))
		switch fd.Type {
		case formats.String:
			c.typ, c.width = 'C', 1
			for i, f := range l.Features {
				s, ok := f.Values[j].(string)
				if !ok {
					continue
				}
				b, ok := enc.encode(s)
				if !ok {
					return nil, featureErrorf(i+1, "字段 %s 的值无法用 %s 编码（%.20q）", "field %s: the value cannot be encoded in %s (%.20q)", fd.Name, cs, s)
				}
				if len(b) > MaxStringBytes {
					n := len(b)
					b = truncate(b, MaxStringBytes, cs)
					ws.add(i+1, fd.Name, "文本有 %d 字节，超过 254 字节，已截断为 %d 字节", "text of %d bytes is over 254 and was truncated to %d", n, len(b))
				}
				if len(b) == 0 {
					continue
				}
				c.cells[i] = b
				c.width = max(c.width, len(b))
			}
			if fd.Width > c.width && fd.Width <= MaxStringBytes {
				c.width = fd.Width
			}
		case formats.Integer:
			c.typ, c.width = 'N', 1
			for i, f := range l.Features {
				if v, ok := f.Values[j].(int64); ok {
					c.cells[i] = strconv.AppendInt(nil, v, 10)
					c.width = max(c.width, len(c.cells[i]))
				}
			}
			if fd.Width > c.width && fd.Width <= MaxIntegerWidth {
				c.width = fd.Width
			}
		case formats.Real:
			if err := realColumn(c, l, j); err != nil {
				return nil, err
			}
		case formats.Bool:
			c.typ, c.width = 'L', 1
			for i, f := range l.Features {
				if v, ok := f.Values[j].(bool); ok {
					if v {
						c.cells[i] = []byte{'T'}
					} else {
						c.cells[i] = []byte{'F'}
					}
				}
			}
		default:
			return nil, errorf("字段 %s 的类型 %d 未知", "field %s has unknown type %d", fd.Name, int(fd.Type))
		}
		recLen += c.width
	}
	hdrLen := 32 + 32*len(cols) + 1
	if hdrLen > math.MaxUint16 {
		return nil, errorf("字段太多（%d 个），dBASE 文件头放不下", "too many fields (%d) for a dBASE header", len(cols))
	}
	if recLen > math.MaxUint16 {
		return nil, errorf("记录长度 %d 字节超过 dBASE 上限 65535", "record length %d bytes is over the dBASE limit of 65535", recLen)
	}
	if int64(len(l.Features)) > math.MaxUint32 || int64(hdrLen)+int64(recLen)*int64(len(l.Features)) > math.MaxInt32 {
		return nil, errorf(".dbf 将超过 2 GiB 上限", ".dbf would be over the 2 GiB limit")
	}
	if len(cols) == 0 {
		// As GDAL does: a .dbf without fields is rejected by ArcGIS.
		c := dbfColumn{name: []byte("FID"), typ: 'N', width: 11, cells: make([][]byte, len(l.Features))}
		for i := range l.Features {
			c.cells[i] = strconv.AppendInt(nil, int64(i), 10)
			c.width = max(c.width, len(c.cells[i]))
		}
		cols = append(cols, c)
		recLen += c.width
		hdrLen += 32
	}
	out := make([]byte, hdrLen+recLen*len(l.Features)+1)
	out[0] = 0x03
	out[1], out[2], out[3] = byte(max(0, min(255, date.Year()-1900))), byte(date.Month()), byte(date.Day())
	le.PutUint32(out[4:], uint32(len(l.Features)))
	le.PutUint16(out[8:], uint16(hdrLen))
	le.PutUint16(out[10:], uint16(recLen))
	if cs == csGBK {
		out[29] = ldidGBK
	}
	for j, c := range cols {
		d := out[32+32*j : 64+32*j]
		copy(d, c.name)
		d[11] = c.typ
		d[16], d[17] = byte(c.width), byte(c.dec)
	}
	out[hdrLen-1] = 0x0D
	p := hdrLen
	for i := range l.Features {
		rec := out[p : p+recLen]
		rec[0] = ' '
		q := 1
		for _, c := range cols {
			cell := rec[q : q+c.width]
			for k := range cell {
				cell[k] = ' '
			}
			v := c.cells[i]
			switch {
			case v == nil:
			case c.typ == 'C' || c.typ == 'L':
				copy(cell, v)
			case c.dec > 0:
				s := padDecimals(v, c.dec)
				copy(cell[c.width-len(s):], s)
			default:
				copy(cell[c.width-len(v):], v)
			}
			q += c.width
		}
		p += recLen
	}
	out[p] = 0x1A
	rep.FieldNames = make([]string, len(names))
	for j, n := range names {
		s, _ := newDecoder(cs).decode(n)
		rep.FieldNames[j] = s
	}
	rep.Warnings = ws.result()
	return out, nil
}

// realColumn sizes an N column so that every value, written as its
// shortest round-trip decimal padded with zeros to the column's decimals,
// parses back to the same float64. At least one decimal keeps the column
// Real when read back.
func realColumn(c *dbfColumn, l *formats.Layer, j int) error {
	fd := l.Fields[j]
	c.typ = 'N'
	intW, dec := 1, 1
	intAt, decAt := 0, 0
	for i, f := range l.Features {
		v, ok := f.Values[j].(float64)
		if !ok {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return featureErrorf(i+1, "字段 %s 的值 %v 不是有限数，dBASE 无法表示", "field %s: value %v is not finite and cannot be stored in dBASE", fd.Name, v)
		}
		s := strconv.AppendFloat(nil, v, 'f', -1, 64)
		iw, fw := len(s), 0
		if k := bytes.IndexByte(s, '.'); k >= 0 {
			iw, fw = k, len(s)-k-1
		}
		if fw > MaxRealDecimals {
			return featureErrorf(i+1, "字段 %s 的值 %s 需要 %d 位小数才能精确保存，超过 dBASE 上限 %d 位", "field %s: value %s needs %d decimals to round-trip exactly, over the limit of %d",
				fd.Name, s, fw, MaxRealDecimals)
		}
		if iw+1+1 > MaxRealWidth {
			return featureErrorf(i+1, "字段 %s 的值 %s 整数部分有 %d 位，超过 dBASE 宽度上限 %d", "field %s: value %s has %d integer digits, over the width limit of %d",
				fd.Name, s, iw, MaxRealWidth)
		}
		if iw > intW {
			intW, intAt = iw, i
		}
		if fw > dec {
			dec, decAt = fw, i
		}
		c.cells[i] = s
	}
	if intW+1+dec > MaxRealWidth {
		return featureErrorf(intAt+1, "字段 %s 的值需要 %d 位整数（本要素）加 %d 位小数（第 %d 个要素），总宽 %d 超过 dBASE 上限 %d",
			"field %s: values need %d integer digits (this feature) and %d decimals (feature %d), width %d over the limit of %d",
			fd.Name, intW, dec, decAt+1, intW+1+dec, MaxRealWidth)
	}
	if fd.Decimals > dec && fd.Decimals <= MaxRealDecimals && intW+1+fd.Decimals <= MaxRealWidth {
		dec = fd.Decimals
	}
	c.dec, c.width = dec, intW+1+dec
	if fd.Width > c.width && fd.Width <= MaxRealWidth {
		c.width = fd.Width
	}
	return nil
}

// padDecimals gives a shortest decimal exactly dec digits after the point.
func padDecimals(s []byte, dec int) []byte {
	k := bytes.IndexByte(s, '.')
	out := make([]byte, 0, len(s)+dec+1)
	out = append(out, s...)
	fw := 0
	if k < 0 {
		out = append(out, '.')
	} else {
		fw = len(s) - k - 1
	}
	for ; fw < dec; fw++ {
		out = append(out, '0')
	}
	return out
}

// fieldNames encodes the names, cuts each to 10 bytes at a character
// boundary and makes them unique, case-insensitively, with _1, _2, …
func fieldNames(fields []formats.Field, enc *encoder) ([][]byte, error) {
	out := make([][]byte, len(fields))
	seen := map[string]bool{}
	key := func(b []byte) string { // upper-case ASCII only: b may be GBK
		k := []byte(string(b))
		for i, c := range k {
			if c >= 'a' && c <= 'z' {
				k[i] = c - 'a' + 'A'
			}
		}
		return string(k)
	}
	for j, fd := range fields {
		b, ok := enc.encode(fd.Name)
		if !ok {
			return nil, errorf("字段名 %q 无法用 %s 编码", "field name %q cannot be encoded in %s", fd.Name, enc.cs)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			return nil, errorf("字段名 %q 含有 NUL 字符", "field name %q contains a NUL character", fd.Name)
		}
		if len(b) == 0 {
			b = []byte(fmt.Sprintf("FIELD%d", j+1))
		}
		name := truncate(b, MaxFieldNameBytes, enc.cs)
		for k := 1; seen[key(name)]; k++ {
			suffix := fmt.Sprintf("_%d", k)
			name = append(append([]byte(nil), truncate(b, MaxFieldNameBytes-len(suffix), enc.cs)...), suffix...)
		}
		seen[key(name)] = true
		out[j] = name
	}
	return out, nil
}
