package geo

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// WKTError is a fault in well-known text, with where it is.
type WKTError struct {
	Pos    int // 1-based position of the offending character (counted in characters, not bytes)
	ZH, EN string
}

func (e *WKTError) Error() string {
	return fmt.Sprintf("WKT 第 %d 个字符处：%s / WKT at character %d: %s", e.Pos, e.ZH, e.Pos, e.EN)
}

// ParseWKT reads the well-known text (OGC 06-103r4, §7) of a POLYGON or a
// MULTIPOLYGON in two dimensions, keywords in any case:
//
//	POLYGON ((76.00 39.00, 76.01 39.00, 76.01 39.01, 76.00 39.00), (…hole…))
//	MULTIPOLYGON (((…)), ((…), (…)))
//	POLYGON EMPTY, MULTIPOLYGON EMPTY
//
// A polygon becomes a multipolygon of one part; POLYGON EMPTY and
// MULTIPOLYGON EMPTY give a multipolygon with no parts. EMPTY may also
// stand for a part or a ring inside the text ("MULTIPOLYGON (EMPTY, …)"
// gives a part with no rings, "POLYGON ((…), EMPTY)" a ring with no
// points), so that such geometry reaches the validator as written. The
// reader checks only the syntax: rings are taken as given, neither closed
// nor checked (that is ValidateMultiPolygon's job). Z and M coordinates,
// SRID prefixes and other geometry types are refused. Errors are
// *WKTError, naming the character where the text goes wrong.
func ParseWKT(s string) (MultiPolygon, error) {
	r := &wktReader{s: s}
	word := r.word()
	var out MultiPolygon
	switch {
	case equalFold(word, "POLYGON"):
		r.dimension()
		if r.empty() {
			out = MultiPolygon{}
			break
		}
		p, err := r.polygon()
		if err != nil {
			return nil, err
		}
		out = MultiPolygon{p}
	case equalFold(word, "MULTIPOLYGON"):
		r.dimension()
		if r.empty() {
			out = MultiPolygon{}
			break
		}
		m, err := r.multi()
		if err != nil {
			return nil, err
		}
		out = m
	case word == "":
		return nil, r.fail("缺少几何类型（POLYGON 或 MULTIPOLYGON）", "expected a geometry type (POLYGON or MULTIPOLYGON)")
	default:
		r.pos = r.wordAt
		return nil, r.fail(fmt.Sprintf("不支持的几何类型 %q（只读 POLYGON 和 MULTIPOLYGON）", word), fmt.Sprintf("unsupported geometry type %q (only POLYGON and MULTIPOLYGON are read)", word))
	}
	if r.err != nil {
		return nil, r.err
	}
	r.space()
	if r.pos < len(r.s) {
		return nil, r.fail("几何之后还有多余的文字", "unexpected text after the geometry")
	}
	return out, nil
}

type wktReader struct {
	s      string
	pos    int // byte offset
	wordAt int
	err    *WKTError
}

func (r *wktReader) fail(zh, en string) *WKTError {
	e := &WKTError{Pos: utf8.RuneCountInString(r.s[:min(r.pos, len(r.s))]) + 1, ZH: zh, EN: en}
	if r.err == nil {
		r.err = e
	}
	return r.err
}

func (r *wktReader) space() {
	for r.pos < len(r.s) {
		switch r.s[r.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			r.pos++
		default:
			return
		}
	}
}

// word reads a run of ASCII letters.
func (r *wktReader) word() string {
	r.space()
	r.wordAt = r.pos
	start := r.pos
	for r.pos < len(r.s) {
		c := r.s[r.pos] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		r.pos++
	}
	return r.s[start:r.pos]
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i]|0x20 != b[i]|0x20 {
			return false
		}
	}
	return true
}

// dimension refuses a Z, M or ZM marker after the type.
func (r *wktReader) dimension() {
	save := r.pos
	w := r.word()
	switch {
	case equalFold(w, "Z"), equalFold(w, "M"), equalFold(w, "ZM"):
		r.pos = r.wordAt
		r.fail("只读二维坐标，不支持 Z、M 坐标", "only two-dimensional coordinates are read (no Z or M)")
	default:
		r.pos = save
	}
}

// empty reads EMPTY if it comes next.
func (r *wktReader) empty() bool {
	if r.err != nil {
		return false
	}
	save := r.pos
	if w := r.word(); equalFold(w, "EMPTY") {
		return true
	} else if w != "" {
		r.pos = r.wordAt
		r.fail(fmt.Sprintf("应为“(”或 EMPTY，而非 %q", w), fmt.Sprintf("expected “(” or EMPTY, not %q", w))
		return false
	}
	r.pos = save
	return false
}

func (r *wktReader) expect(c byte) *WKTError {
	r.space()
	if r.pos >= len(r.s) {
		return r.fail(fmt.Sprintf("文字提前结束，缺少“%c”", c), fmt.Sprintf("the text ends early: expected “%c”", c))
	}
	if r.s[r.pos] != c {
		return r.fail(fmt.Sprintf("应为“%c”，而非“%s”", c, r.char()), fmt.Sprintf("expected “%c”, not “%s”", c, r.char()))
	}
	r.pos++
	return nil
}

func (r *wktReader) char() string {
	c, _ := utf8.DecodeRuneInString(r.s[r.pos:])
	return string(c)
}

// more reads a comma (true) or a closing parenthesis (false).
func (r *wktReader) more() (bool, *WKTError) {
	r.space()
	if r.pos >= len(r.s) {
		return false, r.fail("文字提前结束，缺少“,”或“)”", "the text ends early: expected “,” or “)”")
	}
	switch r.s[r.pos] {
	case ',':
		r.pos++
		return true, nil
	case ')':
		r.pos++
		return false, nil
	}
	return false, r.fail(fmt.Sprintf("应为“,”或“)”，而非“%s”", r.char()), fmt.Sprintf("expected “,” or “)”, not “%s”", r.char()))
}

func (r *wktReader) multi() (MultiPolygon, error) {
	if err := r.expect('('); err != nil {
		return nil, err
	}
	var m MultiPolygon
	for {
		var p Polygon
		if r.empty() {
			p = Polygon{}
		} else {
			if r.err != nil {
				return nil, r.err
			}
			var err error
			if p, err = r.polygon(); err != nil {
				return nil, err
			}
		}
		m = append(m, p)
		more, err := r.more()
		if err != nil {
			return nil, err
		}
		if !more {
			return m, nil
		}
	}
}

func (r *wktReader) polygon() (Polygon, error) {
	if err := r.expect('('); err != nil {
		return nil, err
	}
	var p Polygon
	for {
		var ring Ring
		if r.empty() {
			ring = Ring{}
		} else {
			if r.err != nil {
				return nil, r.err
			}
			var err error
			if ring, err = r.ring(); err != nil {
				return nil, err
			}
		}
		p = append(p, ring)
		more, err := r.more()
		if err != nil {
			return nil, err
		}
		if !more {
			return p, nil
		}
	}
}

func (r *wktReader) ring() (Ring, error) {
	if err := r.expect('('); err != nil {
		return nil, err
	}
	var ring Ring
	for {
		x, err := r.number()
		if err != nil {
			return nil, err
		}
		y, err := r.number()
		if err != nil {
			return nil, err
		}
		ring = append(ring, LonLat{Lon: x, Lat: y})
		r.space()
		if r.pos < len(r.s) && (r.s[r.pos] == '-' || r.s[r.pos] == '+' || r.s[r.pos] == '.' || r.s[r.pos] >= '0' && r.s[r.pos] <= '9') {
			return nil, r.fail("每个点只能有两个坐标（经度 纬度）", "a point has two coordinates only (longitude latitude)")
		}
		more, err := r.more()
		if err != nil {
			return nil, err
		}
		if !more {
			return ring, nil
		}
	}
}

// number reads a decimal number (no NaN or infinity, which WKT does not
// have).
func (r *wktReader) number() (float64, *WKTError) {
	r.space()
	start := r.pos
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		if c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' {
			r.pos++
			continue
		}
		break
	}
	if start == r.pos {
		if r.pos >= len(r.s) {
			return 0, r.fail("文字提前结束，缺少坐标", "the text ends early: expected a coordinate")
		}
		return 0, r.fail(fmt.Sprintf("应为坐标数值，而非“%s”", r.char()), fmt.Sprintf("expected a coordinate, not “%s”", r.char()))
	}
	tok := r.s[start:r.pos]
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		r.pos = start
		return 0, r.fail(fmt.Sprintf("“%s”不是有效的数值", tok), fmt.Sprintf("%q is not a valid number", tok))
	}
	return v, nil
}
