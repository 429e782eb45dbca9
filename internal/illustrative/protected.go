package illustrative

import (
	"fmt"
	"slices"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
)

// ProtectedAreas is an illustrative layer of a protected area and an
// ecological red line, away from the illustrative rights, so the review's
// overlap rules have something to find. The plan names the 塔什库尔干野生动物
// 省级自然保护区 (一㈣), from which 34 rights were withdrawn; its outline here
// is invented.
func ProtectedAreas(p *plan.Plan) (protected, redLines *formats.Layer, err error) {
	events, err := Register(p)
	if err != nil {
		return nil, nil, err
	}
	var taken []geo.BBox
	for _, ev := range events {
		if len(ev.Change.Geometry) > 0 {
			taken = append(taken, ev.Change.Geometry.Bounds())
		}
	}
	for _, z := range p.Zones {
		if s, ok := p.Shapes[z.Code]; ok && z.Type != "mining_economic_zone" {
			taken = append(taken, s.Bounds())
		}
	}
	make := func(layer, name, seed string, centre geo.LonLat, km float64) (*formats.Layer, error) {
		rng := newRNG(seed)
		radius := outline(rng)
		for scale := km; scale > 2; scale *= 0.8 {
			poly := polygon(centre, radius, scale)
			b := poly.Bounds()
			if !slices.ContainsFunc(taken, b.Intersects) {
				l := newLayer(layer)
				err := add(l, seed, poly, map[string]any{"name": name, "illustrative": true, "note": "示意图形：界线为虚构，仅供演示审查规则"})
				l.SortFields()
				return l, err
			}
		}
		return nil, fmt.Errorf("no free ground for %s", name)
	}
	pa, err := make("protected areas (illustrative)", "塔什库尔干野生动物自然保护区（示意）", "protected-1", geo.LonLat{Lon: 75.6, Lat: 36.7}, 35)
	if err != nil {
		return nil, nil, err
	}
	rl, err := make("red lines (illustrative)", "昆仑山北坡生态保护红线（示意）", "redline-1", geo.LonLat{Lon: 78.6, Lat: 36.6}, 30)
	if err != nil {
		return nil, nil, err
	}
	return pa, rl, nil
}
