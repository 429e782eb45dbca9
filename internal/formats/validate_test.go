package formats

import (
	"errors"
	"testing"

	"mineplan/internal/geo"
)

func TestValidateGeometry(t *testing.T) {
	wkt := func(s string) geo.MultiPolygon {
		m, err := geo.ParseWKT(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	bowTie := wkt("POLYGON((75.9 38.7,75.92 38.72,75.92 38.7,75.9 38.72,75.9 38.7))")
	square := wkt("POLYGON((75.9 38.7,75.92 38.7,75.92 38.72,75.9 38.72,75.9 38.7))")
	gk := wkt("POLYGON((25500000 4250000,25501000 4250000,25501000 4251000,25500000 4251000,25500000 4250000))")
	for _, tc := range []struct {
		name    string
		srid    int
		g       geo.MultiPolygon
		feature int // 0: valid
	}{
		{"degrees", geo.EPSG4490, square, 0},
		{"bow-tie", geo.EPSG4490, bowTie, 2},
		{"metres", 4513, gk, 0},
		{"metres as degrees", geo.EPSG4490, gk, 2},
		{"no CRS (a Shapefile without .prj)", 0, gk, 0},
		{"no CRS, bow-tie", 0, bowTie, 2},
	} {
		l := &Layer{SRID: tc.srid, Features: []Feature{{Geometry: square}, {Geometry: tc.g}}}
		if tc.srid == 4513 || tc.srid == 0 {
			l.Features[0].Geometry = gk
		}
		err := l.ValidateGeometry()
		var fe *FeatureError
		switch {
		case tc.feature == 0 && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.feature != 0 && (!errors.As(err, &fe) || fe.Feature != tc.feature):
			t.Errorf("%s: %v, want a fault of feature %d", tc.name, err, tc.feature)
		}
	}
}
