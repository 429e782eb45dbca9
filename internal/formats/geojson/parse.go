package geojson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// fault is a bilingual error: "中文 / English". Callers add where it is
// (the feature or line) to both halves with at. cause, when set, is the
// error of the reader or decoder underneath (errors.Is and As reach it).
type fault struct {
	zh, en string
	cause  error
}

func (f *fault) Error() string { return f.zh + " / " + f.en }

func (f *fault) Unwrap() error { return f.cause }

// bi is a fault from its two texts (format each with fmt.Sprintf, so vet
// checks them).
func bi(zh, en string) *fault { return &fault{zh: zh, en: en} }

// halves splits any error into its Chinese and English texts.
func halves(err error) (zh, en string) {
	var f *fault
	if errors.As(err, &f) {
		return f.zh, f.en
	}
	return err.Error(), err.Error()
}

// at prefixes both halves of err: at("第 3 个要素", "feature 3", err).
// The cause is kept.
func at(zh, en string, err error) error {
	z, e := halves(err)
	cause := err
	if f, ok := err.(*fault); ok {
		cause = f.cause
	}
	return &fault{zh: zh + "：" + z, en: en + ": " + e, cause: cause}
}

func atFeature(n int, err error) error {
	return at(fmt.Sprintf("第 %d 个要素", n), fmt.Sprintf("feature %d", n), err)
}

func atLine(n int, err error) error {
	return at(fmt.Sprintf("第 %d 行", n), fmt.Sprintf("line %d", n), err)
}

// jsonFault describes a fault of encoding/json in plain words (never a Go
// type): syntax errors with their byte (base is added to offsets, for a
// byte order mark or the start of a line).
func jsonFault(err error, base int64) *fault {
	f := jsonText(err, base)
	f.cause = err
	return f
}

func jsonText(err error, base int64) *fault {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && se.Error() == "unexpected end of JSON input":
		return bi("JSON 不完整（提前结束）", "the JSON ends too early")
	case errors.As(err, &se):
		return bi(fmt.Sprintf("第 %d 字节处 JSON 语法错误", se.Offset+base), fmt.Sprintf("JSON syntax error at byte %d: %s", se.Offset+base, se.Error()))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return bi("JSON 不完整（提前结束）", "the JSON ends too early")
	}
	return bi(fmt.Sprintf("JSON 无法读取：%v", err), fmt.Sprintf("cannot read the JSON: %v", err))
}

// decodeValue reads the next value of dec whole. encoding/json's byte
// offset for a syntax error inside it is not reliable, so a fault names
// where the value starts instead.
func decodeValue(dec *json.Decoder, base int64) (json.RawMessage, error) {
	start := dec.InputOffset() + base
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var se *json.SyntaxError
	switch {
	case err == nil:
		return raw, nil
	case errors.As(err, &se) && se.Error() != "unexpected end of JSON input":
		return nil, bi("JSON 语法错误（该值在第 "+strconv.FormatInt(start, 10)+" 字节之后开始）", fmt.Sprintf("JSON syntax error (the value starts after byte %d): %s", start, se.Error()))
	}
	return nil, jsonFault(err, base)
}

// notGeoJSON is jsonFault for the document's own structure.
func notGeoJSON(err error, base int64) error {
	return at("不是有效的 GeoJSON", "not valid GeoJSON", jsonFault(err, base))
}

// bom is the UTF-8 byte order mark some Windows tools write first.
var bom = []byte("\xEF\xBB\xBF")

// skipBOM drops a byte order mark at the start of br and says whether
// there was one.
func skipBOM(br *bufio.Reader) bool {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		br.Discard(3)
		return true
	}
	return false
}

// countingReader counts the bytes read through it, so that a document
// over the size limit is reported as such, not as truncated JSON.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func tooLarge(what string, limit int64) *fault {
	return bi(fmt.Sprintf("%s超过 %d 字节的上限", what, limit), fmt.Sprintf("%s is larger than the limit of %d bytes", what, limit))
}

// rules say what a reader accepts of a feature.
type rules struct {
	multi        bool // MultiPolygon accepted (else Polygon only)
	noGeometry   bool // a feature without geometry accepted
	checkNumbers bool // every number in properties and id must be finite (a reader that decodes them as float64)
}

// budget bounds the features and vertices of one read.
type budget struct {
	features int
	vertices int64
}

func newBudget() *budget {
	return &budget{features: formats.MaxFeatures, vertices: formats.MaxVertices}
}

func (b *budget) feature() error {
	if b.features--; b.features < 0 {
		return bi(fmt.Sprintf("要素超过 %d 个的上限", formats.MaxFeatures), fmt.Sprintf("more than the limit of %d features", formats.MaxFeatures))
	}
	return nil
}

// isObject says whether raw (valid JSON) is an object.
func isObject(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

func isNull(raw []byte) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// members decodes an object (valid JSON) into its members.
func members(raw []byte) (map[string]json.RawMessage, bool) {
	if !isObject(raw) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

// jsonString decodes raw (valid JSON) as a string.
func jsonString(raw []byte) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// kindOf names the JSON kind of raw, for messages.
func kindOf(raw []byte) (zh, en string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "空", "nothing"
	}
	switch c := raw[0]; {
	case c == '{':
		return "对象", "an object"
	case c == '[':
		return "数组", "an array"
	case c == '"':
		return "文本", "a string"
	case c == 't' || c == 'f':
		return "逻辑值", "a boolean"
	case c == 'n':
		return "null", "null"
	}
	return "数字", "a number"
}

// feature is one decoded Feature.
type feature struct {
	id    string
	geom  geo.MultiPolygon // nil when there is none (rules.noGeometry)
	props []kv
}

// decodeFeature reads one Feature object; raw must be syntactically valid
// JSON (callers check it first). Faults name the member, part, ring and
// vertex; the caller adds the feature or line.
func decodeFeature(raw []byte, r rules, b *budget) (feature, error) {
	var f feature
	if !utf8.Valid(raw) {
		return f, bi("文本不是有效的 UTF-8（GeoJSON 必须是 UTF-8；GBK 编码的文件请先转换为 UTF-8）", "the text is not valid UTF-8 (GeoJSON must be UTF-8; convert a GBK file to UTF-8 first)")
	}
	m, ok := members(raw)
	if !ok {
		zh, en := kindOf(raw)
		return f, bi(fmt.Sprintf("要素应为对象，而不是%s", zh), fmt.Sprintf("a feature must be an object, not %s", en))
	}
	typ, ok := jsonString(m["type"])
	if !ok {
		if _, has := m["type"]; !has {
			return f, bi("缺少 type（应为 \"Feature\"）", "no type (want \"Feature\")")
		}
		zh, en := kindOf(m["type"])
		return f, bi(fmt.Sprintf("type 应为文本 \"Feature\"，而不是%s", zh), fmt.Sprintf("type must be the string \"Feature\", not %s", en))
	}
	if typ != "Feature" {
		return f, bi(fmt.Sprintf("type 为 %q，应为 Feature", short(typ)), fmt.Sprintf("type is %q, want Feature", short(typ)))
	}
	if err := b.feature(); err != nil {
		return f, err
	}
	var err error
	if f.geom, err = decodeGeometry(m["geometry"], r, b); err != nil {
		return f, err
	}
	if r.checkNumbers {
		if err := finiteNumbers(m["id"]); err != nil {
			return f, at("id", "id", err)
		}
	}
	f.id = featureID(m["id"])
	if f.props, err = orderedObject(m["properties"], r.checkNumbers); err != nil {
		return f, err
	}
	return f, nil
}

// featureID is the text of a Feature's id member: a string as it is, a
// number as written, nothing for null.
func featureID(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	if s, ok := jsonString(raw); ok {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// DecodeGeometry reads one GeoJSON Polygon or MultiPolygon geometry
// object, as every reader of the codec reads a feature's geometry: finite
// coordinates within formats.MaxAbsCoordinate, two or more per position
// (a height is dropped), at most formats.MaxVerticesPerFeature. Faults are
// plain bilingual messages naming the part, ring and vertex; the shape of
// the rings is the validator's to judge.
func DecodeGeometry(raw []byte) (geo.MultiPolygon, error) {
	if err := syntaxOf(raw); err != nil {
		return nil, jsonFault(err, 0)
	}
	return decodeGeometry(raw, rules{multi: true}, newBudget())
}

// decodeGeometry reads a Polygon or MultiPolygon geometry object.
func decodeGeometry(raw json.RawMessage, r rules, b *budget) (geo.MultiPolygon, error) {
	if isNull(raw) {
		if r.noGeometry {
			return nil, nil
		}
		return nil, bi("没有几何图形", "no geometry")
	}
	m, ok := members(raw)
	if !ok {
		zh, en := kindOf(raw)
		return nil, bi(fmt.Sprintf("geometry 应为对象，而不是%s", zh), fmt.Sprintf("geometry must be an object, not %s", en))
	}
	typ, ok := jsonString(m["type"])
	if !ok {
		return nil, bi("geometry 缺少文本形式的 type", "geometry has no type string")
	}
	switch {
	case typ == "Polygon":
	case typ == "MultiPolygon" && r.multi:
	case r.multi:
		return nil, bi(fmt.Sprintf("几何类型 %q 不是面（只读 Polygon、MultiPolygon）", short(typ)), fmt.Sprintf("geometry type %q is not Polygon or MultiPolygon", short(typ)))
	default:
		return nil, bi(fmt.Sprintf("几何类型 %q 不是 Polygon（此处只读 Polygon）", short(typ)), fmt.Sprintf("geometry type %q is not Polygon (only Polygon is read here)", short(typ)))
	}
	c := m["coordinates"]
	if isNull(c) {
		return nil, bi(fmt.Sprintf("%s 没有坐标（coordinates）", typ), fmt.Sprintf("%s has no coordinates", typ))
	}
	s := &scanner{b: c}
	vb := &vertexBudget{b: b, perFeature: formats.MaxVerticesPerFeature}
	if typ == "Polygon" {
		p, err := parsePolygon(s, 0, false, vb)
		if err != nil {
			return nil, err
		}
		return geo.MultiPolygon{p}, nil
	}
	var out geo.MultiPolygon
	isArr, err := s.elems(func(k int) error {
		p, err := parsePolygon(s, k, true, vb)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !isArr {
		return nil, bi("MultiPolygon 的坐标应为面的数组", "MultiPolygon coordinates must be an array of polygons")
	}
	if out == nil {
		out = geo.MultiPolygon{} // empty: the validator says so
	}
	return out, nil
}

type vertexBudget struct {
	b          *budget
	perFeature int64
}

func (v *vertexBudget) take() error {
	if v.perFeature--; v.perFeature < 0 {
		return bi(fmt.Sprintf("要素的点数超过 %d 个的上限", formats.MaxVerticesPerFeature), fmt.Sprintf("the feature has more than the limit of %d vertices", formats.MaxVerticesPerFeature))
	}
	if v.b.vertices--; v.b.vertices < 0 {
		return bi(fmt.Sprintf("图层的点数超过 %d 个的上限", formats.MaxVertices), fmt.Sprintf("the layer has more than the limit of %d vertices", formats.MaxVertices))
	}
	return nil
}

// where names a part (MultiPolygon only), ring and vertex, all 1-based; a
// negative index is left out.
func where(multi bool, part, ring, vertex int) (zh, en string) {
	if multi {
		zh, en = fmt.Sprintf("第 %d 个面", part+1), fmt.Sprintf("part %d", part+1)
	}
	if ring >= 0 {
		zh += fmt.Sprintf("第 %d 环", ring+1)
		en = join(en, fmt.Sprintf("ring %d", ring+1))
	}
	if vertex >= 0 {
		zh += fmt.Sprintf("第 %d 点", vertex+1)
		en = join(en, fmt.Sprintf("vertex %d", vertex+1))
	}
	return zh, en
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

func posFault(multi bool, part, ring, vertex int, f *fault) error {
	wz, we := where(multi, part, ring, vertex)
	if wz == "" {
		return f
	}
	return &fault{zh: wz + "：" + f.zh, en: we + ": " + f.en}
}

// parsePolygon reads the coordinates of one polygon: an array of rings,
// each an array of positions [x, y] (more numbers, such as a height, are
// allowed and dropped; the number of positions is the validator's). Every number must be finite and at
// most formats.MaxAbsCoordinate in absolute value.
func parsePolygon(s *scanner, part int, multi bool, vb *vertexBudget) (geo.Polygon, error) {
	var p geo.Polygon
	isArr, err := s.elems(func(ri int) error {
		var ring geo.Ring
		isArr, err := s.elems(func(vi int) error {
			var xy [2]float64
			n := 0
			isArr, err := s.elems(func(ci int) error {
				txt, ok := s.number()
				if !ok {
					zh, en := kindOf(s.rest())
					return posFault(multi, part, ri, vi, bi(fmt.Sprintf("第 %d 个坐标应为数字，而不是%s", ci+1, zh), fmt.Sprintf("coordinate %d must be a number, not %s", ci+1, en)))
				}
				v, _ := strconv.ParseFloat(txt, 64)
				if math.IsInf(v, 0) || math.IsNaN(v) {
					return posFault(multi, part, ri, vi, bi(fmt.Sprintf("坐标 %s 超出数值范围", short(txt)), fmt.Sprintf("coordinate %s is out of range", short(txt))))
				}
				if math.Abs(v) > formats.MaxAbsCoordinate {
					return posFault(multi, part, ri, vi, bi(fmt.Sprintf("坐标 %s 超出任何坐标系的范围（绝对值上限 %g）", short(txt), formats.MaxAbsCoordinate), fmt.Sprintf("coordinate %s is outside any coordinate system (absolute limit %g)", short(txt), formats.MaxAbsCoordinate)))
				}
				if ci < 2 {
					xy[ci] = v
				}
				n++
				return nil
			})
			if err != nil {
				return err
			}
			if !isArr {
				zh, en := kindOf(s.rest())
				return posFault(multi, part, ri, vi, bi(fmt.Sprintf("点应为坐标数组 [x, y]，而不是%s", zh), fmt.Sprintf("a position must be an array [x, y], not %s", en)))
			}
			if n < 2 {
				return posFault(multi, part, ri, vi, bi(fmt.Sprintf("只有 %d 个坐标，至少需要 2 个", n), fmt.Sprintf("has %d coordinates; needs 2", n)))
			}
			if err := vb.take(); err != nil {
				z, e := halves(err)
				return posFault(multi, part, ri, vi, bi(z, e))
			}
			ring = append(ring, geo.LonLat{Lon: xy[0], Lat: xy[1]})
			return nil
		})
		if err != nil {
			return err
		}
		if !isArr {
			zh, en := kindOf(s.rest())
			return posFault(multi, part, ri, -1, bi(fmt.Sprintf("环应为点的数组，而不是%s", zh), fmt.Sprintf("a ring must be an array of positions, not %s", en)))
		}
		if cap(ring)-len(ring) > len(ring)/4 {
			// append doubled it: keep what the layer holds exact (a
			// ring of 20 positions would otherwise take room for 32).
			ring = append(make(geo.Ring, 0, len(ring)), ring...)
		}
		p = append(p, ring)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !isArr {
		zh, en := kindOf(s.rest())
		return nil, posFault(multi, part, -1, -1, bi(fmt.Sprintf("面的坐标应为环的数组，而不是%s", zh), fmt.Sprintf("polygon coordinates must be an array of rings, not %s", en)))
	}
	if p == nil {
		p = geo.Polygon{} // no rings: the validator says so
	}
	return p, nil
}

// scanner walks JSON text that encoding/json has already found valid.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// rest is the text from the current value on, for kindOf.
func (s *scanner) rest() []byte {
	s.ws()
	return s.b[min(s.i, len(s.b)):]
}

var errScan = bi("JSON 结构错误", "malformed JSON")

// elems walks the array at the current position, calling fn with the
// scanner at each element; fn must consume the element. It reports false
// (and consumes nothing) when the value is not an array.
func (s *scanner) elems(fn func(k int) error) (bool, error) {
	if s.peek() != '[' {
		return false, nil
	}
	s.i++
	if s.peek() == ']' {
		s.i++
		return true, nil
	}
	for k := 0; ; k++ {
		if err := fn(k); err != nil {
			return true, err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return true, nil
		default:
			return true, errScan
		}
	}
}

// number consumes a number, returning its text.
func (s *scanner) number() (string, bool) {
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	return string(s.b[start:s.i]), true
}

// finiteNumbers refuses a number in raw (any JSON value, valid) that is
// not a finite float64, such as 1e999.
func finiteNumbers(raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF; raw is valid JSON
		}
		if n, ok := tok.(json.Number); ok {
			if _, err := strconv.ParseFloat(n.String(), 64); err != nil {
				return bi(fmt.Sprintf("数值 %s 超出范围", short(n.String())), fmt.Sprintf("the number %s is out of range", short(n.String())))
			}
		}
	}
}

// walkObject streams the top-level JSON object of br: fn is called with
// each member's key and the decoder positioned at its value, which fn must
// consume. Text after the object is refused. base is added to byte
// offsets (a byte order mark skipped).
func walkObject(br io.Reader, base int64, fn func(key string, dec *json.Decoder) error) error {
	dec := json.NewDecoder(br)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return bi("文件是空的", "the file is empty")
		}
		return notGeoJSON(err, base)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return bi("不是有效的 GeoJSON：文档应为对象（FeatureCollection）", "not valid GeoJSON: the document must be an object (a FeatureCollection)")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return notGeoJSON(err, base)
		}
		key, _ := tok.(string)
		if err := fn(key, dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return notGeoJSON(err, base)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return notGeoJSON(err, base)
		}
		return bi(fmt.Sprintf("第 %d 字节起：文档结束后还有内容", dec.InputOffset()+base), fmt.Sprintf("from byte %d: content after the end of the document", dec.InputOffset()+base))
	}
	return nil
}

// walkArray consumes the array value at dec, calling fn with each
// element (1-based) as raw JSON, syntax already checked.
func walkArray(dec *json.Decoder, base int64, name string, fn func(n int, raw json.RawMessage) error) error {
	tok, err := dec.Token()
	if err != nil {
		return notGeoJSON(err, base)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		zh, en := "其他值", "another value"
		switch {
		case tok == nil:
			zh, en = "null", "null"
		case ok:
			zh, en = "对象", "an object"
		}
		return bi(fmt.Sprintf("%s 应为数组，而不是%s", name, zh), fmt.Sprintf("%s must be an array, not %s", name, en))
	}
	for n := 1; dec.More(); n++ {
		raw, err := decodeValue(dec, base)
		if err != nil {
			return atFeature(n, err)
		}
		if err := fn(n, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return notGeoJSON(err, base)
	}
	return nil
}

// MaxLine bounds one line of GeoJSON lines (a red line of tens of
// thousands of vertices fits); a longer line is an error, not a crash.
const MaxLine = formats.MaxLineBytes

// scanLines calls fn with each non-blank line of GeoJSON lines (1-based
// number, text without surrounding space, a leading RFC 8142 record
// separator or, on the first line, a byte order mark). Errors name the
// line. The stream is at most formats.MaxInputBytes.
func scanLines(r io.Reader, fn func(line int, text []byte) error) error {
	cr := &countingReader{r: io.LimitReader(r, formats.MaxInputBytes+1)}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	line := 0
	for sc.Scan() {
		line++
		if cr.n > formats.MaxInputBytes {
			return tooLarge("GeoJSON lines 文件", formats.MaxInputBytes)
		}
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		b = bytes.TrimSpace(bytes.TrimLeft(bytes.TrimSpace(b), "\x1e"))
		if len(b) == 0 {
			continue
		}
		if err := fn(line, b); err != nil {
			return atLine(line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return atLine(line+1, bi(fmt.Sprintf("行长超过 %d 字节的上限", MaxLine), fmt.Sprintf("the line is longer than the limit of %d bytes", MaxLine)))
		}
		return at(fmt.Sprintf("第 %d 行之后", line), fmt.Sprintf("after line %d", line), &fault{zh: fmt.Sprintf("读取失败：%v", err), en: fmt.Sprintf("read failed: %v", err), cause: err})
	}
	if cr.n > formats.MaxInputBytes {
		return tooLarge("GeoJSON lines 文件", formats.MaxInputBytes)
	}
	return nil
}

// lineFeature checks one line's JSON and decodes its Feature.
func lineFeature(text []byte, r rules, b *budget) (feature, error) {
	if !isObject(text) {
		if !json.Valid(text) {
			return feature{}, jsonFault(syntaxOf(text), 0)
		}
		zh, en := kindOf(text)
		return feature{}, bi(fmt.Sprintf("每行应为一个 Feature 对象，而不是%s", zh), fmt.Sprintf("each line must be a Feature object, not %s", en))
	}
	if err := syntaxOf(text); err != nil {
		return feature{}, jsonFault(err, 0)
	}
	return decodeFeature(text, r, b)
}

// syntaxOf is the syntax error of text, or nil when it is valid JSON.
func syntaxOf(text []byte) error {
	var v json.RawMessage
	if err := json.Unmarshal(text, &v); err != nil {
		return err
	}
	return nil
}
