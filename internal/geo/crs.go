package geo

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CRS is one of the coordinate reference systems mineplan supports.
type CRS struct {
	EPSG int
	Name string
	// Geographic systems have degrees; the others are Gauss–Krüger 3°
	// zones in metres.
	Geographic bool
	// Zone is the 3° zone number (25–45); CentralMeridian = 3 × Zone.
	Zone            int
	CentralMeridian float64
	// FalseEasting is 500 000 m, plus Zone × 10⁶ when the easting carries
	// the zone number (EPSG:4513–4533).
	FalseEasting float64
	ZonePrefixed bool
}

// Supported EPSG codes.
const (
	EPSG4490 = 4490 // CGCS2000 geographic
	EPSG4326 = 4326 // WGS 84, equal to CGCS2000 at the metre level
)

// LookupCRS returns a supported CRS by EPSG code.
func LookupCRS(code int) (CRS, error) {
	switch {
	case code == EPSG4490:
		return CRS{EPSG: code, Name: "China Geodetic Coordinate System 2000", Geographic: true}, nil
	case code == EPSG4326:
		return CRS{EPSG: code, Name: "WGS 84", Geographic: true}, nil
	case code >= 4513 && code <= 4533:
		z := code - 4513 + 25
		return CRS{EPSG: code, Name: fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger zone %d", z), Zone: z, CentralMeridian: float64(3 * z), FalseEasting: float64(z)*1e6 + 500000, ZonePrefixed: true}, nil
	case code >= 4534 && code <= 4554:
		z := code - 4534 + 25
		return CRS{EPSG: code, Name: fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger CM %dE", 3*z), Zone: z, CentralMeridian: float64(3 * z), FalseEasting: 500000}, nil
	}
	return CRS{}, fmt.Errorf("不支持的坐标系 EPSG:%d / unsupported CRS EPSG:%d (supported: 4490, 4326, 4513–4554)", code, code)
}

// ParseEPSG reads "EPSG:4513", "epsg:4513" or "4513".
func ParseEPSG(s string) (CRS, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimPrefix(t, "EPSG:")
	n, err := strconv.Atoi(t)
	if err != nil {
		return CRS{}, fmt.Errorf("坐标系 %q 应写作 EPSG:编号 / CRS %q should be EPSG:code", s, s)
	}
	return LookupCRS(n)
}

// ZoneCRS returns the 3° zone CRS for a zone number, with or without the
// zone prefix in the easting.
func ZoneCRS(zone int, prefixed bool) (CRS, error) {
	if zone < 25 || zone > 45 {
		return CRS{}, fmt.Errorf("3度带带号 %d 超出 25–45 / 3° zone %d outside 25–45", zone, zone)
	}
	if prefixed {
		return LookupCRS(4513 + zone - 25)
	}
	return LookupCRS(4534 + zone - 25)
}

// ZoneForLon is the 3° zone whose central meridian is nearest a longitude.
func ZoneForLon(lon float64) int {
	return int(lon/3 + 0.5)
}

const geogWKT = `GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]`

// WKT is the CRS in OGC WKT 1, as GDAL writes it in .prj files and
// GeoPackage gpkg_spatial_ref_sys.definition.
func (c CRS) WKT() string {
	switch {
	case c.EPSG == EPSG4326:
		return `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`
	case c.Geographic:
		return geogWKT + `,AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]`
	}
	return fmt.Sprintf(`PROJCS["%s",%s,AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",%g],PARAMETER["scale_factor",1],PARAMETER["false_easting",%g],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","%d"]]`,
		c.Name, geogWKT, c.CentralMeridian, c.FalseEasting, c.EPSG)
}

var (
	wktAuthority = regexp.MustCompile(`AUTHORITY\["EPSG",\s*"?(\d+)"?\]\]\s*$`)
	wktParam     = regexp.MustCompile(`(?i)PARAMETER\["(central_meridian|false_easting)",\s*([-0-9.eE+]+)\]`)
)

// CRSFromWKT identifies a supported CRS in WKT (a .prj file or a
// GeoPackage definition): by its outermost EPSG authority, else, for
// ESRI-style WKT without one, by datum and projection parameters.
func CRSFromWKT(wkt string) (CRS, error) {
	w := strings.TrimSpace(wkt)
	if m := wktAuthority.FindStringSubmatch(w); m != nil {
		n, _ := strconv.Atoi(m[1])
		return LookupCRS(n)
	}
	upper := strings.ToUpper(w)
	if !strings.Contains(upper, "2000") && !strings.Contains(upper, "WGS") {
		return CRS{}, fmt.Errorf("无法识别坐标系（应为 CGCS2000）/ unrecognised CRS (expected CGCS2000): %.80s", w)
	}
	if strings.HasPrefix(upper, "GEOGCS") || strings.HasPrefix(upper, "GEOGCRS") {
		if strings.Contains(upper, "WGS") && !strings.Contains(upper, "2000") {
			return LookupCRS(EPSG4326)
		}
		return LookupCRS(EPSG4490)
	}
	var cm, fe float64
	var haveCM, haveFE bool
	for _, m := range wktParam.FindAllStringSubmatch(w, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		if strings.EqualFold(m[1], "central_meridian") {
			cm, haveCM = v, true
		} else {
			fe, haveFE = v, true
		}
	}
	if !haveCM || !haveFE || cm != float64(int(cm)/3*3) {
		return CRS{}, fmt.Errorf("无法识别投影参数 / unrecognised projection parameters: %.80s", w)
	}
	zone := int(cm) / 3
	switch fe {
	case 500000:
		return ZoneCRS(zone, false)
	case float64(zone)*1e6 + 500000:
		return ZoneCRS(zone, true)
	}
	return CRS{}, fmt.Errorf("假东偏 %g 与中央经线 %g° 不符 / false easting %g does not fit central meridian %g°", fe, cm, fe, cm)
}
