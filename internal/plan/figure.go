package plan

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Figure is a number as the plan prints it. Printed keeps the exact text
// (trailing zeros included); Value is set only when that text is a plain
// decimal, so "/" or "5～10" stay text and are never guessed at.
type Figure struct {
	Printed string
	Value   *big.Rat
	// Decimals is the number of digits after the decimal point in Printed;
	// it sets the rounding interval of the figure.
	Decimals int
	Note     string
}

var plainDecimal = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// ParseFigure reads printed text; surrounding white space is not part of it.
func ParseFigure(printed string) Figure {
	f := Figure{Printed: strings.TrimSpace(printed)}
	if plainDecimal.MatchString(f.Printed) {
		v, ok := new(big.Rat).SetString(f.Printed)
		if ok {
			f.Value = v
			if i := strings.IndexByte(f.Printed, '.'); i >= 0 {
				f.Decimals = len(f.Printed) - i - 1
			}
		}
	}
	return f
}

// Numeric reports whether the figure exists and has a value.
func (f *Figure) Numeric() bool { return f != nil && f.Value != nil }

func (f Figure) String() string { return f.Printed }

// UnmarshalYAML accepts a scalar (number or printed text) or a map with
// value, printed and note.
func (f *Figure) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
			return fmt.Errorf("line %d: empty figure: leave a blank cell out instead", n.Line)
		}
		*f = ParseFigure(n.Value)
		return nil
	case yaml.MappingNode:
		fields, err := mapFields(n, "value", "printed", "note")
		if err != nil {
			return err
		}
		value, printed, note := fields["value"], fields["printed"], fields["note"]
		switch {
		case value != nil:
			if value.Kind != yaml.ScalarNode || !plainDecimal.MatchString(strings.TrimSpace(value.Value)) {
				return fmt.Errorf("line %d: figure value %q is not a number", value.Line, value.Value)
			}
			*f = ParseFigure(value.Value)
			if printed != nil {
				f.Printed = printed.Value
			}
		case printed != nil:
			*f = Figure{Printed: printed.Value}
		default:
			return fmt.Errorf("line %d: a figure map needs value or printed", n.Line)
		}
		if note != nil {
			f.Note = note.Value
		}
		return nil
	}
	return fmt.Errorf("line %d: a figure must be a number, printed text or a map, not a list", n.Line)
}

// MarshalJSON gives a plain number when the figure is a plain number, the
// printed text when it is not a number, and an object when it has a note or
// its printed text differs from its value.
func (f Figure) MarshalJSON() ([]byte, error) {
	plain := f.Value != nil && plainDecimal.MatchString(f.Printed)
	switch {
	case plain && f.Note == "":
		return []byte(strings.TrimPrefix(f.Printed, "+")), nil
	case f.Value == nil && f.Note == "":
		return json.Marshal(f.Printed)
	}
	obj := struct {
		Value   json.RawMessage `json:"value"`
		Printed string          `json:"printed"`
		Note    string          `json:"note,omitempty"`
	}{Value: json.RawMessage("null"), Printed: f.Printed, Note: f.Note}
	if f.Value != nil {
		obj.Value = json.RawMessage(f.Value.FloatString(f.Decimals))
	}
	return json.Marshal(obj)
}

// mapFields returns a mapping node's values by key, refusing keys not in
// allowed; errors carry the line of the offending key.
func mapFields(n *yaml.Node, allowed ...string) (map[string]*yaml.Node, error) {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			if k.Value == a {
				ok = true
				break
			}
		}
		if !ok {
			return nil, fmt.Errorf("line %d: unknown key %q (allowed: %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
		out[k.Value] = n.Content[i+1]
	}
	return out, nil
}
