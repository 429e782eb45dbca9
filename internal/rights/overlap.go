package rights

import (
	"fmt"
	"strings"
)

// Overlap is a right another right's boundary overlaps.
type Overlap struct {
	RightID       string  `json:"right_id"`
	LicenceNumber string  `json:"licence_number,omitempty"`
	Holder        string  `json:"holder"`
	AreaM2        float64 `json:"area_m2"`
	// Rule says why an overlap is allowed; empty for a refused one.
	Rule string `json:"rule,omitempty"`
}

// Allowed overlap rules.
const (
	RuleSameHolder = "same_holder" // 同一矿业权人
	RuleConversion = "conversion"  // 探转采：采矿权位于本人探矿权范围内
)

// MinOverlapM2 is the smallest overlap that counts: boundaries that share
// an edge meet in no area, and survey rounding leaves slivers below a
// square metre.
const MinOverlapM2 = 1.0

// OverlapError refuses a boundary that overlaps live rights of other
// holders, naming each one and the overlap area.
type OverlapError struct {
	Right    string
	Overlaps []Overlap
}

func (e *OverlapError) Error() string {
	var zh, en []string
	for _, o := range e.Overlaps {
		name := o.RightID
		if o.LicenceNumber != "" {
			name = o.LicenceNumber
		}
		zh = append(zh, fmt.Sprintf("%s（%s）%.2f 平方米", name, o.Holder, o.AreaM2))
		en = append(en, fmt.Sprintf("%s (%s) by %.2f m²", name, o.Holder, o.AreaM2))
	}
	return fmt.Sprintf("%s 的范围与其他矿业权人的有效矿业权重叠：%s / the boundary of %s overlaps live rights of other holders: %s",
		e.Right, strings.Join(zh, "；"), e.Right, strings.Join(en, "; "))
}
