package review

import (
	"sort"

	"github.com/tidwall/rtree"

	"mineplan/internal/geo"
)

// Pair is two features whose boundaries meet, with the area they share
// (0 when they only touch).
type Pair struct {
	A, B   int64
	AreaM2 float64
}

// AuditResult lists the overlapping pairs of a layer.
type AuditResult struct {
	Overlapping []Pair  // pairs sharing a positive area
	Touching    int     // pairs whose boundaries meet without sharing area
	TotalM2     float64 // area summed over overlapping pairs
}

// AuditOverlaps finds every pair of features that overlap, with its
// overlap area, and counts the pairs that only touch: an R-tree gives
// candidate pairs by box, then each pair's exact shared area on the
// ellipsoid is computed.
func AuditOverlaps(ids []int64, polys []geo.Polygon) AuditResult {
	var tree rtree.RTreeG[int]
	prepared := make([]*geo.Prepared, len(polys))
	for i, p := range polys {
		prepared[i] = geo.Prepare(geo.MultiPolygon{p})
		b := prepared[i].Bounds()
		tree.Insert([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, i)
	}
	var res AuditResult
	for i := range polys {
		b := prepared[i].Bounds()
		tree.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, func(_, _ [2]float64, j int) bool {
			if j <= i {
				return true
			}
			area := geo.CGCS2000.IntersectionArea(prepared[i], prepared[j])
			switch {
			case area > 0:
				res.Overlapping = append(res.Overlapping, Pair{ids[i], ids[j], area})
				res.TotalM2 += area
			case prepared[i].Meets(prepared[j]):
				res.Touching++
			}
			return true
		})
	}
	sort.Slice(res.Overlapping, func(a, b int) bool {
		if res.Overlapping[a].A != res.Overlapping[b].A {
			return res.Overlapping[a].A < res.Overlapping[b].A
		}
		return res.Overlapping[a].B < res.Overlapping[b].B
	})
	return res
}
