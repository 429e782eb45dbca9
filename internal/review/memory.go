package review

import (
	"context"
	"slices"
	"sort"

	"github.com/tidwall/rtree"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// Memory is the register held in memory with an R-tree: the in-process
// data for the command line without a database, and for benchmarks.
type Memory struct {
	tree      rtree.RTreeG[int]
	live      []rights.Right
	count     map[rights.Kind]int
	areaTree  rtree.RTreeG[int]
	areaItems []Area
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
func (m *Memory) LiveRights(_ context.Context, b geo.BBox) ([]rights.Right, error) {
	var out []rights.Right
	m.tree.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, func(_, _ [2]float64, i int) bool {
		out = append(out, m.live[i])
		return true
	})
	return out, nil
}

// SortAreas orders features by layer and ID, so that reports do not depend
// on the order an index returns them in.
func SortAreas(as []Area) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Layer != as[j].Layer {
			return as[i].Layer < as[j].Layer
		}
		return as[i].ID < as[j].ID
	})
}

// CountLive counts live rights of a kind.
func (m *Memory) CountLive(_ context.Context, k rights.Kind) (int, error) { return m.count[k], nil }

// LiveTotals groups the live rights of a kind with one of the main
// minerals (valid from fromYear on, unless it is 0) as the stores'
// RightTotals do: by main mineral, status and unit, sums in millionths.
func (m *Memory) LiveTotals(_ context.Context, k rights.Kind, mainMinerals []string, fromYear int) ([]rights.Total, error) {
	type key struct {
		mineral string
		status  rights.Status
		unit    string
	}
	groups := map[key]*rights.Total{}
	for _, r := range m.live {
		if r.Kind != k || !slices.Contains(mainMinerals, r.MainMineral) || (fromYear != 0 && (r.ValidFrom.IsZero() || r.ValidFrom.Year() < fromYear)) {
			continue
		}
		kk := key{r.MainMineral, r.Status, ""}
		var micro int64
		if r.DesignScale != nil {
			kk.unit, micro = r.DesignScale.Unit, r.DesignScale.Micro()
		}
		t := groups[kk]
		if t == nil {
			t = &rights.Total{MainMineral: kk.mineral, Status: kk.status, Unit: kk.unit}
			groups[kk] = t
		}
		t.Count++
		t.ScaleMicro += micro
	}
	out := make([]rights.Total, 0, len(groups))
	for _, t := range groups {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.MainMineral != b.MainMineral {
			return a.MainMineral < b.MainMineral
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Unit < b.Unit
	})
	return out, nil
}

// AddAreas indexes features of protected areas, red lines or other layers,
// prepared once for every later review.
func (m *Memory) AddAreas(as []Area) {
	for _, a := range as {
		if a.Prepared == nil {
			a.Prepared = geo.Prepare(a.Geometry)
		}
		b := a.Geometry.Bounds()
		m.areaTree.Insert([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, len(m.areaItems))
		m.areaItems = append(m.areaItems, a)
	}
}

// Areas returns layer features of the given kinds whose box meets bbox.
func (m *Memory) Areas(_ context.Context, kinds []string, b geo.BBox) ([]Area, error) {
	var out []Area
	m.areaTree.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, func(_, _ [2]float64, i int) bool {
		for _, k := range kinds {
			if m.areaItems[i].Kind == k {
				out = append(out, m.areaItems[i])
				break
			}
		}
		return true
	})
	SortAreas(out)
	return out, nil
}
