// Package tilesrc feeds the vector tiles (internal/tiles) from mineplan's
// data: the served plan's zones and blocks (in memory), the register and
// imported layers (in the store, filtered by the tile's box in the
// database). Each source emits only the attributes it is given, so a
// public tile never holds a field the public may not see.
package tilesrc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"mineplan/internal/app"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/tiles"
)

// indexed is a feature with its box, for the in-memory layers.
type indexed struct {
	box geo.BBox
	f   tiles.Feature // Properties hold every attribute
}

// Memory is an in-memory layer: the plan's zones or blocks. The plan is
// held whole in memory by the server, so the box filter is a scan of the
// precomputed boxes (hundreds of features), cheaper than asking the
// database to decode the same polygons again.
type Memory struct{ fs []indexed }

// Features are the features whose boxes meet box, with the named
// attributes only.
func (m *Memory) Features(_ context.Context, box geo.BBox, attrs []string) []tiles.Feature {
	var out []tiles.Feature
	for _, x := range m.fs {
		if !x.box.Intersects(box) {
			continue
		}
		f := x.f
		f.Properties = pick(x.f.Properties, attrs)
		out = append(out, f)
	}
	return out
}

// Source is m with a fixed attribute view.
func (m *Memory) Source(attrs []string) tiles.Source {
	return tiles.SourceFunc(func(ctx context.Context, box geo.BBox) ([]tiles.Feature, error) {
		return m.Features(ctx, box, attrs), nil
	})
}

// Len is the number of features.
func (m *Memory) Len() int { return len(m.fs) }

// Bounds is the box around every feature (zero for none).
func (m *Memory) Bounds() geo.BBox { return union(m.fs) }

func union(fs []indexed) geo.BBox {
	if len(fs) == 0 {
		return geo.BBox{}
	}
	b := fs[0].box
	for _, x := range fs[1:] {
		b.MinLon, b.MinLat = min(b.MinLon, x.box.MinLon), min(b.MinLat, x.box.MinLat)
		b.MaxLon, b.MaxLat = max(b.MaxLon, x.box.MaxLon), max(b.MaxLat, x.box.MaxLat)
	}
	return b
}

func pick(all map[string]any, attrs []string) map[string]any {
	out := make(map[string]any, len(attrs))
	for _, a := range attrs {
		if v, ok := all[a]; ok {
			out[a] = v
		}
	}
	return out
}

// Zones is the plan's zones with geometry, by type.
func Zones(p *plan.Plan) *Memory {
	m := &Memory{}
	for _, z := range p.Zones {
		g, ok := p.Shapes[z.Code]
		if !ok || len(g) == 0 {
			continue
		}
		props := map[string]any{"illustrative": true, "code": z.Code, "name": z.Name, "type": z.Type,
			"type_name": plan.ZoneTypeName(z.Type), "level": z.Level,
			"counties": strings.Join(z.Counties, "、"), "minerals": strings.Join(z.Minerals, "、")}
		m.fs = append(m.fs, indexed{box: g.Bounds(), f: tiles.Feature{ID: z.Code, Properties: props, Geometry: geo.MultiPolygon{g}}})
	}
	return m
}

// Blocks is the plan's planning blocks.
func Blocks(p *plan.Plan) *Memory {
	m := &Memory{}
	for _, b := range p.Blocks {
		if len(b.Geometry) == 0 {
			continue
		}
		props := map[string]any{"illustrative": b.Illustrative, "code": b.Code, "kind": b.Kind, "mineral": b.Mineral,
			"county": b.County, "area_km2": b.AreaKm2, "zone": b.Zone}
		m.fs = append(m.fs, indexed{box: b.Geometry.Bounds(), f: tiles.Feature{ID: b.Code, Properties: props, Geometry: geo.MultiPolygon{b.Geometry}}})
	}
	return m
}

// Rights is the register in the tile's box, filtered by the database
// (f's other fields apply too): as it stood at the end of asOf when given,
// else today's with statuses as on today.
func Rights(st store.RightsReader, f store.RightFilter, asOf *rights.Date, today rights.Date, attrs []string) tiles.Source {
	return tiles.SourceFunc(func(ctx context.Context, box geo.BBox) ([]tiles.Feature, error) {
		f := f
		f.BBox = &box
		var rs []rights.Right
		var err error
		if asOf != nil {
			rs, _, err = app.RegisterAsOf(ctx, st, f, *asOf)
		} else {
			rs, _, err = app.CurrentRegister(ctx, st, f, today)
		}
		if err != nil {
			return nil, err
		}
		out := make([]tiles.Feature, len(rs))
		for i := range rs {
			out[i] = tiles.Feature{ID: rs[i].ID, Properties: rightAttrs(&rs[i], attrs), Geometry: rs[i].Geometry}
		}
		return out, nil
	})
}

func rightAttrs(r *rights.Right, attrs []string) map[string]any {
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		var v any
		switch a {
		case "illustrative":
			v = r.Illustrative
		case "licence_number":
			v = r.LicenceNumber
		case "kind":
			v = string(r.Kind)
		case "status":
			v = string(r.Status)
		case "name":
			v = r.Name
		case "holder":
			v = r.Holder.Name
		case "main_mineral":
			v = r.MainMineral
		case "mining_method":
			v = r.MiningMethod
		case "scale_class":
			v = r.ScaleClass
		case "area_km2":
			v = r.DeclaredAreaKm2
		case "county":
			v = r.County
		case "valid_from":
			v = date(r.ValidFrom)
		case "valid_to":
			v = date(r.ValidTo)
		case "allocation":
			v = r.Allocation
		case "authority":
			v = r.Authority
		case "green_mine":
			v = r.GreenMine
		case "credit_code":
			v = r.Holder.CreditCode
		case "project_number":
			v = r.ProjectNumber
		case "exploration_stage":
			v = r.Stage
		case "gk_zone":
			v = r.GKZone
		default:
			continue
		}
		if s, ok := v.(string); ok && s == "" {
			continue
		}
		m[a] = v
	}
	return m
}

func date(d rights.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Format("2006-01-02")
}

// Layers are the features of imported layers (all of one kind, merged)
// in the tile's box, filtered by the database's spatial index. A
// feature's id is "layer:ID" (IDs are unique within a layer only), and
// its attributes come from its stored properties: name, code, layer (the
// source layer's name) and illustrative when the properties say so.
func Layers(st store.LayerStore, layers []store.Layer, attrs []string) tiles.Source {
	return tiles.SourceFunc(func(ctx context.Context, box geo.BBox) ([]tiles.Feature, error) {
		var out []tiles.Feature
		for _, l := range layers {
			if !l.BBox.Intersects(box) {
				continue
			}
			fs, err := st.LayerFeatures(ctx, l.Name, store.FeatureQuery{BBox: &box})
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				props, err := layerAttrs(l.Name, f.Properties, attrs)
				if err != nil {
					return nil, fmt.Errorf("layer %s feature %d: %w", l.Name, f.ID, err)
				}
				out = append(out, tiles.Feature{ID: l.Name + ":" + strconv.FormatInt(f.ID, 10), Properties: props, Geometry: f.Geometry})
			}
		}
		return out, nil
	})
}

// layerProps are the stored properties a layer tile reads; the others
// are not decoded at all.
type layerProps struct {
	Name         any  `json:"name"`
	Code         any  `json:"code"`
	Illustrative bool `json:"illustrative"`
}

func layerAttrs(layer string, raw []byte, attrs []string) (map[string]any, error) {
	var p layerProps
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
	}
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		switch a {
		case "name":
			m[a] = scalar(p.Name)
		case "code":
			m[a] = scalar(p.Code)
		case "layer":
			m[a] = layer
		case "illustrative":
			m[a] = p.Illustrative
		}
	}
	return m, nil
}

// scalar keeps a string, number or boolean property; anything else
// (an object, an array) is written as JSON text.
func scalar(v any) any {
	switch v := v.(type) {
	case nil, string, float64, bool:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}
