package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Feature is a GeoJSON feature with a polygon (or no) geometry.
type Feature struct {
	ID         string
	Geometry   Polygon // nil for a feature without geometry
	Properties map[string]any
}

// FeatureCollection is a GeoJSON feature collection in EPSG:4490.
type FeatureCollection struct {
	Name     string
	Features []Feature
}

// crs4490 is the (pre-RFC 7946) crs member GDAL and QGIS read, so the
// layer opens as CGCS2000 rather than WGS 84.
var crs4490 = json.RawMessage(`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}}`)

type jsonGeometry struct {
	Type        string           `json:"type"`
	Coordinates [][][2]jsonCoord `json:"coordinates"`
}

type jsonFeature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id,omitempty"`
	Geometry   *jsonGeometry   `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// jsonCoord prints coordinates with at most 7 decimals (about 1 cm), the
// same each time.
type jsonCoord float64

func (c jsonCoord) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(math.Round(float64(c)*1e7)/1e7, 'f', -1, 64)), nil
}

// MarshalJSON writes the collection with one feature per line, so a diff
// of a regenerated file shows which features changed.
func (fc FeatureCollection) MarshalJSON() ([]byte, error) {
	out := []byte(`{"type":"FeatureCollection","name":`)
	name, _ := json.Marshal(fc.Name)
	out = append(out, name...)
	out = append(out, `,"crs":`...)
	out = append(out, crs4490...)
	out = append(out, `,"features":[`...)
	for i, f := range fc.Features {
		b, err := f.MarshalJSON()
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, '\n')
		out = append(out, b...)
	}
	return append(out, "\n]}\n"...), nil
}

// MarshalJSON writes one GeoJSON feature.
func (f Feature) MarshalJSON() ([]byte, error) {
	props, err := json.Marshal(f.Properties)
	if err != nil {
		return nil, err
	}
	jf := jsonFeature{Type: "Feature", ID: f.ID, Properties: props}
	if f.Geometry != nil {
		g := &jsonGeometry{Type: "Polygon"}
		for _, r := range f.Geometry {
			ring := make([][2]jsonCoord, len(r))
			for i, p := range r {
				ring[i] = [2]jsonCoord{jsonCoord(p.Lon), jsonCoord(p.Lat)}
			}
			g.Coordinates = append(g.Coordinates, ring)
		}
		jf.Geometry = g
	}
	return json.Marshal(jf)
}

// ParseFeatureCollection reads polygon features; other geometry types are
// refused with the feature's position.
func ParseFeatureCollection(b []byte) (FeatureCollection, error) {
	var raw struct {
		Type     string `json:"type"`
		Name     string `json:"name"`
		Features []struct {
			ID       any `json:"id"`
			Geometry *struct {
				Type        string        `json:"type"`
				Coordinates [][][]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return FeatureCollection{}, err
	}
	if raw.Type != "FeatureCollection" {
		return FeatureCollection{}, fmt.Errorf("type is %q, not FeatureCollection", raw.Type)
	}
	fc := FeatureCollection{Name: raw.Name}
	for i, rf := range raw.Features {
		f := Feature{Properties: rf.Properties}
		if rf.ID != nil {
			f.ID = fmt.Sprint(rf.ID)
		}
		if g := rf.Geometry; g != nil {
			if g.Type != "Polygon" {
				return fc, fmt.Errorf("features[%d]: geometry type %q is not Polygon", i, g.Type)
			}
			for ri, r := range g.Coordinates {
				var ring Ring
				for vi, c := range r {
					if len(c) < 2 {
						return fc, fmt.Errorf("features[%d] ring %d vertex %d: needs two coordinates", i, ri, vi)
					}
					ring = append(ring, LonLat{c[0], c[1]})
				}
				f.Geometry = append(f.Geometry, ring)
			}
		}
		fc.Features = append(fc.Features, f)
	}
	return fc, nil
}
