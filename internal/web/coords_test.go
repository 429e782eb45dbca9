package web

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

// TestCoords: the map's read-out is the projection of internal/geo, in the
// zone of the point; bad input is a 400 naming the parameter.
func TestCoords(t *testing.T) {
	h := testServer(t).Handler()
	for _, c := range []struct {
		lon, lat string
		zone     int
	}{{"75.98", "39.47", 25}, {"76.5", "37.1", 26}, {"79.9", "36.2", 27}, {"76.49999", "38", 25}} {
		rec := request{method: "GET", path: "/api/v1/coords?lon=" + c.lon + "&lat=" + c.lat}.send(h)
		var a coordsAnswer
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &a) != nil {
			t.Fatalf("%s,%s: %d %s", c.lon, c.lat, rec.Code, rec.Body)
		}
		crs, _ := geo.ZoneCRS(c.zone, true)
		var lon, lat float64
		json.Unmarshal([]byte(c.lon), &lon)
		json.Unmarshal([]byte(c.lat), &lat)
		want, _ := crs.Project(geo.LonLat{Lon: lon, Lat: lat})
		if a.Zone != c.zone || a.EPSG != crs.EPSG || a.CentralMeridian != float64(3*c.zone) ||
			math.Abs(a.Easting-want.Lon) > 1e-4 || math.Abs(a.Northing-want.Lat) > 1e-4 {
			t.Errorf("%s,%s: %+v, want zone %d EPSG:%d E %.4f N %.4f", c.lon, c.lat, a, c.zone, crs.EPSG, want.Lon, want.Lat)
		}
	}
	for _, c := range []struct{ query, param string }{
		{"lon=75", "lat"}, {"lat=39", "lon"}, {"lon=NaN&lat=39", "lon"}, {"lon=0x1p6&lat=39", "lon"},
		{"lon=75&lat=1e999", "lat"}, {"lon=10&lat=39", "lon"}, {"lon=75&lat=95", "lat"}, {"lon=75&lat=-60", "lat"},
		{"lon=75&lat=39&x=1", "x"}, {"lon=75&lon=76&lat=39", "lon"},
	} {
		rec := request{method: "GET", path: "/api/v1/coords?" + c.query}.send(h)
		var e struct {
			Error apiError `json:"error"`
		}
		if rec.Code != 400 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Parameter != c.param || !strings.Contains(e.Error.Message, " / ") {
			t.Errorf("%s: %d %s, want a 400 naming %s", c.query, rec.Code, rec.Body, c.param)
		}
	}
}
