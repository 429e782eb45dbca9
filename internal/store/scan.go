package store

import (
	"fmt"

	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// Rows is what both drivers' result sets offer (database/sql and pgx).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanZones reads rows of (code, name, type, level, illustrative,
// properties, WKB). With a box, it keeps only zones whose exact box meets
// it: R*Tree and GiST compare single-precision boxes rounded outwards, and
// both backends must return the same zones.
func ScanZones(rows Rows, bbox *geo.BBox) ([]ZoneFeature, error) {
	out := []ZoneFeature{}
	for rows.Next() {
		var z ZoneFeature
		var props string
		var wkb []byte
		if err := rows.Scan(&z.Code, &z.Name, &z.Type, &z.Level, &z.Illustrative, &props, &wkb); err != nil {
			return nil, err
		}
		z.Properties = []byte(props)
		if wkb != nil {
			var err error
			if z.Geometry, err = geo.PolygonFromWKB(wkb); err != nil {
				return nil, fmt.Errorf("zone %s: %w", z.Code, err)
			}
		}
		if bbox != nil && (z.Geometry == nil || !z.Geometry.Bounds().Intersects(*bbox)) {
			continue
		}
		out = append(out, z)
	}
	return out, rows.Err()
}

// ScanLayerFeatures reads rows of (id, properties, WKB), filtering by the
// exact box as ScanZones does, up to limit features (≤ 0: all).
func ScanLayerFeatures(rows Rows, layer string, bbox *geo.BBox, limit int) ([]LayerFeature, error) {
	out := []LayerFeature{}
	for rows.Next() {
		var f LayerFeature
		var props string
		var wkb []byte
		if err := rows.Scan(&f.ID, &props, &wkb); err != nil {
			return nil, err
		}
		f.Properties = []byte(props)
		var err error
		if f.Geometry, err = geo.AreaFromWKB(wkb); err != nil {
			return nil, fmt.Errorf("layer %s feature %d: %w", layer, f.ID, err)
		}
		if bbox != nil && !f.Geometry.Bounds().Intersects(*bbox) {
			continue
		}
		out = append(out, f)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, rows.Err()
}

// ScanRights reads rows of (state JSON, geometry WKB) into rights; with a
// day, each right's status is its status on that day. driverErr maps the
// driver's own errors (scanning, the result set), so both backends return
// the same errors for the same faults.
func ScanRights(rows Rows, day *rights.Date, driverErr func(error) error) ([]rights.Right, error) {
	out := []rights.Right{}
	for rows.Next() {
		var state, geom []byte
		if err := rows.Scan(&state, &geom); err != nil {
			return nil, driverErr(err)
		}
		rt, err := DecodeRight(state, geom)
		if err != nil {
			return nil, err
		}
		if day != nil {
			rt.Status = rt.StatusOn(*day)
		}
		out = append(out, rt)
	}
	return out, driverErr(rows.Err())
}

// ScanTotals reads the rows of TotalsQuery.
func ScanTotals(rows Rows, driverErr func(error) error) ([]rights.Total, error) {
	out := []rights.Total{}
	for rows.Next() {
		var t rights.Total
		var status string
		if err := rows.Scan(&t.MainMineral, &status, &t.Unit, &t.Count, &t.ScaleMicro); err != nil {
			return nil, driverErr(err)
		}
		t.Status = rights.Status(status)
		out = append(out, t)
	}
	return out, driverErr(rows.Err())
}
