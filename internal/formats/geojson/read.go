// Package geojson reads polygon features from GeoJSON: a FeatureCollection
// document, or GeoJSON lines (one Feature per line, as the benchmark
// generator and ogr2ogr's GeoJSONSeq write them), into geo.Feature values
// (ReadLines, ReadCollection) or the common layer model (ReadLayer,
// ReadLayerLines); and writes layers (WriteLayer). Every fault is a plain
// bilingual message naming the feature or line, and in the geometry the
// part, ring and vertex.
package geojson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// ReadLines reads GeoJSON lines, calling fn for each feature: Polygon
// features (or features without geometry) in EPSG:4490, as
// geo.ParseFeatureCollection reads them. Blank lines are skipped, as are a
// byte order mark at the start and RFC 8142 record separators; an error
// names the line (1-based). Coordinates must be finite and within the
// range of degrees; the shape of rings is the polygon validator's to
// judge.
func ReadLines(r io.Reader, fn func(geo.Feature) error) error {
	b := newBudget()
	return scanLines(r, func(line int, text []byte) error {
		f, err := lineFeature(text, collectionRules, b)
		if err != nil {
			return err
		}
		if err := checkRange([]formats.Feature{{Geometry: f.geom}}, geo.EPSG4490, func(_ int, err error) error { return err }); err != nil {
			return err
		}
		// Wrap the feature so the collection parser's checks apply to it.
		wrapped := append(append([]byte(`{"type":"FeatureCollection","features":[`), text...), ']', '}')
		fc, err := geo.ParseFeatureCollection(wrapped)
		if err != nil {
			return geoFault(err)
		}
		return fn(fc.Features[0])
	})
}

// collectionRules are what geo.ParseFeatureCollection reads: Polygon
// features, or features without geometry, with properties and id decoded
// as float64 wherever they hold numbers.
var collectionRules = rules{noGeometry: true, checkNumbers: true}

// ReadCollection reads a FeatureCollection document of Polygon features
// (or features without geometry) in EPSG:4490, calling fn for each. A
// UTF-8 byte order mark is skipped. The document is checked first, so
// that every fault is named by its feature (1-based), ring and vertex in
// plain words; then geo.ParseFeatureCollection reads it.
func ReadCollection(r io.Reader, fn func(geo.Feature) error) error {
	cr := &countingReader{r: io.LimitReader(r, MaxDocument+1)}
	b, err := io.ReadAll(cr)
	if err != nil {
		return bi(fmt.Sprintf("读取失败：%v", err), fmt.Sprintf("read failed: %v", err))
	}
	if len(b) > MaxDocument {
		return tooLarge("GeoJSON 文件", MaxDocument)
	}
	var base int64
	if bytes.HasPrefix(b, bom) {
		b, base = b[3:], 3
	}
	if err := checkCollection(b, base); err != nil {
		return err
	}
	fc, err := geo.ParseFeatureCollection(b)
	if err != nil {
		return geoFault(err)
	}
	for i, f := range fc.Features {
		if err := fn(f); err != nil {
			return atFeature(i+1, err)
		}
	}
	return nil
}

// checkCollection refuses, with its feature, whatever
// geo.ParseFeatureCollection would refuse in Go's words, and what it
// would let through that cannot be a coordinate (non-finite or
// out-of-range numbers).
func checkCollection(b []byte, base int64) error {
	budget := newBudget()
	var typ json.RawMessage
	err := walkObject(bytes.NewReader(b), base, func(key string, dec *json.Decoder) error {
		if key == "features" {
			return walkArray(dec, base, "features", func(n int, raw json.RawMessage) error {
				f, err := decodeFeature(raw, collectionRules, budget)
				if err == nil && f.geom != nil {
					err = checkRange([]formats.Feature{{Geometry: f.geom}}, geo.EPSG4490, func(_ int, err error) error { return err })
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
		case "name":
			if _, ok := jsonString(raw); !ok && !isNull(raw) {
				zh, en := kindOf(raw)
				return bi(fmt.Sprintf("name 应为文本，而不是%s", zh), fmt.Sprintf("name must be a string, not %s", en))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t, ok := jsonString(typ); !ok || t != "FeatureCollection" {
		if !ok {
			zh, en := kindOf(typ)
			return bi(fmt.Sprintf("type 应为 \"FeatureCollection\"，而不是%s", zh), fmt.Sprintf("type must be \"FeatureCollection\", not %s", en))
		}
		return bi(fmt.Sprintf("type 为 %q，应为 FeatureCollection", short(t)), fmt.Sprintf("type is %q, want FeatureCollection", short(t)))
	}
	return nil
}

// geoFeature finds the 0-based feature index in a message of
// geo.ParseFeatureCollection.
var geoFeature = regexp.MustCompile(`^features\[(\d+)\]:? ?(.*)$`)

// geoFault rewords an error of geo.ParseFeatureCollection that
// checkCollection did not foresee: the feature counted from 1, JSON
// faults in plain words.
func geoFault(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return jsonFault(err, 0)
	case errors.As(err, &te):
		return bi(fmt.Sprintf("字段 %s 的值类型不对（%s）", te.Field, te.Value), fmt.Sprintf("field %s has a value of the wrong kind (%s)", te.Field, te.Value))
	}
	msg := err.Error()
	if m := geoFeature.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return atFeature(n+1, bi(m[2], m[2]))
	}
	return bi(fmt.Sprintf("GeoJSON 无法读取：%s", msg), fmt.Sprintf("cannot read the GeoJSON: %s", msg))
}

// ReadPolygonFile reads a GeoJSON-lines file of polygon features into ids
// (the "id" property, else the position) and polygons.
func ReadPolygonFile(path string) ([]int64, []geo.Polygon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var ids []int64
	var polys []geo.Polygon
	err = ReadLines(f, func(g geo.Feature) error {
		if g.Geometry == nil {
			return bi("要素没有几何图形", "the feature has no geometry")
		}
		id := int64(len(ids) + 1)
		if v, ok := g.Properties["id"].(float64); ok {
			id = int64(v)
		}
		ids = append(ids, id)
		polys = append(polys, g.Geometry)
		return nil
	})
	return ids, polys, err
}
