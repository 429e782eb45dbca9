package formats

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"mineplan/internal/geo"
)

// Add appends a feature whose attributes are a map, as a generator makes
// them or JSON decodes them: a new key adds a field. Values are string,
// bool, int, int64, float64, json.Number or nil; anything else (a nested
// object or array) is kept as its JSON text, as the GeoJSON reader keeps
// it. A field given whole and real numbers is Real; one given numbers and
// text or booleans becomes String, its values as text.
func (l *Layer) Add(id string, g geo.MultiPolygon, props map[string]any) error {
	vals := make([]any, len(l.Fields), max(len(l.Fields), len(props)))
	for k, v := range props {
		if v == nil {
			continue // no value: the same as no key
		}
		v, t, err := typed(v)
		if err != nil {
			return fmt.Errorf("属性 %s / attribute %s: %w", k, k, err)
		}
		j := l.FieldIndex(k)
		if j < 0 {
			j = len(l.Fields)
			l.Fields = append(l.Fields, Field{Name: k, Type: t})
			vals = append(vals, nil)
		}
		if t != l.Fields[j].Type {
			l.retype(j, widen(l.Fields[j].Type, t))
			v = convertValue(v, l.Fields[j].Type)
		}
		vals[j] = v
	}
	l.Features = append(l.Features, Feature{ID: id, Geometry: g, Values: vals})
	return nil
}

// SortFields puts the fields in name order (the order encoding/json gives
// a map's keys), moving every feature's values with them.
func (l *Layer) SortFields() {
	order := make([]int, len(l.Fields))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return l.Fields[order[a]].Name < l.Fields[order[b]].Name })
	fields := make([]Field, len(order))
	for i, o := range order {
		fields[i] = l.Fields[o]
	}
	for fi := range l.Features {
		vals := make([]any, len(order))
		for i, o := range order {
			if o < len(l.Features[fi].Values) {
				vals[i] = l.Features[fi].Values[o]
			}
		}
		l.Features[fi].Values = vals
	}
	l.Fields = fields
}

// typed converts a Go value to the model's types, with its field type.
func typed(v any) (any, FieldType, error) {
	switch x := v.(type) {
	case nil:
		return nil, String, nil
	case string:
		return x, String, nil
	case bool:
		return x, Bool, nil
	case int:
		return int64(x), Integer, nil
	case int64:
		return x, Integer, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, Real, invalid("不是有限的数", "not a finite number")
		}
		return x, Real, nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, Integer, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, Real, invalid("数值超出范围", "the number is out of range")
		}
		return f, Real, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, String, err
	}
	return string(b), String, nil
}

// widen is the type of a field holding values of types a and b.
func widen(a, b FieldType) FieldType {
	switch {
	case a == b:
		return a
	case (a == Integer && b == Real) || (a == Real && b == Integer):
		return Real
	}
	return String
}

func (l *Layer) retype(j int, t FieldType) {
	if l.Fields[j].Type == t {
		return
	}
	l.Fields[j].Type = t
	for fi := range l.Features {
		if vals := l.Features[fi].Values; j < len(vals) && vals[j] != nil {
			vals[j] = convertValue(vals[j], t)
		}
	}
}

func convertValue(v any, t FieldType) any {
	switch t {
	case Real:
		if n, ok := v.(int64); ok {
			return float64(n)
		}
	case String:
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(x)
		}
	}
	return v
}
