package geojson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// MaxDocument bounds a GeoJSON document (formats.MaxInputBytes).
const MaxDocument = formats.MaxInputBytes

// ReadLayer reads a FeatureCollection of Polygon and MultiPolygon features
// into a layer; a document that is one Feature, or a bare Polygon or
// MultiPolygon geometry, is read as a layer of that one feature. Attribute
// order follows the first feature that has each
// key; types are inferred: strings, booleans, whole numbers (Integer) and
// other numbers (Real); a key with mixed types becomes String. The CRS is
// the document's crs member, else EPSG:4326 as RFC 7946 says. A UTF-8 byte
// order mark is skipped. The document is decoded feature by feature, so
// memory holds the layer, not the text. Faults name the feature (1-based)
// and, in its geometry, the part, ring and vertex; the limits are
// formats.MaxInputBytes, MaxFeatures, MaxVertices, MaxVerticesPerFeature,
// MaxFields, MaxValues and MaxStringBytes.
func ReadLayer(r io.Reader, name string) (*formats.Layer, error) {
	l, err := readDocument(r, name, rules{multi: true}, geo.EPSG4326)
	if err != nil {
		return nil, err
	}
	return l, l.Validate()
}

// ReadCollection reads a FeatureCollection of Polygon features or
// features without geometry (as the bundle's zones.geojson and
// blocks.geojson hold them), in EPSG:4490 unless a crs member says
// otherwise; every number, in properties and id too, must be finite. It
// takes what ReadLayer takes otherwise, with the same messages.
func ReadCollection(r io.Reader) (*formats.Layer, error) {
	l, err := readDocument(r, "", collectionRules, geo.EPSG4490)
	if err != nil {
		return nil, err
	}
	return l, l.ValidateValues()
}

// collectionRules are ReadCollection's and ReadLines': Polygon features,
// or features without geometry, with every number finite.
var collectionRules = rules{noGeometry: true, checkNumbers: true}

// readDocument reads a FeatureCollection, a Feature or a bare geometry
// into a layer, under rules r; srid is the CRS when there is no crs
// member.
func readDocument(r io.Reader, name string, rl rules, srid int) (*formats.Layer, error) {
	cr := &countingReader{r: io.LimitReader(r, MaxDocument+1)}
	br := bufio.NewReaderSize(cr, 1<<16)
	var base int64
	if skipBOM(br) {
		base = 3
	}
	l := &formats.Layer{Name: name, SRID: srid}
	fs := newFieldSet(l)
	b := newBudget()
	var typ, crs json.RawMessage
	// The members of a document that is a Feature or a geometry.
	own := map[string]json.RawMessage{}
	seenFeatures := false
	fail := func(err error) (*formats.Layer, error) {
		if cr.n > MaxDocument {
			return nil, tooLarge("GeoJSON 文件", MaxDocument)
		}
		return nil, err
	}
	err := walkObject(br, base, func(key string, dec *json.Decoder) error {
		switch key {
		case "features":
			if seenFeatures {
				return bi("features 出现了两次", "features appears twice")
			}
			seenFeatures = true
			return walkArray(dec, base, "features", func(n int, raw json.RawMessage) error {
				f, err := decodeFeature(raw, rl, b)
				if err == nil {
					err = fs.add(f)
				}
				if err != nil {
					return atFeature(n, err)
				}
				return nil
			})
		}
		raw, err := decodeValue(dec, base)
		if err != nil {
			return at("不是有效的 GeoJSON", "not valid GeoJSON", err)
		}
		switch key {
		case "type":
			typ = raw
			own[key] = raw
		case "id", "geometry", "properties", "coordinates":
			own[key] = raw
		case "crs":
			crs = raw
		case "name":
			if isNull(raw) {
				break
			}
			s, ok := jsonString(raw)
			if !ok {
				zh, en := kindOf(raw)
				return bi(fmt.Sprintf("name 应为文本，而不是%s", zh), fmt.Sprintf("name must be a string, not %s", en))
			}
			if !utf8.Valid(raw) {
				return bi("name 不是有效的 UTF-8", "name is not valid UTF-8")
			}
			if name == "" {
				l.Name = s
			}
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if cr.n > MaxDocument {
		return fail(nil)
	}
	t, ok := jsonString(typ)
	if !ok {
		zh, en := kindOf(typ)
		return nil, bi(fmt.Sprintf("type 应为 \"FeatureCollection\"、\"Feature\" 或几何类型，而不是%s", zh), fmt.Sprintf("type must be \"FeatureCollection\", \"Feature\" or a geometry type, not %s", en))
	}
	switch {
	case t == "FeatureCollection":
	case seenFeatures:
		return nil, bi(fmt.Sprintf("type 为 %q 的文档不应有 features", short(t)), fmt.Sprintf("a document of type %q has no features member", short(t)))
	case t == "Feature":
		if err := addOwn(fs, own, rl, b); err != nil {
			return nil, atFeature(1, err)
		}
	case geometryTypes[t]:
		g, err := encodeMembers(map[string]json.RawMessage{"type": own["type"], "coordinates": own["coordinates"]})
		if err != nil {
			return nil, err
		}
		own = map[string]json.RawMessage{"type": json.RawMessage(`"Feature"`), "geometry": g}
		if err := addOwn(fs, own, rl, b); err != nil {
			return nil, atFeature(1, err)
		}
	default:
		return nil, bi(fmt.Sprintf("type 为 %q，应为 FeatureCollection、Feature 或 Polygon、MultiPolygon", short(t)), fmt.Sprintf("type is %q, want FeatureCollection, Feature, Polygon or MultiPolygon", short(t)))
	}
	if !isNull(crs) {
		srid, err := crsCode(crs)
		if err != nil {
			return nil, err
		}
		l.SRID = srid
	}
	if err := checkRange(l.Features, l.SRID, atFeature); err != nil {
		return nil, err
	}
	if err := fs.finish(); err != nil {
		return nil, err
	}
	return l, nil
}

// geometryTypes are the GeoJSON geometry types; a document of one of them
// is a bare geometry (only the polygons are read).
var geometryTypes = map[string]bool{"Point": true, "MultiPoint": true, "LineString": true, "MultiLineString": true, "Polygon": true, "MultiPolygon": true, "GeometryCollection": true}

// addOwn adds the feature a document is (its members).
func addOwn(fs *fieldSet, own map[string]json.RawMessage, rl rules, b *budget) error {
	raw, err := encodeMembers(own)
	if err != nil {
		return err
	}
	f, err := decodeFeature(raw, rl, b)
	if err != nil {
		return err
	}
	return fs.add(f)
}

// encodeMembers encodes members decoded as JSON already, leaving out
// those that are missing.
func encodeMembers(m map[string]json.RawMessage) (json.RawMessage, error) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, jsonFault(err, 0)
	}
	return b, nil
}

// ReadLayerLines reads GeoJSON lines (one Feature per line; GeoJSONSeq,
// with or without the RFC 8142 record separator) into a layer, as
// ReadLayer reads a FeatureCollection: Polygon and MultiPolygon features,
// the same attribute inference and messages, with line numbers (1-based)
// instead of feature numbers. Blank lines are skipped and a UTF-8 byte
// order mark at the start is allowed. GeoJSON lines carry no crs member:
// the layer is EPSG:4490, as ReadLines reads them. A line is at most
// MaxLine bytes, the whole stream at most formats.MaxInputBytes.
func ReadLayerLines(r io.Reader, name string) (*formats.Layer, error) {
	l := &formats.Layer{Name: name, SRID: geo.EPSG4490}
	fs := newFieldSet(l)
	var lineOf []int32
	b := newBudget()
	err := scanLines(r, func(line int, text []byte) error {
		f, err := lineFeature(text, rules{multi: true}, b)
		if err != nil {
			return err
		}
		if err := fs.add(f); err != nil {
			return err
		}
		lineOf = append(lineOf, int32(min(line, math.MaxInt32)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	byLine := func(n int, err error) error { return atLine(int(lineOf[n-1]), err) }
	if err := checkRange(l.Features, l.SRID, byLine); err != nil {
		return nil, err
	}
	if err := fs.finish(); err != nil {
		return nil, err
	}
	return l, l.Validate()
}

// crsCode reads the (pre-RFC 7946) crs member GDAL and QGIS write.
func crsCode(raw json.RawMessage) (int, error) {
	var name string
	if m, ok := members(raw); ok {
		if p, ok := members(m["properties"]); ok {
			name, _ = jsonString(p["name"])
		}
	}
	m := crsPattern.FindStringSubmatch(name)
	text := short(string(bytes.TrimSpace(raw)))
	if m == nil {
		return 0, bi(fmt.Sprintf("无法识别 crs %s", text), fmt.Sprintf("unrecognised crs %s", text))
	}
	code, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, bi(fmt.Sprintf("无法识别 crs %s", text), fmt.Sprintf("unrecognised crs %s", text))
	}
	if _, err := geo.LookupCRS(code); err != nil {
		return 0, at("crs", "crs", err)
	}
	return code, nil
}

var crsPattern = regexp.MustCompile(`EPSG:+(\d{1,9})$`)

// checkRange refuses coordinates outside the range of a geographic CRS:
// longitudes beyond ±180°, latitudes beyond ±90°.
func checkRange(fs []formats.Feature, srid int, loc func(int, error) error) error {
	crs, err := geo.LookupCRS(srid)
	if err != nil || !crs.Geographic {
		return nil
	}
	for i, f := range fs {
		multi := len(f.Geometry) > 1
		for pi, p := range f.Geometry {
			for ri, r := range p {
				for vi, v := range r {
					switch {
					case math.Abs(v.Lon) > 180:
						return loc(i+1, posFault(multi, pi, ri, vi, bi(fmt.Sprintf("经度 %g 超出 −180°～180°（EPSG:%d 是经纬度）", v.Lon, srid), fmt.Sprintf("longitude %g is outside −180°…180° (EPSG:%d is in degrees)", v.Lon, srid))))
					case math.Abs(v.Lat) > 90:
						return loc(i+1, posFault(multi, pi, ri, vi, bi(fmt.Sprintf("纬度 %g 超出 −90°～90°（EPSG:%d 是经纬度）", v.Lat, srid), fmt.Sprintf("latitude %g is outside −90°…90° (EPSG:%d is in degrees)", v.Lat, srid))))
					}
				}
			}
		}
	}
	return nil
}

type kv struct {
	key string
	val any // string, json.Number, bool, nil, or raw JSON text for objects and arrays
}

// orderedObject reads a properties object keeping its key order. Text
// (and objects and arrays, kept as their JSON text) is at most
// formats.MaxStringBytes; numbers must be finite. With deep, numbers
// inside objects and arrays must be finite too.
func orderedObject(raw json.RawMessage, deep bool) ([]kv, error) {
	if isNull(raw) {
		return nil, nil
	}
	if !isObject(raw) {
		zh, en := kindOf(raw)
		return nil, bi(fmt.Sprintf("properties 应为对象，而不是%s", zh), fmt.Sprintf("properties must be an object, not %s", en))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, jsonFault(err, 0)
	}
	var out []kv
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, jsonFault(err, 0)
		}
		key, _ := k.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, jsonFault(err, 0)
		}
		v = bytes.TrimSpace(v)
		field := func(err error) error { return at("字段 "+short(key), "field "+short(key), err) }
		var val any
		switch v[0] {
		case '{', '[':
			if len(v) > formats.MaxStringBytes {
				return nil, field(bi(fmt.Sprintf("值长 %d 字节，超过 %d 字节的上限", len(v), formats.MaxStringBytes), fmt.Sprintf("the value has %d bytes, over the limit of %d", len(v), formats.MaxStringBytes)))
			}
			if deep {
				if err := finiteNumbers(v); err != nil {
					return nil, field(err)
				}
			}
			val = string(v)
		case '"':
			if len(v) > formats.MaxStringBytes+2 {
				return nil, field(bi(fmt.Sprintf("文本长 %d 字节，超过 %d 字节的上限", len(v)-2, formats.MaxStringBytes), fmt.Sprintf("the text has %d bytes, over the limit of %d", len(v)-2, formats.MaxStringBytes)))
			}
			s, _ := jsonString(v)
			val = s
		case 't', 'f':
			val = v[0] == 't'
		case 'n':
		default:
			n := json.Number(v)
			if _, err := n.Int64(); err != nil {
				if _, err := strconv.ParseFloat(string(v), 64); err != nil {
					return nil, field(bi(fmt.Sprintf("数值 %s 超出范围", short(string(v))), fmt.Sprintf("the number %s is out of range", short(string(v)))))
				}
			}
			val = n
		}
		out = append(out, kv{key, val})
	}
	return out, nil
}

// fieldSet infers the layer's fields while features are read: each
// feature's values are kept aligned with the fields seen so far, as
// decoded (string, json.Number, bool, nil, raw JSON text), and converted
// in place once every type is known.
type fieldSet struct {
	l      *formats.Layer
	index  map[string]int
	kinds  []uint8
	values int64 // values present so far
	slots  int64 // value slots held so far
}

const (
	kindString uint8 = 1 << iota
	kindBool
	kindInt
	kindReal
)

func newFieldSet(l *formats.Layer) *fieldSet {
	return &fieldSet{l: l, index: map[string]int{}}
}

// add appends a feature; attribute order follows the first feature that
// has each key.
func (fs *fieldSet) add(f feature) error {
	var vals []any
	if len(f.props) > 0 {
		vals = make([]any, len(fs.l.Fields), max(len(fs.l.Fields), len(f.props)))
	}
	for _, p := range f.props {
		i, ok := fs.index[p.key]
		if !ok {
			if len(fs.l.Fields) >= formats.MaxFields {
				return bi(fmt.Sprintf("字段 %s 使图层的字段超过 %d 个的上限", short(p.key), formats.MaxFields), fmt.Sprintf("field %s takes the layer past the limit of %d fields", short(p.key), formats.MaxFields))
			}
			i = len(fs.l.Fields)
			fs.index[p.key] = i
			fs.l.Fields = append(fs.l.Fields, formats.Field{Name: p.key})
			fs.kinds = append(fs.kinds, 0)
		}
		switch v := p.val.(type) {
		case nil:
		case string:
			fs.kinds[i] |= kindString
		case bool:
			fs.kinds[i] |= kindBool
		case json.Number:
			// Whole numbers are held as int64 (8 bytes, not a string):
			// their JSON text is canonical, so a field that turns out to
			// be String gets the same text back ("-0" excepted, kept as
			// text).
			if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil && v != "-0" {
				fs.kinds[i] |= kindInt
				p.val = n
			} else if err == nil {
				fs.kinds[i] |= kindInt
			} else {
				fs.kinds[i] |= kindReal
			}
		}
		if fs.values++; fs.values > formats.MaxValues {
			return bi(fmt.Sprintf("属性值超过 %d 个的上限", formats.MaxValues), fmt.Sprintf("more than the limit of %d attribute values", formats.MaxValues))
		}
		if i >= len(vals) {
			vals = append(vals, make([]any, i+1-len(vals))...)
		}
		vals[i] = p.val
	}
	// The values held, nil slots included, are bounded as they grow (a
	// layer of 1000 fields and a million one-property features would
	// otherwise hold a billion slots before finish counts them).
	if fs.slots += int64(len(vals)); fs.slots > formats.MaxValues {
		n := len(fs.l.Features) + 1
		return bi(fmt.Sprintf("%d 个要素 × %d 个字段超过 %d 个属性值的上限", n, len(fs.l.Fields), formats.MaxValues), fmt.Sprintf("%d features × %d fields exceed the limit of %d values", n, len(fs.l.Fields), formats.MaxValues))
	}
	fs.l.Features = append(fs.l.Features, formats.Feature{ID: f.id, Geometry: f.geom, Values: vals})
	return nil
}

// finish types the fields (strings, booleans, whole numbers as Integer,
// other numbers as Real; mixed types and only nulls as String) and
// converts every feature's values.
func (fs *fieldSet) finish() error {
	l := fs.l
	if n := int64(len(l.Features)) * int64(len(l.Fields)); n > formats.MaxValues {
		return bi(fmt.Sprintf("%d 个要素 × %d 个字段超过 %d 个属性值的上限", len(l.Features), len(l.Fields), formats.MaxValues), fmt.Sprintf("%d features × %d fields exceed the limit of %d values", len(l.Features), len(l.Fields), formats.MaxValues))
	}
	for i, k := range fs.kinds {
		switch {
		case k&kindString != 0 || (k&kindBool != 0 && k&(kindInt|kindReal) != 0):
			l.Fields[i].Type = formats.String
		case k&kindBool != 0:
			l.Fields[i].Type = formats.Bool
		case k&kindReal != 0:
			l.Fields[i].Type = formats.Real
		case k&kindInt != 0:
			l.Fields[i].Type = formats.Integer
		default:
			l.Fields[i].Type = formats.String // only nulls
		}
	}
	for fi := range l.Features {
		vals := l.Features[fi].Values
		if len(vals) < len(l.Fields) {
			full := make([]any, len(l.Fields))
			copy(full, vals)
			vals = full
		}
		for i, v := range vals {
			vals[i] = convert(v, l.Fields[i].Type)
		}
		l.Features[fi].Values = vals
	}
	return nil
}

// convert turns a value as held by fieldSet (string, bool, int64,
// json.Number, raw JSON text) into the field's type.
func convert(v any, t formats.FieldType) any {
	if v == nil {
		return nil
	}
	switch t {
	case formats.String:
		switch x := v.(type) {
		case json.Number:
			return x.String()
		case int64:
			return strconv.FormatInt(x, 10)
		case bool:
			return strconv.FormatBool(x)
		}
		return v
	case formats.Integer:
		switch x := v.(type) {
		case int64:
			return x
		case json.Number:
			n, _ := x.Int64()
			return n
		}
	case formats.Real:
		switch x := v.(type) {
		case int64:
			return float64(x)
		case json.Number:
			f, _ := x.Float64() // finite: orderedObject checked it
			return f
		}
	}
	return v
}

// Member is an extra top-level member of a FeatureCollection (paging
// counts, links).
type Member struct {
	Name  string
	Value any
}

// Options shape what Write writes; the zero value is WriteLayer's export
// style.
type Options struct {
	// Members are extra top-level members, after the name.
	Members []Member
	// Decimals, when above zero, rounds every coordinate to that many
	// decimals (7 is about 1 cm in degrees), so the text is the same each
	// time; zero writes them in full precision.
	Decimals int
	// Sparse writes each feature as the bundle's zones.geojson and
	// blocks.geojson hold them: members in the order type, id, geometry,
	// properties; a feature without geometry as "geometry":null (RFC 7946
	// §3.2); properties without a value left out and numbers in their
	// shortest form (a whole Real without ".0"), as encoding/json writes
	// a map. Readers infer a field's type from all its values, so the
	// layer reads back the same.
	Sparse bool
}

// WriteLayer writes a layer as a FeatureCollection with full-precision
// coordinates and properties in field order. A CRS other than EPSG:4326 is
// named in a crs member, which GDAL and QGIS read.
func WriteLayer(w io.Writer, l *formats.Layer, members ...Member) error {
	return Write(w, l, Options{Members: members})
}

// Marshal is Write into a byte slice.
func Marshal(l *formats.Layer, opt Options) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, l, opt); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes a layer as a FeatureCollection, one feature per line (so
// a diff of two files shows which features changed), as opt says. A CRS
// other than EPSG:4326 is named in a crs member, which GDAL and QGIS
// read.
func Write(w io.Writer, l *formats.Layer, opt Options) error {
	validate := l.Validate
	if opt.Sparse {
		validate = l.ValidateValues
	}
	if err := validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	name, _ := json.Marshal(l.Name)
	fmt.Fprintf(bw, `{"type":"FeatureCollection","name":%s`, name)
	for _, m := range opt.Members {
		k, _ := json.Marshal(m.Name)
		v, err := json.Marshal(m.Value)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, `,%s:%s`, k, v)
	}
	if l.SRID != geo.EPSG4326 && l.SRID != 0 {
		fmt.Fprintf(bw, `,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%d"}}`, l.SRID)
	}
	bw.WriteString(`,"features":[`)
	coord := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	if opt.Decimals > 0 {
		scale := math.Pow10(opt.Decimals)
		coord = func(v float64) string { return strconv.FormatFloat(math.Round(v*scale)/scale, 'f', -1, 64) }
	}
	for i, f := range l.Features {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n{\"type\":\"Feature\"")
		if f.ID != "" {
			id, _ := json.Marshal(f.ID)
			bw.WriteString(`,"id":`)
			bw.Write(id)
		}
		if opt.Sparse {
			bw.WriteString(`,"geometry":`)
			writeGeometry(bw, f.Geometry, coord)
		}
		bw.WriteString(`,"properties":{`)
		n := 0
		for j, fld := range l.Fields {
			if opt.Sparse && f.Values[j] == nil {
				continue
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			k, _ := json.Marshal(fld.Name)
			v, err := json.Marshal(f.Values[j])
			if err != nil {
				return fmt.Errorf("feature %d field %s: %w", i+1, fld.Name, err)
			}
			if x, ok := f.Values[j].(float64); ok && !opt.Sparse && x == math.Trunc(x) && !bytes.ContainsAny(v, ".eE") {
				v = append(v, ".0"...) // keep a whole Real a Real when read back
			}
			bw.Write(k)
			bw.WriteByte(':')
			bw.Write(v)
		}
		bw.WriteByte('}')
		if !opt.Sparse {
			bw.WriteString(`,"geometry":`)
			writeGeometry(bw, f.Geometry, coord)
		}
		bw.WriteByte('}')
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func writeGeometry(w *bufio.Writer, m geo.MultiPolygon, coord func(float64) string) {
	if m == nil {
		w.WriteString("null")
		return
	}
	poly := func(p geo.Polygon) {
		w.WriteByte('[')
		for i, r := range p {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteByte('[')
			for j, pt := range r {
				if j > 0 {
					w.WriteByte(',')
				}
				w.WriteByte('[')
				w.WriteString(coord(pt.Lon))
				w.WriteByte(',')
				w.WriteString(coord(pt.Lat))
				w.WriteByte(']')
			}
			w.WriteByte(']')
		}
		w.WriteByte(']')
	}
	if len(m) == 1 {
		w.WriteString(`{"type":"Polygon","coordinates":`)
		poly(m[0])
	} else {
		w.WriteString(`{"type":"MultiPolygon","coordinates":[`)
		for i, p := range m {
			if i > 0 {
				w.WriteByte(',')
			}
			poly(p)
		}
		w.WriteByte(']')
	}
	w.WriteByte('}')
}
