package shapefile

import (
	"math"
	"reflect"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// polygonZ is a PolygonZ record with Z and M arrays, which the reader
// skips.
func polygonZ(r geo.Ring) []byte {
	c := rawRings(r)
	le.PutUint32(c, shapePolygonZ)
	extra := make([]byte, 16+8*len(r)+16+8*len(r))
	for i := range r {
		le.PutUint64(extra[16+8*i:], math.Float64bits(1234.5))
	}
	return append(c, extra...)
}

// FuzzRead feeds arbitrary .shp and .dbf bytes to Read (with a fixed
// .shx and no .cpg, so the encoding is guessed): it must never panic,
// and whatever it accepts must be a valid layer whose geometry survives
// a write and a second read unchanged.
func FuzzRead(f *testing.F) {
	utf, _, err := Encode(sampleLayer(4490), WriteOptions{})
	if err != nil {
		f.Fatal(err)
	}
	gbk, _, err := Encode(sampleLayer(4513), WriteOptions{Encoding: "GBK"})
	if err != nil {
		f.Fatal(err)
	}
	one := dbfRecords(f, 1)
	f.Add(utf.SHP, utf.DBF)
	f.Add(gbk.SHP, gbk.DBF)
	f.Add(rawSHP(5, rawRings(sq(0, 0, 10), reversed(sq(2, 2, 3)), sq(20, 0, 5), reversed(sq(21, 1, 1)))), one)
	f.Add(rawSHP(5, rawRings(reversed(sq(0, 0, 10)), reversed(sq(2, 2, 6)), reversed(sq(4, 4, 2)))), one)
	f.Add(rawSHP(15, polygonZ(sq(0, 0, 1))), one)
	f.Add(rawSHP(5, rawRings(sq(0, 0, 10), reversed(sq(20, 20, 2)))), one)
	f.Add(rawSHP(5, make([]byte, 4)), one)
	f.Add(utf.SHP[:len(utf.SHP)-10], utf.DBF)
	f.Fuzz(func(t *testing.T, shp, dbf []byte) {
		l, warns, err := Read(Files{SHP: shp, SHX: utf.SHX, DBF: dbf})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if err := l.Validate(); err != nil {
			t.Fatalf("invalid layer: %v", err)
		}
		if len(warns) > MaxWarnings+1 {
			t.Fatalf("%d warnings", len(warns))
		}
		// Rings assembled by nesting (no clockwise ring in the record)
		// are reoriented by the writer.
		fallback := false
		for _, f := range l.Features {
			for _, p := range f.Geometry {
				fallback = fallback || ringArea2(p[0]) > 0
			}
		}
		for i, f := range l.Features {
			for _, p := range f.Geometry {
				for _, r := range p {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("feature %d: bad ring %v", i+1, r)
					}
				}
			}
		}
		// Geometry only: the attributes read (e.g. "1e300") need not be
		// writable.
		geomOnly := &formats.Layer{SRID: l.SRID}
		for _, f := range l.Features {
			geomOnly.Features = append(geomOnly.Features, formats.Feature{Geometry: f.Geometry, Values: []any{}})
		}
		again, _, err := Encode(geomOnly, WriteOptions{})
		if err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		again.DBF = dbfFields0(len(l.Features))
		back, _, err := Read(*again)
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		for i := range l.Features {
			g, w := back.Features[i].Geometry, l.Features[i].Geometry
			if fallback {
				if err := sameGeometry(g, w, 0); err != nil {
					t.Fatalf("feature %d changed: %v", i+1, err)
				}
			} else if !reflect.DeepEqual(g, w) {
				t.Fatalf("feature %d changed:\n%v\n%v", i+1, g, w)
			}
		}
	})
}

// dbfFields0 is a .dbf of n records and no fields.
func dbfFields0(n int) []byte {
	l := &formats.Layer{}
	for i := 0; i < n; i++ {
		l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{}})
	}
	f, _, _ := Encode(l, WriteOptions{})
	return f.DBF
}
