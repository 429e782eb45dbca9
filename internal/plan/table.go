package plan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Column types.
const (
	ColSeq      = "seq"
	ColText     = "text"
	ColMineral  = "mineral"
	ColMinerals = "minerals"
	ColCounty   = "county"
	ColCounties = "counties"
	ColUnit     = "unit"
	ColFigure   = "figure"
)

// Table is one transcribed 专栏.
type Table struct {
	ID      string
	Number  int
	Title   string
	Clause  string
	Layout  string
	Columns []Column
	Rows    []Row
	Totals  []Total
	Notes   []string
	File    string
}

// Column describes one printed column.
type Column struct {
	Key        string   `yaml:"key" json:"key"`
	Name       string   `yaml:"name" json:"name"`
	Type       string   `yaml:"type" json:"type"`
	Unit       string   `yaml:"unit" json:"unit,omitempty"`
	UnitColumn string   `yaml:"unit_column" json:"unit_column,omitempty"`
	Derived    *Derived `yaml:"derived" json:"derived,omitempty"`
	// Exact marks figures that are definitions, not rounded measurements
	// (a target of 5 is exactly 5).
	Exact bool `yaml:"exact" json:"exact,omitempty"`
	unit  Unit
}

// Derived says how a column is computed from others in the same row.
type Derived struct {
	Percent []string `yaml:"percent" json:"percent"`
}

// Row is one printed row. Seq is 0 for a sub-row, which names its parent
// in PartOf.
type Row struct {
	Seq    int
	PartOf int
	Cells  map[string]Cell
	Line   int
}

// Cell is one printed cell; which field is set depends on the column type.
type Cell struct {
	Text   string
	Names  []string
	Figure *Figure
	Unit   *Unit
}

// Total is a printed 合计 row.
type Total struct {
	Label  string
	Seq    int
	Values map[string]Figure
	Line   int
}

var tableIDPattern = regexp.MustCompile(`^专栏([0-9]+)$`)

// rawTable is the YAML shape of tables/zlNN.yaml.
type rawTable struct {
	ID      string      `yaml:"id"`
	Title   string      `yaml:"title"`
	Clause  string      `yaml:"clause"`
	Layout  string      `yaml:"layout"`
	Columns []Column    `yaml:"columns"`
	Rows    []yaml.Node `yaml:"rows"`
	Totals  []struct {
		Label  string            `yaml:"label"`
		Seq    int               `yaml:"seq"`
		Values map[string]Figure `yaml:"values"`
	} `yaml:"totals"`
	Notes []string `yaml:"notes"`
}

// Column returns the column with the given key.
func (t *Table) Column(key string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}

// RowByRef finds a numbered row by its printed 序号, or, in a table
// without one, by its printed code, name or mineral.
func (t *Table) RowByRef(ref string) (Row, bool) {
	if n, err := strconv.Atoi(ref); err == nil {
		for _, r := range t.Rows {
			if r.Seq == n && r.Seq != 0 {
				return r, true
			}
		}
	}
	for _, key := range []string{"code", "name", "mineral", "indicator"} {
		for _, r := range t.Rows {
			if c, ok := r.Cells[key]; ok && c.Text == ref && r.PartOf == 0 {
				return r, true
			}
		}
	}
	return Row{}, false
}

// quantity is a cell's figure as a quantity in its row's unit.
func (t *Table) quantity(c Column, r Row, desc string) (Quantity, error) {
	cell, ok := r.Cells[c.Key]
	if !ok || cell.Figure == nil {
		return Quantity{}, fmt.Errorf("%s: no figure in column %q", desc, c.Key)
	}
	u, ok := t.RowUnit(c, r)
	if !ok {
		return Quantity{}, fmt.Errorf("%s: column %q has no unit", desc, c.Key)
	}
	q, err := figureQuantity(*cell.Figure, u, desc)
	if err == nil && c.Exact {
		q.Half.SetInt64(0)
	}
	return q, err
}

// RowUnit is the unit of a figure column in a given row.
func (t *Table) RowUnit(c Column, r Row) (Unit, bool) {
	if c.UnitColumn == "" {
		return c.unit, c.Unit != ""
	}
	cell, ok := r.Cells[c.UnitColumn]
	if !ok || cell.Unit == nil {
		if r.PartOf != 0 {
			// A sub-row without its own unit cell inherits its parent's.
			for _, p := range t.Rows {
				if p.Seq == r.PartOf {
					return t.RowUnit(c, p)
				}
			}
		}
		return Unit{}, false
	}
	return *cell.Unit, true
}

// MarshalJSON gives the table with rows as flat objects: figures as
// numbers, units and text as strings.
func (t *Table) MarshalJSON() ([]byte, error) {
	rows := make([]map[string]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		m := map[string]any{}
		if r.Seq != 0 {
			m["seq"] = r.Seq
		}
		if r.PartOf != 0 {
			m["part_of"] = r.PartOf
		}
		for _, c := range t.Columns {
			cell, ok := r.Cells[c.Key]
			if !ok || c.Type == ColSeq {
				continue
			}
			m[c.Key] = cell.jsonValue(c)
		}
		rows = append(rows, m)
	}
	totals := make([]map[string]any, 0, len(t.Totals))
	for _, tot := range t.Totals {
		m := map[string]any{"label": tot.Label}
		if tot.Seq != 0 {
			m["seq"] = tot.Seq
		}
		vals := map[string]any{}
		for k, v := range tot.Values {
			vals[k] = v
		}
		m["values"] = vals
		totals = append(totals, m)
	}
	notes := t.Notes
	if notes == nil {
		notes = []string{}
	}
	return json.Marshal(struct {
		ID      string           `json:"id"`
		Title   string           `json:"title"`
		Clause  string           `json:"clause"`
		Layout  string           `json:"layout,omitempty"`
		Columns []Column         `json:"columns"`
		Rows    []map[string]any `json:"rows"`
		Totals  []map[string]any `json:"totals"`
		Notes   []string         `json:"notes"`
	}{t.ID, t.Title, t.Clause, t.Layout, t.Columns, rows, totals, notes})
}

func (c Cell) jsonValue(col Column) any {
	switch col.Type {
	case ColFigure:
		return c.Figure
	case ColMinerals, ColCounties:
		return c.Names
	case ColUnit:
		return c.Unit.Printed
	}
	return c.Text
}

// decodeRows turns the raw row nodes into typed rows; errors name the line
// and the column.
func (t *Table) decodeRows(nodes []yaml.Node) []error {
	var errs []error
	for i := range nodes {
		n := &nodes[i]
		if n.Kind != yaml.MappingNode {
			errs = append(errs, fmt.Errorf("line %d: rows[%d]: a row must be a map of column keys", n.Line, i))
			continue
		}
		row := Row{Cells: map[string]Cell{}, Line: n.Line}
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], n.Content[j+1]
			if k.Value == "part_of" {
				p, err := strconv.Atoi(v.Value)
				if err != nil || p <= 0 {
					errs = append(errs, fmt.Errorf("line %d: rows[%d].part_of: %q is not a row number", k.Line, i, v.Value))
				}
				row.PartOf = p
				continue
			}
			col, ok := t.Column(k.Value)
			if !ok {
				errs = append(errs, fmt.Errorf("line %d: rows[%d]: unknown column %q", k.Line, i, k.Value))
				continue
			}
			cell, err := decodeCell(col, v)
			if err != nil {
				errs = append(errs, fmt.Errorf("line %d: rows[%d].%s: %v", v.Line, i, k.Value, err))
				continue
			}
			if col.Type == ColSeq {
				row.Seq, _ = strconv.Atoi(cell.Text)
			}
			row.Cells[col.Key] = cell
		}
		t.Rows = append(t.Rows, row)
	}
	return errs
}

func decodeCell(col Column, v *yaml.Node) (Cell, error) {
	switch col.Type {
	case ColSeq:
		if _, err := strconv.Atoi(v.Value); err != nil || v.Kind != yaml.ScalarNode {
			return Cell{}, fmt.Errorf("序号 %q is not a whole number", v.Value)
		}
		return Cell{Text: v.Value}, nil
	case ColText, ColMineral, ColCounty:
		if v.Kind != yaml.ScalarNode {
			return Cell{}, fmt.Errorf("expected printed text")
		}
		return Cell{Text: v.Value}, nil
	case ColMinerals, ColCounties:
		var names []string
		if err := v.Decode(&names); err != nil {
			return Cell{}, fmt.Errorf("expected a list of names")
		}
		return Cell{Names: names}, nil
	case ColUnit:
		u, err := ParseUnit(v.Value)
		if err != nil {
			return Cell{}, err
		}
		return Cell{Unit: &u}, nil
	case ColFigure:
		var f Figure
		if err := f.UnmarshalYAML(v); err != nil {
			return Cell{}, err
		}
		return Cell{Figure: &f}, nil
	}
	return Cell{}, fmt.Errorf("column type %q is unknown", col.Type)
}
