package geo

import (
	"fmt"

	sf "github.com/peterstace/simplefeatures/geom"
)

// Intersection is the common part of two multipolygons, computed by
// simplefeatures' overlay on longitude/latitude (edges are straight in
// that plane; for parcels of a few kilometres the difference from
// geodesic edges is far below the 0.1 % the overlap rule needs).
func Intersection(a, b MultiPolygon) (MultiPolygon, error) {
	ga, err := sf.UnmarshalWKB(a.WKB())
	if err != nil {
		return nil, fmt.Errorf("first geometry: %w", err)
	}
	gb, err := sf.UnmarshalWKB(b.WKB())
	if err != nil {
		return nil, fmt.Errorf("second geometry: %w", err)
	}
	gi, err := sf.Intersection(ga, gb)
	if err != nil {
		return nil, err
	}
	if gi.IsEmpty() {
		return nil, nil
	}
	return AreaFromWKB(gi.AsBinary())
}
