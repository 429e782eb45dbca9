package review

import (
	"github.com/tidwall/rtree"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// Memory is the register held in memory with an R-tree: the in-process
// data for the command line without a database, and for benchmarks.
type Memory struct {
	tree  rtree.RTreeG[int]
	live  []rights.Right
	count map[rights.Kind]int
}

var _ Data = (*Memory)(nil)

// NewMemory indexes the live rights among rs.
func NewMemory(rs []rights.Right) *Memory {
	m := &Memory{count: map[rights.Kind]int{}}
	for _, r := range rs {
		if !r.Status.Live() {
			continue
		}
		b := r.Geometry.Bounds()
		m.tree.Insert([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, len(m.live))
		m.live = append(m.live, r)
		m.count[r.Kind]++
	}
	return m
}

// LiveRights returns live rights whose box meets bbox.
func (m *Memory) LiveRights(b geo.BBox) ([]rights.Right, error) {
	var out []rights.Right
	m.tree.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, func(_, _ [2]float64, i int) bool {
		out = append(out, m.live[i])
		return true
	})
	return out, nil
}

// CountLive counts live rights of a kind.
func (m *Memory) CountLive(k rights.Kind) (int, error) { return m.count[k], nil }
