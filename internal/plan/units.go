package plan

import (
	"fmt"
	"math/big"
	"strings"
)

// Dimension is what a unit measures.
type Dimension string

const (
	DimMass    Dimension = "mass"    // tonnes
	DimVolume  Dimension = "volume"  // cubic metres
	DimArea    Dimension = "area"    // square kilometres
	DimCount   Dimension = "count"   // whole things
	DimPercent Dimension = "percent" // %
	DimEnergy  Dimension = "energy"  // megajoules
	DimPeople  Dimension = "people"  // persons
	DimTime    Dimension = "time"    // years
)

// Unit is a parsed printed unit: "矿石 万吨" is ore (basis 矿石), mass, 10⁴ t.
type Unit struct {
	Printed string
	Basis   string // 矿石, 金属量, 原煤, TiO2, WO3 … or empty
	Dim     Dimension
	Scale   *big.Rat // how many base units one printed unit is
	PerYear bool
}

// Exact reports whether figures in this unit are counts, which carry no
// rounding.
func (u Unit) Exact() bool { return u.Dim == DimCount }

// Comparable reports whether two quantities can be compared or added.
func (u Unit) Comparable(o Unit) bool {
	return u.Dim == o.Dim && u.PerYear == o.PerYear && (u.Basis == o.Basis || u.Basis == "" || o.Basis == "")
}

type baseUnit struct {
	dim   Dimension
	scale string
}

// units lists the unit words the plan prints; longer words are matched first.
var units = map[string]baseUnit{
	"吨": {DimMass, "1"}, "千吨": {DimMass, "1000"}, "万吨": {DimMass, "10000"}, "亿吨": {DimMass, "100000000"},
	"千克":  {DimMass, "1/1000"},
	"立方米": {DimVolume, "1"}, "千立方米": {DimVolume, "1000"}, "万立方米": {DimVolume, "10000"},
	"万立方": {DimVolume, "10000"}, "亿立方米": {DimVolume, "100000000"},
	"km²": {DimArea, "1"}, "km2": {DimArea, "1"}, "平方千米": {DimArea, "1"}, "平方公里": {DimArea, "1"},
	"个": {DimCount, "1"}, "处": {DimCount, "1"}, "家": {DimCount, "1"}, "种": {DimCount, "1"}, "座": {DimCount, "1"},
	"%": {DimPercent, "1"}, "％": {DimPercent, "1"},
	"兆焦": {DimEnergy, "1"},
	"人":  {DimPeople, "1"}, "万人": {DimPeople, "10000"},
	"年": {DimTime, "1"},
}

var bases = []string{"矿石", "金属量", "金属", "原煤", "TiO2", "WO3"}

// ParseUnit reads a printed unit such as "矿石 千吨", "金属量 万吨",
// "原煤万吨", "万立方米/年" or "km²".
func ParseUnit(printed string) (Unit, error) {
	s := strings.Join(strings.Fields(printed), "")
	u := Unit{Printed: strings.Join(strings.Fields(printed), " ")}
	if s == "" {
		return u, fmt.Errorf("missing unit")
	}
	if strings.HasSuffix(s, "/年") {
		u.PerYear = true
		s = strings.TrimSuffix(s, "/年")
	}
	for _, b := range bases {
		if strings.HasPrefix(s, b) && len(s) > len(b) {
			if _, ok := units[s[len(b):]]; ok {
				u.Basis = b
				if b == "金属" {
					u.Basis = "金属量"
				}
				s = s[len(b):]
				break
			}
		}
	}
	bu, ok := units[s]
	if !ok {
		return u, fmt.Errorf("unknown unit %q", printed)
	}
	u.Dim = bu.dim
	u.Scale, _ = new(big.Rat).SetString(bu.scale)
	return u, nil
}
