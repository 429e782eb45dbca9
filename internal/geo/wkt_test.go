package geo_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

func TestParseWKT(t *testing.T) {
	sq := geo.Ring{{Lon: 0, Lat: 0}, {Lon: 1, Lat: 0}, {Lon: 1, Lat: 1}, {Lon: 0, Lat: 0}}
	hole := geo.Ring{{Lon: 0.5, Lat: 0.2}, {Lon: 0.8, Lat: 0.2}, {Lon: 0.8, Lat: 0.5}, {Lon: 0.5, Lat: 0.2}}
	cases := []struct {
		in   string
		want geo.MultiPolygon
	}{
		{"POLYGON((0 0,1 0,1 1,0 0))", geo.MultiPolygon{{sq}}},
		{"polygon ( ( 0 0 , 1 0 , 1 1 , 0 0 ) )", geo.MultiPolygon{{sq}}},
		{"Polygon((0 0,1 0,1 1,0 0),(0.5 0.2,0.8 0.2,0.8 0.5,0.5 0.2))", geo.MultiPolygon{{sq, hole}}},
		{"\n\tMULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0.5 0.2, 0.8 0.2, 0.8 0.5, 0.5 0.2)))\n", geo.MultiPolygon{{sq}, {hole}}},
		{"POLYGON((0 0,1e0 0,1 1.0,0 -0))", geo.MultiPolygon{{sq}}},
		{"POLYGON((+0 0,1 0,1 1,.0 0))", geo.MultiPolygon{{sq}}},
		{"POLYGON((76.123456789012345 -39.5,1 0,1 1,0 0))", geo.MultiPolygon{{{{Lon: 76.123456789012345, Lat: -39.5}, {Lon: 1, Lat: 0}, {Lon: 1, Lat: 1}, {Lon: 0, Lat: 0}}}}},
		{"POLYGON EMPTY", geo.MultiPolygon{}},
		{"polygon empty", geo.MultiPolygon{}},
		{"MULTIPOLYGON EMPTY", geo.MultiPolygon{}},
		{"MULTIPOLYGON(EMPTY,((0 0,1 0,1 1,0 0)))", geo.MultiPolygon{{}, {sq}}},
		{"POLYGON((0 0,1 0,1 1,0 0),EMPTY)", geo.MultiPolygon{{sq, {}}}},
		{"POLYGON((0 0,1 0))", geo.MultiPolygon{{{{Lon: 0, Lat: 0}, {Lon: 1, Lat: 0}}}}}, // syntax only
	}
	for _, c := range cases {
		got, err := geo.ParseWKT(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseWKTErrors(t *testing.T) {
	cases := []struct {
		in   string
		pos  int
		want string
	}{
		{"", 1, "expected a geometry type"},
		{"   ", 4, "expected a geometry type"},
		{"POINT(1 2)", 1, `unsupported geometry type "POINT"`},
		{"LINESTRING(0 0,1 1)", 1, "unsupported geometry type"},
		{"POLYGON Z ((0 0 1,1 0 1,1 1 1,0 0 1))", 9, "two-dimensional"},
		{"POLYGON", 8, "expected “(”"},
		{"POLYGON(", 9, "expected “(”"},
		{"POLYGON((", 10, "expected a coordinate"},
		{"POLYGON((0 0,1 0,1 1,0 0)", 26, "expected “,” or “)”"},
		{"POLYGON((0 0,1 0,1 1,0 0)))", 27, "unexpected text after the geometry"},
		{"POLYGON((0 0,1 0,1 x,0 0))", 20, "expected a coordinate, not “x”"},
		{"POLYGON((0 0,1 0,1 1 1,0 0))", 22, "two coordinates only"},
		{"POLYGON((0 0;1 0,1 1,0 0))", 13, "expected “,” or “)”, not “;”"},
		{"POLYGON((0 0,1-2 0,1 1,0 0))", 14, `"1-2" is not a valid number`},
		{"POLYGON((0 0,1e999 0,1 1,0 0))", 14, "not a valid number"},
		{"POLYGON((NaN 0,1 0,1 1,0 0))", 10, "expected a coordinate"},
		{"POLYGON(EMPTY EMPTY)", 15, "expected “,” or “)”"},
		{"POLYGON FULL", 9, `expected “(” or EMPTY, not "FULL"`},
		{"MULTIPOLYGON((0 0,1 0,1 1,0 0))", 15, "expected “(”"},
		{"MULTIPOLYGON(((0 0,1 0,1 1,0 0)) ((0 0,1 0,1 1,0 0)))", 34, "expected “,” or “)”"},
		{"POLYGON((0 0,1 0,1 1,0 0)) 点", 28, "unexpected text"},
		{"多边形((0 0))", 1, "expected a geometry type"},
		{"POLYGON((0 0,1 0,1 1,0 0),(点 0))", 28, "expected a coordinate, not “点”"},
	}
	for _, c := range cases {
		_, err := geo.ParseWKT(c.in)
		var we *geo.WKTError
		if !errors.As(err, &we) {
			t.Errorf("%q: err = %v, want *WKTError", c.in, err)
			continue
		}
		if we.Pos != c.pos || !strings.Contains(err.Error(), c.want) || we.ZH == "" {
			t.Errorf("%q: got %v (position %d), want position %d and %q", c.in, err, we.Pos, c.pos, c.want)
		}
	}
}
