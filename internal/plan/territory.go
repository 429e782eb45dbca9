package plan

import (
	"fmt"
	"math"
	"regexp"
	"strconv"

	"mineplan/internal/geo"
)

// Territory is the extent of the plan's region: applications and rights
// outside it (with a margin) are refused, so a parcel typed at 116°E, or
// with longitude and latitude swapped, never reaches a verdict.
type Territory struct {
	// Extent is the region's extent as printed by its source, in the form
	// 东经73°20′～79°57′，北纬35°20′～40°18′.
	Extent string `yaml:"extent" json:"extent"`
	// Source says where Extent comes from.
	Source string `yaml:"source" json:"source"`
	// ToBeConfirmed marks an extent not taken from the plan or an official
	// boundary.
	ToBeConfirmed bool `yaml:"to_be_confirmed" json:"to_be_confirmed"`
	// MarginDeg widens the extent on every side, in degrees.
	MarginDeg float64 `yaml:"margin_deg" json:"margin_deg"`

	box geo.BBox // Extent parsed, without the margin
}

var extentPattern = regexp.MustCompile(`^东经\s*(\d+)°(?:(\d+)′)?\s*[～~\-—–]\s*(\d+)°(?:(\d+)′)?\s*[，,]\s*北纬\s*(\d+)°(?:(\d+)′)?\s*[～~\-—–]\s*(\d+)°(?:(\d+)′)?$`)

// parse reads Extent; the error says what is wrong with it.
func (t *Territory) parse() error {
	m := extentPattern.FindStringSubmatch(t.Extent)
	if m == nil {
		return fmt.Errorf("extent %q is not of the form 东经73°20′～79°57′，北纬35°20′～40°18′", t.Extent)
	}
	deg := func(d, min string) float64 {
		v, _ := strconv.Atoi(d)
		mm := 0
		if min != "" {
			mm, _ = strconv.Atoi(min)
		}
		return float64(v) + float64(mm)/60
	}
	t.box = geo.BBox{MinLon: deg(m[1], m[2]), MaxLon: deg(m[3], m[4]), MinLat: deg(m[5], m[6]), MaxLat: deg(m[7], m[8])}
	switch {
	case t.box.MinLon >= t.box.MaxLon || t.box.MinLat >= t.box.MaxLat:
		return fmt.Errorf("extent %q: the first figure of each range must be the smaller", t.Extent)
	case t.box.MaxLon > 180 || t.box.MaxLat > 90:
		return fmt.Errorf("extent %q is outside longitude 0–180°E and latitude 0–90°N", t.Extent)
	case t.MarginDeg < 0 || t.MarginDeg > 5 || math.IsNaN(t.MarginDeg):
		return fmt.Errorf("margin_deg %g must be from 0 to 5 degrees", t.MarginDeg)
	}
	return nil
}

// Box is the extent widened by the margin: geometry must lie inside it.
func (t Territory) Box() geo.BBox {
	return geo.BBox{MinLon: t.box.MinLon - t.MarginDeg, MinLat: t.box.MinLat - t.MarginDeg, MaxLon: t.box.MaxLon + t.MarginDeg, MaxLat: t.box.MaxLat + t.MarginDeg}
}

// OutsideError says that geometry lies outside the plan's territory.
type OutsideError struct {
	Region    string
	Territory Territory
	Bounds    geo.BBox
	Swapped   bool // the bounds fit when longitude and latitude are swapped
}

func (e *OutsideError) Error() string {
	return e.ZH() + " / " + e.EN()
}

// ZH is the Chinese message.
func (e *OutsideError) ZH() string {
	s := fmt.Sprintf("范围 %.4f°–%.4f°E、%.4f°–%.4f°N 不在%s（%s，外扩 %g°）内", e.Bounds.MinLon, e.Bounds.MaxLon, e.Bounds.MinLat, e.Bounds.MaxLat, e.Region, e.Territory.Extent, e.Territory.MarginDeg)
	if e.Swapped {
		s += "；经度与纬度似乎写反了（GeoJSON 为经度在前）"
	}
	return s
}

// EN is the English message.
func (e *OutsideError) EN() string {
	s := fmt.Sprintf("the extent %.4f–%.4f°E, %.4f–%.4f°N is outside %s (%s, widened by %g°)", e.Bounds.MinLon, e.Bounds.MaxLon, e.Bounds.MinLat, e.Bounds.MaxLat, e.Region, e.Territory.Extent, e.Territory.MarginDeg)
	if e.Swapped {
		s += "; longitude and latitude seem swapped (GeoJSON puts longitude first)"
	}
	return s
}

// CheckInside refuses geometry not wholly inside the plan's territory. A
// plan without a territory accepts everything.
func (p *Plan) CheckInside(m geo.MultiPolygon) error {
	t := p.Meta.Territory
	if t == nil || len(m) == 0 {
		return nil
	}
	b, box := m.Bounds(), t.Box()
	if b.MinLon >= box.MinLon && b.MaxLon <= box.MaxLon && b.MinLat >= box.MinLat && b.MaxLat <= box.MaxLat {
		return nil
	}
	swapped := b.MinLat >= box.MinLon && b.MaxLat <= box.MaxLon && b.MinLon >= box.MinLat && b.MaxLon <= box.MaxLat
	return &OutsideError{Region: p.Meta.Region, Territory: *t, Bounds: b, Swapped: swapped}
}
