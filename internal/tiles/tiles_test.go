package tiles

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mineplan/internal/geo"
)

// Kashgar: a point in the prefecture and the tiles that hold it.
var kashgar = geo.LonLat{Lon: 75.99, Lat: 39.47}

func TestTileMaths(t *testing.T) {
	for z := MinZoom; z <= MaxZoom; z++ {
		tl := TileAt(z, kashgar)
		if err := tl.Check(); err != nil {
			t.Fatal(err)
		}
		b := tl.Box()
		if !(b.MinLon < kashgar.Lon && kashgar.Lon < b.MaxLon && b.MinLat < kashgar.Lat && kashgar.Lat < b.MaxLat) {
			t.Errorf("z%d: %v's box %+v does not hold the point", z, tl, b)
		}
		x, y := Project(tl, kashgar)
		if x < 0 || x > Extent || y < 0 || y > Extent {
			t.Errorf("z%d: the point projects to %.1f,%.1f, outside the tile", z, x, y)
		}
		// The box's corners project onto the buffered tile's corners.
		x0, y0 := Project(tl, geo.LonLat{Lon: b.MinLon, Lat: b.MaxLat})
		x1, y1 := Project(tl, geo.LonLat{Lon: b.MaxLon, Lat: b.MinLat})
		for _, v := range []struct{ got, want float64 }{{x0, -Buffer}, {y0, -Buffer}, {x1, Extent + Buffer}, {y1, Extent + Buffer}} {
			if math.Abs(v.got-v.want) > 1e-6 {
				t.Errorf("z%d: box corner at %.6f, want %v", z, v.got, v.want)
			}
		}
	}
	// z6 tile of Kashgar (known from the XYZ scheme: x=(lon+180)/360·64).
	if got := TileAt(6, kashgar); got != (Tile{6, 45, 24}) {
		t.Errorf("TileAt(6, Kashgar) = %v, want 6/45/24", got)
	}
	for _, bad := range []Tile{{3, 0, 0}, {17, 0, 0}, {6, 64, 0}, {6, 0, -1}, {6, -1, 3}} {
		err := bad.Check()
		if err == nil || !strings.Contains(err.Error(), " / ") {
			t.Errorf("%v: %v, want a bilingual error", bad, err)
		}
	}
}

// square is a lon/lat square around c with half-side d degrees.
func square(c geo.LonLat, d float64) geo.Polygon {
	return geo.Polygon{{{Lon: c.Lon - d, Lat: c.Lat - d}, {Lon: c.Lon + d, Lat: c.Lat - d}, {Lon: c.Lon + d, Lat: c.Lat + d}, {Lon: c.Lon - d, Lat: c.Lat + d}, {Lon: c.Lon - d, Lat: c.Lat - d}}}
}

// wiggly is a closed ring of n vertices around c whose radius wobbles,
// so simplification has work at every zoom.
func wiggly(c geo.LonLat, r float64, n int) geo.Ring {
	ring := make(geo.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.15*math.Sin(7*a) + 0.05*math.Sin(53*a) + 0.01*math.Sin(331*a))
		ring = append(ring, geo.LonLat{Lon: c.Lon + rr*math.Cos(a), Lat: c.Lat + rr*math.Sin(a)})
	}
	return append(ring, ring[0])
}

func decode(t *testing.T, data []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func TestEncodeDecode(t *testing.T) {
	tl := TileAt(12, kashgar)
	hole := wiggly(kashgar, 0.002, 40)
	for i, j := 0, len(hole)-1; i < j; i, j = i+1, j-1 {
		hole[i], hole[j] = hole[j], hole[i]
	}
	poly := geo.Polygon{wiggly(kashgar, 0.01, 200), hole}
	fs := []Feature{
		{ID: "42", Properties: map[string]any{"name": "甲", "illustrative": true, "area_km2": 1.5, "gone": nil}, Geometry: geo.MultiPolygon{poly}},
		{ID: "KS-01", Properties: map[string]any{"name": "乙"}, Geometry: geo.MultiPolygon{square(geo.LonLat{Lon: kashgar.Lon + 0.02, Lat: kashgar.Lat}, 0.003), square(geo.LonLat{Lon: kashgar.Lon - 0.02, Lat: kashgar.Lat}, 0.003)}},
		{ID: "far", Geometry: geo.MultiPolygon{square(geo.LonLat{Lon: 80, Lat: 36}, 0.01)}},
	}
	res, err := Encode("rights", tl, fs, MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	if res.Features != 2 || res.Dropped != 0 {
		t.Fatalf("features %d dropped %d, want 2 and 0", res.Features, res.Dropped)
	}
	ls := decode(t, res.Data)
	l := ls["rights"]
	if l == nil || len(ls) != 1 {
		t.Fatalf("layers %v, want rights only", ls)
	}
	if l.Extent != Extent || l.Version != 2 {
		t.Errorf("extent %d version %d", l.Extent, l.Version)
	}
	if len(l.Features) != 2 {
		t.Fatalf("%d features", len(l.Features))
	}
	a, b := l.Features[0], l.Features[1]
	if a.Properties["id"] != "42" || a.Properties["name"] != "甲" || a.Properties["illustrative"] != true || a.Properties["area_km2"] != 1.5 {
		t.Errorf("feature 0 properties %v", a.Properties)
	}
	if _, ok := a.Properties["gone"]; ok {
		t.Error("a nil attribute was encoded")
	}
	if a.ID != float64(42) {
		t.Errorf("numeric id: MVT id %v, want 42", a.ID)
	}
	if b.ID != nil || b.Properties["id"] != "KS-01" {
		t.Errorf("string id: MVT id %v, id %v", b.ID, b.Properties["id"])
	}
	p, ok := a.Geometry.(orb.Polygon)
	if !ok || len(p) != 2 {
		t.Fatalf("feature 0 geometry %T with %d rings, want a polygon with its hole", a.Geometry, len(p))
	}
	// MVT 2.1: exterior rings have a positive area in tile coordinates
	// (y down), holes a negative one.
	if area2(p[0]) <= 0 || area2(p[1]) >= 0 {
		t.Errorf("ring areas %v, %v: exterior must be positive, hole negative", area2(p[0]), area2(p[1]))
	}
	if mp, ok := b.Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
		t.Errorf("feature 1 geometry %T, want a multipolygon of 2", b.Geometry)
	}
}

// TestSimplificationBound: at every zoom, every vertex of the projected
// input lies within Bound(z) tile units of the encoded outline, and the
// encoded outline's vertices lie on or near the input (none invented).
func TestSimplificationBound(t *testing.T) {
	ring := wiggly(kashgar, 0.05, 4000)
	fs := func() []Feature { return []Feature{{ID: "1", Geometry: geo.MultiPolygon{{ring}}}} }
	for z := MinZoom; z <= 14; z++ {
		tl := TileAt(z, kashgar)
		res, err := Encode("zones", tl, fs(), MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		l := decode(t, res.Data)["zones"]
		if l == nil || len(l.Features) != 1 {
			t.Fatalf("z%d: no feature", z)
		}
		out := l.Features[0].Geometry.(orb.Polygon)[0]
		worst := 0.0
		inBox := func(x, y float64) bool {
			return x >= -Buffer && x <= Extent+Buffer && y >= -Buffer && y <= Extent+Buffer
		}
		for _, q := range ring {
			// At higher zooms the ring is clipped: the vertices in the
			// buffered tile are on the clipped outline.
			if x, y := Project(tl, q); inBox(x, y) {
				worst = max(worst, math.Sqrt(distToRing(x, y, out)))
			}
		}
		if worst > Bound(z) {
			t.Errorf("z%d: a vertex is %.3f tile units from the encoded outline, bound %.3f", z, worst, Bound(z))
		}
		// And the other way: each encoded vertex is within half a grid
		// diagonal of an input vertex (DP keeps vertices, the snap moves them).
		for _, p := range out {
			if p[0] == -Buffer || p[1] == -Buffer || p[0] == Extent+Buffer || p[1] == Extent+Buffer {
				continue // made by the clip, on the buffered tile's edge
			}
			best := math.Inf(1)
			for _, q := range ring {
				x, y := Project(tl, q)
				best = min(best, math.Hypot(x-p[0], y-p[1]))
			}
			if best > math.Sqrt2/2+1e-9 {
				t.Fatalf("z%d: encoded vertex %v is %.3f from every input vertex", z, p, best)
			}
		}
		if z <= 8 && len(out) >= len(ring) {
			t.Errorf("z%d: %d vertices kept of %d, nothing simplified", z, len(out), len(ring))
		}
		t.Logf("z%d: %d of %d vertices, worst %.3f (bound %.3f)", z, len(out), len(ring), worst, Bound(z))
	}
}

func distToRing(x, y float64, r orb.Ring) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(r); i++ {
		best = min(best, segDist2(x, y, r[i][0], r[i][1], r[i+1][0], r[i+1][1]))
	}
	return best
}

// TestClipBuffer: geometry is cut at the tile's edge grown by Buffer; a
// feature only in the buffer is kept, one beyond it is not.
func TestClipBuffer(t *testing.T) {
	tl := TileAt(10, kashgar)
	box := tl.Box()
	// Inner tile edges in degrees (no buffer).
	n := float64(int(1) << tl.Z)
	west := float64(tl.X)/n*360 - 180
	east := float64(tl.X+1)/n*360 - 180
	big := square(kashgar, 3)
	dx := (east - west) / Extent // degrees per tile unit at this zoom
	inBuffer := geo.Polygon{{{Lon: east + 10*dx, Lat: kashgar.Lat}, {Lon: east + 40*dx, Lat: kashgar.Lat}, {Lon: east + 40*dx, Lat: kashgar.Lat + 0.01}, {Lon: east + 10*dx, Lat: kashgar.Lat + 0.01}, {Lon: east + 10*dx, Lat: kashgar.Lat}}}
	beyond := geo.Polygon{{{Lon: box.MaxLon + 5*dx, Lat: kashgar.Lat}, {Lon: box.MaxLon + 40*dx, Lat: kashgar.Lat}, {Lon: box.MaxLon + 40*dx, Lat: kashgar.Lat + 0.01}, {Lon: box.MaxLon + 5*dx, Lat: kashgar.Lat}}}
	res, err := Encode("blocks", tl, []Feature{{ID: "big", Geometry: geo.MultiPolygon{big}}, {ID: "buffer", Geometry: geo.MultiPolygon{inBuffer}}, {ID: "beyond", Geometry: geo.MultiPolygon{beyond}}}, MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	l := decode(t, res.Data)["blocks"]
	ids := map[string]orb.Geometry{}
	for _, f := range l.Features {
		ids[f.Properties["id"].(string)] = f.Geometry
	}
	if _, ok := ids["beyond"]; ok || len(ids) != 2 {
		t.Fatalf("features %v, want big and buffer", ids)
	}
	bb := ids["big"].Bound()
	if bb.Min != (orb.Point{-Buffer, -Buffer}) || bb.Max != (orb.Point{Extent + Buffer, Extent + Buffer}) {
		t.Errorf("a polygon covering the tile is clipped to %v, want the buffered square", bb)
	}
	if r := ids["big"].(orb.Polygon)[0]; len(r) != 5 {
		t.Errorf("the clipped square has %d points, want 5", len(r))
	}
	fb := ids["buffer"].Bound()
	if fb.Min[0] < Extent+9 || fb.Max[0] > Extent+Buffer {
		t.Errorf("the buffer feature spans x %v–%v, want within %d–%d", fb.Min[0], fb.Max[0], Extent, Extent+Buffer)
	}
}

// TestDegenerate: rings that collapse at a zoom are dropped, holes alone
// and whole features with their exterior.
func TestDegenerate(t *testing.T) {
	tl := TileAt(5, kashgar)
	tiny := square(kashgar, 0.00001) // a few metres: under a tile unit at z5
	holed := geo.Polygon{square(kashgar, 0.5)[0], square(kashgar, 0.00001)[0]}
	res, err := Encode("rights", tl, []Feature{{ID: "tiny", Geometry: geo.MultiPolygon{tiny}}, {ID: "holed", Geometry: geo.MultiPolygon{holed}},
		{ID: "empty", Geometry: geo.MultiPolygon{{}}}, {ID: "short", Geometry: geo.MultiPolygon{{{kashgar, kashgar}}}}}, MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	l := decode(t, res.Data)["rights"]
	if len(l.Features) != 1 || l.Features[0].Properties["id"] != "holed" {
		t.Fatalf("features %v, want only holed", l.Features)
	}
	if p := l.Features[0].Geometry.(orb.Polygon); len(p) != 1 {
		t.Errorf("the collapsed hole was kept: %d rings", len(p))
	}
}

// TestThinning: a tile over the cap drops its densest features, stays
// under the cap, and says how many it dropped in MetaLayer.
func TestThinning(t *testing.T) {
	tl := TileAt(6, kashgar)
	b := tl.Box()
	var fs []Feature
	// A dense cluster and a sparse spread.
	for i := range 30000 {
		c := geo.LonLat{Lon: kashgar.Lon + float64(i%173)*0.004, Lat: kashgar.Lat + float64(i/173)*0.004}
		if i%10 == 0 {
			c = geo.LonLat{Lon: b.MinLon + float64(i%97)/97*(b.MaxLon-b.MinLon), Lat: b.MinLat + float64(i/97%97)/97*(b.MaxLat-b.MinLat)}
		}
		fs = append(fs, Feature{ID: fmt.Sprint(i), Properties: map[string]any{"name": fmt.Sprintf("采矿权 %d", i), "kind": "mining"},
			Geometry: geo.MultiPolygon{{wiggly(c, 0.02, 12)}}})
	}
	res, err := Encode("rights", tl, fs, MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) > MaxBytes {
		t.Fatalf("tile of %d bytes, over %d", len(res.Data), MaxBytes)
	}
	if res.Dropped == 0 || res.Features+res.Dropped != len(fs) {
		t.Fatalf("kept %d dropped %d of %d", res.Features, res.Dropped, len(fs))
	}
	ls := decode(t, res.Data)
	if got := len(ls["rights"].Features); got != res.Features {
		t.Errorf("%d features decoded, %d reported", got, res.Features)
	}
	meta := ls[MetaLayer]
	if meta == nil || len(meta.Features) != 1 {
		t.Fatalf("no %s layer", MetaLayer)
	}
	mp := meta.Features[0].Properties
	if mp["dropped"] != float64(res.Dropped) || mp["kept"] != float64(res.Features) || mp["layer"] != "rights" {
		t.Errorf("meta %v, want dropped %d kept %d", mp, res.Dropped, res.Features)
	}
	// The sparse features survive better than the dense cluster.
	sparse, dense := 0, 0
	for _, f := range ls["rights"].Features {
		var i int
		fmt.Sscan(f.Properties["id"].(string), &i)
		if i%10 == 0 {
			sparse++
		} else {
			dense++
		}
	}
	if float64(sparse)/3000 <= float64(dense)/27000 {
		t.Errorf("kept %d of 3000 sparse and %d of 27000 dense features: the densest should go first", sparse, dense)
	}
	t.Logf("%d bytes, kept %d (sparse %d, dense %d), dropped %d", len(res.Data), res.Features, sparse, dense, res.Dropped)
	// A tile under the cap has no meta layer.
	small, err := Encode("rights", tl, fs[:10], MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := decode(t, small.Data)[MetaLayer]; ok || small.Dropped != 0 {
		t.Error("an unthinned tile carries the meta layer")
	}
}

func TestRender(t *testing.T) {
	var asked geo.BBox
	src := SourceFunc(func(_ context.Context, box geo.BBox) ([]Feature, error) {
		asked = box
		return []Feature{{ID: "1", Geometry: geo.MultiPolygon{square(kashgar, 0.01)}}}, nil
	})
	tl := TileAt(11, kashgar)
	res, err := Render(context.Background(), src, "zones", tl)
	if err != nil || res.Features != 1 {
		t.Fatalf("%v, %d features", err, res.Features)
	}
	if asked != tl.Box() {
		t.Errorf("the source was asked for %+v, want the buffered tile %+v", asked, tl.Box())
	}
	if _, err := Render(context.Background(), src, "zones", Tile{2, 0, 0}); err == nil {
		t.Error("a zoom under MinZoom rendered")
	}
}

// TestTileJSONSchema: the document validates against the TileJSON 3.0.0
// schema of the specification (testdata).
func TestTileJSONSchema(t *testing.T) {
	sch := TileJSONSchema(t)
	doc := NewTileJSON("rights", "矿业权 / rights", "/tiles/rights/{z}/{x}/{y}.mvt", geo.BBox{MinLon: 73.5, MinLat: 35.3, MaxLon: 80.3, MaxLat: 40.3},
		map[string]string{"id": "编号 / id"}, "mineplan")
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(sch, b); err != nil {
		t.Fatalf("%s\n%v", b, err)
	}
	// The schema does catch a bad document.
	if err := ValidateJSON(sch, []byte(`{"tilejson":"3.0.0","tiles":"x","vector_layers":[{"id":"a"}]}`)); err == nil {
		t.Error("a document without tiles as an array and fields validated")
	}
}

// TileJSONSchema compiles testdata's TileJSON 3.0.0 schema.
func TileJSONSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile("testdata/tilejson-3.0.0.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("tilejson-3.0.0.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("tilejson-3.0.0.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// ValidateJSON validates a JSON document against a schema.
func ValidateJSON(sch *jsonschema.Schema, b []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
