package geo

import (
	"encoding/json"
	"math"
	"strconv"
)

// LonLat is a point in EPSG:4490, degrees.
type LonLat struct{ Lon, Lat float64 }

// Ring is a closed sequence of points; the first point is repeated last.
type Ring []LonLat

// Polygon is an outer ring followed by holes.
type Polygon []Ring

// BBox is a bounding box in degrees.
type BBox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

// Bounds returns the ring's bounding box (an empty box, min above max,
// for no points).
func (r Ring) Bounds() BBox {
	b := BBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, pt := range r {
		b.MinLon = math.Min(b.MinLon, pt.Lon)
		b.MinLat = math.Min(b.MinLat, pt.Lat)
		b.MaxLon = math.Max(b.MaxLon, pt.Lon)
		b.MaxLat = math.Max(b.MaxLat, pt.Lat)
	}
	return b
}

// Bounds returns the polygon's bounding box.
func (p Polygon) Bounds() BBox {
	b := BBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, r := range p {
		b = union(b, r.Bounds())
	}
	return b
}

// Intersects reports whether two boxes share any point.
func (b BBox) Intersects(o BBox) bool {
	return b.MinLon <= o.MaxLon && o.MinLon <= b.MaxLon && b.MinLat <= o.MaxLat && o.MinLat <= b.MaxLat
}

// Contains reports whether box o lies within b (edges may touch).
func (b BBox) Contains(o BBox) bool {
	return b.MinLon <= o.MinLon && o.MaxLon <= b.MaxLon && b.MinLat <= o.MinLat && o.MaxLat <= b.MaxLat
}

// DistanceKm is the great-circle distance between two points on the
// authalic sphere, in kilometres; good enough to rank nearby anchors.
func (el Ellipsoid) DistanceKm(a, b LonLat) float64 {
	const d = math.Pi / 180
	la1, la2 := a.Lat*d, b.Lat*d
	dl := (b.Lon - a.Lon) * d
	c := math.Sin(la1)*math.Sin(la2) + math.Cos(la1)*math.Cos(la2)*math.Cos(dl)
	return math.Acos(math.Max(-1, math.Min(1, c))) * el.AuthalicRadius() / 1000
}

// Rect is the polygon of a box, counter-clockwise.
func Rect(b BBox) Polygon {
	return Polygon{{
		{b.MinLon, b.MinLat}, {b.MaxLon, b.MinLat}, {b.MaxLon, b.MaxLat}, {b.MinLon, b.MaxLat}, {b.MinLon, b.MinLat},
	}}
}

// MultiPolygon is a set of polygons (a right or block of several parcels).
type MultiPolygon []Polygon

// Bounds returns the bounding box of all parts.
func (m MultiPolygon) Bounds() BBox {
	b := BBox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range m {
		b = union(b, p.Bounds())
	}
	return b
}

// MarshalJSON writes a point as [longitude, latitude], as GeoJSON does.
func (p LonLat) MarshalJSON() ([]byte, error) {
	return []byte("[" + strconv.FormatFloat(p.Lon, 'f', -1, 64) + "," + strconv.FormatFloat(p.Lat, 'f', -1, 64) + "]"), nil
}

// UnmarshalJSON reads [longitude, latitude].
func (p *LonLat) UnmarshalJSON(b []byte) error {
	var a [2]float64
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	p.Lon, p.Lat = a[0], a[1]
	return nil
}
