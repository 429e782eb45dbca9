package review

import (
	"github.com/tidwall/rtree"

	"mineplan/internal/geo"
)

// Hit is one feature an application overlaps, with the overlap area.
type Hit struct {
	Layer  string
	ID     int64
	AreaM2 float64
}

// LayerIndex holds polygon layers in R-trees for the in-process overlap
// check: candidates by box, then the exact overlap area on the ellipsoid
// (geo.IntersectionArea), which only visits a candidate's edges that
// reach into the application's box, so a red line of thousands of
// vertices costs little more than a small block. Candidates are prepared
// on first use, so a LayerIndex is not safe for concurrent use.
//
// The review engine does not use it yet: it asks the store for candidates
// by box and prepares them per review (see docs/review.md). It is the
// in-process kernel that `mineplan bench review` measures.
type LayerIndex struct {
	layers []indexedLayer
}

type indexedLayer struct {
	name     string
	tree     rtree.RTreeG[int]
	ids      []int64
	polys    []geo.Polygon
	prepared []*geo.Prepared // built on first use
}

// Add indexes a layer.
func (x *LayerIndex) Add(name string, ids []int64, polys []geo.Polygon) {
	l := indexedLayer{name: name, ids: ids, polys: polys, prepared: make([]*geo.Prepared, len(polys))}
	for i, p := range polys {
		b := p.Bounds()
		l.tree.Insert([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, i)
	}
	x.layers = append(x.layers, l)
}

// Overlaps returns every feature the application overlaps by at least
// minArea square metres.
func (x *LayerIndex) Overlaps(app geo.MultiPolygon, minArea float64) []Hit {
	box := app.Bounds()
	pa := geo.Prepare(app)
	var hits []Hit
	for li := range x.layers {
		l := &x.layers[li]
		l.tree.Search([2]float64{box.MinLon, box.MinLat}, [2]float64{box.MaxLon, box.MaxLat}, func(_, _ [2]float64, i int) bool {
			if l.prepared[i] == nil {
				l.prepared[i] = geo.Prepare(geo.MultiPolygon{l.polys[i]})
			}
			if area := geo.CGCS2000.IntersectionArea(pa, l.prepared[i]); area >= minArea {
				hits = append(hits, Hit{Layer: l.name, ID: l.ids[i], AreaM2: area})
			}
			return true
		})
	}
	return hits
}
