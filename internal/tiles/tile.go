// Package tiles makes Mapbox Vector Tiles (MVT 2.1) of mineplan's polygon
// layers in the Web Mercator tile matrix set (OGC WebMercatorQuad, the
// XYZ scheme: z/x/y with y growing southwards).
//
// The store holds EPSG:4490 (CGCS2000) longitudes and latitudes. They are
// projected to Web Mercator as if they were WGS 84: CGCS2000 and WGS 84
// differ by centimetres, far below a tile unit at the zooms served (0.12 m
// at z16), and every web map in China treats them as the same for display.
// No GCJ-02 or BD-09 offset is ever applied.
//
// A tile is made in one pass per feature: each vertex is projected once to
// tile units (extent 4096), rings are clipped to the tile grown by a
// buffer of 64 units, simplified with Douglas–Peucker at a per-zoom
// tolerance in tile units (Tolerance), snapped to the integer grid, and
// rings that collapse are dropped. A tile over MaxBytes drops its densest
// features (as tippecanoe's --drop-densest-as-needed does) and says how
// many in a metadata layer (MetaLayer). Encoding is github.com/paulmach/orb's
// encoding/mvt. The package reads features through a small interface
// (Source) and imports neither the store nor the web server.
package tiles

import (
	"fmt"
	"math"

	"mineplan/internal/geo"
)

// Tile geometry constants.
const (
	// Extent is the tile's size in tile units.
	Extent = 4096
	// Buffer is how far, in tile units, geometry reaches past the tile's
	// edge, so strokes and labels join across tiles.
	Buffer = 64
	// MaxBytes is the largest tile: a bigger one is thinned.
	MaxBytes = 500 << 10
	// MinZoom and MaxZoom are the zooms served; a map overzooms MaxZoom.
	MinZoom = 4
	MaxZoom = 16
	// maxLat is Web Mercator's latitude limit.
	maxLat = 85.05112877980659
)

// Tolerance is the Douglas–Peucker tolerance at zoom z, in tile units:
// 2 up to z7, where tiles cover whole prefectures and hold the most
// vertices, and 1 from z8. Simplification and the snap to the integer
// grid together move no vertex of the clipped input farther than
// Bound(z) from the encoded outline.
func Tolerance(z int) float64 {
	if z <= 7 {
		return 2
	}
	return 1
}

// Bound is the largest distance, in tile units, from any vertex of the
// clipped, projected input to the encoded outline: Tolerance(z) plus half
// a grid diagonal (√2/2) for the snap to integers.
func Bound(z int) float64 { return Tolerance(z) + math.Sqrt2/2 }

// Tile is a tile address in WebMercatorQuad (XYZ).
type Tile struct{ Z, X, Y int }

func (t Tile) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// Check says what is wrong with the address, in Chinese and English: a
// zoom outside MinZoom–MaxZoom, or a column or row outside 0–2^z−1.
func (t Tile) Check() error {
	if t.Z < MinZoom || t.Z > MaxZoom {
		return fmt.Errorf("缩放级别 z=%d 超出范围 %d–%d / zoom z=%d is outside %d–%d", t.Z, MinZoom, MaxZoom, t.Z, MinZoom, MaxZoom)
	}
	n := 1 << t.Z
	if t.X < 0 || t.X >= n {
		return fmt.Errorf("列号 x=%d 超出 z=%d 的范围 0–%d / column x=%d is outside 0–%d at z=%d", t.X, t.Z, n-1, t.X, n-1, t.Z)
	}
	if t.Y < 0 || t.Y >= n {
		return fmt.Errorf("行号 y=%d 超出 z=%d 的范围 0–%d / row y=%d is outside 0–%d at z=%d", t.Y, t.Z, n-1, t.Y, n-1, t.Z)
	}
	return nil
}

// Box is the tile grown by Buffer, in degrees: what a source is asked for.
func (t Tile) Box() geo.BBox {
	n := float64(int(1) << t.Z)
	b := float64(Buffer) / Extent
	x0, x1 := (float64(t.X)-b)/n, (float64(t.X)+1+b)/n
	y0, y1 := (float64(t.Y)-b)/n, (float64(t.Y)+1+b)/n
	return geo.BBox{MinLon: x0*360 - 180, MaxLon: x1*360 - 180, MinLat: unitLat(y1), MaxLat: unitLat(y0)}
}

// unitLat is the latitude of a Web Mercator y in [0, 1] (0 north).
func unitLat(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
}

// TileAt is the tile at zoom z that holds a point.
func TileAt(z int, p geo.LonLat) Tile {
	n := float64(int(1) << z)
	x, y := unitX(p.Lon)*n, unitY(p.Lat)*n
	clamp := func(v float64) int { return max(0, min(int(v), int(n)-1)) }
	return Tile{Z: z, X: clamp(x), Y: clamp(y)}
}

func unitX(lon float64) float64 { return (lon + 180) / 360 }

func unitY(lat float64) float64 {
	lat = max(-maxLat, min(maxLat, lat))
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// projection maps degrees to the tile's units.
type projection struct {
	scale, x0, y0 float64
}

func newProjection(t Tile) projection {
	scale := float64(Extent) * float64(int(1)<<t.Z)
	return projection{scale: scale, x0: float64(t.X) * Extent, y0: float64(t.Y) * Extent}
}

func (p projection) point(q geo.LonLat) (x, y float64) {
	return unitX(q.Lon)*p.scale - p.x0, unitY(q.Lat)*p.scale - p.y0
}

// Project is a point in the tile's units (x east, y south; the tile is
// 0–Extent on both axes).
func Project(t Tile, q geo.LonLat) (x, y float64) { return newProjection(t).point(q) }
