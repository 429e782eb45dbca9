package web

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"mineplan/internal/app"
	"mineplan/internal/geo"
)

// coordsAnswer is one point in CGCS2000 degrees and in its Gauss–Krüger 3°
// zone (the easting with the zone prefix, EPSG:4513–4533), as `mineplan
// coords convert` computes it: the map's cursor read-out asks for it, so
// the browser never carries a second copy of the projection.
type coordsAnswer struct {
	Lon             float64 `json:"lon"`
	Lat             float64 `json:"lat"`
	Zone            int     `json:"zone"`
	CentralMeridian float64 `json:"central_meridian"`
	EPSG            int     `json:"epsg"`
	Easting         float64 `json:"easting"`
	Northing        float64 `json:"northing"`
}

// handleCoords answers GET /api/v1/coords?lon=&lat=.
func (s *Server) handleCoords(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "lon", "lat")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var v [2]float64
	for i, name := range []string{"lon", "lat"} {
		raw, ok := q[name]
		if !ok {
			s.writeError(w, r, badParameter(name, "缺少参数 "+name, "parameter "+name+" is required"))
			return
		}
		f, err := strconv.ParseFloat(raw, 64)
		if !decimal.MatchString(raw) || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			s.writeError(w, r, badParameter(name, fmt.Sprintf("参数 %s 的值 %q 不是有限的十进制数", name, clip(raw)),
				fmt.Sprintf("parameter %s: %q is not a finite decimal number", name, clip(raw))))
			return
		}
		v[i] = f
	}
	lon, lat := v[0], v[1]
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		s.writeError(w, r, badParameter("lat", fmt.Sprintf("经纬度 (%g, %g) 超出范围（经度在前）", lon, lat), fmt.Sprintf("(%g, %g) is not longitude latitude", lon, lat)))
		return
	}
	// The latitudes of China (as `coords convert` bounds a converted
	// northing): outside them a 3° zone figure means nothing.
	if lat < 3 || lat > 54 {
		s.writeError(w, r, badParameter("lat", fmt.Sprintf("纬度 %g° 不在中国范围（北纬 3°–54°）内", lat), fmt.Sprintf("latitude %g° is outside China (3°N–54°N)", lat)))
		return
	}
	zone := geo.ZoneForLon(lon)
	to, err := geo.ZoneCRS(zone, true)
	if err != nil {
		s.writeError(w, r, badParameter("lon", fmt.Sprintf("经度 %g° 不在 CGCS2000 3度带 25–45 带（73.5°E–136.5°E）内", lon),
			fmt.Sprintf("longitude %g° is outside the CGCS2000 3° zones 25–45 (73.5°E–136.5°E)", lon)))
		return
	}
	from, _ := geo.LookupCRS(geo.EPSG4490)
	var out bytes.Buffer
	line := strconv.FormatFloat(lon, 'f', -1, 64) + " " + strconv.FormatFloat(lat, 'f', -1, 64)
	if err := app.ConvertPoints(from, to, strings.NewReader(line), &out, io.Discard); err != nil {
		// Its message is already in both languages.
		s.writeError(w, r, &apiError{Status: http.StatusBadRequest, Code: "bad_parameter", Parameter: "lat", Message: err.Error()})
		return
	}
	f := strings.Fields(out.String())
	if len(f) != 2 {
		s.writeError(w, r, fmt.Errorf("coords: unexpected conversion output %q", out.String()))
		return
	}
	e, err1 := strconv.ParseFloat(f[0], 64)
	n, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil {
		s.writeError(w, r, fmt.Errorf("coords: unexpected conversion output %q", out.String()))
		return
	}
	s.writeJSON(w, r, http.StatusOK, coordsAnswer{Lon: lon, Lat: lat, Zone: zone, CentralMeridian: to.CentralMeridian, EPSG: to.EPSG, Easting: e, Northing: n})
}
