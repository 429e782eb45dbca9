package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
)

// Limits and tolerances of coords convert.
const (
	// maxCoordLine bounds one input line: a point and a few labels.
	maxCoordLine = 4096
	// zoneHalfWidth is half a 3° zone; a point further from the central
	// meridian than that plus zoneTolerance is converted with a warning.
	zoneHalfWidth = 1.5
	zoneTolerance = 0.05
	// chinaMinLat and chinaMaxLat bound the latitudes a northing of the
	// CGCS2000 3° zones may come to (曾母暗沙 about 3.9°N, 漠河 53.6°N).
	chinaMinLat = 3.0
	chinaMaxLat = 54.0
)

// decimalNumber is a plain decimal number: NaN, infinities and
// hexadecimal floats are not coordinates.
var decimalNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// ConvertPoints converts points from in to out, one per line, in GIS
// axis order (longitude latitude, easting northing); blank lines and
// comments (#) pass through, and words after the two numbers are kept. A
// line it cannot convert faithfully stops it with the line number; a
// point outside its 3° zone is converted with a warning on warn.
func ConvertPoints(from, to geo.CRS, in io.Reader, out, warn io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 4096), maxCoordLine)
	bw := bufio.NewWriter(out)
	defer bw.Flush()
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		if line == 1 {
			raw = strings.TrimPrefix(raw, "\uFEFF") // a UTF-8 byte order mark
		}
		text := strings.TrimSpace(raw)
		if text == "" || strings.HasPrefix(text, "#") {
			fmt.Fprintln(bw, text)
			continue
		}
		f := strings.Fields(strings.ReplaceAll(text, ",", " "))
		if len(f) < 2 {
			return fmt.Errorf("第 %d 行：应为两个数 / line %d: expected two numbers: %q", line, line, clipText(text))
		}
		x, err := coordNumber(f[0], line, 1)
		if err != nil {
			return err
		}
		y, err := coordNumber(f[1], line, 2)
		if err != nil {
			return err
		}
		in := geo.LonLat{Lon: x, Lat: y}
		var ll geo.LonLat
		if from.Geographic {
			if x < -180 || x > 180 || y < -90 || y > 90 {
				return fmt.Errorf("第 %d 行：经纬度 (%g, %g) 超出范围（经度在前）/ line %d: (%g, %g) is not longitude latitude", line, x, y, line, x, y)
			}
			ll = in
		} else {
			if err := plausibleGK(from, in, line); err != nil {
				return err
			}
			if ll, err = from.Unproject(in); err != nil {
				return fmt.Errorf("第 %d 行 / line %d: %w", line, line, err)
			}
			if !(ll.Lat >= chinaMinLat && ll.Lat <= chinaMaxLat) { // NaN too
				return fmt.Errorf("第 %d 行：北坐标 %.3f 对应北纬 %.2f°，在中国范围（北纬 %g°–%g°）之外；东坐标与北坐标是否颠倒，或坐标系不对？/ line %d: northing %.3f is at latitude %.2f°, outside China (%g°N–%g°N); are easting and northing swapped, or is the CRS wrong?",
					line, y, ll.Lat, chinaMinLat, chinaMaxLat, line, y, ll.Lat, chinaMinLat, chinaMaxLat)
			}
			warnOutsideZone(warn, from, ll, line, "源", "source")
		}
		var p geo.LonLat
		if to.Geographic {
			p = ll
		} else {
			if from.Geographic || from.Zone != to.Zone { // the same zone was warned about already
				warnOutsideZone(warn, to, ll, line, "目标", "target")
			}
			if p, err = to.Project(ll); err != nil {
				return fmt.Errorf("第 %d 行 / line %d: %w", line, line, err)
			}
		}
		if math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || math.IsInf(p.Lon, 0) || math.IsInf(p.Lat, 0) {
			return fmt.Errorf("第 %d 行：无法转换该点（结果不是有限数）/ line %d: the point cannot be converted (the result is not finite)", line, line)
		}
		if to.Geographic {
			fmt.Fprintf(bw, "%.10f %.10f", p.Lon, p.Lat)
		} else {
			fmt.Fprintf(bw, "%.4f %.4f", p.Lon, p.Lat)
		}
		if len(f) > 2 {
			fmt.Fprint(bw, " ", strings.Join(f[2:], " "))
		}
		fmt.Fprintln(bw)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("第 %d 行过长（超过 %d 字节，一行应为一个点）/ line %d is too long (over %d bytes; one point per line)", line+1, maxCoordLine, line+1, maxCoordLine)
		}
		return fmt.Errorf("读取第 %d 行时出错 / reading line %d: %w", line+1, line+1, err)
	}
	return nil
}

// coordNumber reads the n-th number of a line: a finite decimal.
func coordNumber(s string, line, n int) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if !decimalNumber.MatchString(s) || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("第 %d 行：第 %d 个值 %q 不是有限的十进制数 / line %d: value %d %q is not a finite decimal number", line, n, clipText(s), line, n, clipText(s))
	}
	return v, nil
}

// plausibleGK refuses an easting that cannot belong to the CRS's zone:
// without its false easting a local easting lies between 0 and 1 000 000
// m. The commonest causes are named: a missing or extra zone prefix, the
// prefix of another zone, easting and northing swapped.
func plausibleGK(c geo.CRS, p geo.LonLat, line int) error {
	local := func(e float64) float64 { return e - (c.FalseEasting - 500000) }
	inRange := func(e float64) bool { l := local(e); return l > 0 && l < 1e6 }
	if inRange(p.Lon) {
		return plausibleNorthing(c, p.Lat, line)
	}
	lo, hi := c.FalseEasting-500000, c.FalseEasting+500000
	prefix := int(math.Floor(p.Lon / 1e6))
	e := metres(p.Lon)
	switch {
	case inRange(p.Lat):
		return fmt.Errorf("第 %d 行：东坐标 %s 不在 EPSG:%d 的范围（%.0f–%.0f），第二个值 %s 却在；东坐标与北坐标是否颠倒？（东坐标在前）/ line %d: easting %s is outside the range of EPSG:%d (%.0f–%.0f) but the second value %s is inside: are easting and northing swapped? (easting first)",
			line, e, c.EPSG, lo, hi, metres(p.Lat), line, e, c.EPSG, lo, hi, metres(p.Lat))
	case c.ZonePrefixed && p.Lon > 0 && p.Lon < 1e6:
		other, _ := geo.ZoneCRS(c.Zone, false)
		return fmt.Errorf("第 %d 行：东坐标 %s 缺少带号前缀？EPSG:%d（%d 带）的东坐标应在 %.0f–%.0f 之间；不带带号的东坐标请用 EPSG:%d / line %d: easting %s lacks its zone prefix? eastings of EPSG:%d (zone %d) lie between %.0f and %.0f; for eastings without the prefix use EPSG:%d",
			line, e, c.EPSG, c.Zone, lo, hi, other.EPSG, line, e, c.EPSG, c.Zone, lo, hi, other.EPSG)
	case prefix >= 25 && prefix <= 45:
		other, _ := geo.ZoneCRS(prefix, true)
		if c.ZonePrefixed {
			return fmt.Errorf("第 %d 行：东坐标 %s 的带号 %d 与 EPSG:%d 的 %d 带不符；%d 带请用 EPSG:%d / line %d: easting %s carries zone prefix %d, but EPSG:%d is zone %d; for zone %d use EPSG:%d",
				line, e, prefix, c.EPSG, c.Zone, prefix, other.EPSG, line, e, prefix, c.EPSG, c.Zone, prefix, other.EPSG)
		}
		return fmt.Errorf("第 %d 行：东坐标 %s 带有带号前缀 %d？EPSG:%d 的东坐标不带带号（%.0f–%.0f）；带带号的 %d 带请用 EPSG:%d / line %d: easting %s carries zone prefix %d? eastings of EPSG:%d have no prefix (%.0f–%.0f); for zone %d with the prefix use EPSG:%d",
			line, e, prefix, c.EPSG, lo, hi, prefix, other.EPSG, line, e, prefix, c.EPSG, lo, hi, prefix, other.EPSG)
	}
	return fmt.Errorf("第 %d 行：东坐标 %s 超出 EPSG:%d（%d 带）的合理范围 %.0f–%.0f / line %d: easting %s is outside the plausible range of EPSG:%d (zone %d), %.0f–%.0f",
		line, e, c.EPSG, c.Zone, lo, hi, line, e, c.EPSG, c.Zone, lo, hi)
}

// plausibleNorthing refuses a northing no point of China has in the zone:
// below the northing of 2°N or above that of 55°N on the central meridian
// (a degree of slack beyond chinaMinLat and chinaMaxLat, for points off
// the meridian, whose latitude is checked again once converted).
func plausibleNorthing(c geo.CRS, n float64, line int) error {
	lo, err1 := c.Project(geo.LonLat{Lon: c.CentralMeridian, Lat: chinaMinLat - 1})
	hi, err2 := c.Project(geo.LonLat{Lon: c.CentralMeridian, Lat: chinaMaxLat + 1})
	if err1 != nil || err2 != nil || (n >= lo.Lat && n <= hi.Lat) {
		return nil
	}
	return fmt.Errorf("第 %d 行：北坐标 %s 在中国范围（北纬 %g°–%g°）之外：EPSG:%d 的北坐标应约在 %.0f–%.0f 之间；东坐标与北坐标是否颠倒，或坐标系不对？/ line %d: northing %s is outside China (%g°N–%g°N): northings of EPSG:%d lie between about %.0f and %.0f; are easting and northing swapped, or is the CRS wrong?",
		line, metres(n), chinaMinLat, chinaMaxLat, c.EPSG, lo.Lat, hi.Lat, line, metres(n), chinaMinLat, chinaMaxLat, c.EPSG, lo.Lat, hi.Lat)
}

// warnOutsideZone warns when a point lies outside a Gauss–Krüger zone
// (more than 1.5° plus a tolerance from its central meridian): it converts,
// but with a distortion no survey in that zone would have. role names the
// CRS: "源" / "source" or "目标" / "target".
func warnOutsideZone(stderr io.Writer, c geo.CRS, ll geo.LonLat, line int, roleZH, roleEN string) {
	d := math.Abs(ll.Lon - c.CentralMeridian)
	if d <= zoneHalfWidth+zoneTolerance {
		return
	}
	// Distance along the parallel to the central meridian, on CGCS2000.
	el := geo.CGCS2000
	phi := ll.Lat * math.Pi / 180
	n := el.A / math.Sqrt(1-el.E2()*math.Sin(phi)*math.Sin(phi))
	km := n * math.Cos(phi) * d * math.Pi / 180 / 1000
	fitZH, fitEN := "", ""
	if z := geo.ZoneForLon(ll.Lon); z >= 25 && z <= 45 {
		if fc, err := geo.ZoneCRS(z, c.ZonePrefixed); err == nil {
			fitZH = fmt.Sprintf("；该点在 %d 带（EPSG:%d）", z, fc.EPSG)
			fitEN = fmt.Sprintf("; the point is in zone %d (EPSG:%d)", z, fc.EPSG)
		}
	}
	fmt.Fprintf(stderr, "注意：第 %d 行：经度 %.6f° 距%s坐标系 EPSG:%d（%d 带）的中央经线 %g° 有 %.3f°（约 %.1f km），在该带（±%g°）之外；已转换，但变形很大%s / warning: line %d: longitude %.6f° is %.3f° (about %.1f km) from the central meridian %g° of the %s CRS EPSG:%d (zone %d), outside the zone (±%g°); converted, but the distortion is large%s\n",
		line, ll.Lon, roleZH, c.EPSG, c.Zone, c.CentralMeridian, d, km, zoneHalfWidth, fitZH,
		line, ll.Lon, d, km, c.CentralMeridian, roleEN, c.EPSG, c.Zone, zoneHalfWidth, fitEN)
}

// metres prints a coordinate in metres for a message: to the millimetre,
// or in exponent form when it is far too large to be one.
func metres(v float64) string {
	if math.Abs(v) >= 1e12 {
		return fmt.Sprintf("%g", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// clipText shortens input echoed in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// FileAreas measures every feature of a layer file and totals them; the
// total's zone is 0 when the features lie in several zones.
func FileAreas(path string) ([]fileio.Area, fileio.Area, []string, error) {
	l, warnings, err := fileio.Read(path)
	if err != nil {
		return nil, fileio.Area{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	areas, err := fileio.Areas(l)
	if err != nil {
		return nil, fileio.Area{}, nil, err
	}
	total := fileio.Area{}
	for i, a := range areas {
		total.EllipsoidalM2 += a.EllipsoidalM2
		total.GKM2 += a.GKM2
		if i == 0 {
			total.GKZone = a.GKZone
		} else if a.GKZone != total.GKZone {
			total.GKZone = 0 // features in several zones
		}
	}
	return areas, total, warnings, nil
}
