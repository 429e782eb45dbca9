package cornerpoints

import (
	"fmt"
	"strconv"
	"strings"

	"mineplan/internal/geo"
)

// Region is a parsed registration coordinate string (区域坐标).
type Region struct {
	Parcel
	ElevationTop, ElevationBottom *float64
}

// ParseRegion reads the coordinate string of a mining right as the
// registration system stores it:
//
//	圈数, { 点数, 点号,X,Y, …, 标高上限, 标高下限, <空>, 圈属性 } × 圈数
//
// where 圈属性 is 1 for an outer ring and -1 for a hole; X is the northing
// and Y the easting with its zone number (e.g. "1,4,1,3829489.86,
// 38413197.70,2,…,537,504,,1,"). Rings need not repeat their first point.
// The layout is documented in docs/formats.md with its sources. Errors
// name the field position (1-based).
func ParseRegion(s string) (*Region, error) {
	f := strings.Split(strings.TrimSpace(strings.NewReplacer("，", ",", " ", "", "\n", "", "\r", "", "\t", "").Replace(s)), ",")
	if len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	pos := 0
	fail := func(zh, en string, a ...any) error {
		return &Error{Rule: "region", ZH: fmt.Sprintf("区域坐标第 %d 项：", pos+1) + fmt.Sprintf(zh, a...), EN: fmt.Sprintf("region string field %d: ", pos+1) + fmt.Sprintf(en, a...)}
	}
	intAt := func(what string) (int, error) {
		if pos >= len(f) {
			return 0, fail("缺少%s", "missing %s", what)
		}
		n, err := strconv.Atoi(f[pos])
		if err != nil {
			return 0, fail("%s“%s”不是整数", "%s %q is not a whole number", what, f[pos])
		}
		pos++
		return n, nil
	}
	floatAt := func(what string, optional bool) (*float64, error) {
		if pos >= len(f) {
			return nil, fail("缺少%s", "missing %s", what)
		}
		if f[pos] == "" && optional {
			pos++
			return nil, nil
		}
		v, err := strconv.ParseFloat(f[pos], 64)
		if err != nil {
			return nil, fail("%s“%s”不是数字", "%s %q is not a number", what, f[pos])
		}
		pos++
		return &v, nil
	}
	rings, err := intAt("圈数")
	if err != nil {
		return nil, err
	}
	if rings < 1 || rings > 1000 {
		return nil, fail("圈数 %d 不合理", "ring count %d is implausible", rings)
	}
	var text strings.Builder
	region := &Region{}
	for r := 0; r < rings; r++ {
		n, err := intAt("点数")
		if err != nil {
			return nil, err
		}
		if n < 3 || n > MaxPoints || pos+3*n+4 > len(f) {
			return nil, fail("第 %d 圈点数 %d 与数据不符", "ring %d: point count %d does not fit the data", r+1, n)
		}
		start := pos
		pos += 3 * n
		top, err := floatAt("标高上限", true)
		if err != nil {
			return nil, err
		}
		bottom, err := floatAt("标高下限", true)
		if err != nil {
			return nil, err
		}
		pos++ // the empty field
		flag, err := intAt("圈属性（1 外圈 / -1 内圈）")
		if err != nil {
			return nil, err
		}
		switch {
		case flag == -1:
			text.WriteString("洞\n")
		case flag == 1 && r > 0:
			text.WriteString("*\n")
		case flag != 1:
			pos--
			return nil, fail("圈属性应为 1 或 -1，而非 %d", "the ring flag must be 1 or -1, not %d", flag)
		}
		if r == 0 {
			region.ElevationTop, region.ElevationBottom = top, bottom
		}
		var first string
		for i := 0; i < n; i++ {
			p := f[start+3*i : start+3*i+3]
			line := strings.Join(p, ",")
			if i == 0 {
				first = line
			}
			text.WriteString(line + "\n")
		}
		if last := strings.Join(f[start+3*(n-1):start+3*n], ","); last != first {
			text.WriteString(first + "\n") // close the ring
		}
	}
	if pos != len(f) {
		return nil, fail("多余的数据", "unexpected trailing data")
	}
	p, err := Parse([]byte(text.String()))
	if err != nil {
		return nil, fmt.Errorf("区域坐标 / region string: %w", err)
	}
	if p.CRS.Geographic {
		return nil, &Error{Rule: "region", ZH: "区域坐标应为高斯投影平面坐标（经纬度可能为“度.分秒”格式，请改用拐点坐标文本）", EN: "the region string must hold Gauss–Krüger coordinates (degrees there may be packed ddd.mmss; use corner-point text)"}
	}
	region.Parcel = *p
	return region, nil
}

// FormatRegion writes a boundary (EPSG:4490) as a registration coordinate
// string in a zone, centimetre precision.
func FormatRegion(g geo.MultiPolygon, crs geo.CRS, top, bottom *float64) (string, error) {
	var b strings.Builder
	rings := 0
	for _, p := range g {
		rings += len(p)
	}
	fmt.Fprintf(&b, "%d,", rings)
	num := 0
	elev := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	for _, p := range g {
		for j, r := range p {
			pts := r
			if len(r) > 1 && r[0] == r[len(r)-1] {
				pts = r[:len(r)-1]
			}
			fmt.Fprintf(&b, "%d,", len(pts))
			for _, pt := range pts {
				xy, err := crs.Project(pt)
				if err != nil {
					return "", err
				}
				num++
				fmt.Fprintf(&b, "%d,%.2f,%.2f,", num, xy.Lat, xy.Lon)
			}
			flag := 1
			if j > 0 {
				flag = -1
			}
			fmt.Fprintf(&b, "%s,%s,,%d,", elev(top), elev(bottom), flag)
		}
	}
	return b.String(), nil
}
