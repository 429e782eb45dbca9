package rights

import "math"

// ScaleResolution is how finely design scales are summed: a millionth of
// their unit. Sums of Micro values are exact integers, so a total does not
// depend on the order rights are added in (the store and the in-memory
// register give the same figure).
const ScaleResolution = 1e-6

// Micro is the design scale in millionths of its unit, rounded.
func (s Scale) Micro() int64 { return int64(math.Round(s.Value / ScaleResolution)) }

// Total is one group of rights (one main mineral, status and design-scale
// unit): how many, and the exact sum of their design scales in millionths
// of the unit. The caps rules read totals rather than the rights.
type Total struct {
	MainMineral string
	Status      Status
	Unit        string // "" for rights without a design scale
	Count       int
	ScaleMicro  int64
}
