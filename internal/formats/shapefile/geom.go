package shapefile

import (
	"math"

	"mineplan/internal/geo"
)

// ringArea2 is twice the signed area of a closed ring: positive when the
// ring runs counter-clockwise (x east, y north), negative when clockwise.
// Coordinates are taken relative to the first point so that large
// projected eastings (25 500 000 m) lose no precision. The terms are
// added in pairs from both ends, so that the reversed ring gives exactly
// the negated sum: orientation and containment decisions then do not
// depend on which way a ring was stored.
func ringArea2(r []geo.LonLat) float64 {
	m := len(r) - 1 // edges
	if m < 2 {
		return 0
	}
	x0, y0 := r[0].Lon, r[0].Lat
	term := func(i int) float64 {
		ax, ay := r[i].Lon-x0, r[i].Lat-y0
		bx, by := r[i+1].Lon-x0, r[i+1].Lat-y0
		return ax*by - bx*ay
	}
	var s float64
	for i := 0; i < m/2; i++ {
		s += term(i) + term(m-1-i)
	}
	if m%2 == 1 {
		s += term(m / 2)
	}
	return s
}

// ringInside reports whether ring inner lies inside ring outer, judged by
// its first vertex (or edge midpoint) that is not on outer's boundary.
// Each edge tested is charged to *work.
func ringInside(inner, outer []geo.LonLat, work *int64) bool {
	for _, p := range inner {
		*work -= int64(len(outer))
		if l := geo.LocateInRing(p, outer); l != 0 {
			return l > 0
		}
		if *work < 0 {
			return false
		}
	}
	for i := 0; i+1 < len(inner); i++ {
		m := geo.LonLat{Lon: (inner[i].Lon + inner[i+1].Lon) / 2, Lat: (inner[i].Lat + inner[i+1].Lat) / 2}
		*work -= int64(len(outer))
		if l := geo.LocateInRing(m, outer); l != 0 {
			return l > 0
		}
		if *work < 0 {
			return false
		}
	}
	return false
}

// maxAssemblyWork bounds the work of telling shells from holes in one
// Read: the number of bounding-box comparisons plus ring edges tested in
// point-in-polygon checks (10⁹, a few seconds of CPU at most). A file
// needing more — thousands of holes in a shell of a million points, or a
// crafted record of a million rings — is refused rather than tying up the
// server. A variable so that tests can lower it.
var maxAssemblyWork int64 = 1_000_000_000

const (
	noCWzh = "没有顺时针外环，按嵌套关系区分外环与内环"
	noCWen = "no clockwise outer ring; shells and holes told apart by nesting"
)

func reversed(r geo.Ring) geo.Ring {
	out := make(geo.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// partRing is one ring of a .shp record while it is being assembled.
type partRing struct {
	pts  geo.Ring
	area float64 // twice the signed area
	bbox geo.BBox
}

// assemble groups a record's rings into polygons: clockwise rings are
// shells, counter-clockwise rings holes of the smallest shell containing
// them. A record without any clockwise ring (a writer that ignored the
// orientation rule) is assembled by nesting instead, with a warning.
func assemble(rec int, rings []partRing, ws *warnings, work *int64) (geo.MultiPolygon, error) {
	isShell := make([]bool, len(rings))
	anyCW := false
	for i, r := range rings {
		if r.area < 0 {
			isShell[i] = true
			anyCW = true
		}
	}
	contains := func(o, i int) bool {
		*work--
		return rings[o].bbox.Contains(rings[i].bbox) && ringInside(rings[i].pts, rings[o].pts, work)
	}
	tooMuch := func() error {
		return recordErrorf(rec, "内外环关系过于复杂（%d 个环），超出处理上限", "too complex to assemble (%d rings): over the work limit", len(rings))
	}
	if !anyCW {
		// Even nesting depth: shell; odd: hole.
		for i := range rings {
			depth := 0
			for j := range rings {
				if j != i && contains(j, i) {
					depth++
				}
			}
			isShell[i] = depth%2 == 0
			if *work < 0 {
				return nil, tooMuch()
			}
		}
		ws.add(rec, "", noCWzh, noCWen)
	}
	var mp geo.MultiPolygon
	polyOf := make([]int, len(rings))
	for i, r := range rings {
		if isShell[i] {
			polyOf[i] = len(mp)
			mp = append(mp, geo.Polygon{r.pts})
		}
	}
	for i, r := range rings {
		if isShell[i] {
			continue
		}
		best := -1
		for j := range rings {
			if !isShell[j] || !contains(j, i) {
				continue
			}
			if best < 0 || math.Abs(rings[j].area) < math.Abs(rings[best].area) {
				best = j
			}
		}
		if *work < 0 {
			return nil, tooMuch()
		}
		if best < 0 {
			return nil, partErrorf(rec, i+1, "内环（逆时针环）不在任何外环内", "hole (counter-clockwise ring) is not inside any shell")
		}
		p := polyOf[best]
		mp[p] = append(mp[p], r.pts)
	}
	return mp, nil
}
