package cornerpoints

import (
	"errors"
	"fmt"

	"mineplan/internal/geo"
)

// sourceScale maps Gauss–Krüger metres into the range of degrees that
// geo.ValidateMultiPolygon accepts: 2⁻¹⁸ takes any easting that
// resolveCRS admits (below 46 000 000 m with the zone prefix) below 180
// and any northing (0–7 000 000 m) below 90. Multiplying by a power of two
// is exact, and the validator's predicates are exact, so the scaled
// boundary is valid exactly when the boundary as the file states it is.
const sourceScale = 1.0 / (1 << 18)

// validate checks the boundary as the file gives it (its own coordinates,
// so that a point the file puts on an edge stays on it) with the one
// polygon validator, and reports a defect at its line and point; rings
// gives, for each part, the index in p.rings of each ring.
func (p *parser) validate(src geo.MultiPolygon, rings [][]int) error {
	g := src
	if !p.crs.Geographic {
		g = make(geo.MultiPolygon, len(src))
		for i, poly := range src {
			g[i] = make(geo.Polygon, len(poly))
			for j, r := range poly {
				s := make(geo.Ring, len(r))
				for k, pt := range r {
					s[k] = geo.LonLat{Lon: pt.Lon * sourceScale, Lat: pt.Lat * sourceScale}
				}
				g[i][j] = s
			}
		}
	}
	err := geo.ValidateMultiPolygon(g)
	var d *geo.DefectError
	if !errors.As(err, &d) {
		return err
	}
	return p.defect(d, rings)
}

// defect turns the validator's finding into the file's terms: the line of
// the point, point names, the ring by the line it starts on.
func (p *parser) defect(d *geo.DefectError, rings [][]int) error {
	if d.Part < 1 || d.Ring < 1 {
		return &Error{Rule: string(d.Rule), ZH: d.ZH, EN: d.EN}
	}
	r := p.rings[rings[d.Part-1][d.Ring-1]]
	var other ring
	if d.OtherPart > 0 && d.OtherRing > 0 {
		other = p.rings[rings[d.OtherPart-1][d.OtherRing-1]]
	}
	line := r.points[0].line
	name := ""
	if d.Vertex > 0 {
		line, name = r.points[d.Vertex-1].line, r.points[d.Vertex-1].name
	}
	at := ""
	if d.At != nil {
		at = p.pointText(*d.At)
	}
	edge := func(r ring, e int) string { return r.points[e-1].name + "–" + r.points[e].name }
	rule := string(d.Rule)
	say := func(zh, en string) *Error { return &Error{Line: line, Rule: rule, ZH: zh, EN: en} }
	f := fmt.Sprintf
	switch d.Rule {
	case geo.RuleVertices:
		distinct := map[geo.LonLat]bool{}
		for _, pt := range r.points {
			distinct[pt.xy] = true
		}
		return fail(line, "too-few", "第 %d 行起的环只有 %d 个不同的点，至少需要 3 个", "the ring from line %d has %d distinct points; at least 3 are needed", line, len(distinct))
	case geo.RuleSelfIntersection:
		e1, e2 := edge(r, d.OtherEdge), edge(r, d.Edge)
		switch d.Meet {
		case geo.MeetSpike:
			return say(f("环在点 %s 处折返：边 %s 与边 %s 重合", name, e1, e2), f("the ring turns back on itself at point %s: edges %s and %s overlap", name, e1, e2))
		case geo.MeetCross:
			return say(f("边 %s 与边 %s 相交于 %s", e1, e2, at), f("edge %s crosses edge %s at %s", e1, e2, at))
		case geo.MeetTouch:
			return say(f("边 %s 与边 %s 相接于 %s（环不能与自身接触）", e1, e2, at), f("edge %s touches edge %s at %s (a ring may not touch itself)", e1, e2, at))
		}
		return say(f("边 %s 与边 %s 部分重合", e1, e2), f("edge %s runs along edge %s", e1, e2))
	case geo.RuleRingsCross:
		switch {
		case d.Meet == geo.MeetOverlap:
			e1, e2 := edge(r, d.Edge), edge(other, d.OtherEdge)
			return say(f("%s的边 %s 与%s的边 %s 部分重合", ringZH(r), e1, ringZH(other), e2), f("edge %s of %s runs along edge %s of %s", e1, ringEN(r), e2, ringEN(other)))
		case d.Edge > 0 && d.OtherEdge > 0:
			e1, e2 := edge(r, d.Edge), edge(other, d.OtherEdge)
			return say(f("%s的边 %s 与%s的边 %s 相交于 %s", ringZH(r), e1, ringZH(other), e2, at), f("edge %s of %s crosses edge %s of %s at %s", e1, ringEN(r), e2, ringEN(other), at))
		}
		return say(f("%s在 %s 处穿过%s", ringZH(r), at, ringZH(other)), f("%s crosses %s at %s", ringEN(r), ringEN(other), at))
	case geo.RuleHoleOutside:
		return say(f("内环（洞）的点 %s 不在外环内", name), f("point %s of a hole lies outside its outer ring", name))
	case geo.RuleNestedHoles:
		return say(f("内环（洞）位于%s之内（点 %s）", ringZH(other), name), f("the hole lies inside %s (point %s)", ringEN(other), name))
	case geo.RuleDisconnected:
		return say(f("%s与%s在 %s 处相接，连同其他相接点把地块内部分成了不相连的几块", ringZH(r), ringZH(other), at),
			f("%s touches %s at %s, which with the other points where rings touch cuts the parcel's interior apart", ringEN(r), ringEN(other), at))
	case geo.RulePartsOverlap:
		o := other.points[0].line
		switch {
		case d.Meet == geo.MeetOverlap:
			e1, e2 := edge(r, d.Edge), edge(other, d.OtherEdge)
			return say(f("边 %s 与第 %d 行起的地块的边 %s 部分重合（地块之间只能在点上相接）", e1, o, e2), f("edge %s runs along edge %s of the parcel from line %d (parcels may touch only at points)", e1, e2, o))
		case d.Meet == geo.MeetCross && d.Edge > 0 && d.OtherEdge > 0:
			e1, e2 := edge(r, d.Edge), edge(other, d.OtherEdge)
			return say(f("边 %s 与第 %d 行起的地块的边 %s 相交于 %s：两个地块重叠", e1, o, e2, at), f("edge %s crosses edge %s of the parcel from line %d at %s: the parcels overlap", e1, e2, o, at))
		case d.Meet == geo.MeetCross:
			return say(f("地块在 %s 处穿过第 %d 行起的地块：两个地块重叠", at, o), f("the parcel crosses the parcel from line %d at %s: they overlap", o, at))
		}
		return say(f("第 %d 行起的地块位于第 %d 行起的地块之内：两个地块重叠", r.points[0].line, o), f("the parcel from line %d lies inside the parcel from line %d: they overlap", r.points[0].line, o))
	}
	// Rules the reader has already enforced (closed rings, no repeated
	// points, numbers in range) cannot reach here; say what the validator
	// said if one does.
	if name != "" {
		return say(f("点 %s：%s", name, d.ZH), f("point %s: %s", name, d.EN))
	}
	return say(d.ZH, d.EN)
}

func ringZH(r ring) string {
	if r.hole {
		return fmt.Sprintf("第 %d 行起的内环（洞）", r.points[0].line)
	}
	return fmt.Sprintf("第 %d 行起的外环", r.points[0].line)
}

func ringEN(r ring) string {
	if r.hole {
		return fmt.Sprintf("the hole from line %d", r.points[0].line)
	}
	return fmt.Sprintf("the outer ring from line %d", r.points[0].line)
}

// pointText writes a point of the validated geometry in the file's terms:
// X (northing) and Y (easting) in metres, or longitude and latitude.
func (p *parser) pointText(at geo.LonLat) string {
	if p.crs.Geographic {
		return fmt.Sprintf("(%.7f, %.7f)", at.Lon, at.Lat)
	}
	return fmt.Sprintf("(X %.2f, Y %.2f)", at.Lat/sourceScale, at.Lon/sourceScale)
}
