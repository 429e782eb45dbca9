package illustrative_test

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mineplan/data"
	"mineplan/internal/formats"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
	"mineplan/internal/testutil"
)

func kashgar(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBundleGeometryIsUpToDate regenerates the layer and compares it byte
// for byte with the committed zones.geojson.
func TestBundleGeometryIsUpToDate(t *testing.T) {
	p := kashgar(t)
	fc, err := illustrative.Zones(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := illustrative.Encode(fc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, p.Files[plan.FileZoneShapes]) {
		t.Fatal("zones.geojson is stale: run `go run ./cmd/mineplan plan zones --bundle data/plans/kashgar-2021-2025 --write`")
	}
	again, _ := illustrative.Zones(p)
	b2, _ := illustrative.Encode(again)
	if !bytes.Equal(b, b2) {
		t.Fatal("two runs gave different output")
	}
}

func centroid(r geo.Ring) geo.LonLat {
	var c geo.LonLat
	for _, p := range r[:len(r)-1] {
		c.Lon += p.Lon
		c.Lat += p.Lat
	}
	n := float64(len(r) - 1)
	return geo.LonLat{Lon: c.Lon / n, Lat: c.Lat / n}
}

// inRing is the planar point-in-polygon test, adequate for these small rings.
func inRing(pt geo.LonLat, r geo.Ring) bool { return geo.LocateInRing(pt, r) > 0 }

func TestZoneShapes(t *testing.T) {
	p := kashgar(t)
	shapes := 0
	for _, z := range p.Zones {
		poly, ok := p.Shapes[z.Code]
		if z.Area == nil {
			if ok {
				t.Errorf("%s has no stated area but has a shape", z.Code)
			}
			continue
		}
		if !ok {
			t.Errorf("%s (%s) has no shape", z.Code, z.Table)
			continue
		}
		shapes++
		if err := geo.ValidatePolygon(poly); err != nil {
			t.Errorf("%s: %v", z.Code, err)
		}
		stated, _ := z.Area.Value.Float64()
		got := geo.CGCS2000.PolygonArea(poly) / 1e6
		if math.Abs(got-stated) > 0.01*stated {
			t.Errorf("%s: ellipsoidal area %.3f km², stated %s km²", z.Code, got, z.Area.Printed)
		}
		b := poly.Bounds()
		if b.MinLon < illustrative.Extent.MinLon || b.MaxLon > illustrative.Extent.MaxLon || b.MinLat < illustrative.Extent.MinLat || b.MaxLat > illustrative.Extent.MaxLat {
			t.Errorf("%s lies outside Kashgar's extent: %+v", z.Code, b)
		}
		// "In its county": the centroid is nearer that county's seat than
		// any other seat.
		near := illustrative.NearestCounty(p, centroid(poly[0]))
		found := false
		for _, c := range z.Counties {
			found = found || c == near
		}
		if !found {
			t.Errorf("%s is stated in %v but its centroid is nearest %s", z.Code, z.Counties, near)
		}
	}
	if shapes != 55 {
		t.Errorf("%d zones have shapes, want 55 (all but the four 专栏11 belts)", shapes)
	}
}

func TestStatedOverlapsHold(t *testing.T) {
	p := kashgar(t)
	if len(p.Overlaps) == 0 {
		t.Fatal("no overlaps in zones.yaml")
	}
	for _, o := range p.Overlaps {
		a, b := p.Shapes[o.A], p.Shapes[o.B]
		switch o.Relation {
		case "equal":
			if len(a[0]) != len(b[0]) {
				t.Errorf("%s and %s should be the same polygon", o.A, o.B)
				continue
			}
			for i := range a[0] {
				if a[0][i] != b[0][i] {
					t.Errorf("%s and %s differ at vertex %d", o.A, o.B, i)
					break
				}
			}
		case "within":
			for i, pt := range a[0] {
				if !inRing(pt, b[0]) {
					t.Errorf("%s vertex %d %v is outside %s", o.A, i, pt, o.B)
					break
				}
			}
		}
	}
}

func TestEveryFeatureIsMarkedIllustrative(t *testing.T) {
	fc, err := geojson.ReadCollection(bytes.NewReader(kashgar(t).Files[plan.FileZoneShapes]))
	if err != nil {
		t.Fatal(err)
	}
	for _, lf := range fc.Features {
		f := formats.Record{Fields: fc.Fields, Feature: lf}
		if f.Properties()["illustrative"] != true || f.Properties()["note"] == "" {
			t.Errorf("%s: illustrative=%v note=%v", f.ID, f.Properties()["illustrative"], f.Properties()["note"])
		}
	}
}

// TestGDALOpensZones: the committed layer opens in GDAL as CGCS2000 with
// every feature, as QGIS (which uses GDAL) will see it.
func TestGDALOpensZones(t *testing.T) {
	ogrinfo := testutil.RequireTool(t, "ogrinfo")
	path := filepath.Join("..", "..", "data", "plans", "kashgar-2021-2025", plan.FileZoneShapes)
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, want := range []string{"Feature Count: 59", `ID["EPSG",4490]`, "illustrative: Integer(Boolean)", "area_km2: Real"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, out)
		}
	}
}

// TestBlocksMatchTables: the illustrative planning blocks give 专栏16 and
// 专栏17 per mineral — counts exactly, ellipsoidal areas within 1 % — lie
// inside the zone they name, whose minerals fit, and are marked.
func TestBlocksMatchTables(t *testing.T) {
	p := kashgar(t)
	fc, err := illustrative.Blocks(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := illustrative.Encode(fc)
	if !bytes.Equal(b, p.Files[plan.FileBlocks]) {
		t.Fatal("blocks.geojson is stale: run `go run ./cmd/mineplan plan zones --bundle data/plans/kashgar-2021-2025 --write`")
	}
	type agg struct {
		n    int
		area float64
	}
	got := map[string]map[string]agg{}
	for _, blk := range p.Blocks {
		if got[blk.Table] == nil {
			got[blk.Table] = map[string]agg{}
		}
		a := got[blk.Table][blk.Mineral]
		a.n++
		a.area += geo.CGCS2000.PolygonArea(blk.Geometry) / 1e6
		got[blk.Table][blk.Mineral] = a
		if !blk.Illustrative {
			t.Errorf("%s is not marked illustrative", blk.Code)
		}
		if blk.Zone != "" {
			z, _ := p.Zone(blk.Zone)
			for _, pt := range blk.Geometry[0] {
				if !inRing(pt, p.Shapes[blk.Zone][0]) {
					t.Errorf("%s leaves its zone %s", blk.Code, blk.Zone)
					break
				}
			}
			fits := false
			for _, zm := range z.Minerals {
				zmm, _ := p.Mineral(zm)
				bm, _ := p.Mineral(blk.Mineral)
				fits = fits || zmm.Name == bm.Name || strings.Contains(z.Name, blk.Mineral)
				for _, member := range zmm.Members {
					fits = fits || member == bm.Name
				}
			}
			if !fits {
				t.Errorf("%s (%s) is in zone %s, whose minerals are %v", blk.Code, blk.Mineral, blk.Zone, z.Minerals)
			}
		}
	}
	for _, id := range []string{"专栏16", "专栏17"} {
		for _, row := range p.Table(id).Rows {
			m := row.Cells["mineral"].Text
			n, _ := row.Cells["blocks"].Figure.Value.Float64()
			area, _ := row.Cells["area"].Figure.Value.Float64()
			g := got[id][m]
			if g.n != int(n) || math.Abs(g.area-area) > 0.01*area {
				t.Errorf("%s %s: %d blocks, %.2f km²; the table says %v and %v", id, m, g.n, g.area, n, area)
			}
		}
	}
}
