package web

import (
	"encoding/json"
	"slices"

	"mineplan/internal/formats"
	"mineplan/internal/mapconf"
	"mineplan/internal/rights"
)

// What of the register the public sees (docs/api.md, "Public fields"): what
// a licence publication (矿业权出让、登记信息公开) shows — the licence, the
// project, the holder company's name, the mineral, the method and scale,
// the area and its place, the validity and the status — and the geometry.
// Everything else is for the caller with rights.read within its
// jurisdiction: the holder's credit code, internal numbers (project
// number, licence flag), the survey details (elevations, Gauss–Krüger
// areas and zone, exploration stage), the conversion links, the event
// count; and of events, everything but their type and date (the deciding
// authority, reasons, document references, the change). Who recorded an
// event is never published at all (rights.Event.RecordedBy has no JSON).

// publicRightKeys are the JSON members of a right (rights.Right) shown to
// the public; the holder shows its name only. mapconf is the one place
// that lists them (public tiles carry the same fields).
var publicRightKeys = mapconf.PublicRightFields

// publicColumns are the register layer's columns (app.RegisterColumns)
// shown to the public: the same fields as publicRightKeys.
var publicColumns = []string{
	"licence_number", "id", "kind", "name", "holder", "main_mineral", "associated", "mining_method",
	"design_scale", "scale_unit", "scale_class", "area_km2", "county", "valid_from", "valid_to", "allocation",
	"authority", "status", "green_mine", "illustrative",
}

// publicEventKeys are the members of an event shown to the public.
var publicEventKeys = []string{"right_id", "seq", "type", "date"}

// publicRight is a right's public members.
func publicRight(r rights.Right) (map[string]any, error) {
	r.Holder = rights.Holder{Name: r.Holder.Name}
	m, err := members(r)
	if err != nil {
		return nil, err
	}
	if h, ok := m["holder"].(map[string]any); ok {
		m["holder"] = map[string]any{"name": h["name"]}
	}
	return keep(m, publicRightKeys), nil
}

// publicEvents are events' public members.
func publicEvents(evs []rights.Event) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(evs))
	for _, ev := range evs {
		m, err := members(ev)
		if err != nil {
			return nil, err
		}
		out = append(out, keep(m, publicEventKeys))
	}
	return out, nil
}

// publicLayer drops the register layer's non-public columns.
func publicLayer(l *formats.Layer) *formats.Layer {
	var idx []int
	var fields []formats.Field
	for i, f := range l.Fields {
		if slices.Contains(publicColumns, f.Name) {
			idx = append(idx, i)
			fields = append(fields, f)
		}
	}
	out := &formats.Layer{Name: l.Name, SRID: l.SRID, Fields: fields}
	for _, ft := range l.Features {
		vals := make([]any, len(idx))
		for j, i := range idx {
			vals[j] = ft.Values[i]
		}
		ft.Values = vals
		out.Features = append(out.Features, ft)
	}
	return out
}

func members(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func keep(m map[string]any, keys []string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}
