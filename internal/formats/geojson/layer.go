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

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// MaxDocument bounds a GeoJSON document read whole.
const MaxDocument = 1 << 30

type rawFeature struct {
	Type       string          `json:"type"`
	Geometry   *rawGeometry    `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

var crsCode = regexp.MustCompile(`EPSG:+(\d+)$`)

// ReadLayer reads a FeatureCollection of Polygon and MultiPolygon features
// into a layer. Attribute order follows the first feature that has each
// key; types are inferred: strings, booleans, whole numbers (Integer) and
// other numbers (Real); a key with mixed types becomes String. The CRS is
// the document's crs member, else EPSG:4326 as RFC 7946 says.
func ReadLayer(r io.Reader, name string) (*formats.Layer, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDocument+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDocument {
		return nil, fmt.Errorf("GeoJSON 文件超过 %d 字节 / GeoJSON larger than %d bytes", MaxDocument, MaxDocument)
	}
	var doc struct {
		Type     string          `json:"type"`
		Name     string          `json:"name"`
		CRS      json.RawMessage `json:"crs"`
		Features []rawFeature    `json:"features"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("不是有效的 GeoJSON / not valid GeoJSON: %v", err)
	}
	if doc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("type 为 %q，应为 FeatureCollection / type is %q, want FeatureCollection", doc.Type, doc.Type)
	}
	l := &formats.Layer{Name: name, SRID: geo.EPSG4326}
	if name == "" {
		l.Name = doc.Name
	}
	if len(doc.CRS) > 0 {
		var c struct {
			Properties struct{ Name string } `json:"properties"`
		}
		json.Unmarshal(doc.CRS, &c)
		m := crsCode.FindStringSubmatch(c.Properties.Name)
		if m == nil {
			return nil, fmt.Errorf("无法识别 crs %s / unrecognised crs %s", doc.CRS, doc.CRS)
		}
		code, _ := strconv.Atoi(m[1])
		if _, err := geo.LookupCRS(code); err != nil {
			return nil, err
		}
		l.SRID = code
	}
	props := make([][]kv, len(doc.Features))
	for i, f := range doc.Features {
		if f.Type != "Feature" {
			return nil, fmt.Errorf("第 %d 个要素的 type 为 %q / feature %d: type is %q", i+1, f.Type, i+1, f.Type)
		}
		g, err := decodeGeometry(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("第 %d 个要素 / feature %d: %w", i+1, i+1, err)
		}
		if props[i], err = orderedObject(f.Properties); err != nil {
			return nil, fmt.Errorf("第 %d 个要素的属性 / feature %d properties: %w", i+1, i+1, err)
		}
		l.Features = append(l.Features, formats.Feature{Geometry: g})
	}
	inferFields(l, props)
	return l, l.Validate()
}

type kv struct {
	key string
	val any // string, json.Number, bool, nil, or raw JSON text for objects and arrays
}

// orderedObject reads a JSON object keeping its key order.
func orderedObject(raw json.RawMessage) ([]kv, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("properties 不是对象 / properties is not an object")
	}
	var out []kv
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		var val any
		switch v[0] {
		case '{', '[':
			val = string(v)
		default:
			d := json.NewDecoder(bytes.NewReader(v))
			d.UseNumber()
			if err := d.Decode(&val); err != nil {
				return nil, err
			}
		}
		out = append(out, kv{k.(string), val})
	}
	return out, nil
}

func inferFields(l *formats.Layer, props [][]kv) {
	index := map[string]int{}
	kinds := []map[string]bool{}
	for _, ps := range props {
		for _, p := range ps {
			i, ok := index[p.key]
			if !ok {
				i = len(l.Fields)
				index[p.key] = i
				l.Fields = append(l.Fields, formats.Field{Name: p.key})
				kinds = append(kinds, map[string]bool{})
			}
			switch v := p.val.(type) {
			case nil:
			case string:
				kinds[i]["string"] = true
			case bool:
				kinds[i]["bool"] = true
			case json.Number:
				if _, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
					kinds[i]["int"] = true
				} else {
					kinds[i]["real"] = true
				}
			}
		}
	}
	for i, k := range kinds {
		switch {
		case k["string"] || (k["bool"] && (k["int"] || k["real"])):
			l.Fields[i].Type = formats.String
		case k["bool"]:
			l.Fields[i].Type = formats.Bool
		case k["real"]:
			l.Fields[i].Type = formats.Real
		case k["int"]:
			l.Fields[i].Type = formats.Integer
		default:
			l.Fields[i].Type = formats.String // only nulls
		}
	}
	for fi, ps := range props {
		vals := make([]any, len(l.Fields))
		for _, p := range ps {
			i := index[p.key]
			vals[i] = convert(p.val, l.Fields[i].Type)
		}
		l.Features[fi].Values = vals
	}
}

func convert(v any, t formats.FieldType) any {
	if v == nil {
		return nil
	}
	switch t {
	case formats.String:
		switch x := v.(type) {
		case json.Number:
			return x.String()
		case bool:
			return strconv.FormatBool(x)
		}
		return v
	case formats.Integer:
		n, _ := v.(json.Number).Int64()
		return n
	case formats.Real:
		f, _ := v.(json.Number).Float64()
		return f
	}
	return v
}

func decodeGeometry(g *rawGeometry) (geo.MultiPolygon, error) {
	if g == nil {
		return nil, fmt.Errorf("没有几何图形 / no geometry")
	}
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("Polygon 坐标格式错误 / bad Polygon coordinates: %v", err)
		}
		p, err := polygon(c, 0)
		if err != nil {
			return nil, err
		}
		return geo.MultiPolygon{p}, nil
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("MultiPolygon 坐标格式错误 / bad MultiPolygon coordinates: %v", err)
		}
		var m geo.MultiPolygon
		for i, pc := range c {
			p, err := polygon(pc, i)
			if err != nil {
				return nil, err
			}
			m = append(m, p)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("MultiPolygon 为空 / empty MultiPolygon")
		}
		return m, nil
	}
	return nil, fmt.Errorf("几何类型 %q 不是面 / geometry type %q is not Polygon or MultiPolygon", g.Type, g.Type)
}

func polygon(c [][][]float64, part int) (geo.Polygon, error) {
	if len(c) == 0 {
		return nil, fmt.Errorf("第 %d 个面没有环 / part %d has no rings", part+1, part+1)
	}
	var p geo.Polygon
	for ri, r := range c {
		ring := make(geo.Ring, len(r))
		for vi, v := range r {
			if len(v) < 2 || math.IsNaN(v[0]) || math.IsNaN(v[1]) {
				return nil, fmt.Errorf("第 %d 个面第 %d 环第 %d 点坐标无效 / part %d ring %d vertex %d: bad coordinate", part+1, ri+1, vi+1, part+1, ri+1, vi+1)
			}
			ring[vi] = geo.LonLat{Lon: v[0], Lat: v[1]}
		}
		p = append(p, ring)
	}
	return p, nil
}

// Member is an extra top-level member of a FeatureCollection (paging
// counts, links).
type Member struct {
	Name  string
	Value any
}

// WriteLayer writes a layer as a FeatureCollection with full-precision
// coordinates and properties in field order. A CRS other than EPSG:4326 is
// named in a crs member, which GDAL and QGIS read.
func WriteLayer(w io.Writer, l *formats.Layer, members ...Member) error {
	if err := l.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	name, _ := json.Marshal(l.Name)
	fmt.Fprintf(bw, `{"type":"FeatureCollection","name":%s`, name)
	for _, m := range members {
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
	for i, f := range l.Features {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n{\"type\":\"Feature\",\"properties\":{")
		for j, fld := range l.Fields {
			if j > 0 {
				bw.WriteByte(',')
			}
			k, _ := json.Marshal(fld.Name)
			v, err := json.Marshal(f.Values[j])
			if err != nil {
				return fmt.Errorf("feature %d field %s: %w", i+1, fld.Name, err)
			}
			if x, ok := f.Values[j].(float64); ok && x == math.Trunc(x) && !bytes.ContainsAny(v, ".eE") {
				v = append(v, ".0"...) // keep a whole Real a Real when read back
			}
			bw.Write(k)
			bw.WriteByte(':')
			bw.Write(v)
		}
		bw.WriteString(`},"geometry":`)
		writeGeometry(bw, f.Geometry)
		bw.WriteByte('}')
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func writeGeometry(w *bufio.Writer, m geo.MultiPolygon) {
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
				w.WriteString(strconv.FormatFloat(pt.Lon, 'f', -1, 64))
				w.WriteByte(',')
				w.WriteString(strconv.FormatFloat(pt.Lat, 'f', -1, 64))
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
