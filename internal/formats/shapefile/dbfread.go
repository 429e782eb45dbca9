package shapefile

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mineplan/internal/formats"
)

// dbfField is one field descriptor of a .dbf header.
type dbfField struct {
	rawName    []byte
	typ        byte
	off, width int // offset in the record (after the deletion flag) and width
	dec        int
}

// dbfTable is a parsed .dbf: the header and the raw records.
type dbfTable struct {
	fields  []dbfField
	nrec    int
	recLen  int
	records []byte
	ldid    byte
}

func (t *dbfTable) record(i int) []byte { return t.records[i*t.recLen : (i+1)*t.recLen] }

func (t *dbfTable) deleted(i int) bool { return t.records[i*t.recLen] == '*' }

// parseDBF checks the header against the file's actual length before
// slicing anything.
func parseDBF(b []byte) (*dbfTable, error) {
	if len(b) < 32 {
		return nil, errorf(".dbf 文件只有 %d 字节，不足 32 字节的文件头", ".dbf file has %d bytes, less than its 32-byte header", len(b))
	}
	switch v := b[0]; {
	case v&0x07 == 3, v == 0x30, v == 0x31, v == 0x32, v == 0xF5:
	default:
		return nil, errorf(".dbf 版本字节 0x%02X 不是 dBASE III/IV 或 FoxPro", ".dbf version byte 0x%02X is not dBASE III/IV or FoxPro", v)
	}
	nrec := int64(le.Uint32(b[4:]))
	hlen := int(le.Uint16(b[8:]))
	rlen := int(le.Uint16(b[10:]))
	if hlen < 33 || hlen > len(b) {
		return nil, errorf(".dbf 文件头长度 %d 无效（文件 %d 字节）", ".dbf header length %d is invalid (file has %d bytes)", hlen, len(b))
	}
	if rlen < 1 {
		return nil, errorf(".dbf 记录长度 %d 无效", ".dbf record length %d is invalid", rlen)
	}
	if need := int64(hlen) + nrec*int64(rlen); need > int64(len(b)) {
		return nil, errorf(".dbf 文件头声明 %d 条记录、每条 %d 字节，共需 %d 字节，但文件只有 %d 字节（文件被截断或已损坏）",
			".dbf header declares %d records of %d bytes (%d bytes in all) but the file has %d (truncated or corrupt)", nrec, rlen, need, len(b))
	}
	t := &dbfTable{nrec: int(nrec), recLen: rlen, ldid: b[29]}
	t.records = b[hlen : hlen+int(nrec)*rlen]
	recOff := 1
	for off := 32; off < hlen && b[off] != 0x0D; off += 32 {
		if off+32 > hlen {
			return nil, errorf(".dbf 第 %d 个字段描述不完整", ".dbf field descriptor %d is incomplete", len(t.fields)+1)
		}
		d := b[off : off+32]
		name := d[:11]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		f := dbfField{rawName: bytes.TrimSpace(name), typ: d[11], off: recOff}
		if f.typ == 'N' || f.typ == 'F' {
			f.width, f.dec = int(d[16]), int(d[17])
		} else {
			// As shapelib: non-numeric widths over 255 borrow the
			// decimals byte.
			f.width = int(d[16]) + int(d[17])<<8
		}
		if recOff+f.width > rlen {
			return nil, errorf(".dbf 第 %d 个字段（宽 %d）超出记录长度 %d", ".dbf field %d (width %d) runs past the record length %d", len(t.fields)+1, f.width, rlen)
		}
		recOff += f.width
		t.fields = append(t.fields, f)
	}
	return t, nil
}

// trimPartialUTF8 drops an incomplete UTF-8 sequence (and padding) at the
// end of a field.
func trimPartialUTF8(b []byte) []byte {
	b = bytes.TrimRight(b, " \x00")
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

func truncRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// column is how one .dbf field becomes a layer field.
type column struct {
	src  dbfField
	name string
	kind byte // 'C' text, 'I' integer, 'R' real, 'L' bool, 'D' date
}

// columns decodes field names (made unique, case-insensitively) and picks
// each field's type: N with no decimals whose every value fits int64 is
// Integer, other N and F are Real.
func columns(t *dbfTable, dec *decoder, src csSource, ws *warnings) ([]column, []formats.Field, error) {
	cols := make([]column, len(t.fields))
	fields := make([]formats.Field, len(t.fields))
	seen := map[string]bool{}
	for i, f := range t.fields {
		name, ok := dec.decode(trimPartial(f.rawName, dec.cs))
		if !ok {
			return nil, nil, invalidText(t, textPos{0, i}, f.rawName, dec.cs, src)
		}
		name = strings.TrimSpace(name)
		if name == "" {
			name = fmt.Sprintf("FIELD_%d", i+1)
		}
		if seen[strings.ToUpper(name)] {
			base := name
			for k := 1; seen[strings.ToUpper(name)]; k++ {
				name = fmt.Sprintf("%s_%d", base, k)
			}
			ws.add(0, base, "字段名重复，改名为 %s", "duplicate field name, renamed %s", name)
		}
		seen[strings.ToUpper(name)] = true
		c := column{src: f, name: name}
		fl := formats.Field{Name: name, Width: f.width, Decimals: f.dec}
		switch f.typ {
		case 'C':
			c.kind, fl.Type = 'C', formats.String
		case 'N', 'F':
			c.kind, fl.Type = 'R', formats.Real
			if f.typ == 'N' && f.dec == 0 && allIntegers(t, f) {
				c.kind, fl.Type = 'I', formats.Integer
			}
		case 'L':
			c.kind, fl.Type = 'L', formats.Bool
		case 'D':
			c.kind, fl.Type, fl.Width = 'D', formats.String, 10
		default:
			c.kind, fl.Type = 'C', formats.String
			ws.add(0, name, "字段类型 %q 不受支持，按文本读取", "field type %q is not supported; read as text", string(rune(f.typ)))
		}
		cols[i], fields[i] = c, fl
	}
	return cols, fields, nil
}

func allIntegers(t *dbfTable, f dbfField) bool {
	for i := 0; i < t.nrec; i++ {
		if t.deleted(i) {
			continue
		}
		s, blank := numText(t.record(i)[f.off : f.off+f.width])
		if blank || isStars(s) {
			continue
		}
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return false
		}
	}
	return true
}

func numText(raw []byte) (string, bool) {
	s := strings.Trim(string(raw), " \x00")
	return s, s == ""
}

// isStars: shapelib (GDAL) writes a null number as a field of *.
func isStars(s string) bool {
	return strings.Trim(s, "*") == ""
}

func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// value decodes one cell; an unreadable number, date or logical value is
// nil with a warning, text that is not valid in the encoding an error.
func (c *column) value(raw []byte, rec int, dec *decoder, ws *warnings) (any, error) {
	switch c.kind {
	case 'C':
		raw = bytes.TrimRight(raw, " \x00")
		if len(raw) == 0 {
			return nil, nil
		}
		whole := raw
		raw = trimPartial(raw, dec.cs)
		s, ok := dec.decode(raw)
		if !ok {
			return nil, errInvalidText
		}
		if len(raw) < len(whole) {
			ws.add(rec, c.name, "文本末尾有不完整的字符（被截断），已去掉", "the text ends in an incomplete character (cut short); it was dropped")
		}
		return s, nil
	case 'I':
		s, blank := numText(raw)
		if blank || isStars(s) {
			return nil, nil
		}
		n, _ := strconv.ParseInt(s, 10, 64) // allIntegers checked it
		return n, nil
	case 'R':
		s, blank := numText(raw)
		if blank || isStars(s) {
			return nil, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if !plainNumber(s) || err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			ws.add(rec, c.name, "%q 不是有效的数值，按空值读取", "%q is not a valid number; read as no value", truncRunes(s, 30))
			return nil, nil
		}
		return v, nil
	case 'L':
		if len(raw) == 0 {
			return nil, nil
		}
		switch raw[0] {
		case 'T', 't', 'Y', 'y':
			return true, nil
		case 'F', 'f', 'N', 'n':
			return false, nil
		case ' ', '?', 0:
			return nil, nil
		}
		ws.add(rec, c.name, "逻辑值 %q 无效，按空值读取", "logical value %q is invalid; read as no value", string(raw[:1]))
		return nil, nil
	case 'D':
		s, blank := numText(raw)
		if blank || s == "00000000" {
			return nil, nil
		}
		d, err := time.Parse("20060102", s)
		if err != nil || len(s) != 8 {
			ws.add(rec, c.name, "日期 %q 无效（应为 YYYYMMDD），按空值读取", "date %q is invalid (want YYYYMMDD); read as no value", truncRunes(s, 30))
			return nil, nil
		}
		return d.Format("2006-01-02"), nil
	}
	return nil, nil
}
