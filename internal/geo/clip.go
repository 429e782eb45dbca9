package geo

// ClipToBox cuts a polygon to a box (Sutherland–Hodgman against each of
// the box's four edges, ring by ring). The result has the same area inside
// the box as the polygon; where a ring leaves and re-enters the box it may
// run along the box's edge, which changes no area within it. An empty
// result means the polygon does not reach into the box. Rings that lie
// wholly inside the box are returned unchanged.
func ClipToBox(p Polygon, b BBox) Polygon {
	var out Polygon
	for i, r := range p {
		if ringInBox(r, b) {
			out = append(out, r)
			continue
		}
		c := clipRing(r, b)
		if len(c) < 4 {
			if i == 0 {
				return nil // the outer ring does not reach into the box
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

func ringInBox(r Ring, b BBox) bool {
	for _, p := range r {
		if p.Lon < b.MinLon || p.Lon > b.MaxLon || p.Lat < b.MinLat || p.Lat > b.MaxLat {
			return false
		}
	}
	return true
}

func clipRing(r Ring, b BBox) Ring {
	pts := []LonLat(r)
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	type edge struct {
		inside func(LonLat) bool
		cross  func(a, c LonLat) LonLat
	}
	atLon := func(x float64) func(a, c LonLat) LonLat {
		return func(a, c LonLat) LonLat {
			t := (x - a.Lon) / (c.Lon - a.Lon)
			return LonLat{Lon: x, Lat: a.Lat + t*(c.Lat-a.Lat)}
		}
	}
	atLat := func(y float64) func(a, c LonLat) LonLat {
		return func(a, c LonLat) LonLat {
			t := (y - a.Lat) / (c.Lat - a.Lat)
			return LonLat{Lon: a.Lon + t*(c.Lon-a.Lon), Lat: y}
		}
	}
	edges := []edge{
		{func(p LonLat) bool { return p.Lon >= b.MinLon }, atLon(b.MinLon)},
		{func(p LonLat) bool { return p.Lon <= b.MaxLon }, atLon(b.MaxLon)},
		{func(p LonLat) bool { return p.Lat >= b.MinLat }, atLat(b.MinLat)},
		{func(p LonLat) bool { return p.Lat <= b.MaxLat }, atLat(b.MaxLat)},
	}
	for _, e := range edges {
		if len(pts) == 0 {
			break
		}
		var next []LonLat
		prev := pts[len(pts)-1]
		for _, cur := range pts {
			switch {
			case e.inside(cur) && !e.inside(prev):
				next = append(next, e.cross(prev, cur), cur)
			case e.inside(cur):
				next = append(next, cur)
			case e.inside(prev):
				next = append(next, e.cross(prev, cur))
			}
			prev = cur
		}
		pts = next
	}
	// Drop repeated points the clipping leaves at corners.
	var ring Ring
	for _, p := range pts {
		if len(ring) == 0 || ring[len(ring)-1] != p {
			ring = append(ring, p)
		}
	}
	if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
		ring = ring[:len(ring)-1]
	}
	if len(ring) < 3 {
		return nil
	}
	return append(ring, ring[0])
}
