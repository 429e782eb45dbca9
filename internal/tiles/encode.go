package tiles

import (
	"context"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"mineplan/internal/geo"
)

// MetaLayer is the MVT layer a thinned tile carries beside its data layer:
// one point feature at the tile's centre whose attributes are "layer" (the
// data layer's name), "dropped" (features left out to keep the tile under
// MaxBytes) and "kept" (features encoded). A tile that dropped nothing has
// no MetaLayer.
const MetaLayer = "mineplan_meta"

// Feature is one feature of a tile layer, in EPSG:4490 degrees.
type Feature struct {
	// ID is the stable feature id: the "id" attribute, and the MVT
	// feature id when it is all digits.
	ID string
	// Properties are the attributes (string, bool, integer or float
	// values; nil values are left out). Encode adds "id" and owns the map.
	Properties map[string]any
	Geometry   geo.MultiPolygon
}

// Source gives the features of a layer whose bounding boxes meet a box in
// degrees (a tile's Box). A store-backed source filters in the database.
type Source interface {
	Features(ctx context.Context, box geo.BBox) ([]Feature, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, box geo.BBox) ([]Feature, error)

// Features calls f.
func (f SourceFunc) Features(ctx context.Context, box geo.BBox) ([]Feature, error) {
	return f(ctx, box)
}

// Result is one encoded tile.
type Result struct {
	Data []byte
	// Features is how many features the tile holds, Dropped how many
	// thinning left out (also in the tile's MetaLayer).
	Features, Dropped int
}

// Render asks src for the features of tile t and encodes them as layer.
func Render(ctx context.Context, src Source, layer string, t Tile) (Result, error) {
	if err := t.Check(); err != nil {
		return Result{}, err
	}
	fs, err := src.Features(ctx, t.Box())
	if err != nil {
		return Result{}, err
	}
	return Encode(layer, t, fs, MaxBytes)
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// shaped is a feature in tile units, with its place on a Z-order curve
// for thinning.
type shaped struct {
	f   *geojson.Feature
	key uint32
	gap uint32
	pos int
}

// Encode makes tile t of one layer from features whose geometry is in
// degrees. A tile over maxBytes (MaxBytes for Render) is thinned.
func Encode(layer string, t Tile, fs []Feature, maxBytes int) (Result, error) {
	pr := newProjection(t)
	tol := Tolerance(t.Z)
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.slab = s.slab[:0] // the orb features below point into it until marshal returns
	out := make([]shaped, 0, len(fs))
	gfs := make([]geojson.Feature, len(fs))
	for i := range fs {
		f := &fs[i]
		g := s.polygons(pr, f.Geometry, tol)
		if g == nil {
			continue
		}
		props := f.Properties
		if props == nil {
			props = make(map[string]any, 1)
		}
		for k, v := range props {
			if v == nil {
				delete(props, k)
			}
		}
		props["id"] = f.ID
		gf := &gfs[i]
		gf.Type, gf.Geometry, gf.Properties = "Feature", g, props
		if id, err := strconv.ParseUint(f.ID, 10, 64); err == nil {
			gf.ID = id
		}
		out = append(out, shaped{f: gf, key: zorder(g.Bound().Center()), pos: len(out)})
	}
	data, err := marshal(layer, out, 0)
	if err != nil {
		return Result{}, err
	}
	if len(data) <= maxBytes || maxBytes <= 0 {
		return Result{Data: data, Features: len(out)}, nil
	}
	return thin(layer, out, data, maxBytes)
}

// thin drops the densest features until the tile fits, as tippecanoe's
// --drop-densest-as-needed does: features are ordered along a Z-order
// curve of their centres, each one's gap is the curve distance to the
// feature before it, and the features with the smallest gaps (those in
// the densest clusters) go first. Each round drops the share the tile is
// over by, plus 5%, and the tile is encoded again; features keep their
// original order.
func thin(layer string, fs []shaped, data []byte, maxBytes int) (Result, error) {
	byKey := slices.Clone(fs)
	slices.SortStableFunc(byKey, func(a, b shaped) int { return cmpU32(a.key, b.key) })
	for i := range byKey {
		g := uint32(math.MaxUint32)
		if i > 0 {
			g = byKey[i].key - byKey[i-1].key
		}
		byKey[i].gap = g
	}
	slices.SortStableFunc(byKey, func(a, b shaped) int { return cmpU32(a.gap, b.gap) })
	dropped := make([]bool, len(fs))
	nDropped := 0
	for len(data) > maxBytes && nDropped < len(fs) {
		share := 1 - float64(maxBytes)/float64(len(data)) + 0.05
		more := max(1, int(math.Ceil(share*float64(len(fs)-nDropped))))
		for _, f := range byKey[nDropped:min(len(byKey), nDropped+more)] {
			dropped[f.pos] = true
		}
		nDropped = min(len(fs), nDropped+more)
		kept := make([]shaped, 0, len(fs)-nDropped)
		for i, f := range fs {
			if !dropped[i] {
				kept = append(kept, f)
			}
		}
		var err error
		if data, err = marshal(layer, kept, nDropped); err != nil {
			return Result{}, err
		}
	}
	return Result{Data: data, Features: len(fs) - nDropped, Dropped: nDropped}, nil
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// zorder is a point's place on a Morton curve over the buffered tile, 16
// bits an axis.
func zorder(p orb.Point) uint32 {
	q := func(v float64) uint32 {
		v = (v + Buffer) / (Extent + 2*Buffer) * 65535
		return uint32(max(0, min(65535, v)))
	}
	return spread(q(p[0])) | spread(q(p[1]))<<1
}

func spread(v uint32) uint32 {
	v &= 0xffff
	v = (v | v<<8) & 0x00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f
	v = (v | v<<2) & 0x33333333
	v = (v | v<<1) & 0x55555555
	return v
}

func marshal(layer string, fs []shaped, dropped int) ([]byte, error) {
	l := &mvt.Layer{Name: layer, Version: 2, Extent: Extent, Features: make([]*geojson.Feature, len(fs))}
	for i, f := range fs {
		l.Features[i] = f.f
	}
	ls := mvt.Layers{l}
	if dropped > 0 {
		meta := geojson.NewFeature(orb.Point{Extent / 2, Extent / 2})
		meta.Properties = geojson.Properties{"layer": layer, "dropped": dropped, "kept": len(fs)}
		ls = append(ls, &mvt.Layer{Name: MetaLayer, Version: 2, Extent: Extent, Features: []*geojson.Feature{meta}})
	}
	return mvt.Marshal(ls)
}
