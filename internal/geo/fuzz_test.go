package geo_test

import (
	"testing"

	"mineplan/internal/geo"
	"mineplan/internal/geo/geotest"
)

// FuzzParseWKT: the reader never panics, and what it reads validates the
// same way twice.
func FuzzParseWKT(f *testing.F) {
	for _, c := range geotest.ValidityCases {
		f.Add(c.WKT)
	}
	f.Add("POLYGON((0 0,1 0,1 1,0 0)")
	f.Add("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),EMPTY)")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := geo.ParseWKT(s)
		if err != nil {
			if _, ok := err.(*geo.WKTError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		a, b := geo.ValidateMultiPolygon(m), geo.ValidateMultiPolygon(m)
		if !sameError(a, b) {
			t.Fatalf("%v, then %v", a, b)
		}
	})
}

// FuzzValidateGrid: geometry on a small integer grid (exact for both
// implementations) is valid for mineplan exactly when it is for
// simplefeatures' OGC validation. Each byte pair is a vertex; 0xff ends a
// ring, 0xfe a part.
func FuzzValidateGrid(f *testing.F) {
	f.Add([]byte{0, 0, 3, 0, 3, 3, 0, 3, 0xff, 1, 1, 1, 2, 2, 2, 2, 1})
	f.Add([]byte{0, 0, 2, 0, 2, 2, 0, 2, 0xfe, 2, 2, 4, 2, 4, 4, 2, 4})
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4, 0xff, 0, 2, 2, 1, 4, 2, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m geo.MultiPolygon
		var p geo.Polygon
		var r geo.Ring
		endRing := func() {
			if len(r) > 0 {
				if r[len(r)-1] != r[0] {
					r = append(r, r[0])
				}
				p = append(p, r)
			}
			r = nil
		}
		endPart := func() {
			endRing()
			if len(p) > 0 {
				m = append(m, p)
			}
			p = nil
		}
		for i := 0; i < len(b) && i < 400; i++ {
			switch {
			case b[i] == 0xff:
				endRing()
			case b[i] == 0xfe:
				endPart()
			case i+1 < len(b):
				pt := geo.LonLat{Lon: float64(b[i] % 16), Lat: float64(b[i+1] % 16)}
				i++
				if len(r) == 0 || r[len(r)-1] != pt {
					r = append(r, pt)
				}
			}
		}
		endPart()
		err := geo.ValidateMultiPolygon(m)
		var d *geo.DefectError
		if err != nil {
			d = err.(*geo.DefectError)
			switch d.Rule {
			case geo.RuleVertices, geo.RuleRepeated, geo.RuleEmpty:
				return // simplefeatures has other rules for degenerate rings
			}
		}
		text := wkt(m)
		sfErr := simplefeaturesVerdict(m, d)
		if (err == nil) != (sfErr == nil) {
			t.Fatalf("%s\nmineplan: %v\nsimplefeatures: %v", text, err, sfErr)
		}
	})
}
