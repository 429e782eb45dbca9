// Package illustrative generates the synthetic data that stands in for
// what the plan does not publish: zone and planning-block geometry (the
// bundle's zones.geojson and blocks.geojson), protected areas, and a
// register of rights consistent with the plan's tables (专栏). It is
// deterministic: the same plan always gives byte-identical output, and
// every feature and right is marked illustrative.
package illustrative

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"

	"mineplan/internal/formats"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
)

// Style is how the bundle's zones.geojson and blocks.geojson are written:
// coordinates to 7 decimals (about 1 cm) and one feature per line, so a
// regenerated file is the same byte for byte and its diff shows which
// features changed.
var Style = geojson.Options{Decimals: 7, Sparse: true}

// Encode writes an illustrative layer in Style.
func Encode(l *formats.Layer) ([]byte, error) { return geojson.Marshal(l, Style) }

// newLayer is an empty illustrative layer in EPSG:4490.
func newLayer(name string) *formats.Layer {
	return &formats.Layer{Name: name, SRID: geo.EPSG4490}
}

// add appends a feature; values that write themselves as JSON (plan
// figures) are added as what they write.
func add(l *formats.Layer, id string, g geo.Polygon, props map[string]any) error {
	for k, v := range props {
		if m, ok := v.(json.Marshaler); ok {
			b, err := m.MarshalJSON()
			if err != nil {
				return fmt.Errorf("%s %s: %w", id, k, err)
			}
			var n json.Number
			if json.Unmarshal(b, &n) == nil {
				props[k] = n
			} else {
				props[k] = json.RawMessage(b)
			}
		}
	}
	var mp geo.MultiPolygon
	if g != nil {
		mp = geo.MultiPolygon{g}
	}
	return l.Add(id, mp, props)
}

// Extent is the part of the map the zones are kept inside (Kashgar
// Prefecture's extent, as in the shared benchmark generator).
var Extent = geo.BBox{MinLon: 74.5, MinLat: 35.5, MaxLon: 80, MaxLat: 40.5}

const vertices = 48

// Zones builds the illustrative layer for every zone in the catalogue.
// Zones without a stated area (专栏11) get no geometry.
func Zones(p *plan.Plan) (*formats.Layer, error) {
	g := generator{el: geo.CGCS2000, p: p, shapes: map[string]shape{}}
	for _, c := range p.Counties {
		g.anchors = append(g.anchors, anchor{c.Name, geo.LonLat{Lon: c.Seat[0], Lat: c.Seat[1]}})
	}
	fc := newLayer(p.Meta.ID + " zones (illustrative)")
	// Parents first, so that "within" and "equal" children can use them.
	order := make([]plan.Zone, len(p.Zones))
	copy(order, p.Zones)
	sort.SliceStable(order, func(i, j int) bool { return g.depth(order[i].Code) < g.depth(order[j].Code) })
	for _, z := range order {
		if z.Area == nil || !z.Area.Numeric() {
			continue
		}
		if err := g.place(z); err != nil {
			return nil, fmt.Errorf("zone %s: %w", z.Code, err)
		}
	}
	for _, z := range p.Zones {
		props := z.Properties()
		var poly geo.Polygon
		if s, ok := g.shapes[z.Code]; ok {
			poly = s.poly
			props["area_computed_km2"] = math.Round(g.el.PolygonArea(s.poly)/1e4) / 100
		}
		if err := add(fc, z.Code, poly, props); err != nil {
			return nil, err
		}
	}
	fc.SortFields()
	return fc, nil
}

type anchor struct {
	county string
	at     geo.LonLat
}

type shape struct {
	centre geo.LonLat
	radius []float64 // unit radius by vertex
	scale  float64   // km
	poly   geo.Polygon
}

type generator struct {
	el      geo.Ellipsoid
	p       *plan.Plan
	anchors []anchor
	shapes  map[string]shape
}

// relation returns the overlap rule for a zone, if it is the child of one.
func (g *generator) relation(code string) (plan.Overlap, bool) {
	for _, o := range g.p.Overlaps {
		if o.A == code {
			return o, true
		}
	}
	return plan.Overlap{}, false
}

func (g *generator) depth(code string) int {
	d := 0
	for o, ok := g.relation(code); ok && d < 10; o, ok = g.relation(o.B) {
		d++
	}
	return d
}

func (g *generator) place(z plan.Zone) error {
	target, _ := z.Area.Value.Float64()
	rng := newRNG(z.Code)
	if o, ok := g.relation(z.Code); ok {
		parent, ok := g.shapes[o.B]
		if !ok {
			return fmt.Errorf("parent %s has no geometry", o.B)
		}
		s := shape{centre: parent.centre, radius: parent.radius}
		if o.Relation == "equal" {
			s.scale, s.poly = parent.scale, parent.poly
		} else {
			// The same outline scaled down about the same centre lies inside
			// its parent because the outline is star-shaped.
			g.fit(&s, target)
		}
		g.shapes[z.Code] = s
		return nil
	}
	best, bestOverlap := shape{}, math.Inf(1)
	for try := 0; try < 400; try++ {
		a := g.anchorFor(z, try)
		dist := rng.float() * 60 // km from the seat
		bearing := rng.float() * 2 * math.Pi
		s := shape{centre: offset(a, dist*math.Cos(bearing), dist*math.Sin(bearing)), radius: outline(rng)}
		g.fit(&s, target)
		if !g.inCounty(z, s.centre) || !Extent.Contains(s.poly.Bounds()) {
			continue
		}
		ov := g.overlap(z, s)
		if ov < bestOverlap {
			best, bestOverlap = s, ov
		}
		if ov == 0 {
			break
		}
	}
	if best.poly == nil {
		return fmt.Errorf("no place found in %s", strings.Join(z.Counties, "、"))
	}
	g.shapes[z.Code] = best
	return nil
}

// anchorFor cycles through the seats of the zone's counties.
func (g *generator) anchorFor(z plan.Zone, try int) geo.LonLat {
	for i := range g.anchors {
		a := g.anchors[(i+try)%len(g.anchors)]
		for _, c := range z.Counties {
			if a.county == c {
				return a.at
			}
		}
	}
	return geo.LonLat{Lon: (Extent.MinLon + Extent.MaxLon) / 2, Lat: (Extent.MinLat + Extent.MaxLat) / 2}
}

// NearestCounty is the county whose seat is nearest to a point: the
// stand-in for county boundaries, which the repository does not carry.
func NearestCounty(p *plan.Plan, at geo.LonLat) string {
	best, bestD := "", math.Inf(1)
	for _, c := range p.Counties {
		d := geo.CGCS2000.DistanceKm(at, geo.LonLat{Lon: c.Seat[0], Lat: c.Seat[1]})
		if d < bestD {
			best, bestD = c.Name, d
		}
	}
	return best
}

func (g *generator) inCounty(z plan.Zone, at geo.LonLat) bool {
	if len(z.Counties) == 0 {
		return true
	}
	n := NearestCounty(g.p, at)
	for _, c := range z.Counties {
		if c == n {
			return true
		}
	}
	return false
}

// overlap measures bounding-box overlap with unrelated zones of the same
// source table; zones of different tables may overlap, as they do in the plan.
func (g *generator) overlap(z plan.Zone, s shape) float64 {
	b := s.poly.Bounds()
	var total float64
	for _, other := range g.p.Zones {
		o, ok := g.shapes[other.Code]
		if !ok || other.Table != z.Table {
			continue
		}
		ob := o.poly.Bounds()
		if b.Intersects(ob) {
			total += (math.Min(b.MaxLon, ob.MaxLon) - math.Max(b.MinLon, ob.MinLon)) * (math.Min(b.MaxLat, ob.MaxLat) - math.Max(b.MinLat, ob.MinLat))
		}
	}
	return total
}

// fit scales an outline until its ellipsoidal area is the target (km²).
func (g *generator) fit(s *shape, targetKm2 float64) {
	s.scale = math.Sqrt(targetKm2 / math.Pi)
	for i := 0; i < 6; i++ {
		s.poly = polygon(s.centre, s.radius, s.scale)
		a := g.el.PolygonArea(s.poly) / 1e6
		s.scale *= math.Sqrt(targetKm2 / a)
	}
	s.poly = polygon(s.centre, s.radius, s.scale)
}

// outline is a smooth, star-shaped unit outline with random harmonics.
func outline(rng *rng) []float64 {
	r := make([]float64, vertices)
	var amp, phase [4]float64
	for k := range amp {
		amp[k] = rng.float() * 0.18 / float64(k+1)
		phase[k] = rng.float() * 2 * math.Pi
	}
	for i := range r {
		t := 2 * math.Pi * float64(i) / vertices
		v := 1.0
		for k := range amp {
			v += amp[k] * math.Cos(float64(k+2)*t+phase[k])
		}
		r[i] = v
	}
	return r
}

// polygon lays an outline around a centre, counter-clockwise, closed.
func polygon(c geo.LonLat, radius []float64, scaleKm float64) geo.Polygon {
	ring := make(geo.Ring, 0, len(radius)+1)
	for i, r := range radius {
		t := 2 * math.Pi * float64(i) / float64(len(radius))
		p := offset(c, r*scaleKm*math.Cos(t), r*scaleKm*math.Sin(t))
		// Round as the GeoJSON file does, so areas are of what is stored.
		p.Lon, p.Lat = math.Round(p.Lon*1e7)/1e7, math.Round(p.Lat*1e7)/1e7
		ring = append(ring, p)
	}
	ring = append(ring, ring[0])
	return geo.Polygon{ring}
}

// offset moves a point by east/north kilometres (a local approximation;
// the exact area is then measured on the ellipsoid).
func offset(c geo.LonLat, eastKm, northKm float64) geo.LonLat {
	return geo.LonLat{
		Lon: c.Lon + eastKm/(111.320*math.Cos(c.Lat*math.Pi/180)),
		Lat: c.Lat + northKm/110.574,
	}
}

// rng is splitmix64 seeded from the zone code: stable across Go versions.
type rng struct{ s uint64 }

func newRNG(seed string) *rng {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return &rng{h.Sum64()}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }
