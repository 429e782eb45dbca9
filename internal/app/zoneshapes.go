package app

import (
	"maps"

	"mineplan/internal/illustrative"
	"mineplan/internal/plan"
)

// ZoneShapes is the illustrative geometry generated for a bundle: the
// zones (zones.geojson) and, when asked for, the planning blocks placed
// inside them (blocks.geojson), as GeoJSON.
type ZoneShapes struct {
	Zones, Blocks         []byte
	ZoneCount, BlockCount int
}

// GenerateZoneShapes generates the illustrative geometry of a bundle's
// files. The bundle is parsed without its old zones.geojson and
// blocks.geojson, so that stale geometry cannot stop it.
func GenerateZoneShapes(files map[string][]byte, withBlocks bool) (ZoneShapes, error) {
	files = maps.Clone(files)
	delete(files, plan.FileZoneShapes)
	delete(files, plan.FileBlocks)
	p, err := plan.Parse(files)
	if err != nil {
		return ZoneShapes{}, err
	}
	zones, err := illustrative.Zones(p)
	if err != nil {
		return ZoneShapes{}, err
	}
	var s ZoneShapes
	if s.Zones, err = illustrative.Encode(zones); err != nil {
		return ZoneShapes{}, err
	}
	s.ZoneCount = len(zones.Features)
	if !withBlocks {
		return s, nil
	}
	// Blocks are placed inside the zones just generated.
	files[plan.FileZoneShapes] = s.Zones
	if p, err = plan.Parse(files); err != nil {
		return ZoneShapes{}, err
	}
	blocks, err := illustrative.Blocks(p)
	if err != nil {
		return ZoneShapes{}, err
	}
	if s.Blocks, err = illustrative.Encode(blocks); err != nil {
		return ZoneShapes{}, err
	}
	s.BlockCount = len(blocks.Features)
	return s, nil
}
