// Package geojson reads polygon features from GeoJSON: a FeatureCollection
// document, or GeoJSON lines (one Feature per line, as the benchmark
// generator and ogr2ogr's GeoJSONSeq write them).
package geojson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"mineplan/internal/geo"
)

// MaxLine bounds one line of GeoJSON lines (a red line of tens of
// thousands of vertices fits); a longer line is an error, not a crash.
const MaxLine = 64 << 20

// ReadLines reads GeoJSON lines, calling fn for each feature. Blank lines
// are skipped; an error names the line.
func ReadLines(r io.Reader, fn func(geo.Feature) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), MaxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		f, err := parseFeature(b)
		if err != nil {
			return fmt.Errorf("第 %d 行 / line %d: %w", line, line, err)
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("第 %d 行 / line %d: %w", line, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("after line %d: %w", line, err)
	}
	return nil
}

// ReadCollection reads a FeatureCollection document.
func ReadCollection(r io.Reader, fn func(geo.Feature) error) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	fc, err := geo.ParseFeatureCollection(b)
	if err != nil {
		return err
	}
	for i, f := range fc.Features {
		if err := fn(f); err != nil {
			return fmt.Errorf("第 %d 个要素 / feature %d: %w", i+1, i+1, err)
		}
	}
	return nil
}

func parseFeature(b []byte) (geo.Feature, error) {
	// Wrap the feature so the collection parser's checks apply to it.
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return geo.Feature{}, fmt.Errorf("不是有效的 JSON / not valid JSON: %v", err)
	}
	if probe.Type != "Feature" {
		return geo.Feature{}, fmt.Errorf("type 为 %q，应为 Feature / type is %q, want Feature", probe.Type, probe.Type)
	}
	wrapped := append(append([]byte(`{"type":"FeatureCollection","features":[`), b...), ']', '}')
	fc, err := geo.ParseFeatureCollection(wrapped)
	if err != nil {
		return geo.Feature{}, err
	}
	return fc.Features[0], nil
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
			return fmt.Errorf("要素没有几何图形 / feature has no geometry")
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
