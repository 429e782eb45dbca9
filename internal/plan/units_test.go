package plan

import (
	"encoding/json"
	"testing"
)

func TestParseUnit(t *testing.T) {
	cases := []struct {
		in, basis string
		dim       Dimension
		scale     string
		perYear   bool
	}{
		{"矿石 千吨", "矿石", DimMass, "1000", false},
		{"金属量   吨", "金属量", DimMass, "1", false},
		{"金属 万吨", "金属量", DimMass, "10000", false},
		{"原煤万吨", "原煤", DimMass, "10000", false},
		{"万立方米/年", "", DimVolume, "10000", true},
		{"km²", "", DimArea, "1", false},
		{"千克", "", DimMass, "1/1000", false},
		{"个", "", DimCount, "1", false},
	}
	for _, c := range cases {
		u, err := ParseUnit(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if u.Basis != c.basis || u.Dim != c.dim || u.Scale.RatString() != c.scale || u.PerYear != c.perYear {
			t.Errorf("%q = %+v (scale %s)", c.in, u, u.Scale.RatString())
		}
	}
	for _, bad := range []string{"", "亿桶", "矿石"} {
		if _, err := ParseUnit(bad); err == nil {
			t.Errorf("%q parsed, want an error", bad)
		}
	}
}

func TestFigureJSON(t *testing.T) {
	cases := map[string]Figure{
		`17.70`:  ParseFigure("17.70"),
		`"5～10"`: ParseFigure("5～10"),
		`{"value":3,"printed":"3","note":"伴生"}`: func() Figure { f := ParseFigure("3"); f.Note = "伴生"; return f }(),
	}
	for want, f := range cases {
		b, err := json.Marshal(f)
		if err != nil || string(b) != want {
			t.Errorf("%+v → %s (%v), want %s", f, b, err, want)
		}
	}
}

func TestRoundingIntervals(t *testing.T) {
	km2, _ := ParseUnit("km²")
	pct, _ := ParseUnit("%")
	q := func(s string, u Unit) Quantity {
		x, err := figureQuantity(ParseFigure(s), u, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	// 18.7 / 30.2 = 61.92 %, but 18.65…18.75 over 30.15…30.25 reaches 61.8.
	p, err := percentOf(q("18.7", km2), q("30.2", km2))
	if err != nil || !Meets(q("61.8", pct), p) {
		t.Errorf("61.8 %% should be within rounding of 18.7/30.2 (%v)", err)
	}
	if Meets(q("63.0", pct), p) {
		t.Error("63.0 % should not meet 18.7/30.2")
	}
}
