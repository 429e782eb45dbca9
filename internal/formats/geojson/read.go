// Package geojson is mineplan's one GeoJSON codec, on the common layer
// model (formats.Layer): it reads a FeatureCollection, a single Feature or
// a bare geometry (ReadLayer; ReadCollection for the bundle's files) and
// GeoJSON lines (one Feature per line, as the benchmark generator and
// ogr2ogr's GeoJSONSeq write them: ReadLayerLines, or streamed one record
// at a time by ReadLines), and writes layers (Write, WriteLayer) for the
// exports, the API and the bundle's illustrative files. Every fault is a
// plain bilingual message naming the feature or line, and in the geometry
// the part, ring and vertex.
package geojson

import (
	"io"
	"os"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// ReadLines reads GeoJSON lines, calling fn for each feature with the
// fields of its own values: Polygon features (or features without
// geometry) in EPSG:4490. Blank lines are skipped, as are a byte order
// mark at the start and RFC 8142 record separators; an error names the
// line (1-based). Coordinates must be finite and within the range of
// degrees, and every number finite; the shape of rings is the polygon
// validator's to judge.
func ReadLines(r io.Reader, fn func(formats.Record) error) error {
	b := newBudget()
	return scanLines(r, func(line int, text []byte) error {
		f, err := lineFeature(text, collectionRules, b)
		if err != nil {
			return err
		}
		if err := checkRange([]formats.Feature{{Geometry: f.geom}}, geo.EPSG4490, func(_ int, err error) error { return err }); err != nil {
			return err
		}
		one := &formats.Layer{SRID: geo.EPSG4490}
		fs := newFieldSet(one)
		if err := fs.add(f); err != nil {
			return err
		}
		if err := fs.finish(); err != nil {
			return err
		}
		return fn(formats.Record{Fields: one.Fields, Feature: one.Features[0]})
	})
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
	err = ReadLines(f, func(g formats.Record) error {
		if g.Geometry == nil {
			return bi("要素没有几何图形", "the feature has no geometry")
		}
		id := int64(len(ids) + 1)
		switch v := g.Properties()["id"].(type) {
		case int64:
			id = v
		case float64:
			id = int64(v)
		}
		ids = append(ids, id)
		polys = append(polys, g.Geometry[0])
		return nil
	})
	return ids, polys, err
}
